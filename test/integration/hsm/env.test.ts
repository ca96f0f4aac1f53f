import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { SOFTHSM_MODULE, softhsmToken } from '../../helpers/softhsm.js';
import { sessionOn } from './session.js';

test('a session opened inside a worker spawned with SHARE_ENV (as the backend should be) reaches the configured token', async (t) => {
  const token = softhsmToken(t, 'IN-WORKER');
  const worker = new Worker(new URL('./fixtures/sessionInWorker.js', import.meta.url), {
    env: SHARE_ENV,
    workerData: { modulePath: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.userPin, conf: token.conf },
  });
  // Listen for the exit before the reply: under load the worker can exit in the same turn as it answers.
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const reply = await new Promise<{ ok: boolean; serial?: string; message?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await exited;
  assert.equal(reply.ok, true, reply.message);
  const session = await sessionOn(t, token);
  assert.equal(reply.serial, (await session.identity()).token.serial);
});
