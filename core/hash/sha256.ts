import { createHash, hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { KskError } from '../errors.js';
import { fileKind, requireRegularFile } from '../system/inputFiles.js';

/** One-shot: the log verifier hashes every event, and this skips building a Hash object each time. */
export function sha256(data: Uint8Array | string): Buffer {
  return hash('sha256', data, 'buffer');
}

export function sha256Hex(data: Uint8Array | string): string {
  return sha256(data).toString('hex');
}

/**
 * SHA-256 of a file's exact bytes, streamed so a large file never sits in memory. Only a regular
 * file: a FIFO would block and a device would never end (see core/system/inputFiles.ts).
 */
export async function sha256File(filePath: string): Promise<{ digest: Buffer; size: number }> {
  requireRegularFile(filePath, 'file');
  let handle;
  try {
    handle = await open(filePath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KskError('NOT_FOUND', `No file at ${filePath}.`);
    if (code === 'EISDIR') throw new KskError('BAD_INPUT_FILE', `${filePath} is a folder, not a file.`);
    if (code === 'EACCES') throw new KskError('BAD_INPUT_FILE', `${filePath} cannot be read: permission denied.`);
    throw new KskError('BAD_INPUT_FILE', `${filePath} cannot be read (${code ?? 'unknown error'}).`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new KskError('BAD_INPUT_FILE', `The file ${filePath} is ${fileKind(info)}, not a regular file: only regular files are read.`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of handle.createReadStream()) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { digest: hash.digest(), size };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new KskError('BAD_INPUT_FILE', `${filePath} is a folder, not a file.`);
    throw e;
  } finally {
    await handle.close();
  }
}
