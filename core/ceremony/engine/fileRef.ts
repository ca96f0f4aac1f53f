import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileRef } from '../../contract/ceremonyState.js';
import { KskError, messageOf } from '../../errors.js';

/** The bytes of a file handed over through the contract: read from its path, or given inline. */
export function readFileRef(ref: FileRef, what: string, maxBytes = 50 * 1024 * 1024): { name: string; bytes: Buffer } {
  if ('base64' in ref) {
    const bytes = Buffer.from(ref.base64, 'base64');
    if (bytes.length > maxBytes) throw new KskError('BAD_INPUT_FILE', `The ${what} ${ref.name} is too large (${bytes.length} bytes; the limit is ${maxBytes}).`);
    return { name: ref.name, bytes };
  }
  try {
    const bytes = readFileSync(ref.path);
    if (bytes.length > maxBytes) throw new KskError('BAD_INPUT_FILE', `The ${what} ${ref.path} is too large (${bytes.length} bytes; the limit is ${maxBytes}).`);
    return { name: path.basename(ref.path), bytes };
  } catch (e) {
    if (e instanceof KskError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new KskError(code === 'ENOENT' ? 'NOT_FOUND' : 'BAD_INPUT_FILE', `The ${what} ${ref.path} cannot be read (${code ?? messageOf(e)}).`);
  }
}
