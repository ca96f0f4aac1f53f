import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test as base } from '@playwright/test';
// The browser host and the core run compiled, exactly as `npm run start:browser` runs them.
import { startBrowserHost, type BrowserHost } from '../../dist/browser-host/server.js';

export interface HostFixtures {
  /** Where the world's clock stands: with (sufficient) or without (insufficient) time for an alternate date. */
  worldTime: 'sufficient' | 'insufficient';
  workspaceDir: string;
  host: BrowserHost;
  /** A rehearsal workspace with the world a DR procedure starts from (helpers/world.mjs). */
  world: RehearsalWorldFixture;
  /** The browser host on that workspace, its clock at the world's time. */
  worldHost: BrowserHost;
}

export interface RehearsalWorldFixture {
  workspaceDir: string;
  /** The rehearsal clock when the world was ready: the host's clock starts there. */
  time: string;
  /** The KSR the stand-in RZM brings to the ceremony. */
  ksr: string;
  /** What is on the shelf: bags and their serials, share sheets (rehearsal/world.json). */
  state: WorldFile;
}

export interface WorldFile {
  bags: Record<string, string>;
  credentials: Record<string, { holderId: string; set: string; sheet: string }>;
  activation: Record<string, string>;
  /** The encrypted KSK backups on the shelf (file relative to the workspace) and the RKSH share set that opens each. */
  backups: { file: string; set: string }[];
}

const run = promisify(execFile);

export const test = base.extend<HostFixtures>({
  worldTime: ['insufficient', { option: true }],
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
  world: async ({ workspaceDir, worldTime }, use) => {
    const { stdout } = await run(process.execPath, [fileURLToPath(new URL('helpers/world.mjs', import.meta.url)), workspaceDir, worldTime], {
      maxBuffer: 16 * 1024 * 1024,
    });
    const { time, ksr } = JSON.parse(stdout) as { time: string; ksr: string };
    const state = JSON.parse(readFileSync(path.join(workspaceDir, 'rehearsal', 'world.json'), 'utf8')) as WorldFile;
    await use({ workspaceDir, time, ksr, state });
  },
  worldHost: async ({ world }, use) => {
    const host = await startBrowserHost({
      workspaceDir: world.workspaceDir,
      mode: 'rehearsal',
      startAt: new Date(Date.parse(world.time) + 1000).toISOString(),
    });
    await use(host);
    await host.close();
  },
});

export { expect } from '@playwright/test';
