import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { readWorkspaceConfig } from '../../../core/workspace/config.js';
import { toPgpWords } from '../../../core/hash/pgpWords.js';
import { cliPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';
import { forgerKey, resealCeremony } from './forgery.js';
import { rehearsedWorkspace } from './rehearsedLog.js';
import { applyTamper } from './tampering.js';

function cli(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
}

function newestCeremony(db: Database.Database): string {
  return db.prepare('SELECT ceremony_id FROM events WHERE seq = 1 ORDER BY time DESC LIMIT 1').pluck().get() as string;
}

/** The newest ceremony rewritten whole (its opening naming the forger's key) and sealed again, in a folder with no workspace config. */
function resealedCopy(t: Parameters<typeof tempDir>[0], workspace: string, keep: number | null): string {
  const dir = tempDir(t);
  const copy = path.join(dir, 'ceremony.sqlite');
  copyFileSync(path.join(workspace, 'ceremony.sqlite'), copy);
  if (existsSync(path.join(workspace, 'ceremony.sqlite-wal'))) copyFileSync(path.join(workspace, 'ceremony.sqlite-wal'), `${copy}-wal`);
  const db = new Database(copy);
  const forger = forgerKey();
  applyTamper(db, {
    kind: 'reseal',
    detail: '',
    expect: { ceremonyId: null, seq: null },
    apply: (d) => resealCeremony(d, newestCeremony(d), forger, { keep }),
  });
  db.close();
  return copy;
}

test('the audit key is pinned at commissioning, outside the log, and printed on the paper and in the bundle README', (t) => {
  const ws = rehearsedWorkspace(t);
  const config = readWorkspaceConfig(ws);
  assert.ok(config, 'workspace.json holds the pin');
  assert.equal(config.auditKey.label, 'AUDIT-WORKSPACE');
  const ok = cli(['log', 'verify', path.join(ws, 'ceremony.sqlite')]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.equal(
    (ok.stdout.match(new RegExp(`audit key ${config.auditKeyFingerprint} \\(pinned\\)`, 'g')) ?? []).length,
    3,
    'all three seals are by the pinned key',
  );
  assert.match(ok.stdout, /Proven with the pin \(the workspace config \S+workspace\.json\)/);
  assert.match(ok.stdout, /Not provable without the signed paper/);

  const words = toPgpWords(Buffer.from(config.auditKeyFingerprint, 'hex'));
  // The rehearsal's own export is the partial bundle of step 9.6, written before the seal.
  const exportDir = path.join(ws, 'ceremonies', 'ksr-signing-20270518', 'export');
  const partial = readdirSync(exportDir).find((f) => /^REHEARSAL-ksr-signing-20270518-partial-e\d+-bundle$/.test(f));
  assert.ok(partial, `the partial bundle is in ${exportDir}`);
  const readme = readFileSync(path.join(exportDir, partial, 'README-AUDITOR.txt'), 'utf8');
  assert.match(readme, /THE AUDIT KEY pinned when the workspace was commissioned/);
  assert.ok(
    readme.includes(config.auditKeyFingerprint.slice(0, 4)) && readme.includes(words[0] as string),
    'the README gives the fingerprint in hex and words',
  );

  const record = path.join(tempDir(t), 'record.pdf');
  const made = cli(['document', 'record', '--workspace', ws, '--ceremony', 'ksr-signing-20270518', '--out', record]);
  assert.equal(made.status, 0, made.stderr);
  const text = spawnSync('pdftotext', ['-layout', record, '-'], { encoding: 'utf8' }).stdout;
  assert.match(text, /Audit key \(pinned\)/);
  assert.ok(
    text.includes(config.auditKeyFingerprint.slice(0, 4)) && text.includes(words[0] as string),
    'the record cover gives the fingerprint in hex and words',
  );
});

test('the newest ceremony rewritten or cut and sealed again by another "AUDIT-WORKSPACE" key is refused by the pin, saying so', (t) => {
  const ws = rehearsedWorkspace(t);
  const config = readWorkspaceConfig(ws);
  assert.ok(config);
  for (const keep of [null, 40]) {
    const copy = resealedCopy(t, ws, keep);
    const unpinned = cli(['log', 'verify', copy]);
    assert.equal(unpinned.status, 0, `without a pin the rewritten log is consistent in itself: ${unpinned.stdout}`);
    assert.match(unpinned.stdout, /no key pinned/);
    assert.match(unpinned.stdout, /NOT proven, because no audit key was pinned/);

    for (const pin of [
      ['--audit-key', config.auditKeyFingerprint],
      ['--audit-key', path.join(ws, 'workspace.json')],
      ['--workspace', ws],
      ['--audit-key', toPgpWords(Buffer.from(config.auditKeyFingerprint, 'hex')).join(' ')],
    ]) {
      const refused = cli(['log', 'verify', copy, ...pin]);
      assert.equal(refused.status, 1, `${pin.join(' ')}: ${refused.stdout}`);
      assert.match(
        refused.stdout,
        new RegExp(`The seal is by an audit key that is not pinned: its fingerprint is [0-9a-f]{64}, but .* pins ${config.auditKeyFingerprint}`),
      );
    }
  }
});

test('--audit-key refuses what is neither a fingerprint nor a key file, and a key file without a key', (t) => {
  const ws = rehearsedWorkspace(t);
  const db = path.join(ws, 'ceremony.sqlite');
  const bad = cli(['log', 'verify', db, '--audit-key', 'abcd']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /An audit key fingerprint is 32 bytes/);
  const dir = tempDir(t);
  mkdirSync(path.join(dir, 'x'));
  const file = path.join(dir, 'x', 'key.json');
  writeFileSync(file, '{"name": "not a key"}');
  const noKey = cli(['log', 'verify', db, '--audit-key', file]);
  assert.equal(noKey.status, 3, noKey.stderr);
  assert.match(noKey.stderr, /holds no audit key/);
});

test('bundle verify --audit-key: the bundle of a sealed ceremony is valid with the fingerprint from the paper, refused with another', (t) => {
  const ws = rehearsedWorkspace(t);
  const config = readWorkspaceConfig(ws);
  assert.ok(config);
  const target = tempDir(t);
  const exported = cli(['bundle', 'export', '--workspace', ws, '--ceremony', 'ksr-signing-20270518', '--to', target]);
  assert.equal(exported.status, 0, exported.stderr);
  const bundle = path.join(target, 'REHEARSAL-ksr-signing-20270518-final-bundle');
  const pinned = cli(['bundle', 'verify', bundle, '--audit-key', config.auditKeyFingerprint]);
  assert.equal(pinned.status, 0, pinned.stdout);
  assert.match(pinned.stdout, new RegExp(`audit key ${config.auditKeyFingerprint}, pinned by --audit-key`));
  const unpinned = cli(['bundle', 'verify', bundle]);
  assert.equal(unpinned.status, 0);
  assert.match(unpinned.stdout, /NOT pinned \(pass --audit-key with the fingerprint on the paper\)/);
  const other = cli(['bundle', 'verify', bundle, '--audit-key', 'ab'.repeat(32)]);
  assert.equal(other.status, 1, other.stdout);
  assert.match(other.stdout, /The seal is by an audit key that is not pinned/);
});
