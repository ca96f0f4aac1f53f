import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { defaultWorkspaceDir } from '../core/workspace/workspace.js';
import { startBrowserHost } from './server.js';

/** `npm run start:browser`: the app in Debian's Chromium, for rehearsal where Electron is absent. */
const { values } = parseArgs({
  options: {
    workspace: { type: 'string' },
    port: { type: 'string', default: '0' },
    open: { type: 'boolean', default: false },
    production: { type: 'boolean', default: false },
  },
});

const host = await startBrowserHost({
  workspaceDir: values.workspace ?? defaultWorkspaceDir(),
  port: Number(values.port),
  mode: values.production ? 'production' : 'rehearsal',
});
process.stdout.write(`KSK Ceremony is served at ${host.url}\n(loopback only; press Ctrl+C to stop)\n`);

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
if (values.open) {
  if (chromium) {
    spawn(chromium, [`--app=${host.url}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'], {
      stdio: 'ignore',
      detached: true,
    }).unref();
  } else {
    process.stdout.write('No Chromium found: open the address above in a browser.\n');
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void host.close().then(() => process.exit(0)));
}
