import type Database from 'better-sqlite3';
import { KskError } from '../../errors.js';
import type { Migration } from './migration.js';
import { m001Events } from './m001_events.js';
import { m002Artifacts } from './m002_artifacts.js';
import { m003Seals } from './m003_seals.js';

export type { Migration } from './migration.js';

/** Every schema change, in order. Never edit one that has shipped: add the next. */
export const migrations: readonly Migration[] = [m001Events, m002Artifacts, m003Seals];
migrations.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
});

export const SCHEMA_VERSION = migrations.length;
/** PRAGMA application_id of an evidence database ("KSKE"), set by the first migration. */
export const APPLICATION_ID = 0x4b534b45;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database to `target` (the latest by default) in one transaction: either every pending
 * migration is applied and recorded in user_version, or none is. A database written by a newer
 * version of the app is refused, never downgraded.
 */
export function migrate(db: Database.Database, file: string, target = SCHEMA_VERSION): { from: number; to: number } {
  return db
    .transaction(() => {
      const from = schemaVersion(db);
      if (from > SCHEMA_VERSION) {
        throw new KskError(
          'STORAGE_ERROR',
          `The evidence log ${file} was written by a newer version of KSK Ceremony (schema ${from}; this version knows up to ${SCHEMA_VERSION}). Open it with that version; nothing was changed.`,
        );
      }
      if (from > 0 && db.pragma('application_id', { simple: true }) !== APPLICATION_ID) {
        throw new KskError('STORAGE_ERROR', `${file} is an SQLite database but not a KSK Ceremony evidence log; nothing was changed.`);
      }
      for (const m of migrations.slice(from, target)) {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }
      return { from, to: Math.max(from, target) };
    })
    .immediate();
}
