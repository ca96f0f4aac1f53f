import { KskError, messageOf } from '../errors.js';

/** The SQLite result code of a better-sqlite3 error (SQLITE_FULL, SQLITE_BUSY, ...), if it is one. */
export function sqliteCode(e: unknown): string | null {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

export function isDamagedDatabase(e: unknown): boolean {
  const code = sqliteCode(e) ?? '';
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

/**
 * Turns a storage failure into a message for the person at the keyboard. SQLite rolls back the
 * failed transaction, so in every case the event being written was not recorded and everything
 * acknowledged before it is intact; the message says so.
 */
export function storageError(e: unknown, file: string, context: { readOnlyMedium?: boolean } = {}): KskError {
  if (e instanceof KskError) return e;
  const code = sqliteCode(e) ?? '';
  if (context.readOnlyMedium)
    return new KskError('STORAGE_ERROR', `The evidence log ${file} cannot be written: its folder or disk is read-only. Nothing was recorded.`, { cause: e });
  const notRecorded = 'Nothing was recorded by this action; everything recorded before it is intact.';
  if (code === 'SQLITE_FULL')
    return new KskError('STORAGE_ERROR', `The disk holding the evidence log ${file} is full. ${notRecorded} Free space, then repeat the action.`, { cause: e });
  if (code.startsWith('SQLITE_READONLY'))
    return new KskError(
      'STORAGE_ERROR',
      `The evidence log ${file} cannot be written: the file, its folder or its disk is read-only (${code}). ${notRecorded}`,
      { cause: e },
    );
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new KskError(
      'STORAGE_ERROR',
      `The evidence log ${file} is locked by another program (is KSK Ceremony open twice on this workspace?). ${notRecorded} Close the other program, then repeat the action.`,
      { cause: e },
    );
  }
  if (isDamagedDatabase(e)) {
    return new KskError(
      'STORAGE_ERROR',
      `The evidence log ${file} is damaged or is not a KSK Ceremony database (${code}). Do not write to it: check it with "ksk-ceremony log verify" and restore the last good copy.`,
      { cause: e },
    );
  }
  if (code === 'SQLITE_CANTOPEN')
    return new KskError('STORAGE_ERROR', `The evidence log ${file} cannot be opened: check that its folder exists and is readable and writable.`, { cause: e });
  if (code.startsWith('SQLITE_IOERR'))
    return new KskError('STORAGE_ERROR', `Reading or writing the evidence log ${file} failed (${code}): the disk reported an error. ${notRecorded}`, {
      cause: e,
    });
  if (code.startsWith('SQLITE_CONSTRAINT'))
    return new KskError('CONFLICT', `The evidence log ${file} refused a write: ${messageOf(e)}. ${notRecorded}`, { cause: e });
  if (e instanceof TypeError && /directory does not exist/.test(e.message))
    return new KskError('STORAGE_ERROR', `The folder of the evidence log ${file} does not exist.`, { cause: e });
  return new KskError('STORAGE_ERROR', `The evidence log ${file} failed: ${messageOf(e)}${code ? ` (${code})` : ''}.`, { cause: e });
}
