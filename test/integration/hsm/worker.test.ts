import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKskError } from '../../../core/errors.js';
import type { HsmProgress } from '../../../core/hsm/port.js';
import { initToken, softhsmConfig, softhsmToken } from '../../helpers/softhsm.js';
import { pkcs11Tool, sessionOn } from './session.js';

test('RSA-4096 generation runs in the worker: the calling thread keeps ticking and gets progress', async (t) => {
  const session = await sessionOn(t, softhsmToken(t));
  const progress: HsmProgress[] = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  const started = performance.now();
  try {
    await session.generateKsk({ algorithm: 'RSASHA256', rsaBits: 4096, label: 'Kbig' }, { onProgress: (p) => progress.push(p) });
  } finally {
    clearInterval(timer);
  }
  const elapsed = performance.now() - started;
  assert.ok(ticks >= (elapsed / 10) * 0.5, `the thread was blocked: ${ticks} ticks in ${Math.round(elapsed)} ms`);
  assert.match(progress[0]?.stage ?? '', /Generating the RSASHA256-4096 key pair/);
  assert.equal(progress[0]?.fraction, null);
  assert.deepEqual(progress.at(-1), { stage: 'Key generated', fraction: 1 });
});

test('a cancelled generation ends CANCELLED and the key pair the HSM made is destroyed', async (t) => {
  const token = softhsmToken(t);
  const session = await sessionOn(t, token);
  const controller = new AbortController();
  const generation = session.generateKsk(
    { algorithm: 'RSASHA256', rsaBits: 4096, label: 'Kcancel' },
    { signal: controller.signal, onProgress: () => controller.abort() },
  );
  await assert.rejects(generation, (e) => isKskError(e) && e.code === 'CANCELLED' && /was destroyed/.test(e.message));
  assert.deepEqual(await session.listKeys(), []);
  assert.doesNotMatch(pkcs11Tool(token, ['--login', '--pin', token.userPin, '--list-objects']), /Kcancel/);
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(session.generateKsk({ algorithm: 'ED25519' }, { signal: aborted.signal }), (e) => isKskError(e) && e.code === 'CANCELLED');
});

test('a call cancelled while it waits behind another on its session never runs', async (t) => {
  const session = await sessionOn(t, softhsmToken(t));
  const long = session.generateKsk({ algorithm: 'RSASHA256', rsaBits: 4096, label: 'Kfirst' });
  const controller = new AbortController();
  const queued = session.generateKsk({ algorithm: 'ED25519', label: 'Kqueued' }, { signal: controller.signal });
  controller.abort();
  await assert.rejects(queued, (e) => isKskError(e) && e.code === 'CANCELLED' && /before it started; nothing was done/.test(e.message));
  await long;
  assert.deepEqual(
    (await session.listKeys()).map((k) => k.label),
    ['Kfirst'],
  );
});

test('sessions on two tokens of one module run side by side: B signs while A generates', async (t) => {
  const config = softhsmConfig(t);
  const [tokenA, tokenB] = [initToken(config, 'A'), initToken(config, 'B')];
  const a = await sessionOn(t, tokenA);
  const b = await sessionOn(t, tokenB);
  await b.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Kquick' });
  let generatedAt = 0;
  const generation = a.generateKsk({ algorithm: 'RSASHA256', rsaBits: 4096, label: 'Kslow' }).then(() => (generatedAt = performance.now()));
  await b.sign('Kquick', Buffer.from('while A works'));
  const signedAt = performance.now();
  await generation;
  assert.ok(signedAt < generatedAt, 'B waited for A');
});
