import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sqliteBinding } from '../system/nativeAddons.js';
import { storageError } from './storageErrors.js';

/** A row of the events table as better-sqlite3 returns it. */
export interface EventRow {
  ceremony_id: string;
  seq: number;
  time: string;
  type: string;
  prev_hash: Buffer;
  hash: Buffer;
  canonical: Buffer;
}

export interface DatabaseOptions {
  /** Open for reading only (verification, export); the file must exist. */
  readonly readonly?: boolean;
  /** How long a write waits for another connection's lock before failing with a clear message. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens an evidence database with the settings its guarantees rest on: WAL with synchronous=FULL
 * (a commit is on disk before append returns; better-sqlite3 would default WAL to NORMAL, which can
 * lose the last commits on power loss), foreign keys on, and a schema that is never trusted to run
 * functions of its own (a database handed over by someone else is input, not code). The SQLite
 * binary is the one core/system/nativeAddons.ts chose for this runtime.
 */
export function openDatabase(file: string, options: DatabaseOptions = {}): Database.Database {
  const nativeBinding = sqliteBinding();
  let db: Database.Database | undefined;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      timeout: options.busyTimeoutMs ?? 5000,
      nativeBinding,
    });
    db.pragma('trusted_schema = OFF');
    db.pragma('cell_size_check = ON');
    db.pragma('foreign_keys = ON');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    return db;
  } catch (e) {
    db?.close();
    throw storageError(e, file, { readOnlyMedium: !options.readonly && onReadOnlyMedium(file) });
  }
}

function onReadOnlyMedium(file: string): boolean {
  try {
    accessSync(path.dirname(path.resolve(file)), constants.W_OK);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EROFS' || (e as NodeJS.ErrnoException).code === 'EACCES';
  }
}
