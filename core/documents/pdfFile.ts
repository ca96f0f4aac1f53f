import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { KskError, messageOf } from '../errors.js';

/**
 * "Print to PDF on the stick": the document is written into a folder to be printed on another
 * machine. Written under a temporary name, fsynced and renamed, so a file under its name is whole;
 * an existing file is never overwritten (a second copy gets the next free number).
 */
export async function writePdfInto(dir: string, fileName: string, pdf: Buffer): Promise<string> {
  const folder = path.resolve(dir);
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new KskError('NOT_FOUND', `${folder} is not a folder: mount the stick, or choose another folder.`);
  const tmp = path.join(folder, `.${fileName}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      await handle.writeFile(pdf);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { name, ext } = path.parse(fileName);
    for (let n = 1; n < 100; n++) {
      const target = path.join(folder, n === 1 ? fileName : `${name}-${n}${ext}`);
      if (await stat(target).catch(() => null)) continue;
      await rename(tmp, target);
      return target;
    }
    throw new KskError('CONFLICT', `${folder} already holds 99 copies of ${fileName}.`);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof KskError) throw e;
    throw new KskError('STORAGE_ERROR', `The PDF could not be written to ${folder}: ${messageOf(e)}.`);
  }
}
