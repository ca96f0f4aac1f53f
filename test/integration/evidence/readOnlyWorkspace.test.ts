import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cliPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';
import { smallDisk } from './mounts.js';
import { rehearsedWorkspace } from './rehearsedLog.js';

function cli(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 120_000 });
}

test('a workspace on a read-only disk: what only reads works, what writes says "read-only", nothing is INTERNAL', async (t) => {
  const disk = smallDisk(t, '200m');
  if (!disk) return;
  const ws = path.join(disk.dir, 'ws');
  cpSync(rehearsedWorkspace(t), ws, { recursive: true });
  // As after a clean close, or a copy: no -shm beside the log, which SQLite needs to read a WAL database in place.
  rmSync(path.join(ws, 'ceremony.sqlite-shm'), { force: true });
  disk.remount('ro');

  const list = cli(['ceremony', 'list', '--workspace', ws]);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /ksr-signing-20270518 +ksr-signing +rehearsal +closed/);
  const verified = cli(['log', 'verify', path.join(ws, 'ceremony.sqlite')]);
  assert.equal(verified.status, 0, verified.stderr + verified.stdout);
  const target = tempDir(t);
  const exported = cli(['bundle', 'export', '--workspace', ws, '--ceremony', 'ksr-signing-20270518', '--to', target]);
  assert.equal(exported.status, 0, exported.stderr);
  const bundle = path.join(target, 'REHEARSAL-ksr-signing-20270518-bundle');
  assert.equal(cli(['bundle', 'verify', bundle]).status, 0);

  const writer = cli(['rehearse', '--procedure', 'ksr-signing', '--workspace', ws]);
  assert.equal(writer.status, 5, writer.stderr);
  assert.match(writer.stderr, /read-only/);
  assert.doesNotMatch(writer.stderr, /internal error|EROFS:/);
});

test('what a killed run left (temporary files, partial bundle folders, scratch) is removed on the next run, never presented as good', (t) => {
  const ws = rehearsedWorkspace(t);
  const old = new Date(Date.now() - 3 * 3600_000);
  const leftovers = [
    path.join(ws, 'rehearsal', '.world.json.0123456789ab.tmp'),
    path.join(ws, '.current-skr.json.0123456789ab.tmp'),
    path.join(ws, 'tmp', 'ksk-bundle-abcdef'),
  ];
  for (const file of leftovers) {
    if (file.endsWith('abcdef')) mkdirSync(file, { recursive: true });
    else writeFileSync(file, '{"half": ');
    utimesSync(file, old, old);
  }
  const fresh = path.join(ws, '.current-skr.json.ba9876543210.tmp');
  writeFileSync(fresh, 'being written right now');
  const target = tempDir(t);
  const partial = path.join(target, '.REHEARSAL-ksr-signing-20270518-bundle.partial-0123456789ab');
  mkdirSync(partial);
  writeFileSync(path.join(partial, 'manifest.json'), '{}');
  utimesSync(partial, old, old);

  const list = cli(['ceremony', 'list', '--workspace', ws]);
  assert.equal(list.status, 0, list.stderr);
  for (const file of leftovers) assert.equal(existsSync(file), false, `${file} was left`);
  assert.equal(existsSync(fresh), true, 'a temporary file being written now is left alone');
  const exported = cli(['bundle', 'export', '--workspace', ws, '--ceremony', 'ksr-signing-20270518', '--to', target]);
  assert.equal(exported.status, 0, exported.stderr);
  assert.equal(existsSync(partial), false, 'the partial bundle folder of a killed export is removed');
  assert.deepEqual(execFileSync('ls', ['-A', target], { encoding: 'utf8' }).trim().split('\n'), ['REHEARSAL-ksr-signing-20270518-bundle']);
});
