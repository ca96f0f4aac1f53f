import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { KskError, messageOf } from '../errors.js';

/**
 * Every file the app takes in (a KSR, an SKR, a policy, a script, a file to hash) is read here, so
 * that each is bounded the same way:
 * - only a regular file: a folder, FIFO, socket or device is refused by name before it is opened,
 *   because opening a FIFO blocks and reading /dev/zero never ends;
 * - opened non-blocking and checked again on the open descriptor, so a FIFO swapped in after the
 *   first look cannot hang the app either;
 * - the bytes actually read are counted against the cap (the size `stat` reports is only a claim:
 *   /proc files say 0, a growing file says less than it will be).
 */

/** What a path that is not a regular file is, in words. */
export function fileKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

function refuseKind(filePath: string, what: string, info: Stats): never {
  throw new KskError('BAD_INPUT_FILE', `The ${what} ${filePath} is ${fileKind(info)}, not a regular file: only regular files are read.`);
}

function unreadable(filePath: string, what: string, e: unknown): KskError {
  if (e instanceof KskError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new KskError('NOT_FOUND', `No ${what} at ${filePath}.`);
  if (code === 'EISDIR') return new KskError('BAD_INPUT_FILE', `The ${what} ${filePath} is a folder, not a regular file: only regular files are read.`);
  return new KskError('BAD_INPUT_FILE', `The ${what} ${filePath} cannot be read (${code ?? messageOf(e)}).`);
}

/** `size` is what stat said; without it, more than the limit was read. */
function tooLarge(filePath: string, what: string, maxBytes: number, size?: number): KskError {
  return new KskError(
    'BAD_INPUT_FILE',
    `The ${what} ${filePath} is too large (${size === undefined ? `more than ${maxBytes} bytes were read` : `${size} bytes`}; the limit is ${maxBytes}).`,
  );
}

/** Throws unless `filePath` is a regular file; returns what stat said of it. */
export function requireRegularFile(filePath: string, what: string): Stats {
  let info: Stats;
  try {
    info = statSync(filePath);
  } catch (e) {
    throw unreadable(filePath, what, e);
  }
  if (!info.isFile()) refuseKind(filePath, what, info);
  return info;
}

/** Reads a regular file whole, at most `maxBytes` of it; anything else is refused by name. */
export function readRegularFileSync(filePath: string, what: string, maxBytes: number): Buffer {
  const before = requireRegularFile(filePath, what);
  if (before.size > maxBytes) throw tooLarge(filePath, what, maxBytes, before.size);
  let fd: number;
  try {
    fd = openSync(filePath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw unreadable(filePath, what, e);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) refuseKind(filePath, what, info);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(filePath, what, maxBytes);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    throw unreadable(filePath, what, e);
  } finally {
    closeSync(fd);
  }
}

/** The same, for async callers (the read itself is bounded, so doing it synchronously is short). */
export async function readRegularFile(filePath: string, what: string, maxBytes: number): Promise<Buffer> {
  return readRegularFileSync(filePath, what, maxBytes);
}
