import type { ActionKind } from '../../../core/contract/actionKinds.js';
import { readResult, type ActionResultOf } from '../../../core/contract/actionResults.js';
import type { StepState } from '../../../core/contract/ceremonyState.js';

/** A hash a step's result carries with its PGP words, to be read aloud, with where it sits ("key dsDigest", "skr"). */
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

type ResultHashes<K extends ActionKind> = (result: ActionResultOf<K>) => FoundHash[];

const none = (): FoundHash[] => [];
const found = (path: string, hex: string, pgpWords: string[]): FoundHash => ({ path, sha256: hex.toLowerCase(), pgpWords });
const keyDs: ResultHashes<'generate-ksk' | 'reconstruct-ksk'> = (r) => [found('key dsDigest', r.key.dsDigestHex, r.key.dsDigestPgpWords)];
const skrs = (path: string, list: readonly { sha256: string; pgpWords: string[] }[]) => list.map((s, i) => found(`${path} ${i + 1}`, s.sha256, s.pgpWords));

/** The hashes each action kind's result carries, read from its typed fields. */
const resultHashes: { readonly [K in ActionKind]: ResultHashes<K> } = {
  manual: none,
  notify: none,
  'schedule-alternate': none,
  'courier-keys': none,
  'assess-duration': none,
  'approve-plan': none,
  'choose-algorithm': none,
  'sign-in': none,
  'sign-out': none,
  'camera-start': none,
  'camera-stop': none,
  'clock-check': none,
  'hash-check': (r) => [found('SHA-256', r.hex, r.pgpWords)],
  'teb-check': none,
  'teb-seal': none,
  'drill-safe-deposit-box': none,
  'hsm-initialize': none,
  'hsm-activate': none,
  'hsm-deactivate': none,
  'generate-ksk': keyDs,
  'destroy-ksk': none,
  'reconstruct-ksk': keyDs,
  'backup-ksk': none,
  'sign-ksr': (r) => [found('skr', r.skr.sha256, r.skr.pgpWords)],
  'sign-additional-ksrs': (r) => skrs('skrs', r.skrs),
  'store-rrsigs': (r) => skrs('stored', r.stored),
  'release-rrsigs': (r) => [found('released', r.released.sha256, r.released.pgpWords)],
  'publish-trust-anchor': (r) => [found('digest', r.digestHex, r.digestPgpWords)],
  'replace-hardware': none,
  'distribute-credentials': none,
  'exceptions-review': none,
  attestation: none,
  export: (r) =>
    r.written.map((w, i) =>
      'manifestSha256' in w ? found(`written ${i + 1} manifest`, w.manifestSha256, w.pgpWords) : found(`written ${i + 1}`, w.sha256, w.pgpWords),
    ),
  'follow-up': none,
  'discharge-follow-up': none,
};

function hashesOf<K extends ActionKind>(kind: K, result: unknown): FoundHash[] {
  const hashes: ResultHashes<K> = resultHashes[kind];
  return hashes(readResult(kind, result));
}

/** Every hash a step's recorded result carries with its PGP words: what the room reads aloud. */
export function stepHashes(step: StepState): FoundHash[] {
  return step.result ? hashesOf(step.action.kind, step.result) : [];
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
  const typedWords = text
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);
  const expected = words.map((w) => w.toLowerCase());
  return {
    form: 'words',
    complete: typedWords.length >= expected.length,
    match: typedWords.length === expected.length && typedWords.every((w, i) => w === expected[i]),
  };
}
