import { readFileSync } from 'node:fs';
import { KskError } from '../errors.js';
import { resourcePath } from '../resources.js';

interface WordList {
  even: string[];
  odd: string[];
}

let cached: { list: WordList; evenIndex: Map<string, number>; oddIndex: Map<string, number> } | undefined;

function wordList() {
  if (!cached) {
    const list = JSON.parse(readFileSync(resourcePath('pgp-wordlist.json'), 'utf8')) as WordList;
    if (list.even.length !== 256 || list.odd.length !== 256) throw new Error('resources/pgp-wordlist.json is not a PGP word list');
    const index = (words: string[]) => new Map(words.map((w, i) => [w.toLowerCase(), i]));
    cached = { list, evenIndex: index(list.even), oddIndex: index(list.odd) };
  }
  return cached;
}

/**
 * The PGP word list rendering read aloud in ceremonies: bytes at even positions take the
 * two-syllable word, odd positions the three-syllable one, so a swapped or skipped word is heard.
 */
export function toPgpWords(bytes: Uint8Array): string[] {
  const { list } = wordList();
  return Array.from(bytes, (b, i) => (i % 2 === 0 ? list.even[b] : list.odd[b]) as string);
}

/** Words back to bytes; each word must stand in its own column, which catches a dropped word. */
export function fromPgpWords(text: string): Buffer {
  const { evenIndex, oddIndex } = wordList();
  const words = text.split(/[\s,;]+/).filter((w) => w.length > 0);
  return Buffer.from(
    words.map((word, i) => {
      const index = (i % 2 === 0 ? evenIndex : oddIndex).get(word.toLowerCase());
      if (index === undefined) {
        const other = (i % 2 === 0 ? oddIndex : evenIndex).has(word.toLowerCase());
        throw new KskError(
          'BAD_REQUEST',
          other
            ? `Word ${i + 1} "${word}" belongs to the ${i % 2 === 0 ? 'odd' : 'even'} column: a word was probably skipped or repeated before it.`
            : `Word ${i + 1} "${word}" is not in the PGP word list.`,
        );
      }
      return index;
    }),
  );
}
