import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from '@playwright/test';
import type { KskApi } from '../../dist/core/contract/api.js';
import { BackendClient } from '../../dist/core/service/client.js';
import { readAppFile } from '../../dist/electron/appFiles.js';
import { APP_ORIGIN, MAIN_PAGE_URL, refuseCall } from '../../dist/electron/policy.js';
import { buildWorld, GENERATION_ID, SIGNING_ID } from '../../dist/test/integration/bundle/handBuilt.js';
import { electronBinary } from '../../scripts/electron-binary.js';
import { expect, test } from './fixtures.js';
import { HomePage } from './pages/AppPages.js';
import { StatusPage } from './pages/StatusPage.js';

const repoRoot = new URL('../../', import.meta.url);
const rendererDir = fileURLToPath(new URL('dist/renderer/', repoRoot));
const pkg = JSON.parse(readFileSync(new URL('package.json', repoRoot), 'utf8')) as { version: string };

declare global {
  interface Window {
    kskApi?: KskApi;
    kskCall(channel: unknown, request: unknown): Promise<unknown>;
    cspViolations: string[];
    inlineScriptRan?: boolean;
  }
}

test.describe('the Electron app', () => {
  const binary = electronBinary();
  const skipped = 'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): the Electron smoke test is skipped';
  // The list reporter shows a skipped test without its reason; the reason is printed as well.
  if (binary === null) console.log(skipped);
  test.skip(binary === null, skipped);

  test('starts on the home screen of a workspace with ceremonies, shows the status screen, with kskApi and nothing of Node, and keeps the page where it is', async ({
    workspaceDir,
  }) => {
    // Two sealed ceremonies in the workspace's evidence log: the home screen reads them through SQLite
    // in the app's own runtime, which is what a binary built for another runtime would break.
    const world = await buildWorld(workspaceDir);
    world.store.close();
    // ELECTRON_RUN_AS_NODE from the environment would start a bare Node instead of the app.
    const env = Object.fromEntries(
      Object.entries({ ...process.env, KSK_WORKSPACE: workspaceDir }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined && entry[0] !== 'ELECTRON_RUN_AS_NODE',
      ),
    );
    const app = await electron.launch({ executablePath: binary ?? '', args: [fileURLToPath(repoRoot)], env });
    try {
      const shell = await app.firstWindow();
      await shell.waitForURL(MAIN_PAGE_URL);
      const home = new HomePage(shell);
      await expect(home.title).toBeVisible();
      await expect(home.past.getByTestId('ceremony-item')).toHaveCount(2);
      for (const id of [GENERATION_ID, SIGNING_ID]) await expect(home.past.getByTestId('ceremony-item').filter({ hasText: id })).toHaveCount(1);
      const status = new StatusPage(shell);
      await status.openFromNav();
      await expect(status.version).toHaveText(pkg.version);
      await expect(status.workspace).toHaveText(workspaceDir);
      await expect(status.modeBanner).toContainText('REHEARSAL');

      expect(await shell.evaluate(() => Object.keys(window.kskApi ?? {}).sort())).toEqual(['call', 'onEvent']);
      expect(await shell.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await shell.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      expect(await shell.evaluate(() => window.open('app://ksk/index.html'))).toBeNull();
      expect(
        await shell.evaluate(() =>
          fetch('https://www.iana.org/').then(
            () => 'fetched',
            () => 'refused',
          ),
        ),
      ).toBe('refused');
      await shell.evaluate(() => {
        window.location.href = 'https://www.iana.org/';
      });
      await shell.waitForTimeout(500);
      expect(shell.url()).toBe(MAIN_PAGE_URL);

      const projectorOpened = app.waitForEvent('window');
      await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.getMenuItemById('projector')?.click());
      const projector = await projectorOpened;
      await expect.poll(() => projector.url()).toBe(`${MAIN_PAGE_URL}#/projector`);
    } finally {
      await app.close();
    }
  });
});

test("the renderer runs under the shell's CSP, served the way app:// serves it, on kskApi instead of the WebSocket", async ({ page, workspaceDir }) => {
  // Chromium without the shell cannot load app://, so an https origin stands in for it: every
  // answer comes from the shell's own readAppFile, CSP header included; any other request is cut.
  const origin = 'https://ksk.test';
  const backend = await BackendClient.start({ workspaceDir, mode: 'rehearsal' });
  try {
    const cut: string[] = [];
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (!url.startsWith(`${origin}/`)) {
        cut.push(url);
        return route.abort('blockedbyclient');
      }
      const answer = await readAppFile(rendererDir, APP_ORIGIN + url.slice(origin.length));
      await route.fulfill({ status: answer.status, headers: { ...answer.headers }, body: Buffer.from(answer.body) });
    });
    // The preload's kskApi (tested on its real bundle in test/integration/electron/preload.test.ts),
    // with the main process's sender and channel check in front of the real backend.
    await page.exposeFunction(
      'kskCall',
      (channel: unknown, request: unknown) => refuseCall({ url: MAIN_PAGE_URL, parent: null }, channel) ?? backend.call(channel as string, request),
    );
    await page.addInitScript(() => {
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} [${e.sample}]`));
      window.kskApi = { call: (channel: unknown, request: unknown) => window.kskCall(channel, request), onEvent: () => () => undefined } as unknown as KskApi;
    });

    const status = new StatusPage(page);
    await status.open(`${origin}/index.html`);
    await expect(status.version).toHaveText(pkg.version);
    await expect(status.workspace).toHaveText(workspaceDir);
    await expect(status.modeBanner).toContainText('REHEARSAL');
    // The renderer sets z.config({ jitless: true }) first, so zod never probes for eval under the CSP.
    const violations = async () => page.evaluate(() => window.cspViolations);
    expect(await violations()).toEqual([]);
    expect(cut).toEqual([]);

    // The document preview (pdf.js) draws a page under the same policy.
    const created = await backend.call('ceremony.create', { template: 'ksr-signing', ceremonyId: 'csp-preview' });
    expect(created.ok).toBe(true);
    await page.goto(`${origin}/index.html#/log/csp-preview`);
    await page
      .getByTestId('document-script')
      .getByRole('button', { name: /^Render/ })
      .click();
    await expect(page.getByTestId('document-script').getByTestId('pdf-preview')).toHaveAttribute('data-drawn', 'yes', { timeout: 30_000 });
    expect(await violations()).toEqual([]);
    expect(cut).toEqual([]);

    // And the policy holds: no inline script, no fetch, not even to the app's own origin. (Code run by
    // Playwright's evaluate is exempt from the eval rule, so eval is not tried here.)
    expect(
      await page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineScriptRan = true';
        document.head.append(script);
        return window.inlineScriptRan === true;
      }),
    ).toBe(false);
    expect(
      await page.evaluate(() =>
        fetch('/index.html').then(
          () => 'fetched',
          () => 'refused',
        ),
      ),
    ).toBe('refused');
    await expect.poll(async () => [...new Set((await violations()).map((v) => v.split(' ')[0]))].sort()).toEqual(['connect-src', 'script-src-elem']);
  } finally {
    await backend.close();
  }
});
