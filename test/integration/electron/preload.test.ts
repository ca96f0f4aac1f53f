import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import vm from 'node:vm';
import { build } from 'vite';
import { IPC_CALL, IPC_EVENT } from '../../../electron/policy.js';
import { repoRoot } from '../../helpers/paths.js';

/**
 * The real preload bundle, built with the project's Vite config, run the way a sandboxed renderer
 * runs it: a CommonJS script whose require knows only 'electron'. The electron module handed to it
 * records what the preload exposes and what it sends.
 */
const bundle = (async () => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ksk-preload-'));
  after(() => rmSync(outDir, { recursive: true, force: true }));
  await build({ configFile: path.join(repoRoot, 'electron', 'vite.preload.config.ts'), logLevel: 'silent', build: { outDir } });
  return readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
})();

async function loadPreload() {
  const source = await bundle;

  const required: string[] = [];
  const exposed = new Map<string, unknown>();
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        invoked.push(args);
        return Promise.resolve({ ok: true, value: 'from main' });
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
      off: (channel: string, listener: (...args: unknown[]) => void) => listeners.get(channel)?.delete(listener),
    },
  };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`module not found: ${name}`);
    return electron;
  };
  const module = { exports: {} };
  vm.runInNewContext(source, { require: sandboxRequire, module, exports: module.exports, console });
  return { source, required, exposed, invoked, listeners };
}

interface ExposedApi {
  call(channel: unknown, request: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
}

test('the preload bundle requires nothing but electron and exposes only kskApi.call and onEvent', async () => {
  const { required, exposed, source } = await loadPreload();
  assert.deepEqual([...new Set(required)], ['electron']);
  assert.deepEqual([...exposed.keys()], ['kskApi']);
  assert.deepEqual(Object.keys(exposed.get('kskApi') as object).sort(), ['call', 'onEvent']);
  assert.doesNotMatch(source, /\bimport\s/, 'an ES module cannot run as a sandboxed preload');
});

test('a contract call goes over the one IPC channel; a channel outside the contract never leaves the page', async () => {
  const { exposed, invoked } = await loadPreload();
  const api = exposed.get('kskApi') as ExposedApi;

  assert.deepEqual(await api.call('app.status', {}), { ok: true, value: 'from main' });
  assert.deepEqual(invoked, [[IPC_CALL, 'app.status', {}]]);

  for (const channel of ['app.nope', '__proto__', 7]) {
    const refusal = (await api.call(channel, {})) as { ok: boolean; error: { code: string } };
    assert.equal(refusal.ok, false);
    assert.equal(refusal.error.code, 'UNKNOWN_CHANNEL');
  }
  assert.equal(invoked.length, 1, 'refused calls were sent to the main process');
});

test('events reach the listener without the IPC event object, until it unsubscribes', async () => {
  const { exposed, listeners } = await loadPreload();
  const api = exposed.get('kskApi') as ExposedApi;
  const received: unknown[] = [];
  const stop = api.onEvent((event) => received.push(event));

  const registered = [...(listeners.get(IPC_EVENT) ?? [])];
  assert.equal(registered.length, 1);
  const contractEvent = { type: 'state-changed', topic: 'log' };
  registered[0]?.({ sender: 'ipc internals' }, contractEvent);
  assert.deepEqual(received, [contractEvent]);

  stop();
  assert.equal(listeners.get(IPC_EVENT)?.size, 0);
});
