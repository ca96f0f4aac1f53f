import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { matchHash } from '../../../core/hash/match.js';
import { fromPgpWords, toPgpWords } from '../../../core/hash/pgpWords.js';
import { sha256 } from '../../../core/hash/sha256.js';
import { shared } from '../../helpers/paths.js';

const vectors = (JSON.parse(readFileSync(shared('pgp-wordlist.json'), 'utf8')) as { vectors: { message: string; sha256: string; words: string }[] }).vectors;

test('the word list reproduces its published test vectors', () => {
  assert.ok(vectors.length >= 2);
  for (const v of vectors) {
    const digest = sha256(v.message);
    assert.equal(digest.toString('hex'), v.sha256);
    assert.equal(toPgpWords(digest).join(' '), v.words);
    assert.deepEqual(fromPgpWords(v.words), digest);
  }
});

test('a typed hash matches in hex or words, whatever the case and spacing', () => {
  const v = vectors[0]!;
  const digest = Buffer.from(v.sha256, 'hex');
  assert.equal(matchHash(digest, v.sha256.toUpperCase().replace(/(.{4})/g, '$1 ')).matches, true);
  assert.equal(matchHash(digest, `  ${v.words.toUpperCase().split(' ').join('\n')} `).matches, true);
  const wrong = v.sha256.slice(0, 10) + (v.sha256[10] === '0' ? '1' : '0') + v.sha256.slice(11);
  const result = matchHash(digest, wrong);
  assert.equal(result.matches, false);
  assert.equal(result.firstDifference, 6);
});

test('a skipped word is reported as a column error, an unknown word by name', () => {
  const words = vectors[0]!.words.split(' ');
  assert.throws(() => fromPgpWords(words.slice(1).join(' ')), /belongs to the odd column/);
  assert.throws(() => fromPgpWords(`${words[0]} banana`), /"banana" is not in the PGP word list/);
});
