/** A hash found in a step's recorded result, with where it was found ("ds", "skr.hash"). */
export interface FoundHash {
  path: string;
  sha256: string;
  pgpWords: string[];
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isHashView(value: Json): value is { sha256: string; pgpWords: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { sha256, pgpWords } = value as Record<string, Json>;
  return typeof sha256 === 'string' && /^[0-9a-f]{64}$/.test(sha256) && Array.isArray(pgpWords) && pgpWords.length === 32 && pgpWords.every((w) => typeof w === 'string');
}

/**
 * Every hash a result carries in the contract's shown form ({sha256, pgpWords}), wherever it sits:
 * results are kind-specific, and whatever an action records in that form is meant to be read aloud.
 */
export function findHashes(value: Json | undefined, path = ''): FoundHash[] {
  if (value === undefined || value === null || typeof value !== 'object') return [];
  if (isHashView(value)) return [{ path, sha256: value.sha256, pgpWords: value.pgpWords }];
  const entries: [string, Json][] = Array.isArray(value) ? value.map((v, i) => [String(i + 1), v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => findHashes(child, path ? `${path} ${key}` : key));
}

/** "ds sha256" → "DS SHA256"-like caption words, for a hash found at a path. */
export function captionOf(path: string): string {
  if (!path) return 'Hash';
  return path
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/\s+/)
    .map((w) => (w.length <= 3 ? w.toUpperCase() : w))
    .join(' ');
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
