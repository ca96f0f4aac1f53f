import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { systemClock, utcIso } from '../core/clock.js';
import { encodeEvent } from '../core/evidence/canonical.js';
import { openDatabase } from '../core/evidence/database.js';
import { sha256 } from '../core/hash/sha256.js';
import { openEvidenceStore, verifyEvidence } from '../core/evidence/index.js';
import { printFigures, rateFigure } from './lib/figures.js';

/**
 * The evidence log's two rates, each against a baseline measured in the same run:
 * - appends per second with synchronous=FULL (one committed, fsynced transaction per event),
 *   against bare better-sqlite3 inserts of the same rows with the same pragmas;
 * - verification of a log of 1,000,000 events (events per second), against bare SHA-256 over the
 *   same canonical bytes, and against reading the same rows with better-sqlite3 and hashing them.
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
  bare.exec(
    'CREATE TABLE events (ceremony_id TEXT, seq INTEGER, time TEXT, type TEXT, prev_hash BLOB, hash BLOB, canonical BLOB, PRIMARY KEY (ceremony_id, seq)) STRICT',
  );
  const insert = bare.prepare('INSERT INTO events VALUES (@ceremony_id, @seq, @time, @type, @prev_hash, @hash, @canonical)');
  const insertOne = bare.transaction((row: unknown) => insert.run(row));
  const bareInserts = timed(() => rows.forEach((row) => insertOne.immediate(row)));
  bare.close();
  const appendRate = rate(appended, appending.ms);
  const bareRate = rate(rows.length, bareInserts.ms);
  const figures = [
    rateFigure({
      what: `appends (synchronous=FULL, one transaction each, ${fmt(appended)} events)`,
      perSecond: appendRate,
      unit: 'events',
      baseline: { what: 'bare better-sqlite3 inserts of the same rows, same pragmas', perSecond: bareRate },
    }),
  ];

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
  figures.push(
    rateFigure({
      what: 'appends in transactions of 10,000 (no fsync per event)',
      perSecond: rate(20_000, batching.ms),
      unit: 'events',
      baseline: { what: 'one transaction each, as above', perSecond: appendRate },
    }),
  );

  // A log of `events` events to verify. Its rows are made with the log's own encoding and inserted
  // through its schema and triggers; making them is not what is measured, so not through append().
  const bigFile = path.join(dir, 'big.sqlite');
  const big = openEvidenceStore(bigFile, systemClock);
  let prevHash = big.openCeremony('big', { title: 'verification benchmark', kind: 'benchmark', rehearsal: true }).hash;
  big.close();
  const bigDb = openDatabase(bigFile);
  const insertEvent = bigDb.prepare('INSERT INTO events (ceremony_id, seq, time, type, prev_hash, hash, canonical) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const building = timed(() => {
    for (let seq = 2; seq <= events;) {
      const last = Math.min(events, seq + 9_999);
      bigDb.transaction(() => {
        for (; seq <= last; seq++) {
          const time = utcIso(systemClock.now());
          const { bytes, hash } = encodeEvent({
            v: 1,
            ceremonyId: 'big',
            seq,
            time,
            prevHash,
            type: 'note',
            payload: { text: `event ${seq}`, data: { i: seq } },
          });
          insertEvent.run('big', seq, time, 'note', Buffer.from(prevHash, 'hex'), hash, bytes);
          prevHash = hash.toString('hex');
        }
      })();
    }
  });
  bigDb.close();

  // 3. Verification; bare SHA-256 over the same bytes; reading the same rows and hashing them.
  const verifying = timed(() => verifyEvidence(bigFile));
  if (!verifying.result.ok || verifying.result.events !== events) throw new Error(`the benchmark log does not verify: ${verifying.result.message}`);
  const db = new Database(bigFile, { readonly: true });
  const reading = timed(() => {
    let n = 0;
    for (const row of db
      .prepare("SELECT seq, time, type, prev_hash, hash, canonical FROM events WHERE ceremony_id = 'big' ORDER BY seq")
      .iterate() as IterableIterator<{ canonical: Buffer; hash: Buffer }>) {
      if (sha256(row.canonical).equals(row.hash)) n++;
    }
    return n;
  });
  const blobs = db.prepare('SELECT canonical FROM events ORDER BY ceremony_id, seq').pluck().all() as Buffer[];
  db.close();
  const hashing = timed(() => blobs.forEach((b) => sha256(b)));
  const bytes = blobs.reduce((n, b) => n + b.length, 0);
  const verifyRate = rate(events, verifying.ms);
  const what = `verification of ${fmt(events)} events (${(bytes / 2 ** 20).toFixed(0)} MiB of canonical bytes)`;
  figures.push(
    rateFigure({
      what,
      perSecond: verifyRate,
      unit: 'events',
      baseline: { what: 'bare SHA-256 over the same bytes, in memory', perSecond: rate(blobs.length, hashing.ms) },
      goal: { minRatio: 0.5, maxMs: 5000 },
      totalMs: verifying.ms,
    }),
    rateFigure({
      what,
      perSecond: verifyRate,
      unit: 'events',
      baseline: { what: 'reading the same rows (same query, better-sqlite3) and hashing each', perSecond: rate(reading.result, reading.ms) },
      totalMs: verifying.ms,
    }),
  );
  printFigures(
    `evidence bench: a log of ${fmt(events)} events made in ${(building.ms / 1000).toFixed(1)} s (${(statSync(bigFile).size / 2 ** 20).toFixed(0)} MiB)`,
    figures,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
