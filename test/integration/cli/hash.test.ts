import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cliPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

function cli(...args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

test('ksk-ceremony hash prints hex and PGP words, and --json the same as data', (t) => {
  const file = path.join(tempDir(t), 'msg');
  writeFileSync(file, 'The quick brown fox jumps over the lazy dog');
  const human = cli('hash', file);
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /SHA-256: d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592/);
  assert.match(human.stdout, /words: {2}stopwatch paramount watchword/);
  const json = JSON.parse(cli('hash', file, '--json').stdout) as { sha256: string; pgpWords: string[]; size: number };
  assert.equal(json.size, 43);
  assert.equal(json.pgpWords.length, 32);
});

test('errors are one line with a distinct exit code, never a stack trace', () => {
  const missing = cli('hash', '/nonexistent/file');
  assert.equal(missing.status, 3);
  assert.equal(missing.stderr, 'ksk-ceremony: No file at /nonexistent/file.\n');
  const usage = cli('hash');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^ksk-ceremony: hash takes exactly one FILE\.\nusage: /);
  const unknown = cli('frobnicate');
  assert.equal(unknown.status, 2);
  assert.doesNotMatch(unknown.stderr, /at .*\.js:\d+/);
  const badFlag = cli('hash', '--bogus', 'x');
  assert.equal(badFlag.status, 2);
  assert.match(badFlag.stderr, /Unknown option '--bogus'/);
});
