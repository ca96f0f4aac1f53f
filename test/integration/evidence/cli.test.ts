import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { exportCeremony, openEvidenceStore, verifyEvidence, type VerifyReport } from '../../../core/evidence/index.js';
import { cliPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';
import { smallDisk } from './mounts.js';
import { openSample, steppingClock, writeSampleCeremony } from './sampleLog.js';

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace with two sealed ceremonies and one still open. */
async function workspace(t: TestContext): Promise<string> {
  const file = path.join(tempDir(t), 'evidence.sqlite');
  const store = openEvidenceStore(file, steppingClock());
  await writeSampleCeremony(store, '2025-Q1');
  await writeSampleCeremony(store, '2025-Q2');
  openSample(store, '2025-Q3');
  store.close();
  return file;
}

test('log verify: exit 0 and the head of each ceremony in hex and PGP words', async (t) => {
  const file = await workspace(t);
  const r = cli('log', 'verify', file);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^OK: The evidence log .* verifies: \d+ events in 3 ceremonies \(2 sealed\), 4 artifacts\./);
  const head = verifyEvidence(file).ceremonies.find((c) => c.ceremonyId === '2025-Q1')?.head;
  assert.ok(head);
  assert.ok(r.stdout.includes(`head ${head.seq}: ${head.hash}`));
  assert.ok(r.stdout.includes(head.pgpWords.join(' ')));
  assert.match(
    r.stdout,
    /ceremony 2025-Q1: \d+ events verified, sealed .* by a software key \(ED25519\)\n.*\n.*\n {2}audit key [0-9a-f]{64} \(no key pinned\)/,
  );
  assert.match(r.stdout, /ceremony 2025-Q3: 4 events verified, not sealed/);
});

test('log verify --json: the report the app shows', async (t) => {
  const file = await workspace(t);
  const r = cli('log', 'verify', file, '--json');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as VerifyReport;
  assert.equal(report.ok, true);
  assert.deepEqual(
    report.ceremonies.map((c) => [c.ceremonyId, c.sealed]),
    [
      ['2025-Q1', true],
      ['2025-Q2', true],
      ['2025-Q3', false],
    ],
  );
  assert.equal(
    report.events,
    report.ceremonies.reduce((n, c) => n + c.events, 0),
  );
});

test('log verify on an edited log: exit 1 and the first event that differs', async (t) => {
  const file = await workspace(t);
  const db = new Database(file);
  db.exec('DROP TRIGGER events_no_update');
  db.prepare(
    "UPDATE events SET canonical = CAST(replace(CAST(canonical AS TEXT), 'sample ceremony', 'simple ceremony') AS BLOB) WHERE ceremony_id = '2025-Q2' AND type = 'ceremony.closed'",
  ).run();
  const closedSeq = db.prepare("SELECT seq FROM events WHERE ceremony_id = '2025-Q2' AND type = 'ceremony.closed'").pluck().get() as number;
  db.close();
  const r = cli('log', 'verify', file);
  assert.equal(r.status, 1, r.stderr);
  assert.ok(
    r.stdout.startsWith(
      `TAMPERED: Event ${closedSeq} of ceremony 2025-Q2 is the first that differs. Its stored bytes do not match its SHA-256: the event was changed.`,
    ),
    r.stdout,
  );
  assert.match(r.stdout, /also: The append-only triggers events_no_update were removed or altered/);
  const json = JSON.parse(cli('log', 'verify', file, '--json').stdout) as VerifyReport;
  assert.deepEqual([json.ok, json.firstBadCeremonyId, json.firstBadSeq], [false, '2025-Q2', closedSeq]);
});

test('log verify --require-seal fails on a ceremony never closed', async (t) => {
  const file = await workspace(t);
  const r = cli('log', 'verify', file, '--require-seal');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /Ceremony 2025-Q3 is not sealed/);
});

test('log verify: exit 3 for a missing file, a file that is not a database, a database that is not an evidence log', (t) => {
  const dir = tempDir(t);
  const junk = path.join(dir, 'junk.sqlite');
  writeFileSync(junk, 'not a database at all, just some text that is long enough to have a header'.repeat(20));
  const other = path.join(dir, 'other.sqlite');
  new Database(other).exec('CREATE TABLE t (x)');
  for (const [file, message] of [
    [path.join(dir, 'missing.sqlite'), /No file at/],
    [junk, /is not an SQLite database, or its header is damaged/],
    [other, /is not a KSK Ceremony evidence log/],
  ] as const) {
    const r = cli('log', 'verify', file);
    assert.equal(r.status, 3, `${file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.equal(cli('log', 'verify').status, 2);
});

test('log show lists the ceremonies, and the events of one', async (t) => {
  const file = await workspace(t);
  const list = cli('log', 'show', file);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /^2025-Q1 .* closed, sealed {2}\d+ events {2}KSR signing 2025 Q1$/m);
  assert.match(list.stdout, /^2025-Q3 .* open {2}4 events/m);
  const events = cli('log', 'show', file, '--ceremony', '2025-Q3', '--json');
  assert.deepEqual(
    (JSON.parse(events.stdout) as { type: string }[]).map((e) => e.type),
    ['ceremony.opened', 'participant.signed-in', 'participant.signed-in', 'participant.signed-in'],
  );
});

test('export writes one sealed ceremony as a log that verifies on its own, even from read-only media', async (t) => {
  const file = await workspace(t);
  const out = path.join(tempDir(t), 'bundle');
  const report = exportCeremony(file, '2025-Q2', path.join(out + '.sqlite'));
  assert.equal(report.ok, true);
  assert.deepEqual(
    report.ceremonies.map((c) => c.ceremonyId),
    ['2025-Q2'],
  );
  assert.equal(report.artifacts, 2, 'only the artifacts its events record');
  const alone = verifyEvidence(out + '.sqlite', { requireSealed: true });
  assert.equal(alone.ok, true, alone.message);
  assert.equal(
    alone.ceremonies[0]?.head?.hash,
    verifyEvidence(file).ceremonies.find((c) => c.ceremonyId === '2025-Q2')?.head?.hash,
    'the same head as in the workspace',
  );
  assert.ok(!existsSync(out + '.sqlite-wal'), 'a single file, no WAL beside it');
  const disk = smallDisk(t, '4m');
  if (!disk) return;
  copyFileSync(out + '.sqlite', path.join(disk.dir, 'bundle.sqlite'));
  disk.remount('ro');
  const r = cli('log', 'verify', path.join(disk.dir, 'bundle.sqlite'), '--require-seal');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('export refuses an open ceremony and a tampered one, and leaves no file behind', async (t) => {
  const file = await workspace(t);
  const dir = tempDir(t);
  assert.throws(() => exportCeremony(file, '2025-Q3', path.join(dir, 'open.sqlite')), /was not exported: .*not sealed/);
  assert.throws(() => exportCeremony(file, 'nope', path.join(dir, 'nope.sqlite')), /No ceremony "nope"/);
  const db = new Database(file);
  db.exec('DROP TRIGGER artifacts_no_update');
  db.exec("UPDATE artifacts SET bytes = CAST(bytes || 'x' AS BLOB) WHERE CAST(bytes AS TEXT) LIKE '%2025-Q1%'");
  db.close();
  assert.throws(
    () => exportCeremony(file, '2025-Q1', path.join(dir, 'q1.sqlite')),
    /was not exported: Event \d+ of ceremony 2025-Q1 is the first that differs/,
  );
  assert.deepEqual(readdirSync(dir), []);
  const r = cli('log', 'export', file, '2025-Q2', path.join(dir, 'q2.sqlite'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Exported ceremony 2025-Q2 to/);
});
