import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import {
  currentRuntime,
  describeBuild,
  fixFor,
  inspectAddon,
  loadAddon,
  loadsIn,
  NativeAddonError,
  pkcs11AddonFile,
  runtimeOf,
  sqliteAddonFile,
  type Runtime,
} from '../../../core/system/nativeAddons.js';
import { buildAbiAddon } from '../../helpers/nativeAddons.js';
import { tempDir } from '../../helpers/tmp.js';

const node24: Runtime = { name: 'Node.js', version: '24.22.3', abi: 137, napi: 10 };
const electron45: Runtime = { name: 'Electron', version: '45.5.0', abi: 150, napi: 10 };

test('the runtime is read from process.versions: Electron where it says so (also run as Node), else Node.js', () => {
  const versions = { ...process.versions };
  assert.deepEqual(runtimeOf({ ...versions, node: '24.22.3', modules: '137', napi: '10' }), node24);
  assert.deepEqual(runtimeOf({ ...versions, node: '24.15.0', modules: '150', napi: '10', electron: '45.5.0' }), electron45);
  assert.equal(currentRuntime.name, 'Node.js');
  assert.equal(currentRuntime.abi, Number(process.versions.modules));
});

test('a binary tells how it registers: Node-API, a NODE_MODULE_VERSION, not an addon, no file', (t) => {
  const dir = tempDir(t);
  assert.deepEqual(inspectAddon(sqliteAddonFile()), { kind: 'node-api' });
  assert.deepEqual(inspectAddon(pkcs11AddonFile()), { kind: 'node-api' });
  assert.deepEqual(inspectAddon(buildAbiAddon(dir, 150)), { kind: 'abi', abi: 150 });
  writeFileSync(path.join(dir, 'text.node'), 'not a shared object');
  assert.deepEqual(inspectAddon(path.join(dir, 'text.node')), { kind: 'not-an-addon' });
  assert.deepEqual(inspectAddon(path.join(dir, 'gone.node')), { kind: 'missing' });
  assert.equal(describeBuild({ kind: 'abi', abi: 150 }), 'a build for NODE_MODULE_VERSION 150');
});

test('one rule: a Node-API build loads in Node and in Electron, an ABI build only in the runtime it was built for', () => {
  for (const runtime of [node24, electron45]) assert.equal(loadsIn({ kind: 'node-api' }, runtime), true);
  assert.equal(loadsIn({ kind: 'abi', abi: 137 }, node24), true);
  assert.equal(loadsIn({ kind: 'abi', abi: 137 }, electron45), false, "Node's own build must not reach Electron");
  assert.equal(loadsIn({ kind: 'abi', abi: 150 }, electron45), true);
  assert.equal(loadsIn({ kind: 'abi', abi: 150 }, node24), false);
  assert.equal(loadsIn({ kind: 'not-an-addon' }, node24), false);
  assert.equal(loadsIn({ kind: 'missing' }, electron45), false);
});

test('the SQLite binary is the Node-API prebuild better-sqlite3 ships, the very file the package itself loads', () => {
  const file = sqliteAddonFile();
  assert.equal(path.basename(path.dirname(file)), 'prebuilds');
  assert.equal(path.basename(file), `${process.platform}-${process.arch}.node`);
  // better-sqlite3 left to itself (no nativeBinding) requires the same file.
  new Database(':memory:').close();
  assert.ok(Object.hasOwn(createRequire(import.meta.url).cache, file), `better-sqlite3 loaded another binary than ${file}`);
});

test('a binary compiled in the package comes first, as better-sqlite3 orders it', (t) => {
  const pkg = tempDir(t);
  assert.equal(sqliteAddonFile(pkg, 'linux', 'arm64'), path.join(pkg, 'prebuilds', 'linux-arm64.node'));
  mkdirSync(path.join(pkg, 'build', 'Release'), { recursive: true });
  writeFileSync(path.join(pkg, 'build', 'Release', 'better_sqlite3.node'), '');
  assert.equal(sqliteAddonFile(pkg, 'linux', 'arm64'), path.join(pkg, 'build', 'Release', 'better_sqlite3.node'));
});

