import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { systemClock, utcIso } from '../core/clock.js';
import { encodeEvent } from '../core/evidence/canonical.js';
import { openDatabase } from '../core/evidence/database.js';
import { openEvidenceStore, verifyEvidence } from '../core/evidence/index.js';

/**
 * The evidence log's two rates, each against a baseline measured in the same run:
 * - appends per second with synchronous=FULL (one committed, fsynced transaction per event),
 *   against bare better-sqlite3 inserts of the same rows with the same pragmas;
 * - verification of a log of 1,000,000 events (events per second), against bare SHA-256 over the
 *   same canonical bytes.
 * With the default 1,000,000 events it runs for about a minute and a half: making the log takes
 * about as long as verifying it.
 *
 * node dist/bench/evidence.js [--events 1000000] [--append-seconds 3] [--dir DIR]
 * The log is written under --dir (default the system temp folder): put it on the disk you care about.
 */
const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, 'append-seconds': { type: 'string', default: '3' }, dir: { type: 'string' } },
});
const events = Number(values.events);
const appendSeconds = Number(values['append-seconds']);
const dir = mkdtempSync(path.join(values.dir ?? os.tmpdir(), 'ksk-bench-evidence-'));
const rate = (n: number, ms: number) => (n / ms) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function timed<R>(fn: () => R): { result: R; ms: number } {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
}

try {
  // 1. Appends, each its own transaction, durable when append returns.
  const appendFile = path.join(dir, 'append.sqlite');
  const store = openEvidenceStore(appendFile, systemClock);
  store.openCeremony('bench', { title: 'append benchmark', kind: 'benchmark', rehearsal: true });
  let appended = 0;
  const appending = timed(() => {
    const until = performance.now() + appendSeconds * 1000;
    while (performance.now() < until) store.append('bench', 'note', { text: `event ${appended}`, data: { i: appended++ } });
  });
  store.close();

  const source = new Database(appendFile, { readonly: true });
  const rows = source.prepare("SELECT * FROM events WHERE ceremony_id = 'bench' AND seq > 1 ORDER BY seq").all();
  source.close();
  const bare = openDatabase(path.join(dir, 'bare.sqlite'));
  bare.exec('CREATE TABLE events (ceremony_id TEXT, seq INTEGER, time TEXT, type TEXT, prev_hash BLOB, hash BLOB, canonical BLOB, PRIMARY KEY (ceremony_id, seq)) STRICT');
  const insert = bare.prepare('INSERT INTO events VALUES (@ceremony_id, @seq, @time, @type, @prev_hash, @hash, @canonical)');
  const insertOne = bare.transaction((row: unknown) => insert.run(row));
  const bareInserts = timed(() => rows.forEach((row) => insertOne.immediate(row)));
  bare.close();
  const appendRate = rate(appended, appending.ms);
  const bareRate = rate(rows.length, bareInserts.ms);
  console.log(`appends (synchronous=FULL, one transaction each): ${fmt(appendRate)}/s over ${fmt(appended)} events`);
  console.log(`  baseline, bare better-sqlite3 inserts of the same rows, same pragmas: ${fmt(bareRate)}/s  -> ratio ${(appendRate / bareRate).toFixed(2)}`);

  // 2. The same appends in batches of 10,000 per transaction: the cost of an append without the fsync.
  const batchedFile = path.join(dir, 'batched.sqlite');
  const batched = openEvidenceStore(batchedFile, systemClock);
  batched.openCeremony('batched', { title: 'batched appends', kind: 'benchmark', rehearsal: true });
  const batching = timed(() => {
    for (let b = 0; b < 2; b++) {
      batched.atomically(() => {
        for (let i = 0; i < 10_000; i++) batched.append('batched', 'note', { text: `event ${i}`, data: { i } });
      });
    }
  });
  batched.close();
  console.log(`appends in transactions of 10,000 (no fsync per event): ${fmt(rate(20_000, batching.ms))}/s`);

  // A log of `events` events to verify. Its rows are made with the log's own encoding and inserted
  // through its schema and triggers; making them is not what is measured, so not through append().
  const bigFile = path.join(dir, 'big.sqlite');
  const big = openEvidenceStore(bigFile, systemClock);
  let prevHash = big.openCeremony('big', { title: 'verification benchmark', kind: 'benchmark', rehearsal: true }).hash;
  big.close();
  const bigDb = openDatabase(bigFile);
  const insertEvent = bigDb.prepare('INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const building = timed(() => {
    for (let seq = 2; seq <= events; ) {
      const last = Math.min(events, seq + 9_999);
      bigDb.transaction(() => {
        for (; seq <= last; seq++) {
          const time = utcIso(systemClock.now());
          const { bytes, hash } = encodeEvent({ v: 1, ceremonyId: 'big', seq, time, prevHash, type: 'note', payload: { text: `event ${seq}`, data: { i: seq } } });
          insertEvent.run('big', seq, time, 'note', Buffer.from(prevHash, 'hex'), hash, bytes);
          prevHash = hash.toString('hex');
        }
      })();
    }
  });
  bigDb.close();
  console.log(`made a log of ${fmt(events)} events (${(statSync(bigFile).size / 2 ** 20).toFixed(0)} MiB) in ${(building.ms / 1000).toFixed(1)} s`);

  // 3. Verification, and bare SHA-256 over the same bytes.
  const verifying = timed(() => verifyEvidence(bigFile));
  if (!verifying.result.ok || verifying.result.events !== events) throw new Error(`the benchmark log does not verify: ${verifying.result.message}`);
  const db = new Database(bigFile, { readonly: true });
  const blobs = db.prepare('SELECT canonical FROM events ORDER BY ceremony_id, seq').pluck().all() as Buffer[];
  db.close();
  const hashing = timed(() => blobs.forEach((b) => createHash('sha256').update(b).digest()));
  const bytes = blobs.reduce((n, b) => n + b.length, 0);
  const verifyRate = rate(events, verifying.ms);
  const hashRate = rate(blobs.length, hashing.ms);
  console.log(`verification of ${fmt(events)} events: ${fmt(verifyRate)} events/s (${(verifying.ms / 1000).toFixed(1)} s)`);
  console.log(`  baseline, bare SHA-256 over the same ${(bytes / 2 ** 20).toFixed(0)} MiB of canonical bytes: ${fmt(hashRate)} events/s  -> ratio ${(verifyRate / hashRate).toFixed(3)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
