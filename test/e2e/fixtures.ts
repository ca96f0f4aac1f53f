import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';
// The browser host and the core run compiled, exactly as `npm run start:browser` runs them.
import { startBrowserHost, type BrowserHost } from '../../dist/browser-host/server.js';

export interface HostFixtures {
  workspaceDir: string;
  host: BrowserHost;
}

export const test = base.extend<HostFixtures>({
  // eslint-disable-next-line no-empty-pattern
  workspaceDir: async ({}, use) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-e2e-'));
    await use(dir);
    rmSync(dir, { recursive: true, force: true });
  },
  host: async ({ workspaceDir }, use) => {
    const host = await startBrowserHost({ workspaceDir, mode: 'rehearsal' });
    await use(host);
    await host.close();
  },
});

export { expect } from '@playwright/test';
