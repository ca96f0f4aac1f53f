import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A CUPS scheduler of the test's own, on a private socket in a temporary folder, with one printer
 * whose device is a file (FileDevice Yes): a real `lp` job goes through the real filters and lands
 * in that file. Never touches the machine's CUPS. `available` says whether cupsd is installed
 * (Debian package cups); the caller skips, saying so, when it is not.
 */
export interface TestCups {
  /** CUPS_SERVER for lp and lpstat: the scheduler's socket. */
  server: string;
  printers: string[];
  /** What each printer printed (PostScript, through the generic driver). */
  output: (printer: string) => string;
  close(): Promise<void>;
}

const CUPSD = '/usr/sbin/cupsd';

export function cupsAvailable(): boolean {
  return existsSync(CUPSD) && spawnSync('lpadmin', ['-h'], { stdio: 'ignore' }).error === undefined;
}

export async function startTestCups(printers: string[]): Promise<TestCups> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ksk-cups-'));
  chmodSync(root, 0o755);
  const dir = (name: string) => {
    const d = path.join(root, name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const [etc, spool, cache, state, log, out] = ['etc', 'spool', 'cache', 'state', 'log', 'out'].map(dir) as [string, string, string, string, string, string];
  chmodSync(out, 0o777);
  const server = path.join(root, 'cups.sock');
  writeFileSync(
    path.join(etc, 'cupsd.conf'),
    [
      `Listen ${server}`,
      'LogLevel warn',
      'Browsing No',
      'WebInterface No',
      'DefaultAuthType None',
      '<Location />',
      '  Order allow,deny',
      '  Allow all',
      '</Location>',
      '<Policy default>',
      '  <Limit All>',
      '    Order deny,allow',
      '  </Limit>',
      '</Policy>',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(etc, 'cups-files.conf'),
    [
      'FileDevice Yes',
      `ServerRoot ${etc}`,
      `RequestRoot ${spool}`,
      `CacheDir ${cache}`,
      `StateDir ${state}`,
      `TempDir ${spool}`,
      `ErrorLog ${log}/error_log`,
      `AccessLog ${log}/access_log`,
      `PageLog ${log}/page_log`,
      'User lp',
      'Group lp',
      '',
    ].join('\n'),
  );
  const cupsd: ChildProcess = spawn(CUPSD, ['-f', '-c', path.join(etc, 'cupsd.conf'), '-s', path.join(etc, 'cups-files.conf')], { stdio: 'ignore' });
  const env = { ...process.env, CUPS_SERVER: server };
  for (let i = 0; i < 50 && spawnSync('lpstat', ['-r'], { env, encoding: 'utf8' }).stdout.includes('not running'); i++)
    await new Promise((r) => setTimeout(r, 100));
  const output = (printer: string) => path.join(out, `${printer}.ps`);
  for (const printer of printers) {
    const added = spawnSync('lpadmin', ['-p', printer, '-E', '-v', `file://${output(printer)}`, '-m', 'drv:///sample.drv/generic.ppd'], {
      env,
      encoding: 'utf8',
    });
    if (added.status !== 0) {
      cupsd.kill();
      throw new Error(`lpadmin could not add the test printer ${printer}: ${added.stderr}`);
    }
  }
  return {
    server,
    printers,
    output,
    async close() {
      cupsd.kill();
      await new Promise((r) => cupsd.once('exit', r));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The jobs CUPS completed, as `lpstat -W completed -o` lists them (job ids first). */
export function completedJobs(cups: TestCups): string[] {
  const listed = spawnSync('lpstat', ['-W', 'completed', '-o'], { env: { ...process.env, CUPS_SERVER: cups.server }, encoding: 'utf8' });
  return listed.stdout
    .split('\n')
    .map((l) => l.split(/\s+/)[0] ?? '')
    .filter(Boolean);
}
