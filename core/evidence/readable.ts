import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { KskError } from '../errors.js';
import { openDatabase } from './database.js';
import { sqliteCode } from './storageErrors.js';

/**
 * Opens an evidence database for reading only, wherever it is. SQLite cannot open a WAL database
 * on a read-only medium (a write-protected stick, a workspace mounted read-only) unless its -shm
 * file is already there: then a private copy of the file and its -wal, in the system's temporary
 * folder, is read instead, and removed when the reader is done. Nothing is written beside the log.
 */
export function openForReading(file: string): { db: Database.Database; dispose(): void } {
  try {
    const db = openDatabase(file, { readonly: true });
    try {
      db.pragma('user_version');
    } catch (e) {
      db.close();
      throw e;
    }
    return { db, dispose: () => db.close() };
  } catch (e) {
    if (sqliteCode(e instanceof KskError ? e.cause : e) !== 'SQLITE_CANTOPEN' || !existsSync(file)) throw e;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-read-'));
  try {
    const copy = path.join(dir, path.basename(file));
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = openDatabase(copy, { readonly: true });
    return {
      db,
      dispose: () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
