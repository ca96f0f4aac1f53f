import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackendClient } from '../../../core/service/client.js';
import { tempDir } from '../../helpers/tmp.js';

test('the backend thread answers through envelopes: values, validation errors, unknown channels', async (t) => {
  const client = await BackendClient.start({ workspaceDir: tempDir(t) });
  t.after(() => client.close());

  const status = await client.call('app.status', {});
  assert.equal(status.ok, true);

  assert.deepEqual(await client.call('no.such.channel', {}), {
    ok: false,
    error: { code: 'UNKNOWN_CHANNEL', message: 'There is no channel named "no.such.channel".' },
  });
  const bad = await client.call('hash.file', { path: 42 });
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.code, 'BAD_REQUEST');
  assert.match(!bad.ok ? bad.error.message : '', /^Invalid request to hash\.file: path: /);

  const missing = await client.call('hash.file', { path: '/nonexistent/ksr.xml' });
  assert.deepEqual(missing, { ok: false, error: { code: 'NOT_FOUND', message: 'No file at /nonexistent/ksr.xml.' } });
});

test('a closed backend answers every later call with an error envelope, never a rejection', async (t) => {
  const client = await BackendClient.start({ workspaceDir: tempDir(t) });
  await client.close();
  const after = await client.call('app.status', {});
  assert.equal(after.ok, false);
  assert.match(!after.ok ? after.error.message : '', /closed/);
});
