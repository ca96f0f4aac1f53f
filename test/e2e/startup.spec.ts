import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowserHost } from '../../dist/browser-host/server.js';
import { buildAbiAddon } from '../../dist/test/helpers/nativeAddons.js';
import { expect, test } from './fixtures.js';
import { checkScreen } from './helpers/screens.js';

test('with an SQLite binary built for another runtime the app shows one screen: what failed, the ABI found and needed, the fix', async ({
  page,
  workspaceDir,
}, testInfo) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-e2e-abi-'));
  // A real native addon registered for NODE_MODULE_VERSION 150 (Electron 45's), where the browser host's Node needs its own.
  const wrong = buildAbiAddon(dir, 150);
  const host = await startBrowserHost({ workspaceDir, mode: 'rehearsal', sqliteAddon: wrong });
  try {
    await page.goto(host.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('KSK Ceremony cannot start');
    await expect(page.getByTestId('startup-runtime')).toHaveText(
      `Node.js ${process.versions.node} (NODE_MODULE_VERSION ${process.versions.modules}, Node-API ${process.versions.napi})`,
    );
    const sqlite = page.getByTestId('startup-sqlite');
    await expect(sqlite.getByRole('heading', { level: 2 })).toHaveText('SQLite and the evidence log');
    await expect(sqlite.getByTestId('startup-detail')).toHaveText(`SQLite (better-sqlite3) cannot be loaded: Node.js ${process.versions.node} cannot load it.`);
    await expect(sqlite.getByTestId('startup-file')).toHaveText(wrong);
    await expect(sqlite.getByTestId('startup-found')).toHaveText('a build for NODE_MODULE_VERSION 150');
    await expect(sqlite.getByTestId('startup-needed')).toHaveText(
      `a Node-API build (version ${process.versions.napi} or lower), or a build for NODE_MODULE_VERSION ${process.versions.modules} (Node.js ${process.versions.node})`,
    );
    await expect(sqlite.getByTestId('startup-fix')).toHaveText('To fix it, run scripts/lts npm ci in the source tree.');
    await expect(sqlite.getByTestId('startup-fix').locator('code')).toHaveText('scripts/lts npm ci');
    // PKCS#11 was checked on its own and is fine; it says so below the failure.
    await expect(page.getByTestId('startup-pkcs11')).toContainText('PKCS#11: pkcs11js is loaded; initialised');
    // Never a half-working home screen: no navigation, no workspace, no mode banner to click on.
    await expect(page.getByRole('navigation')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Workspace' })).toHaveCount(0);
    await checkScreen(page, testInfo, 'startup-failure');

    // An address of a screen shows the same screen, before and after a reload.
    await page.goto(`${host.url}#/status`);
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('KSK Ceremony cannot start');
    await expect(page.getByTestId('startup-found')).toHaveText('a build for NODE_MODULE_VERSION 150');
  } finally {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with the binaries the runtime picks, the same host opens the workspace home screen', async ({ page, host }) => {
  await page.goto(host.url);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).not.toHaveText('KSK Ceremony cannot start');
  await expect(page.getByTestId('startup-sqlite')).toHaveCount(0);
});
