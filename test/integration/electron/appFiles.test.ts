import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readAppFile } from '../../../electron/appFiles.js';
import { CONTENT_SECURITY_POLICY } from '../../../electron/policy.js';
import { tempDir } from '../../helpers/tmp.js';

/** A renderer build next to a folder whose name starts like it, holding a secret. */
function layout(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t, 'ksk-appfiles-');
  const root = path.join(dir, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>KSK</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'export const ok = 1;\n');
  mkdirSync(path.join(dir, 'renderer-secrets'));
  writeFileSync(path.join(dir, 'renderer-secrets', 'key.pem'), 'SECRET');
  writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
  return { dir, root };
}

const text = (body: Uint8Array | string) => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

test('the index page is served with its type and the CSP', async (t) => {
  const { root } = layout(t);
  const answer = await readAppFile(root, 'app://ksk/index.html#/projector');
  assert.equal(answer.status, 200);
  assert.equal(text(answer.body), '<!doctype html><title>KSK</title>');
  assert.equal(answer.headers['Content-Type'], 'text/html; charset=utf-8');
  assert.equal(answer.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
  assert.equal(answer.headers['X-Content-Type-Options'], 'nosniff');

  const script = await readAppFile(root, 'app://ksk/assets/app.js');
  assert.equal(script.status, 200);
  assert.equal(script.headers['Content-Type'], 'text/javascript; charset=utf-8');
  assert.equal(text(script.body), 'export const ok = 1;\n');
});

test('missing files and folders are 404, with the CSP all the same', async (t) => {
  const { root } = layout(t);
  for (const url of ['app://ksk/missing.js', 'app://ksk/assets', 'app://ksk/assets/']) {
    const answer = await readAppFile(root, url);
    assert.equal(answer.status, 404, url);
    assert.equal(answer.headers['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
  }
});

test('nothing outside the renderer build is ever read', async (t) => {
  const { root } = layout(t);
  for (const url of [
    'app://ksk/..%2Fsecret.txt',
    'app://ksk/%2e%2e%2fsecret.txt',
    'app://ksk/..%2Frenderer-secrets%2Fkey.pem',
    'app://ksk/..%5Csecret.txt',
    'app://other/index.html',
  ]) {
    const answer = await readAppFile(root, url);
    assert.equal(answer.status, 400, url);
    assert.ok(!text(answer.body).includes('SECRET'), url);
  }
  // What the URL parser folds back into the root is looked up there, and is not the secret.
  const folded = await readAppFile(root, 'app://ksk/../secret.txt');
  assert.equal(folded.status, 404);
});
