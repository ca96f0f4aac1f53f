import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openSync, writeSync, closeSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { isKskError } from '../../../core/errors.js';
import { openEvidenceStore, verifyEvidence, type EvidenceStore } from '../../../core/evidence/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { smallDisk } from './mounts.js';
import { newStore, openSample, steppingClock } from './sampleLog.js';

const storageError = (pattern: RegExp) => (e: unknown) => {
  assert.ok(isKskError(e), String(e));
  assert.equal(e.code, 'STORAGE_ERROR', e.message);
  assert.match(e.message, pattern);
  assert.doesNotMatch(e.message, /\n\s+at /, 'no stack trace in the message');
  return true;
};

/** Appends until the store refuses; returns what it acknowledged and the refusal. */
function fillUp(store: EvidenceStore, ceremonyId: string): { acked: Map<number, string>; error: unknown } {
  const acked = new Map<number, string>();
  for (let i = 0; i < 10_000; i++) {
    try {
      const e =
        i % 3 === 0
          ? store.storeArtifact(ceremonyId, { name: `photo ${i}.jpg`, kind: 'photo', mediaType: 'image/jpeg', bytes: randomBytes(24 * 1024) })
          : store.append(ceremonyId, 'note', { text: `${i} `.repeat(500) });
      acked.set(e.seq, e.hash);
    } catch (error) {
      return { acked, error };
    }
  }
  throw new Error('the disk never filled up');
}

function assertAllPresent(file: string, ceremonyId: string, acked: Map<number, string>): void {
  const report = verifyEvidence(file);
  assert.equal(report.ok, true, report.message);
  const store = openEvidenceStore(file, steppingClock());
  try {
    const stored = new Map(store.events(ceremonyId).map((e) => [e.seq, e.hash]));
    for (const [seq, hash] of acked) assert.equal(stored.get(seq), hash, `acknowledged event ${seq} is missing or different`);
  } finally {
    store.close();
  }
}

/** A log with one open ceremony on a tmpfs of its own, or null when no tmpfs can be mounted here. */
function logOnSmallDisk(t: TestContext, size: string): { disk: NonNullable<ReturnType<typeof smallDisk>>; file: string; store: EvidenceStore } | null {
  const disk = smallDisk(t, size);
  if (!disk) return null;
  const file = path.join(disk.dir, 'evidence.sqlite');
  const store = openEvidenceStore(file, steppingClock());
  openSample(store, 'c1');
  return { disk, file, store };
}

test('a full disk is a clear message, and no acknowledged event is lost', (t) => {
  const log = logOnSmallDisk(t, '1m');
  if (!log) return;
  const { disk, file, store } = log;
  const { acked, error } = fillUp(store, 'c1');
  assert.ok(acked.size > 5, `only ${acked.size} events fit`);
  storageError(/The disk holding the evidence log .*evidence\.sqlite is full\. Nothing was recorded by this action; everything recorded before it is intact/)(
    error,
  );
  const head = Math.max(...acked.keys());
  assert.equal(store.head('c1')?.seq, head, 'the refused event was not recorded');
  store.close();
  disk.remount('size=16m');
  assertAllPresent(file, 'c1', acked);
  const again = openEvidenceStore(file, steppingClock());
  assert.equal(again.append('c1', 'note', { text: 'space was freed' }).seq, head + 1);
  again.close();
  assert.equal(verifyEvidence(file).ok, true);
});

test('a read-only disk is a clear message when the log is opened for writing; it still verifies', (t) => {
  const log = logOnSmallDisk(t, '4m');
  if (!log) return;
  const { disk, file, store } = log;
  store.close();
  disk.remount('ro');
  assert.throws(() => openEvidenceStore(file, steppingClock()), storageError(/cannot be written: its folder or disk is read-only/));
  const report = verifyEvidence(file);
  assert.equal(report.ok, true, report.message);
  assert.equal(report.events, 4);
});

test('a log locked by another program is a clear message, and the append works once the lock is gone', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'evidence.sqlite');
  const store = openEvidenceStore(file, steppingClock(), { busyTimeoutMs: 50 });
  t.after(() => store.close());
  openSample(store, 'c1');
  const other = new Database(file);
  t.after(() => other.close());
  other.exec('BEGIN EXCLUSIVE');
  assert.throws(
    () => store.append('c1', 'note', { text: 'while locked' }),
    storageError(/is locked by another program \(is KSK Ceremony open twice on this workspace\?\)/),
  );
  other.exec('COMMIT');
  assert.equal(store.append('c1', 'note', { text: 'after the lock' }).seq, 5);
});

test('a file that is not a database is a clear message, and is left as it was', (t) => {
  const file = path.join(tempDir(t), 'evidence.sqlite');
  const junk = randomBytes(8192);
  writeFileSync(file, junk);
  assert.throws(() => openEvidenceStore(file, steppingClock()), storageError(/is damaged or is not a KSK Ceremony database \(SQLITE_NOTADB\)/));
  assert.equal(statSync(file).size, junk.length);
});

test('a database damaged inside is a clear message when read, and verify reports it', (t) => {
  const store = newStore(t);
  openSample(store, 'c1');
  for (let i = 0; i < 300; i++) store.append('c1', 'note', { text: `padding ${i} `.repeat(20) });
  const file = store.file;
  store.close();
  const pageSize = 4096;
  const fd = openSync(file, 'r+');
  for (let page = 2; page < statSync(file).size / pageSize; page += 3) writeSync(fd, randomBytes(pageSize), 0, pageSize, page * pageSize);
  closeSync(fd);
  let failure: unknown = null;
  try {
    const damaged = openEvidenceStore(file, steppingClock());
    try {
      damaged.events('c1');
    } finally {
      damaged.close();
    }
  } catch (e) {
    failure = e;
  }
  assert.ok(failure, 'reading a damaged log must fail');
  assert.ok(isKskError(failure) && /damaged|altered/.test(failure.message), String(failure));
  let reported: string;
  try {
    const report = verifyEvidence(file);
    assert.equal(report.ok, false);
    reported = report.message;
  } catch (e) {
    assert.ok(isKskError(e) && e.code === 'BAD_INPUT_FILE', String(e));
    reported = e.message;
  }
  assert.match(reported, /damaged|differs|not an SQLite database/);
});
