/** A hash found in a step's recorded result, with where it was found ("ds", "skr.hash"). */
export interface FoundHash {
  path: string;
  sha256: string;
  pgpWords: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isWords = (value: Json | undefined): value is string[] => Array.isArray(value) && value.length === 32 && value.every((w) => typeof w === 'string');

/** The sibling that holds a hash's PGP words: dsDigestHex → dsDigestPgpWords, hex or sha256 → pgpWords. */
function wordsKey(key: string): string {
  return key === 'hex' || key === 'sha256' ? 'pgpWords' : key.replace(/(Hex|Sha256)$/, 'PgpWords');
}

/**
 * Every hash a result carries with its PGP words, wherever it sits and whatever its field is
 * called (results are kind-specific: {sha256, pgpWords}, {hex, pgpWords}, {dsDigestHex,
 * dsDigestPgpWords}...): a 64-digit hex value beside its 32 words is meant to be read aloud.
 */
export function findHashes(value: Json | undefined, path = ''): FoundHash[] {
  if (value === undefined || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findHashes(v, path ? `${path} ${i + 1}` : String(i + 1)));
  const found: FoundHash[] = [];
  for (const [key, child] of Object.entries(value)) {
    const words = value[wordsKey(key)];
    if (typeof child === 'string' && /^[0-9a-fA-F]{64}$/.test(child) && isWords(words)) {
      found.push({ path: [path, key === 'hex' || key === 'sha256' ? '' : key.replace(/(Hex|Sha256)$/, '')].filter(Boolean).join(' ') || 'SHA-256', sha256: child.toLowerCase(), pgpWords: words });
    } else if (typeof child === 'object') {
      found.push(...findHashes(child, path ? `${path} ${key}` : key));
    }
  }
  return found;
}

const acronyms: Record<string, string> = { ds: 'DS', skr: 'SKR', ksr: 'KSR', dnskey: 'DNSKEY', xml: 'XML', hsm: 'HSM', os: 'OS', id: 'id' };

/** A result's path as a caption: "key dsDigest" → "Key DS digest". */
export function captionOf(path: string): string {
  const words = path
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => acronyms[w] ?? w);
  const text = words.join(' ') || 'hash';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Whether a field of a result object is a hash shown apart (its hex, or its words). */
export function isHashField(object: { [key: string]: Json }, key: string): boolean {
  const value = object[key];
  if (isWords(value)) return true;
  return typeof value === 'string' && /^[0-9a-fA-F]{64}$/.test(value) && isWords(object[wordsKey(key)]);
}

/**
 * Compares a hash as typed from what was read aloud (hex with any spacing, or the PGP words) with
 * the one shown. Returns null while the entry is incomplete, so the screen can say "keep typing"
 * rather than "mismatch" after the first word.
 */
export function compareTyped(typed: string, sha256: string, words: readonly string[]): { complete: boolean; match: boolean; form: 'hex' | 'words' } | null {
  const text = typed.trim();
  if (!text) return null;
  const hex = text.replace(/[\s:-]/g, '').toLowerCase();
  // No PGP word is made only of hex digits, so an entry that is all hex is hex.
  if (/^[0-9a-f]+$/.test(hex)) {
    return { form: 'hex', complete: hex.length >= 64, match: hex === sha256 };
  }
  const typedWords = text.toLowerCase().split(/[\s,]+/).filter(Boolean);
  const expected = words.map((w) => w.toLowerCase());
  return { form: 'words', complete: typedWords.length >= expected.length, match: typedWords.length === expected.length && typedWords.every((w, i) => w === expected[i]) };
}
