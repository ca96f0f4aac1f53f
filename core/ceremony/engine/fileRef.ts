import path from 'node:path';
import type { FileRef } from '../../contract/ceremonyState.js';
import { KskError } from '../../errors.js';
import { requireAllowedPath } from '../../system/fileAccess.js';
import { readRegularFileSync } from '../../system/inputFiles.js';

/** The bytes of a file handed over through the contract: read from its path, or given inline. */
export function readFileRef(ref: FileRef, what: string, maxBytes = 50 * 1024 * 1024): { name: string; bytes: Buffer } {
  if ('base64' in ref) {
    const bytes = Buffer.from(ref.base64, 'base64');
    if (bytes.length > maxBytes)
      throw new KskError('BAD_INPUT_FILE', `The ${what} ${ref.name} is too large (${bytes.length} bytes; the limit is ${maxBytes}).`);
    return { name: ref.name, bytes };
  }
  requireAllowedPath(ref.path, what);
  return { name: path.basename(ref.path), bytes: readRegularFileSync(ref.path, what, maxBytes) };
}
