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

export const utcTimeSchema = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'a UTC time such as 2025-01-01T12:00:00.000Z');

const documentSchema = z.strictObject({
  v: z.literal(EVENT_FORMAT_VERSION),
  ceremonyId: ceremonyIdSchema,
  seq: z.number().int().min(1),
  time: utcTimeSchema,
  type: z.string(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
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

/**
 * Reads stored bytes back: they must be JSON, in canonical form (so one fact has one byte
 * sequence), and a valid event of the vocabulary.
 */
export function decodeEvent(bytes: Buffer): DecodeResult {
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'its stored bytes are not JSON' };
  }
  if (!isCanonical(parsed, text) || !Buffer.from(text, 'utf8').equals(bytes)) return { ok: false, reason: 'its stored bytes are not in canonical (RFC 8785) form' };
  const doc = documentSchema.safeParse(parsed);
  if (!doc.success) return { ok: false, reason: `its record is malformed (${describeIssue(doc.error)})` };
  const ev = eventSchema.safeParse({ type: doc.data.type, payload: doc.data.payload });
  if (!ev.success) return { ok: false, reason: `it is not a valid "${doc.data.type}" event (${describeIssue(ev.error)})` };
  return { ok: true, doc: { ...doc.data, ...ev.data } as EventDocument };
}

function isCanonical(parsed: unknown, text: string): boolean {
  try {
    return canonicalize(parsed) === text;
  } catch {
    return false;
  }
}

export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}
