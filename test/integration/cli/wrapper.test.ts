import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { exportBundle, type ExportedBundle } from '../../../core/export/bundle/export.js';
import { repoRoot } from '../../helpers/paths.js';
import { buildWorld, SIGNING_ID, type HandBuiltWorld } from '../bundle/handBuilt.js';

/**
 * build-resources/ksk-ceremony, the command the AppImage and the deb carry, in the layout they
 * install (/opt/KSK Ceremony with its resources/, and /usr/bin/ksk-ceremony linking to the command
 * as the deb does). The app's Electron binary cannot exist here: in its place stands a plain Node,
 * behind a two-line shim that records the ELECTRON_RUN_AS_NODE it was started with; the asar
 * stands as a folder holding the built dist/.
 */
let root: string;
let world: HandBuiltWorld;
let bundle: ExportedBundle;
let command: string;
let runtimeLog: string;

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ksk-wrapper-'));
  world = await buildWorld(path.join(root, 'workspace'));
  mkdirSync(path.join(root, 'usb'));
  bundle = await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: path.join(root, 'usb') });

  const app = path.join(root, 'opt', 'KSK Ceremony');
  const asar = path.join(app, 'resources', 'app.asar');
  mkdirSync(asar, { recursive: true });
  mkdirSync(path.join(app, 'resources', 'bin'));
  copyFileSync(path.join(repoRoot, 'package.json'), path.join(asar, 'package.json'));
  symlinkSync(path.join(repoRoot, 'dist'), path.join(asar, 'dist'));
  copyFileSync(path.join(repoRoot, 'build-resources', 'ksk-ceremony'), path.join(app, 'resources', 'bin', 'ksk-ceremony'));
  chmodSync(path.join(app, 'resources', 'bin', 'ksk-ceremony'), 0o755);

  runtimeLog = path.join(root, 'runtime.log');
  writeFileSync(
    path.join(app, 'ksk-ceremony-app'),
    `#!/bin/sh\nprintf '%s\\n' "\${ELECTRON_RUN_AS_NODE-unset}" >> '${runtimeLog}'\nexec '${process.execPath}' "$@"\n`,
    { mode: 0o755 },
  );

  mkdirSync(path.join(root, 'usr', 'bin'), { recursive: true });
  command = path.join(root, 'usr', 'bin', 'ksk-ceremony');
  symlinkSync(path.join(app, 'resources', 'bin', 'ksk-ceremony'), command);
});
after(() => {
  world.store.close();
  rmSync(root, { recursive: true, force: true });
});

function run(file: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const result = spawnSync(file, args, { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runtimeStarts(): string[] {
  return readFileSync(runtimeLog, 'utf8').trim().split('\n');
}

test("ksk-ceremony bundle verify, from the deb's /usr/bin link, runs the packaged CLI on the app's runtime as Node", () => {
  const valid = run(command, ['bundle', 'verify', bundle.path]);
  assert.equal(valid.status, 0, valid.stdout + valid.stderr);
  assert.match(valid.stdout, /^VALID: The bundle of ceremony KSK-R55 verifies/);
  assert.ok(valid.stdout.includes(bundle.logHead.pgpWords.slice(0, 8).join(' ')), 'the head is not given in words');
  assert.deepEqual(runtimeStarts().slice(-1), ['1'], 'the runtime was not started with ELECTRON_RUN_AS_NODE=1');
});

test('a changed byte in the bundle fails the same command with exit 1, naming the file', () => {
  const copy = path.join(mkdtempSync(path.join(root, 'copy-')), path.basename(bundle.path));
  cpSync(bundle.path, copy, { recursive: true });
  const file = path.join(copy, 'attestations.json');
  const bytes = readFileSync(file);
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] as number) ^ 0x04;
  writeFileSync(file, bytes);
  const tampered = run(command, ['bundle', 'verify', copy, '--json']);
  assert.equal(tampered.status, 1, tampered.stdout + tampered.stderr);
  const verdict = JSON.parse(tampered.stdout) as { ok: boolean; problems: { path: string }[] };
  assert.equal(verdict.problems[0]?.path, 'attestations.json');
});

test('run from inside the app (an extracted AppImage) the command finds the app beside it; arguments pass through unchanged', () => {
  const inside = path.join(root, 'opt', 'KSK Ceremony', 'resources', 'bin', 'ksk-ceremony');
  const help = run(inside, ['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^ksk-ceremony: DNSSEC KSK ceremonies/);
  assert.ok(help.stdout.includes('bundle verify'));
  const unknown = run(inside, ['no such', 'command']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "no such command"/);
});
