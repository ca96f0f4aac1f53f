import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { appInfo } from '../core/appInfo.js';
import { messageOf } from '../core/errors.js';
import { defaultWorkspaceDir } from '../core/workspace/workspace.js';
import { startBrowserHost } from './server.js';

/** `npm run start:browser`: the app in Debian's Chromium, for rehearsal where Electron is absent. */
const usage = [
  'usage: node dist/browser-host/main.js [--workspace DIR] [--port N] [--open] [--production]',
  '',
  'Serves KSK Ceremony on loopback for a browser (Debian Chromium), for rehearsals where Electron is absent.',
  '  --workspace DIR  the workspace (default: the app’s own)',
  '  --port N         the loopback port (default: any free one)',
  '  --open           open it in Chromium',
  '  --production     production mode (default: rehearsal)',
  '  --version        print the version',
].join('\n');

function options() {
  try {
    return parseArgs({
      options: {
        workspace: { type: 'string' },
        port: { type: 'string', default: '0' },
        open: { type: 'boolean', default: false },
        production: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    // As the CLI does: a usage error goes to stderr with the usage, exit 2, never a stack trace.
    process.stderr.write(`browser-host: ${messageOf(e)}\n${usage}\n`);
    process.exit(2);
  }
}

const values = options();
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (values.version) {
  process.stdout.write(`${appInfo.name} ${appInfo.version}\n`);
  process.exit(0);
}
if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535) {
  process.stderr.write(`browser-host: --port takes a port number from 0 to 65535, not "${values.port}".\n${usage}\n`);
  process.exit(2);
}

const host = await startBrowserHost({
  workspaceDir: values.workspace ?? defaultWorkspaceDir(),
  port: Number(values.port),
  mode: values.production ? 'production' : 'rehearsal',
}).catch((e: unknown) => {
  process.stderr.write(`browser-host: ${messageOf(e)}\n`);
  process.exit(1);
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
