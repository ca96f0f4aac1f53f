import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { verifySignature } from '../dnssec/algorithms.js';
import { readRegularFileSync } from '../system/inputFiles.js';
import { auditKeyFingerprint, pinAccepts, type AuditKeyPin } from './auditKey.js';
import { canonicalBytes, utcTimeSchema } from './canonical.js';
import { ceremonyIdSchema, sealKeySchema } from './events.js';
import type { Sealer } from './seal.js';

/**
 * Witnessed checkpoints: while a ceremony is open, its head (seq and hash) is signed by the
 * workspace's audit key at every act boundary and around every HSM operation, and written outside
 * the database (checkpoints.jsonl in the workspace, and a mirror on another medium when one is
 * there), fsynced before the ceremony goes on. The log's own file can lose its tail (a cut, a -wal
 * lost after a crash) and still be consistent; the newest checkpoint says how far it reached, so
 * verification and resume can name the loss instead of sealing what is left.
 */
export const CHECKPOINT_FILE = 'checkpoints.jsonl';
export const CHECKPOINT_TYPE = 'ksk-ceremony.checkpoint';
/** An opt-in folder on a removable medium: when present, checkpoints are mirrored into it. */
export const MIRROR_FOLDER = 'ksk-ceremony-mirror';

export const checkpointSchema = z.strictObject({
  type: z.literal(CHECKPOINT_TYPE),
  v: z.literal(1),
  ceremonyId: ceremonyIdSchema,
  headSeq: z.number().int().min(1),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  at: utcTimeSchema,
  reason: z.string().max(200),
  key: sealKeySchema,
});
export type Checkpoint = z.infer<typeof checkpointSchema>;
export interface SignedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly signature: string;
  /** The file it was read from (for messages). */
  readonly source?: string;
}

export async function signCheckpoint(sealer: Sealer, fields: Omit<Checkpoint, 'type' | 'v' | 'key'>): Promise<SignedCheckpoint> {
  const checkpoint: Checkpoint = { type: CHECKPOINT_TYPE, v: 1, ...fields, key: sealer.key };
  return { checkpoint, signature: (await sealer.sign(canonicalBytes(checkpoint))).toString('base64') };
}

export function checkpointSignatureValid(signed: SignedCheckpoint): boolean {
  try {
    const { key } = signed.checkpoint;
    return verifySignature(key.algorithm, Buffer.from(key.publicKey, 'base64'), canonicalBytes(signed.checkpoint), Buffer.from(signed.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Appends one checkpoint line to each file and fsyncs it; returns the files that could not be written. */
export function appendCheckpoint(files: readonly string[], signed: SignedCheckpoint): string[] {
  const line = `${JSON.stringify({ checkpoint: signed.checkpoint, signature: signed.signature })}\n`;
  const failed: string[] = [];
  for (const file of files) {
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const fd = openSync(file, 'a', 0o600);
      try {
        writeSync(fd, line);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      failed.push(file);
    }
  }
  return failed;
}

const lineSchema = z.strictObject({ checkpoint: checkpointSchema, signature: z.string() });

/** The checkpoints of a file, in order; a last line cut short by a crash is not a checkpoint. */
export function readCheckpoints(file: string): SignedCheckpoint[] {
  if (!existsSync(file)) return [];
  const text = readRegularFileSync(file, 'checkpoint file', 64 * 1024 * 1024).toString('utf8');
  const list: SignedCheckpoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = lineSchema.parse(JSON.parse(line));
      list.push({ ...parsed, source: file });
    } catch {
      // A torn line; a forged one fails its signature below instead.
    }
  }
  return list;
}

export function checkpointFiles(workspaceRoot: string, mirrors: readonly string[] = []): string[] {
  return [path.join(workspaceRoot, CHECKPOINT_FILE), ...mirrors.map((m) => path.join(m, CHECKPOINT_FILE))];
}

/** What the comparison reads of a log: the hash of an event (hex, or undefined) and the last seq (0 when none). */
export interface LogHeads {
  hashAt(ceremonyId: string, seq: number): string | undefined;
  lastSeq(ceremonyId: string): number;
}

/** LogHeads of a database opened for verification. */
export function databaseHeads(db: Database.Database): LogHeads {
  const at = db.prepare('SELECT hash FROM events WHERE ceremony_id = ? AND seq = ?').pluck();
  const last = db.prepare('SELECT max(seq) FROM events WHERE ceremony_id = ?').pluck();
  return {
    hashAt: (id, seq) => (at.get(id, seq) as Buffer | undefined)?.toString('hex'),
    lastSeq: (id) => (last.get(id) as number | null) ?? 0,
  };
}

export interface CheckpointFinding {
  readonly ceremonyId: string;
  /** The first event the checkpoint witnessed that the log does not hold as witnessed. */
  readonly seq: number | null;
  readonly message: string;
}

/**
 * Holds a log to the newest valid checkpoint of each ceremony: the witnessed head must be in the
 * log with its hash. A checkpoint by a key the pin does not accept is a finding of its own.
 */
export function compareWithCheckpoints(log: LogHeads, checkpoints: readonly SignedCheckpoint[], pin: AuditKeyPin | null): CheckpointFinding[] {
  const findings: CheckpointFinding[] = [];
  const newest = new Map<string, SignedCheckpoint>();
  for (const signed of checkpoints) {
    const c = signed.checkpoint;
    if (!checkpointSignatureValid(signed)) {
      findings.push({
        ceremonyId: c.ceremonyId,
        seq: null,
        message: `A checkpoint of ceremony ${c.ceremonyId} (event ${c.headSeq}) in ${signed.source ?? 'the checkpoint file'} does not verify: it was altered or forged.`,
      });
      continue;
    }
    if (pin && !pinAccepts(pin, c.key)) {
      findings.push({
        ceremonyId: c.ceremonyId,
        seq: null,
        message: `A checkpoint of ceremony ${c.ceremonyId} (event ${c.headSeq}) is signed by an audit key that is not pinned (${auditKeyFingerprint(c.key).hex}): it is not the workspace's.`,
      });
      continue;
    }
    const before = newest.get(c.ceremonyId);
    if (!before || before.checkpoint.headSeq < c.headSeq) newest.set(c.ceremonyId, signed);
  }
  for (const [ceremonyId, { checkpoint: c }] of newest) {
    const stored = log.hashAt(ceremonyId, c.headSeq);
    const witnessed = `the checkpoint of ${c.at} (${c.reason}) witnessed event ${c.headSeq} with hash ${c.headHash}`;
    if (stored === undefined) {
      const end = log.lastSeq(ceremonyId);
      findings.push({
        ceremonyId,
        seq: end + 1,
        message:
          end === 0
            ? `Ceremony ${ceremonyId} is not in this log, but ${witnessed}: the ceremony was deleted.`
            : `The log of ceremony ${ceremonyId} ends at event ${end}, but ${witnessed}: events ${end + 1} to ${c.headSeq} were lost (the tail was cut, or the -wal file was lost).`,
      });
    } else if (stored !== c.headHash) {
      findings.push({
        ceremonyId,
        seq: c.headSeq,
        message: `Event ${c.headSeq} of ceremony ${ceremonyId} has hash ${stored}, but ${witnessed}: the log was rewritten.`,
      });
    }
  }
  return findings;
}