test('a build for another runtime is refused before it is loaded, saying what was found, what is needed and the fix', (t) => {
  const file = buildAbiAddon(tempDir(t), 150);
  const error = (() => {
    try {
      loadAddon('SQLite (better-sqlite3)', file, 'STORAGE_ERROR', node24);
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.ok(error instanceof NativeAddonError);
  assert.equal(error.code, 'STORAGE_ERROR');
  assert.deepEqual(error.failure, {
    addon: 'SQLite (better-sqlite3)',
    file,
    found: 'a build for NODE_MODULE_VERSION 150',
    needed: 'a Node-API build (version 10 or lower), or a build for NODE_MODULE_VERSION 137 (Node.js 24.22.3)',
    reason: 'Node.js 24.22.3 cannot load it.',
    fix: 'run `scripts/lts npm ci` in the source tree.',
  });
  assert.match(
    error.message,
    /^SQLite \(better-sqlite3\) cannot be loaded: Node\.js 24\.22\.3 cannot load it\. .*abi-150\.node is a build for NODE_MODULE_VERSION 150; needed is a Node-API build/,
  );
});

test("a build the pre-check lets through but the loader refuses reports the loader's reason", (t) => {
  // The runtime says it is Electron 45 (ABI 150); the loader is this Node's, which needs its own ABI.
  const file = buildAbiAddon(tempDir(t), 150);
  assert.throws(
    () => loadAddon('SQLite (better-sqlite3)', file, 'STORAGE_ERROR', electron45),
    (e: unknown) => e instanceof NativeAddonError && /^the loader refused it \(.*NODE_MODULE_VERSION 150\..*NODE_MODULE_VERSION \d+\./.test(e.failure.reason),
  );
});

test('a missing binary and a file that is no addon are named as such', (t) => {
  const dir = tempDir(t);
  writeFileSync(path.join(dir, 'text.node'), 'not a shared object');
  assert.throws(
    () => loadAddon('PKCS#11 (pkcs11js)', path.join(dir, 'gone.node'), 'HSM_ERROR'),
    (e: unknown) => e instanceof NativeAddonError && e.code === 'HSM_ERROR' && e.failure.found === 'no file' && e.failure.reason === 'its binary is missing.',
  );
  assert.throws(
    () => loadAddon('PKCS#11 (pkcs11js)', path.join(dir, 'text.node'), 'HSM_ERROR'),
    (e: unknown) => e instanceof NativeAddonError && e.failure.found === 'not a native addon',
  );
});

test('the Node-API binaries load here, in the runtime the tests run on', () => {
  assert.equal(typeof (loadAddon('SQLite (better-sqlite3)', sqliteAddonFile(), 'STORAGE_ERROR') as { Database?: unknown }).Database, 'function');
  assert.equal(typeof (loadAddon('PKCS#11 (pkcs11js)', pkcs11AddonFile(), 'HSM_ERROR') as { PKCS11?: unknown }).PKCS11, 'function');
});

test('the fix: a fresh npm ci in a source tree, a reinstall of the packaged app', () => {
  assert.equal(fixFor('/home/ca/ksk-ceremony/node_modules/better-sqlite3/prebuilds/linux-x64.node'), 'run `scripts/lts npm ci` in the source tree.');
  assert.equal(
    fixFor('/opt/KSK Ceremony/resources/app.asar/node_modules/better-sqlite3/prebuilds/linux-x64.node'),
    'reinstall KSK Ceremony (its package is incomplete or damaged).',
  );
  assert.equal(
    fixFor('/tmp/.mount_KSK/resources/app.asar.unpacked/node_modules/pkcs11js/build/Release/pkcs11.node'),
    'reinstall KSK Ceremony (its package is incomplete or damaged).',
  );
});
