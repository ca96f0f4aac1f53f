import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { KskError, messageOf } from '../errors.js';
import { toPgpWords } from '../hash/pgpWords.js';
import { sha256 } from '../hash/sha256.js';
import { decodeEvent, GENESIS_PREV_HASH, type EventDocument } from './canonical.js';
import { openDatabase, type EventRow } from './database.js';
import type { SealKey } from './events.js';
import { APPLICATION_ID, migrations, SCHEMA_VERSION, schemaVersion } from './migrations/index.js';
import { sameSealKey, sealSignatureValid, sealStatementBytes, sealStatementSchema, type SealStatement } from './seal.js';
import { auditKeyFingerprint, pinAccepts, type AuditKeyFingerprint, type AuditKeyPin } from './auditKey.js';
import { compareWithCheckpoints, databaseHeads, type SignedCheckpoint } from './checkpoints.js';
import { checkStorage } from './storageCheck.js';
import { isDamagedDatabase, sqliteCode } from './storageErrors.js';

/**
 * Offline verification of an evidence database: every chain, every stored artifact, every seal.
 * The CLI (ksk-ceremony log verify) and the app run this same code. It opens the file read-only
 * and trusts nothing in it: not the schema, not the indexed columns, only the hashed bytes, the
 * hashes and the seal signatures.
 */

export type VerifyCheck = 'sequence' | 'hash' | 'record' | 'chain' | 'story' | 'artifact' | 'seal' | 'pin' | 'checkpoint' | 'link' | 'schema' | 'damaged';

export interface VerifyProblem {
  readonly check: VerifyCheck;
  readonly ceremonyId: string | null;
  /** The first event that differs from what the log recorded; null when the problem is not one event's. */
  readonly seq: number | null;
  readonly message: string;
}

export interface CeremonyVerification {
  readonly ceremonyId: string;
  /** Events checked (up to the first problem). */
  readonly events: number;
  /** The last event as stored, in hex and PGP words: what the printed record carries. */
  readonly head: { seq: number; hash: string; pgpWords: string[] } | null;
  readonly sealed: boolean;
  readonly seal: (Pick<SealStatement, 'sealedAt' | 'headSeq' | 'headHash'> & { key: SealKey; fingerprint: AuditKeyFingerprint; pinned: boolean | null }) | null;
  readonly ok: boolean;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly file: string;
  readonly events: number;
  readonly artifacts: number;
  readonly ceremonies: readonly CeremonyVerification[];
  readonly firstBadCeremonyId?: string;
  readonly firstBadSeq?: number;
  /** The first problem, in words. */
  readonly problem?: string;
  readonly problems: readonly VerifyProblem[];
  /** One sentence for the person reading: all good, or where the log first differs. */
  readonly message: string;
  /** The audit keys seals were held to, and who pinned them; null when nobody pinned one. */
  readonly pin: AuditKeyPin | null;
  /** What this verification proves, and what only the signed paper can. */
  readonly limits: readonly string[];
}

export interface VerifyOptions {
  /** Treat a ceremony without a seal as a failure (an exported bundle must be sealed). */
  readonly requireSealed?: boolean;
  /** Accept seals only by these audit keys (pinned by the caller or the workspace config). */
  readonly pin?: AuditKeyPin | null;
  /** Witnessed checkpoints (from outside the log): the log must still hold every head they witnessed. */
  readonly checkpoints?: readonly SignedCheckpoint[];
}

interface SealRow {
  ceremony_id: string;
  head_seq: number;
  head_hash: Buffer;
  statement: Buffer;
  signature: Buffer;
}

/** A ceremony's chain as far as it verified. */
interface Walk {
  readonly ceremonyId: string;
  events: number;
  last: { seq: number; hash: string; doc: EventDocument } | null;
  opened: EventDocument | null;
  problems: VerifyProblem[];
  /** Artifact hash -> first event (in this ceremony) that names it, with the size it states. */
  artifactRefs: Map<string, { seq: number; size: number | null }>;
  headRefs: { seq: number; hash: string }[];
  /** Walked to its end: every artifact its events record is known. */
  complete: boolean;
}

