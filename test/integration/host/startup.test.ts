import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { StartupReport } from '../../../core/contract/channels/app.js';
import { BackendClient } from '../../../core/service/client.js';
import { buildAbiAddon } from '../../helpers/nativeAddons.js';
import { tempDir } from '../../helpers/tmp.js';

async function startupOf(client: BackendClient): Promise<StartupReport> {
  const envelope = await client.call('app.startup', {});
  assert.ok(envelope.ok, JSON.stringify(envelope));
  return envelope.value as StartupReport;
}

test('a rehearsal backend opens the evidence log and initialises SoftHSM2 at start, before any call needs them', async (t) => {
  const workspace = tempDir(t);
  const client = await BackendClient.start({ workspaceDir: workspace, mode: 'rehearsal' });
  t.after(() => client.close());
  const report = await startupOf(client);
  assert.equal(report.ok, true, JSON.stringify(report));
  assert.match(
    report.runtime,
    new RegExp(
      `^Node\\.js ${process.versions.node.replaceAll('.', '\\.')} \\(NODE_MODULE_VERSION ${process.versions.modules}, Node-API ${process.versions.napi}\\)$`,
    ),
  );
  const [sqlite, pkcs11] = report.checks;
  assert.deepEqual(sqlite, {
    part: 'sqlite',
    title: 'SQLite and the evidence log',
    ok: true,
    detail: `The evidence log ${path.join(workspace, 'ceremony.sqlite')} is open.`,
    file: null,
    found: null,
    needed: null,
    fix: null,
  });
  assert.equal(pkcs11?.ok, true);
  assert.match(pkcs11?.detail ?? '', /^pkcs11js is loaded; initialised \/usr\/lib\/.*libsofthsm2\.so \(SoftHSM .*, 1 slot\)\.$/);
  // Opened, not provisioned: the store is on disk before any call, and no token was made.
  assert.ok(existsSync(path.join(workspace, 'ceremony.sqlite')));
  assert.equal(existsSync(path.join(workspace, 'rehearsal-token.json')), false);
  const overview = await client.call('workspace.overview', {});
  assert.equal(overview.ok, true);
});

test('with an SQLite binary built for another runtime, the backend says what failed, what it found and needed, and refuses the rest', async (t) => {
  const workspace = tempDir(t);
  const wrong = buildAbiAddon(tempDir(t), 150);
  const client = await BackendClient.start({ workspaceDir: workspace, mode: 'rehearsal', sqliteAddon: wrong });
  t.after(() => client.close());
  const report = await startupOf(client);
  assert.equal(report.ok, false);
  const [sqlite, pkcs11] = report.checks;
  assert.deepEqual(sqlite, {
    part: 'sqlite',
    title: 'SQLite and the evidence log',
    ok: false,
    detail: `SQLite (better-sqlite3) cannot be loaded: Node.js ${process.versions.node} cannot load it.`,
    file: wrong,
    found: 'a build for NODE_MODULE_VERSION 150',
    needed: `a Node-API build (version ${process.versions.napi} or lower), or a build for NODE_MODULE_VERSION ${process.versions.modules} (Node.js ${process.versions.node})`,
    fix: 'run `scripts/lts npm ci` in the source tree.',
  });
  assert.equal(pkcs11?.ok, true, 'PKCS#11 is checked on its own');
  assert.equal(existsSync(path.join(workspace, 'ceremony.sqlite')), false);

  // Nothing runs half-working: every channel but the report and the status is refused, saying why.
  for (const [channel, request] of [
    ['workspace.overview', {}],
    ['ceremony.list', {}],
    ['ceremony.create', { template: 'ksr-signing', ceremonyId: 'never' }],
  ] as const) {
    const refused = await client.call(channel, request);
    assert.equal(refused.ok, false, channel);
    assert.equal(!refused.ok && refused.error.code, 'STORAGE_ERROR');
    assert.match(!refused.ok ? refused.error.message : '', /^KSK Ceremony did not start: SQLite \(better-sqlite3\) cannot be loaded: /);
  }
  assert.equal((await client.call('app.status', {})).ok, true);
});

test('a production backend initialises every configured PKCS#11 module, and names the one that fails', async (t) => {
  const missing = '/opt/no-such-hsm/libcryptoki.so';
  const failing = await BackendClient.start({ workspaceDir: tempDir(t), mode: 'production', modulePaths: [missing] });
  t.after(() => failing.close());
  const report = await startupOf(failing);
  assert.equal(report.ok, false);
  const [sqlite, pkcs11] = report.checks;
  assert.equal(sqlite?.ok, true);
  assert.equal(pkcs11?.ok, false);
  assert.ok(pkcs11?.detail.includes(missing), pkcs11?.detail);
  assert.match(pkcs11?.fix ?? '', /KSK_PKCS11_MODULES/);
  const refused = await failing.call('workspace.overview', {});
  assert.equal(!refused.ok && refused.error.code, 'HSM_ERROR');

  const none = await BackendClient.start({ workspaceDir: tempDir(t), mode: 'production', modulePaths: [] });
  t.after(() => none.close());
  const fine = await startupOf(none);
  assert.equal(fine.ok, true, JSON.stringify(fine));
  assert.match(fine.checks[1]?.detail ?? '', /^pkcs11js is loaded; no PKCS#11 module is configured in KSK_PKCS11_MODULES/);
});
