import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { KskError } from '../errors.js';
import { decodeEvent } from './canonical.js';
import { openDatabase } from './database.js';
import { migrate } from './migrations/index.js';
import { openForReading } from './readable.js';
import { storageError } from './storageErrors.js';
import { verifyDatabase, type VerifyReport } from './verify.js';

/**
 * Writes one ceremony (its events, its seal and the artifacts its events record) to a new
 * evidence database that verifies on its own: what a bundle carries to an auditor. The copy is read
 * in one transaction (a consistent snapshot while the app keeps writing), written to a temporary
 * name, verified, synced, and only then renamed into place; a log that does not verify is refused.
 */
export function exportCeremony(sourceFile: string, ceremonyId: string, destFile: string, options: { requireSealed?: boolean } = {}): VerifyReport {
  const requireSealed = options.requireSealed ?? true;
  const rows = readCeremony(sourceFile, ceremonyId);
  const tmp = path.join(path.dirname(destFile), `.${path.basename(destFile)}.${process.pid}.partial`);
  rmSync(tmp, { force: true });
  let report: VerifyReport;
  let db: Database.Database | undefined;
  try {
    db = openDatabase(tmp);
    migrate(db, tmp);
    const target = db;
    target.transaction(() => {
      const insertEvent = target.prepare(
        'INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (@ceremony_id, @seq, @time, @type, @prev_hash, @hash, @canonical)',
      );
      rows.events.forEach((e) => insertEvent.run(e));
      const insertArtifact = target.prepare('INSERT INTO artifacts (sha256, size, bytes) VALUES (@sha256, @size, @bytes)');
      rows.artifacts.forEach((a) => insertArtifact.run(a));
      if (rows.seal)
        target
          .prepare(
            'INSERT INTO seals (ceremony_id, head_seq, head_hash, statement, signature) VALUES (@ceremony_id, @head_seq, @head_hash, @statement, @signature)',
          )
          .run(rows.seal);
    })();
    // A single self-contained file: no -wal beside it on the removable medium.
    target.pragma('journal_mode = DELETE');
    report = verifyDatabase(target, destFile, { requireSealed });
    target.close();
    fsyncPath(tmp);
  } catch (e) {
    db?.close();
    rmSync(tmp, { force: true });
    throw storageError(e, destFile);
  }
  if (!report.ok) {
    rmSync(tmp, { force: true });
    throw new KskError(
      report.problems.some((p) => p.check === 'seal' && /not sealed/.test(p.message)) ? 'CONFLICT' : 'TAMPERED',
      `Ceremony ${ceremonyId} was not exported: ${report.message}`,
    );
  }
  renameSync(tmp, destFile);
  fsyncPath(path.dirname(destFile));
  return report;
}

function fsyncPath(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

type Row = Record<string, unknown>;

function readCeremony(sourceFile: string, ceremonyId: string): { events: Row[]; artifacts: Row[]; seal: Row | undefined } {
  const { db, dispose } = openForReading(sourceFile);
  try {
    return db.transaction(() => {
      const events = db
        .prepare('SELECT ceremony_id, seq, time, type, prev_hash, hash, canonical FROM events WHERE ceremony_id = ? ORDER BY seq')
        .all(ceremonyId) as (Row & { canonical: Buffer })[];
      if (events.length === 0) throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in ${sourceFile}.`);
      const named = new Set<string>();
      for (const e of events) {
        const decoded = decodeEvent(e.canonical);
        if (!decoded.ok) continue;
        if (decoded.doc.type === 'artifact.stored') named.add(decoded.doc.payload.sha256);
        if (decoded.doc.type === 'attestation.signed') named.add(decoded.doc.payload.signatureSha256);
      }
      const artifact = db.prepare('SELECT sha256, size, bytes FROM artifacts WHERE sha256 = ?');
      const artifacts = [...named].flatMap((hex): Row[] => {
        const row = artifact.get(Buffer.from(hex, 'hex')) as Row | undefined;
        return row ? [row] : [];
      });
      const seal = db.prepare('SELECT ceremony_id, head_seq, head_hash, statement, signature FROM seals WHERE ceremony_id = ?').get(ceremonyId) as
        Row | undefined;
      return { events, artifacts, seal };
    })();
  } catch (e) {
    throw storageError(e, sourceFile);
  } finally {
    dispose();
  }
}
