import { generateKeyPairSync, sign } from 'node:crypto';
import type Database from 'better-sqlite3';
import { publicKeyRdataFromKeyObject } from '../../../core/dnssec/algorithms.js';
import { decodeEvent, encodeEvent, GENESIS_PREV_HASH, type EventDocument } from '../../../core/evidence/canonical.js';
import type { EventRow } from '../../../core/evidence/database.js';
import type { SealKey } from '../../../core/evidence/events.js';
import { sealStatementBytes, SEAL_STATEMENT_TYPE, type SealStatement } from '../../../core/evidence/seal.js';

/**
 * What a forger with the database file (and no audit key) can do to the newest ceremony: rewrite
 * it, or cut it, rehash every event, and seal it again with a key of his own, labelled and typed
 * exactly like the workspace's ("AUDIT-WORKSPACE", kind hsm). The log is then consistent in itself;
 * only the pinned key (and the paper) can tell.
 */
export function forgerKey(): { key: SealKey; sign(data: Buffer): Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const { algorithm, publicKey: raw } = publicKeyRdataFromKeyObject(publicKey);
  return { key: { kind: 'hsm', label: 'AUDIT-WORKSPACE', algorithm, publicKey: raw.toString('base64') }, sign: (data) => sign(null, data, privateKey) };
}

/**
 * Rewrites ceremony `ceremonyId` keeping its first `keep` events (all of them when keep is null),
 * with `edit` applied to each document, closes it again and seals it with `forger`. Triggers must
 * be off (see applyTamper). Artifacts no remaining event names are removed, as a careful forger would.
 */
export function resealCeremony(
  db: Database.Database,
  ceremonyId: string,
  forger: ReturnType<typeof forgerKey>,
  options: { keep: number | null; edit?: (doc: EventDocument) => EventDocument },
): void {
  const rows = db.prepare('SELECT * FROM events WHERE ceremony_id = ? ORDER BY seq').all(ceremonyId) as EventRow[];
  const docs = rows.map((r) => {
    const decoded = decodeEvent(r.canonical);
    if (!decoded.ok) throw new Error(decoded.reason);
    return decoded.doc;
  });
  const kept = docs.filter((d) => d.type !== 'ceremony.closed').slice(0, options.keep ?? undefined);
  db.prepare('DELETE FROM events WHERE ceremony_id = ?').run(ceremonyId);
  db.prepare('DELETE FROM seals WHERE ceremony_id = ?').run(ceremonyId);
  const insert = db.prepare('INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let prevHash = GENESIS_PREV_HASH;
  let last: EventDocument | null = null;
  // Attestations name the head they were shown: the forger points them at the rewritten events.
  const newHash = new Map<string, string>();
  const remap = (value: unknown): unknown =>
    typeof value === 'string'
      ? (newHash.get(value) ?? value)
      : Array.isArray(value)
        ? value.map(remap)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, remap(v)]))
          : value;
  const put = (doc: EventDocument) => {
    const { bytes, hash } = encodeEvent(doc);
    insert.run(ceremonyId, doc.seq, doc.time, doc.type, Buffer.from(doc.prevHash, 'hex'), hash, bytes);
    prevHash = hash.toString('hex');
    last = doc;
  };
  for (const [i, original] of kept.entries()) {
    let doc = { ...original, seq: i + 1, prevHash, payload: remap(original.payload) } as EventDocument;
    if (doc.type === 'ceremony.opened' && doc.payload.auditKey) doc = { ...doc, payload: { ...doc.payload, auditKey: forger.key } } as EventDocument;
    put(options.edit ? options.edit(doc) : doc);
    newHash.set((rows[i] as EventRow).hash.toString('hex'), prevHash);
  }
  const time = (last as EventDocument | null)?.time ?? new Date().toISOString();
  const closed = { v: 1, ceremonyId, seq: kept.length + 1, time, prevHash, type: 'ceremony.closed', payload: { sealKey: forger.key } } as EventDocument;
  put(closed);
  const statement: SealStatement = { type: SEAL_STATEMENT_TYPE, v: 1, ceremonyId, headSeq: closed.seq, headHash: prevHash, sealedAt: time, key: forger.key };
  const bytes = sealStatementBytes(statement);
  db.prepare('INSERT INTO seals (ceremony_id, head_seq, head_hash, statement, signature) VALUES (?, ?, ?, ?, ?)').run(
    ceremonyId,
    closed.seq,
    Buffer.from(prevHash, 'hex'),
    bytes,
    forger.sign(bytes),
  );
  removeUnnamedArtifacts(db);
}

/** Deletes artifacts no event names any more (what a forger does after cutting events). */
export function removeUnnamedArtifacts(db: Database.Database): void {
  const named = new Set<string>();
  for (const canonical of db.prepare('SELECT canonical FROM events').pluck().iterate() as IterableIterator<Buffer>) {
    const doc = JSON.parse(canonical.toString('utf8')) as { type: string; payload: { sha256?: string; signatureSha256?: string } };
    if (doc.type === 'artifact.stored' && doc.payload.sha256) named.add(doc.payload.sha256);
    if (doc.type === 'attestation.signed' && doc.payload.signatureSha256) named.add(doc.payload.signatureSha256);
  }
  for (const hash of db.prepare('SELECT sha256 FROM artifacts').pluck().all() as Buffer[]) {
    if (!named.has(hash.toString('hex'))) db.prepare('DELETE FROM artifacts WHERE sha256 = ?').run(hash);
  }
}
