import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sharedCopy, sharedOriginal } from '../helpers/paths.js';

function files(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? files(root, rel) : [rel];
  });
}

test('the copy of ../shared in test/fixtures is identical to the original', { skip: !existsSync(sharedOriginal) && 'no ../shared next to this clone' }, () => {
  for (const part of ['data', 'seeds']) {
    const original = files(path.join(sharedOriginal, part)).sort();
    assert.deepEqual(files(path.join(sharedCopy, part)).sort(), original, `${part}: the same files`);
    for (const f of original) {
      assert.ok(readFileSync(path.join(sharedOriginal, part, f)).equals(readFileSync(path.join(sharedCopy, part, f))), `${part}/${f} differs from ../shared`);
    }
  }
});
