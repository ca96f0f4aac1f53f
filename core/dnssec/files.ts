import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { KskError, messageOf } from '../errors.js';
import { readRegularFile } from '../system/inputFiles.js';

/**
 * Reads an input file (a KSR, an SKR, a policy) whole: a regular file only, at most `maxBytes`
 * actually read, with errors that name the file (see core/system/inputFiles.ts).
 */
export async function readInputFile(filePath: string, what: string, maxBytes: number): Promise<Buffer> {
  return readRegularFile(filePath, what, maxBytes);
}

/**
 * Writes a file so that the final path only ever holds the complete file: a temporary name in the
 * same folder, fsync, rename, fsync of the folder. A crash leaves the old file or the new one.
 */
export async function writeFileAtomic(filePath: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(path.resolve(filePath));
  const temp = path.join(dir, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, filePath);
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (e instanceof KskError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EROFS'
        ? 'its folder or disk is read-only (EROFS)'
        : code === 'EACCES' || code === 'EPERM'
          ? `permission denied (${code})`
          : code === 'ENOSPC'
            ? 'the disk is full (ENOSPC)'
            : (code ?? messageOf(e));
    throw new KskError('STORAGE_ERROR', `Cannot write ${filePath}: ${why}. Nothing was written there.`);
  }
}
