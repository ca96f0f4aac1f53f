import canonicalize from 'canonicalize';
import { KskError } from '../errors.js';
import { sha256Hex } from '../hash/sha256.js';
import type { Script } from './script.js';

/**
 * The exact bytes a script is identified by: its RFC 8785 canonical JSON (keys sorted, no spaces,
 * numbers and strings in one form), so the same script has the same hash whatever YAML it was
 * written in. The log stores these bytes with the ceremony, and every printed page carries the hash.
 */
export function canonicalScript(script: Script): string {
  const text = canonicalize(script);
  if (text === undefined) throw new KskError('INTERNAL', `Script ${script.id} cannot be canonicalised.`);
  return text;
}

/** SHA-256 of the canonical JSON, in lower-case hex. */
export function scriptHash(script: Script): string {
  return sha256Hex(canonicalScript(script));
}