export function verifyEvidence(file: string, options: VerifyOptions = {}): VerifyReport {
  if (!existsSync(file)) throw new KskError('NOT_FOUND', `No file at ${file}.`);
  let db: Database.Database;
  try {
    db = openDatabase(file, { readonly: true });
    probe(db);
  } catch (e) {
    const code = sqliteCode(e instanceof KskError ? e.cause : e);
    if (code === 'SQLITE_CANTOPEN') return verifyCopy(file, options);
    if (code === 'SQLITE_NOTADB' || code?.startsWith('SQLITE_CORRUPT'))
      throw new KskError('BAD_INPUT_FILE', `${file} is not an SQLite database, or its header is damaged (${code}).`);
    throw new KskError('BAD_INPUT_FILE', messageOf(e));
  }
  try {
    return verifyDatabase(db, file, options);
  } finally {
    db.close();
  }
}

/** SQLite opens lazily: the first read says whether the file can be read at all. */
function probe(db: Database.Database): void {
  try {
    db.pragma('user_version');
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * SQLite cannot open a WAL database on read-only media (a bundle on a write-protected stick): its
 * reader needs the -shm file beside it. Verify a private copy instead; nothing writes to the medium.
 */
function verifyCopy(file: string, options: VerifyOptions): VerifyReport {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-verify-'));
  try {
    const copy = path.join(dir, 'evidence.sqlite');
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = openDatabase(copy, { readonly: true });
    try {
      return verifyDatabase(db, file, options);
    } finally {
      db.close();
    }
  } catch (e) {
    throw e instanceof KskError && e.code !== 'STORAGE_ERROR'
      ? e
      : new KskError('BAD_INPUT_FILE', `${file} cannot be read as an evidence log: ${messageOf(e)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function verifyDatabase(db: Database.Database, file: string, options: VerifyOptions = {}): VerifyReport {
  try {
    return verifyContents(db, file, options);
  } catch (e) {
    if (!isDamagedDatabase(e)) throw e;
    return damagedReport(file, options, `The database file is damaged (${sqliteCode(e)}): its pages were changed outside SQLite, or the disk failed.`);
  }
}

function damagedReport(file: string, options: VerifyOptions, message: string): VerifyReport {
  const problem: VerifyProblem = { check: 'damaged', ceremonyId: null, seq: null, message };
  return {
    ok: false,
    file,
    events: 0,
    artifacts: 0,
    ceremonies: [],
    problem: message,
    problems: [problem],
    message,
    pin: options.pin ?? null,
    limits: verificationLimits(options.pin ?? null),
  };
}

function verifyContents(db: Database.Database, file: string, options: VerifyOptions): VerifyReport {
  const schemaProblems = checkSchema(db, file);
  const storage = checkStorage(db);
  if (storage.damage.length > 0) {
    return damagedReport(
      file,
      options,
      `The database file is damaged: ${storage.damage.map((f) => f.message).join('; ')}. Nothing read from it can be trusted: restore the last good copy (or the replica on the export medium) and verify that.`,
    );
  }
  schemaProblems.push(
    ...storage.references.map((f): VerifyProblem => ({
      check: 'damaged',
      ceremonyId: null,
      seq: null,
      message: `The foreign key check reports ${f.message}.`,
    })),
  );
  const walks = ceremonyIds(db).map((id) => walkCeremony(db, id));
  const byId = new Map(walks.map((w) => [w.ceremonyId, w]));
  const seals = tableExists(db, 'seals') ? (db.prepare('SELECT * FROM seals ORDER BY ceremony_id').all() as SealRow[]) : [];
  const orphanProblems: VerifyProblem[] = [];
  for (const seal of seals) {
    const walk = byId.get(seal.ceremony_id);
    if (walk) checkSeal(db, walk, seal, options.pin ?? null);
    else
      orphanProblems.push({
        check: 'seal',
        ceremonyId: seal.ceremony_id,
        seq: null,
        message: `There is a seal for ceremony ${seal.ceremony_id}, which has no events in this log: its events were removed.`,
      });
  }
  const sealed = new Map(seals.map((s) => [s.ceremony_id, s]));
  for (const walk of walks) {
    if (!sealed.has(walk.ceremonyId) && walk.last?.doc.type === 'ceremony.closed') {
      report(walk, 'seal', walk.last.seq, `Ceremony ${walk.ceremonyId} was closed (event ${walk.last.seq}) but its seal is missing: it was removed.`);
    }
    if (options.requireSealed && !sealed.has(walk.ceremonyId) && walk.problems.length === 0) {
      report(walk, 'seal', null, `Ceremony ${walk.ceremonyId} is not sealed: it was never closed, so its log may still be incomplete.`);
    }
    checkReferences(db, walk);
    checkPreviousCeremony(walk, byId, sealed);
  }
  checkCheckpoints(db, byId, orphanProblems, options);
  const artifacts = checkArtifacts(db, walks, orphanProblems);
  const problems = [...walks.flatMap((w) => [...w.problems].sort(bySeq).slice(0, 1)), ...orphanProblems, ...schemaProblems];
  const first = problems[0];
  const events = walks.reduce((n, w) => n + w.events, 0);
  const pin = options.pin ?? null;
  const ceremonies = walks.map((w) => summary(w, sealed.get(w.ceremonyId), pin));
  const base = { file, events, artifacts, ceremonies, problems, pin, limits: verificationLimits(pin) };
  if (!first) {
    const sealedCount = ceremonies.filter((c) => c.sealed).length;
    return {
      ok: true,
      ...base,
      message: `The evidence log ${file} verifies: ${events} events in ${walks.length} ceremon${walks.length === 1 ? 'y' : 'ies'} (${sealedCount} sealed), ${artifacts} artifacts.`,
    };
  }
  const where = first.seq !== null && first.ceremonyId !== null ? `Event ${first.seq} of ceremony ${first.ceremonyId} is the first that differs. ` : '';
  return {
    ok: false,
    ...base,
    ...(first.ceremonyId !== null ? { firstBadCeremonyId: first.ceremonyId } : {}),
    ...(first.seq !== null ? { firstBadSeq: first.seq } : {}),
    problem: first.message,
    message: `${where}${first.message}`,
  };
}

function bySeq(a: VerifyProblem, b: VerifyProblem): number {
  return (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER);
}

function report(walk: Walk, check: VerifyCheck, seq: number | null, message: string): void {
  walk.problems.push({ check, ceremonyId: walk.ceremonyId, seq, message });
}

function tableExists(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Refuses a file that is not an evidence log; reports append-only triggers that were removed or altered. */
function checkSchema(db: Database.Database, file: string): VerifyProblem[] {
  let version: number;
  let appId: unknown;
  try {
    version = schemaVersion(db);
    appId = db.pragma('application_id', { simple: true });
  } catch (e) {
    throw new KskError('BAD_INPUT_FILE', `${file} is not an SQLite database${sqliteCode(e) ? ` (${sqliteCode(e)})` : ''}.`);
  }
  if (appId !== APPLICATION_ID || version < 1 || !tableExists(db, 'events'))
    throw new KskError('BAD_INPUT_FILE', `${file} is not a KSK Ceremony evidence log.`);
  if (version > SCHEMA_VERSION)
    throw new KskError(
      'BAD_INPUT_FILE',
      `${file} was written by a newer version of KSK Ceremony (schema ${version}; this verifier reads up to ${SCHEMA_VERSION}).`,
    );
  const normalize = (sql: string) => sql.replace(/\s+/g, ' ').replace(/;$/, '').trim();
  const expected = migrations
    .slice(0, version)
    .flatMap((m) => m.sql.match(/CREATE TRIGGER[\s\S]*?END;/g) ?? [])
    .map(normalize);
  const actual = new Set((db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger'").pluck().all() as string[]).map(normalize));
  const missing = expected.filter((sql) => !actual.has(sql)).map((sql) => /CREATE TRIGGER (\S+)/.exec(sql)?.[1]);
  return missing.length === 0
    ? []
    : [
        {
          check: 'schema',
          ceremonyId: null,
          seq: null,
          message: `The append-only triggers ${missing.join(', ')} were removed or altered: someone edited the database outside the app.`,
        },
      ];
}

/** Ceremonies in the order they were opened (by the time their first stored row claims). */
function ceremonyIds(db: Database.Database): string[] {
  return db.prepare('SELECT ceremony_id FROM events GROUP BY ceremony_id ORDER BY min(time), ceremony_id').pluck().all() as string[];
}

function walkCeremony(db: Database.Database, ceremonyId: string): Walk {
  const walk: Walk = { ceremonyId, events: 0, last: null, opened: null, problems: [], artifactRefs: new Map(), headRefs: [], complete: false };
  let expected = 1;
  let prevHash = GENESIS_PREV_HASH;
  const openIntents = new Set<string>();
  const intents = new Set<string>();
  let failure: { seq: number; check: VerifyCheck; message: string; doc?: EventDocument } | null = null;
  try {
    for (const row of db
      .prepare('SELECT seq, time, type, prev_hash, hash, canonical FROM events WHERE ceremony_id = ? ORDER BY seq')
      .iterate(ceremonyId) as IterableIterator<Omit<EventRow, 'ceremony_id'>>) {
      const p = expected;
      const fail = (check: VerifyCheck, message: string, doc?: EventDocument) => {
        failure = { seq: p, check, message, ...(doc ? { doc } : {}) };
      };
      if (row.seq !== p) {
        fail('sequence', row.seq > p ? `It is missing (the next stored event is ${row.seq}): events were deleted.` : `It is stored twice.`);
        break;
      }
      if (!Buffer.isBuffer(row.canonical) || !Buffer.isBuffer(row.hash) || !sha256(row.canonical).equals(row.hash)) {
        fail('hash', 'Its stored bytes do not match its SHA-256: the event was changed.');
        break;
      }
      const decoded = decodeEvent(row.canonical);
      if (!decoded.ok) {
        fail('record', `It cannot be read: ${decoded.reason}.`);
        break;
      }
      const doc = decoded.doc;
      if (doc.seq !== p) {
        fail('sequence', `The event stored here is event ${doc.seq} of its chain: events were inserted, deleted or reordered.`, doc);
        break;
      }
      if (doc.ceremonyId !== ceremonyId) {
        fail('record', `It is an event of ceremony ${doc.ceremonyId}, stored under ${ceremonyId}.`);
        break;
      }
      const column = editedColumn(row, doc);
      if (column) {
        fail('record', `Its ${column[0]} column says "${column[1]}" but its hashed record says "${column[2]}": the row was edited.`);
        break;
      }
      if (doc.prevHash !== prevHash) {
        fail('chain', `It does not follow event ${p - 1}: the chain is broken here.`, doc);
        break;
      }
      const story = storyProblem(doc, walk, openIntents, intents);
      if (story) {
        fail('story', story);
        break;
      }
      prevHash = row.hash.toString('hex');
      walk.last = { seq: p, hash: prevHash, doc };
      walk.events++;
      expected++;
    }
  } catch (e) {
    if (!isDamagedDatabase(e)) throw e;
    failure = { seq: expected, check: 'damaged', message: `The database file is damaged from here on (${sqliteCode(e)}).` };
  }
  walk.complete = failure === null;
  if (failure) {
    const f = failure as { seq: number; check: VerifyCheck; message: string; doc?: EventDocument };
    const firstBad = f.doc && (f.check === 'chain' || f.check === 'sequence') ? locateBreak(db, ceremonyId, f.seq, f.doc) : f.seq;
    const message =
      firstBad === f.seq
        ? f.message
        : `It is not part of the chain that was written (event ${f.seq} ${f.message.replace(/^It /, '').replace(/^its /, 'has its ')}`;
    report(walk, f.check, firstBad, message);
  }
  return walk;
}

/** The first indexed column that differs from the hashed record: its name, stored and hashed values. */
function editedColumn(row: Pick<EventRow, 'type' | 'time' | 'prev_hash'>, doc: EventDocument): [string, string, string] | null {
  if (row.type !== doc.type) return ['type', String(row.type), doc.type];
  if (row.time !== doc.time) return ['time', String(row.time), doc.time];
  const stored = Buffer.isBuffer(row.prev_hash) ? row.prev_hash.toString('hex') : String(row.prev_hash);
  return stored === doc.prevHash ? null : ['previous hash', stored, doc.prevHash];
}

/**
 * What the chain tells must make sense: it starts with the opening and ends with the closing, and an
 * HSM outcome answers an intent before it.
 */
function storyProblem(doc: EventDocument, walk: Walk, openIntents: Set<string>, intents: Set<string>): string | null {
  if ((doc.seq === 1) !== (doc.type === 'ceremony.opened'))
    return doc.seq === 1 ? `It should open the ceremony but is a "${doc.type}" event.` : 'It opens the ceremony a second time.';
  if (walk.last?.doc.type === 'ceremony.closed') return `It was recorded after the ceremony was closed (event ${walk.last.seq}).`;
  switch (doc.type) {
    case 'ceremony.opened':
      walk.opened = doc;
      break;
    case 'hsm.intent':
      if (intents.has(doc.payload.opId)) return `It starts HSM operation "${doc.payload.opId}" a second time.`;
      intents.add(doc.payload.opId);
      openIntents.add(doc.payload.opId);
      break;
    case 'hsm.done':
    case 'hsm.failed':
    case 'hsm.reconciled':
      if (!openIntents.delete(doc.payload.opId)) return `It records an outcome for HSM operation "${doc.payload.opId}", which has no open intent before it.`;
      break;
    case 'artifact.stored':
      if (!walk.artifactRefs.has(doc.payload.sha256)) walk.artifactRefs.set(doc.payload.sha256, { seq: doc.seq, size: doc.payload.size });
      break;
    case 'attestation.signed':
      if (!walk.artifactRefs.has(doc.payload.signatureSha256)) walk.artifactRefs.set(doc.payload.signatureSha256, { seq: doc.seq, size: null });
      walk.headRefs.push({ seq: doc.seq, hash: doc.payload.logHeadHash });
      break;
    case 'attestation.declined':
      walk.headRefs.push({ seq: doc.seq, hash: doc.payload.logHeadHash });
      break;
    default:
      break;
  }
  return null;
}

/**
 * Where a broken chain first differs from the chain that was written. The row at position p does
 * not fit; the hash it names as its predecessor tells why:
 * - it names an earlier event q < p-1: the rows between were inserted, the first bad is q+1;
 * - it sits in its own place and names no stored event: its predecessor p-1 was replaced by a
 *   forged event, unless the event after p does not follow p either, in which case p was.
 */
function locateBreak(db: Database.Database, ceremonyId: string, p: number, doc: EventDocument): number {
  const seqOfHash = (hex: string): number | null =>
    hex === GENESIS_PREV_HASH
      ? 0
      : ((db.prepare('SELECT seq FROM events WHERE ceremony_id = ? AND hash = ?').pluck().get(ceremonyId, Buffer.from(hex, 'hex')) as number | undefined) ??
        null);
  const q = seqOfHash(doc.prevHash);
  if (q !== null && q < p - 1) return q + 1;
  if (doc.seq !== p || q !== null || p === 1) return p;
  const next = db
    .prepare('SELECT prev_hash FROM events WHERE ceremony_id = ? AND seq = ?')
    .pluck()
    .get(ceremonyId, p + 1) as Buffer | undefined;
  const ownHash = db.prepare('SELECT hash FROM events WHERE ceremony_id = ? AND seq = ?').pluck().get(ceremonyId, p) as Buffer;
  const seal = tableExists(db, 'seals')
    ? (db.prepare('SELECT head_seq, head_hash FROM seals WHERE ceremony_id = ?').get(ceremonyId) as { head_seq: number; head_hash: Buffer } | undefined)
    : undefined;
  const successorFollows = next ? next.equals(ownHash) : seal?.head_seq === p && Buffer.isBuffer(seal.head_hash) && seal.head_hash.equals(ownHash);
  return successorFollows ? p - 1 : p;
}

/** Attestations must name a head that is an earlier event of the same chain. */
function checkReferences(db: Database.Database, walk: Walk): void {
  for (const ref of walk.headRefs) {
    const seq = db.prepare('SELECT seq FROM events WHERE ceremony_id = ? AND hash = ?').pluck().get(walk.ceremonyId, Buffer.from(ref.hash, 'hex')) as
      number | undefined;
    if (seq === undefined || seq >= ref.seq)
      report(walk, 'story', ref.seq, `The attestation names the log head ${ref.hash}, which is not an earlier event of this ceremony.`);
  }
}

function checkSeal(db: Database.Database, walk: Walk, row: SealRow, pin: AuditKeyPin | null): void {
  const bad = (seq: number | null, message: string) => report(walk, 'seal', seq, message);
  const text = Buffer.isBuffer(row.statement) ? row.statement.toString('utf8') : '';
  let statement: SealStatement;
  try {
    statement = sealStatementSchema.parse(JSON.parse(text));
    if (!sealStatementBytes(statement).equals(row.statement)) throw new Error('not canonical');
  } catch {
    return bad(typeof row.head_seq === 'number' ? row.head_seq : null, 'The seal statement is not a valid, canonical seal: the seal was altered or replaced.');
  }
  const headSeq = statement.headSeq;
  if (
    statement.ceremonyId !== walk.ceremonyId ||
    row.head_seq !== headSeq ||
    !Buffer.isBuffer(row.head_hash) ||
    row.head_hash.toString('hex') !== statement.headHash
  ) {
    return bad(headSeq, 'The seal row does not agree with its signed statement: the seal was altered.');
  }
  if (!Buffer.isBuffer(row.signature) || !sealSignatureValid(statement, row.signature))
    return bad(headSeq, 'The seal signature does not verify: the seal was altered or replaced.');
  if (walk.problems.length > 0 || !walk.last) return;
  if (walk.last.seq < headSeq)
    return bad(walk.last.seq + 1, `The seal covers events up to ${headSeq}, but the log ends at ${walk.last.seq}: events were deleted.`);
  if (walk.last.seq > headSeq) return bad(headSeq + 1, `It was added after the seal, which covers events up to ${headSeq}.`);
  if (walk.last.hash !== statement.headHash) return bad(headSeq, `Its hash is not the head hash the seal signed (${statement.headHash}).`);
  const closed = walk.last.doc;
  if (closed.type !== 'ceremony.closed') return bad(headSeq, `The seal covers a "${closed.type}" event, not the closing of the ceremony.`);
  if (!sameSealKey(closed.payload.sealKey, statement.key))
    return bad(headSeq, 'The seal was made with another key than the one declared when the ceremony closed: the seal was replaced.');
  checkSealKeyPinned(walk, statement, pin);
}

/**
 * The seal must be by the audit key pinned outside the log (by the caller or the workspace
 * config): a log rewritten and sealed again with a fresh key is consistent in itself, and only the
 * pin tells it apart. The opening's own claim is checked too, but it is only a claim inside the log.
 */
function checkSealKeyPinned(walk: Walk, statement: SealStatement, pin: AuditKeyPin | null): void {
  const fingerprint = auditKeyFingerprint(statement.key).hex;
  if (pin && !pinAccepts(pin, statement.key)) {
    report(
      walk,
      'pin',
      statement.headSeq,
      `The seal is by an audit key that is not pinned: its fingerprint is ${fingerprint}, but ${pin.source} pins ${pin.fingerprints.join(' or ')}. The ceremony was sealed again by someone else's key.`,
    );
    return;
  }
  const declared = walk.opened?.type === 'ceremony.opened' ? walk.opened.payload.auditKey : undefined;
  if (declared && !sameSealKey(declared, statement.key)) {
    report(
      walk,
      'pin',
      statement.headSeq,
      `The seal is by another key (fingerprint ${fingerprint}) than the audit key the ceremony named when it opened (${auditKeyFingerprint(declared).hex}).`,
    );
  }
}

/** A step of its own: the log against the newest witnessed checkpoint of each ceremony. */
function checkCheckpoints(db: Database.Database, byId: Map<string, Walk>, orphanProblems: VerifyProblem[], options: VerifyOptions): void {
  if (!options.checkpoints || options.checkpoints.length === 0) return;
  for (const finding of compareWithCheckpoints(databaseHeads(db), options.checkpoints, options.pin ?? null)) {
    const walk = byId.get(finding.ceremonyId);
    if (walk) report(walk, 'checkpoint', finding.seq, finding.message);
    else orphanProblems.push({ check: 'checkpoint', ceremonyId: finding.ceremonyId, seq: finding.seq, message: finding.message });
  }
}

/** Said with every verification, so nobody reads more into "verifies" than it holds. */
export function verificationLimits(pin: AuditKeyPin | null): string[] {
  return [
    'Proven from the file alone: every event is intact and in its chain, every artifact has its recorded bytes, and each seal is a valid signature over its head.',
    pin
      ? `Proven with the pin (${pin.source}): each seal was made by the workspace's audit key, so a log cut or rewritten after sealing cannot be sealed again without that key.`
      : 'NOT proven, because no audit key was pinned (--audit-key FINGERPRINT|FILE, or the workspace config): who made the seals. A log rewritten whole and sealed again with a fresh key verifies the same way.',
    'Not provable without the signed paper: that the head here is the head the IW signed, and (without the checkpoint files) that no witnessed event was lost. Compare the head hash (hex or words) and the audit key fingerprint with the paper.',
  ];
}

/** A ceremony's opening names the sealed head of the ceremony before it; if that one is here, they must agree. */
function checkPreviousCeremony(walk: Walk, byId: Map<string, Walk>, seals: Map<string, SealRow>): void {
  const previous = walk.opened?.type === 'ceremony.opened' ? walk.opened.payload.previousCeremony : null;
  if (!previous || !byId.has(previous.ceremonyId)) return;
  const seal = seals.get(previous.ceremonyId);
  const head = seal && Buffer.isBuffer(seal.head_hash) ? seal.head_hash.toString('hex') : null;
  if (head !== previous.headHash) {
    report(
      walk,
      'link',
      1,
      `It was opened after ceremony ${previous.ceremonyId} was sealed with head ${previous.headHash}, but that ceremony in this log ${head ? `is sealed with head ${head}` : 'has no seal'}: it was replaced.`,
    );
  }
}

/** Every artifact named by a verified event must be stored with exactly its bytes; none may be unnamed. */
function checkArtifacts(db: Database.Database, walks: Walk[], orphanProblems: VerifyProblem[]): number {
  if (!tableExists(db, 'artifacts')) return 0;
  const named = new Map<string, { walk: Walk; seq: number; size: number | null }[]>();
  for (const walk of walks) for (const [hash, ref] of walk.artifactRefs) named.set(hash, [...(named.get(hash) ?? []), { walk, ...ref }]);
  const seen = new Set<string>();
  let count = 0;
  const refsOf = (hash: string) => named.get(hash) ?? [];
  for (const row of db.prepare('SELECT sha256, size, bytes FROM artifacts').iterate() as IterableIterator<{ sha256: Buffer; size: number; bytes: Buffer }>) {
    count++;
    const key = Buffer.isBuffer(row.sha256) ? row.sha256.toString('hex') : String(row.sha256);
    seen.add(key);
    const intact = Buffer.isBuffer(row.bytes) && sha256(row.bytes).toString('hex') === key && row.size === row.bytes.length;
    if (!named.has(key)) {
      if (walks.every((w) => w.complete))
        orphanProblems.push({
          check: 'artifact',
          ceremonyId: null,
          seq: null,
          message: `The artifact ${key} is stored but no event records it: it was added outside the app.`,
        });
      continue;
    }
    for (const ref of refsOf(key)) {
      if (!intact) report(ref.walk, 'artifact', ref.seq, `The artifact it records (SHA-256 ${key}) no longer has those bytes: the artifact was changed.`);
      else if (ref.size !== null && ref.size !== row.bytes.length)
        report(ref.walk, 'artifact', ref.seq, `The artifact it records has ${row.bytes.length} bytes, not ${ref.size}.`);
    }
  }
  for (const [key, refs] of named) {
    if (seen.has(key)) continue;
    for (const ref of refs) report(ref.walk, 'artifact', ref.seq, `The artifact it records (SHA-256 ${key}) is not stored: it was removed or replaced.`);
  }
  return count;
}

function summary(walk: Walk, seal: SealRow | undefined, pin: AuditKeyPin | null): CeremonyVerification {
  let sealInfo: CeremonyVerification['seal'] = null;
  if (seal) {
    const parsed = sealStatementSchema.safeParse(safeJson(seal.statement));
    if (parsed.success) {
      const { sealedAt, headSeq, headHash, key } = parsed.data;
      sealInfo = { sealedAt, headSeq, headHash, key, fingerprint: auditKeyFingerprint(key), pinned: pin ? pinAccepts(pin, key) : null };
    }
  }
  const head = walk.last ? { seq: walk.last.seq, hash: walk.last.hash, pgpWords: toPgpWords(Buffer.from(walk.last.hash, 'hex')) } : null;
  return { ceremonyId: walk.ceremonyId, events: walk.events, head, sealed: seal !== undefined, seal: sealInfo, ok: walk.problems.length === 0 };
}

function safeJson(bytes: unknown): unknown {
  try {
    return Buffer.isBuffer(bytes) ? JSON.parse(bytes.toString('utf8')) : null;
  } catch {
    return null;
  }
}
