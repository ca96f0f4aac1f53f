import { isUtf8 } from 'node:buffer';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { KskError, messageOf } from '../errors.js';
import { sha256 } from '../hash/sha256.js';
import { ceremonyIdSchema, eventSchema, type EvidenceEvent } from './events.js';

/**
 * The exact bytes an event is hashed over: RFC 8785 (JCS) canonical JSON of the whole record, so
 * the ceremony, position, time, type and predecessor are covered by the hash as much as the payload.
 * The bytes are stored as they are; the columns beside them are only indexes over the same facts.
 */
export const EVENT_FORMAT_VERSION = 1;
/** What the first event of a chain names as its predecessor. */
export const GENESIS_PREV_HASH = '0'.repeat(64);

const UTC_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const HASH_HEX = /^[0-9a-f]{64}$/;
export const utcTimeSchema = z.string().regex(UTC_TIME, 'a UTC time such as 2025-01-01T12:00:00.000Z');

const documentSchema = z.strictObject({
  v: z.literal(EVENT_FORMAT_VERSION),
  ceremonyId: ceremonyIdSchema,
  seq: z.number().int().min(1),
  time: utcTimeSchema,
  type: z.string(),
  prevHash: z.string().regex(HASH_HEX),
  payload: z.unknown(),
});

export type EventDocument = EvidenceEvent & { v: typeof EVENT_FORMAT_VERSION; ceremonyId: string; seq: number; time: string; prevHash: string };

/** RFC 8785 text of a value; refuses what JSON cannot carry exactly (NaN, lone surrogates, ...). */
export function canonicalText(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (e) {
    throw new KskError('BAD_REQUEST', `The event cannot be recorded exactly: ${messageOf(e)}.`);
  }
  if (text === undefined) throw new KskError('BAD_REQUEST', 'The event has no JSON form.');
  return text;
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalText(value), 'utf8');
}

export function encodeEvent(doc: EventDocument): { bytes: Buffer; hash: Buffer } {
  const bytes = canonicalBytes(doc);
  return { bytes, hash: sha256(bytes) };
}

/** Why stored bytes are not a valid event, in words; null when they are. */
export type DecodeResult = { ok: true; doc: EventDocument } | { ok: false; reason: string };

/** Each event type's own schema, looked up by the record's type instead of tried through the union. */
const eventSchemaOf = new Map(eventSchema.options.map((option) => [option.shape.type.value as string, option]));
const DOCUMENT_KEYS = new Set(Object.keys(documentSchema.shape));

/**
 * Reads stored bytes back: they must be JSON, in canonical form (so one fact has one byte
 * sequence), and a valid event of the vocabulary. The log is verified at hashing speed, so the
 * common case takes a short path that is never less strict than the schemas: the envelope checked
 * field by field and the payload by its type's schema alone. Anything that path does not accept
 * goes through the whole schema, which accepts or refuses it and says why.
 */
export function decodeEvent(bytes: Buffer): DecodeResult {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'its stored bytes are not JSON' };
  }
  // Decoding and re-encoding gives the same bytes exactly when they are well-formed UTF-8.
  if (!isCanonical(parsed, text) || !isUtf8(bytes)) return { ok: false, reason: 'its stored bytes are not in canonical (RFC 8785) form' };
  return decodeShort(parsed) ?? decodeWhole(parsed);
}

function decodeShort(parsed: unknown): DecodeResult | null {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const d = parsed as Record<string, unknown>;
  let keys = 0;
  for (const key in d) {
    if (!DOCUMENT_KEYS.has(key)) return null;
    keys++;
  }
  if (keys !== DOCUMENT_KEYS.size) return null;
  const { v, ceremonyId, seq, time, type, prevHash, payload } = d;
  if (v !== EVENT_FORMAT_VERSION || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof time !== 'string' || !UTC_TIME.test(time) || typeof prevHash !== 'string' || !HASH_HEX.test(prevHash)) return null;
  if (typeof type !== 'string' || !ceremonyIdSchema.safeParse(ceremonyId).success) return null;
  const ev = eventSchemaOf.get(type)?.safeParse({ type, payload });
  if (!ev?.success) return null;
  return { ok: true, doc: { v, ceremonyId, seq, time, prevHash, ...ev.data } as EventDocument };
}

function decodeWhole(parsed: unknown): DecodeResult {
  const doc = documentSchema.safeParse(parsed);
  if (!doc.success) return { ok: false, reason: `its record is malformed (${describeIssue(doc.error)})` };
  const ev = eventSchema.safeParse({ type: doc.data.type, payload: doc.data.payload });
  if (!ev.success) return { ok: false, reason: `it is not a valid "${doc.data.type}" event (${describeIssue(ev.error)})` };
  return { ok: true, doc: { ...doc.data, ...ev.data } as EventDocument };
}

/**
 * RFC 8785 form of parsed JSON. JSON.stringify writes the same text as canonicalize when every
 * object's keys already come in sorted order and no string holds a lone surrogate (canonicalize
 * refuses those; JSON.stringify escapes them as \udxxx, which canonical text then contains): that
 * is checked cheaply, and anything else is canonicalized in full.
 */
function isCanonical(parsed: unknown, text: string): boolean {
  if (keysSorted(parsed) && !text.includes('\\ud')) return JSON.stringify(parsed) === text;
  try {
    return canonicalize(parsed) === text;
  } catch {
    return false;
  }
}

/** Whether every object's keys, in the order they enumerate, are in canonicalize's (UTF-16) order. */
function keysSorted(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(keysSorted);
  let previous: string | null = null;
  for (const key in value) {
    if (previous !== null && !(previous < key)) return false;
    previous = key;
    if (!keysSorted((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
