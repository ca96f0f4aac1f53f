import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { canonicalScript, scriptHash } from '../../../core/ceremony/hash.js';
import { loadScript } from '../../../core/ceremony/load.js';
import type { Script } from '../../../core/ceremony/script.js';
import { loadTemplate } from '../../../core/ceremony/templates.js';

const template = loadTemplate('ksr-signing');

test('the hash is SHA-256 over RFC 8785 canonical JSON: sorted keys, no spaces', () => {
  const canonical = canonicalScript(template);
  assert.equal(scriptHash(template), createHash('sha256').update(canonical, 'utf8').digest('hex'));
  assert.ok(
    canonical.startsWith(
      '{"acts":[{"number":1,"phase":"preparation","steps":[{"action":{"inputs":{"channels":["email","letter"],"letter":true,"recipients":["CO","RZM"]},"kind":"notify"},',
    ),
  );
  assert.doesNotMatch(canonical, /\n|": /);
});

test('the hash does not depend on how the document is written, only on what it says', () => {
  const reversed = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(reversed)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reversed(v)]),
          )
        : value;
  const rewritten = loadScript(JSON.stringify(reversed(template), null, 7), 'rewritten.json');
  assert.equal(scriptHash(rewritten), scriptHash(template));
  const changed = structuredClone(template) as Script;
  (changed.acts[0]?.steps[0] as { text: string }).text += '.';
  assert.notEqual(scriptHash(changed), scriptHash(template));
});
