import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkAirGap } from '../../dist/core/system/airgap.js';
import { systemClock } from '../../dist/core/clock.js';
import { expect, test } from './fixtures.js';
import { checkScreen } from './helpers/screens.js';
import { StatusPage } from './pages/StatusPage.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('the status screen shows live data from the core: version, workspace, and the real air-gap check', async ({ page, host, workspaceDir }, testInfo) => {
  const status = new StatusPage(page);
  await status.open(host.url);
  await expect(status.version).toHaveText(pkg.version);
  await expect(status.workspace).toHaveText(workspaceDir);
  await expect(status.databasePath).toHaveText(path.join(workspaceDir, 'ceremony.sqlite'));
  await expect(status.modeBanner).toContainText('REHEARSAL');
  await expect(status.hsmModules.filter({ hasText: '/usr/lib/softhsm/libsofthsm2.so: present' })).toHaveCount(1);
  // The HSM section reads the module itself (C_GetInfo): the library by name and version.
  await expect(page.getByTestId('hsm-module').filter({ hasText: '/usr/lib/softhsm/libsofthsm2.so' })).toContainText(/SoftHSM.* 2\.\d+/);

  // The same check run here in the test process must agree with what the page shows.
  const expected = checkAirGap(systemClock);
  await expect(status.airGapInterfaces).toHaveCount(expected.interfaces.length);
  for (const iface of expected.interfaces) {
    await expect(status.airGapInterfaces.filter({ has: page.getByRole('rowheader', { name: iface.name, exact: true }) })).toHaveCount(1);
  }
  if (expected.isolated) {
    await expect(status.airGapVerdict).toContainText('Isolated');
  } else {
    await expect(status.airGapVerdict).toContainText('connected to a network');
    await expect(status.airGapWarnings).toHaveText(expected.warnings);
  }
  await checkScreen(page, testInfo, 'status');
});

test('a contract error is rendered as a readable message, and a good request still works after it', async ({ page, host, workspaceDir }) => {
  const status = new StatusPage(page);
  await status.open(host.url);
  const missing = path.join(workspaceDir, 'no-such-ksr.xml');
  await status.hashFile(missing);
  await expect(status.alert).toHaveText(`Not found. No file at ${missing}.`);

  await status.hashFile('');
  await expect(status.alert).toContainText('That input was not accepted. Invalid request to hash.file: path: a file path is required');

  const file = path.join(workspaceDir, 'fox.txt');
  writeFileSync(file, 'The quick brown fox jumps over the lazy dog');
  await status.hashFile(file);
  await expect(status.hashHex()).toHaveText('d7a8 fbb3 07d7 8094 69ca 9abc b008 2e4f 8d56 51e4 6d3c db76 2d02 d0bf 37c9 e592');
  await expect(status.alert).toHaveCount(0);
});

test('a page opened without the host token says how to open the app', async ({ page, host }) => {
  await page.goto(host.origin + '/');
  await expect(page.getByRole('alert')).toContainText('opened without the browser host token');
});
