import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { commands } from '../../../core/cli/commands/index.js';
import { cliPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * Records every module the CLI process loads (through a resolve hook installed before it starts) and
 * prints them to stderr at exit, so a test can see what a command's start pulls in.
 */
const recordLoads = `
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); loaded.add(r.url); return r; } });
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify([...loaded]) + '\\n'));
`;

function loadedBy(...args: string[]): { status: number | null; stdout: string; modules: string[] } {
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(recordLoads)}`, cliPath, ...args], { encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  assert.ok(line, `no module list from ksk-ceremony ${args.join(' ')}: ${r.stderr}`);
  return { status: r.status, stdout: r.stdout, modules: JSON.parse(line.slice('LOADED '.length)) as string[] };
}

/** What only some commands use and every command paid for at start before each was loaded on its own. */
const heavy = [
  /node_modules\/pdfkit\//,
  /node_modules\/zod\//,
  /node_modules\/pkcs11js\//,
  /node_modules\/better-sqlite3\//,
  /\/core\/contract\//,
  /\/native\//,
  /\/core\/documents\//,
];

test('ksk-ceremony hash loads no PDF, contract schema, PKCS#11 host or database module', (t) => {
  const file = path.join(tempDir(t), 'msg');
  writeFileSync(file, 'The quick brown fox jumps over the lazy dog');
  const { status, stdout, modules } = loadedBy('hash', file);
  assert.equal(status, 0);
  assert.match(stdout, /SHA-256: d7a8fbb3/);
  assert.ok(
    modules.some((m) => m.endsWith('/core/cli/commands/hash.js')),
    'the hash command itself was loaded',
  );
  for (const pattern of heavy)
    assert.deepEqual(
      modules.filter((m) => pattern.test(m)),
      [],
      `hash loaded ${pattern}`,
    );
});

test('help lists every command from the registry without loading any command module', () => {
  const { status, stdout, modules } = loadedBy('--help');
  assert.equal(status, 0);
  for (const c of commands) assert.ok(stdout.includes(`  ${c.path.join(' ')} `), `help lists ${c.path.join(' ')}`);
  assert.deepEqual(
    modules.filter((m) => /\/core\/cli\/commands\/(?!index\.js)/.test(m)),
    [],
  );
  for (const pattern of heavy)
    assert.deepEqual(
      modules.filter((m) => pattern.test(m)),
      [],
      `help loaded ${pattern}`,
    );
});

test('every command of the registry loads, with a usage that names it', async () => {
  for (const entry of commands) {
    const command = await entry.load();
    assert.equal(typeof command.run, 'function', entry.path.join(' '));
    assert.ok(command.usage.includes(`ksk-ceremony ${entry.path.join(' ')}`), `usage of ${entry.path.join(' ')}: ${command.usage}`);
  }
});

test('a command --help prints its summary and usage', () => {
  const r = spawnSync(process.execPath, [cliPath, 'ksr', 'sign', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^check a KSR, sign it in the HSM the policy names, write the SKR atomically\nusage: ksk-ceremony ksr sign KSR /);
});
