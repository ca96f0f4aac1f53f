import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

// The browser host confines file reads and exports to the workspace, removable media and the folders
// named here: the tests export to their output folder, which stands in for the USB stick.
process.env.KSK_BROWSER_HOST_FOLDERS = fileURLToPath(new URL('../../test-results/e2e', import.meta.url));

/** End-to-end tests in Debian's Chromium against the browser host and the real core (never a downloaded browser). */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/e2e',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  workers: 2,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
