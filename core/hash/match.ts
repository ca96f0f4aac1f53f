import { KskError } from '../errors.js';
import { fromPgpWords, toPgpWords } from './pgpWords.js';

export interface HashMatch {
  matches: boolean;
  /** How the typed value was understood. */
  form: 'hex' | 'words';
  /** The typed value as bytes in hex, for the record. */
  typedHex: string;
  /** 1-based position of the first differing byte (and word), or null when they match. */
  firstDifference: number | null;
}

/** Reads a hash as people type it: hex with any spacing or colons, or PGP words, any case. */
export function parseTypedHash(typed: string): { form: 'hex' | 'words'; bytes: Buffer } {
  const compact = typed.replace(/[\s:.-]+/g, '');
  if (compact.length === 0) throw new KskError('BAD_REQUEST', 'No hash was entered.');
  if (/^[0-9a-fA-F]+$/.test(compact)) {
    if (compact.length % 2 !== 0) throw new KskError('BAD_REQUEST', `The hex value has an odd number of digits (${compact.length}).`);
    return { form: 'hex', bytes: Buffer.from(compact, 'hex') };
  }
  return { form: 'words', bytes: fromPgpWords(typed) };
}

export function matchHash(expected: Uint8Array, typed: string): HashMatch {
  const { form, bytes } = parseTypedHash(typed);
  let firstDifference: number | null = null;
  const length = Math.max(expected.length, bytes.length);
  for (let i = 0; i < length; i++) {
    if (expected[i] !== bytes[i]) {
      firstDifference = i + 1;
      break;
    }
  }
  return { matches: firstDifference === null, form, typedHex: bytes.toString('hex'), firstDifference };
}

export function describeHash(digest: Uint8Array): { hex: string; pgpWords: string[] } {
  return { hex: Buffer.from(digest).toString('hex'), pgpWords: toPgpWords(digest) };
}
