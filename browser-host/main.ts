import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { appInfo } from '../core/appInfo.js';
import { messageOf } from '../core/errors.js';
import { defaultWorkspaceDir } from '../core/workspace/workspace.js';
import { startBrowserHost } from './server.js';

/** `npm run start:browser`: the app in Debian's Chromium, for rehearsal where Electron is absent. */
const usage = [
  'usage: node dist/browser-host/main.js [--workspace DIR] [--port N] [--open] [--production] [--allow-folder DIR]...',
  '',
  'Serves KSK Ceremony on loopback for a browser (Debian Chromium), for rehearsals where Electron is absent.',
  '  --workspace DIR  the workspace (default: the app’s own)',
  '  --port N         the loopback port (default: any free one)',
  '  --open           open it in Chromium',
  '  --production     production mode (default: rehearsal)',
  '  --allow-folder DIR  a folder (besides the workspace and removable media) the app may read files from and export to; repeatable',
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
        'allow-folder': { type: 'string', multiple: true },
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
  confineFilesTo: values['allow-folder'] ?? [],
}).catch((e: unknown) => {
  process.stderr.write(`browser-host: ${messageOf(e)}\n`);
  process.exit(1);
});

/**
 * The address with its token goes to Chromium through a file only its owner can read, never on a
 * command line (which every local user sees in ps): Chromium opens the file, which sends it on to
 * the host, which takes the token and answers with a session cookie and the address without it.
 */
function launcher(url: string): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-browser-host-'));
  const file = path.join(dir, 'open.html');
  writeFileSync(
    file,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${url}"><title>KSK Ceremony</title>\n`,
    { mode: 0o600 },
  );
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
let opened: ReturnType<typeof launcher> | null = null;
if (values.open && chromium) {
  opened = launcher(host.url);
  // Chromium refuses to start as root without --no-sandbox; the ceremony laptop never runs it as root (test machines do).
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  spawn(
    chromium,
    [
      `--app=${pathToFileURL(opened.file).href}`,
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...rootOnly,
    ],
    {
      stdio: 'ignore',
      detached: true,
    },
  ).unref();
  process.stdout.write(
    `KSK Ceremony is served at ${host.origin} and opened in Chromium (the address with its token is in ${opened.file}, readable by you only)\n(loopback only; press Ctrl+C to stop)\n`,
  );
} else {
  process.stdout.write(
    `KSK Ceremony is served at ${host.url}\n${values.open ? 'No Chromium found: open the address above in a browser.\n' : ''}(loopback only; press Ctrl+C to stop)\n`,
  );
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(
    signal,
    () =>
      void host.close().then(() => {
        opened?.remove();
        process.exit(0);
      }),
  );
}
