import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { RehearsalClock } from '../core/ceremony/engine/rehearsal/clock.js';
import { Rehearsal } from '../core/ceremony/engine/rehearsal/rehearse.js';
import { openDatabase } from '../core/evidence/database.js';
import { Backend } from '../core/service/backend.js';
import { workspaceAt } from '../core/workspace/workspace.js';
import { benchToken, withBareSigner } from './lib/bareHsm.js';
import { figure, printFigures } from './lib/figures.js';

/**
 * What running a ceremony through the engine costs, against baselines measured in the same run:
 * - a whole rehearsed ceremony (the quarterly KSR signing, through the contract, on SoftHSM2)
 *   against the same operations called bare: its own event rows and artifacts inserted straight
 *   into SQLite (one fsynced transaction each, the log's pragmas) and its HSM signatures made with
 *   bare C_Sign calls (an RSA-2048 key, as the rehearsal KSK);
 * - projecting a ceremony's state from its log against reading and checking its events alone.
 */
const root = mkdtempSync(path.join(os.tmpdir(), 'ksk-bench-ceremony-'));
const data = path.join(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'data');
try {
  const workspace = path.join(root, 'workspace');
  const clock = new RehearsalClock(new Date());
  const backend = new Backend({ workspaceDir: workspace, mode: 'rehearsal' }, { clock });
  const rehearsal = new Rehearsal({ api: (c, r) => backend.call(c, r), workspace, clock, hsms: backend.hsm });
  await rehearsal.ensureWorld();
  const started = performance.now();
  const { state } = await rehearsal.rehearse('ksr-signing');
  const ceremonyMs = performance.now() - started;
  const engine = backend.context.engine();
  const events = engine.events(state.ceremonyId);
  const steps = state.acts.flatMap((a) => a.steps).length;
  const signatures = events.reduce(
    (n, e) =>
      n + (e.type === 'hsm.intent' && e.payload.operation === 'sign' ? Number((e.payload.params as { bundles?: number } | undefined)?.bundles ?? 1) : 0),
    0,
  );

  const store = engine.deps.store;
  const runs = 50;
  const readStart = performance.now();
  for (let i = 0; i < runs; i++) store.events(state.ceremonyId);
  const readMs = (performance.now() - readStart) / runs;
  engine.state(state.ceremonyId);
  const projectStart = performance.now();
  for (let i = 0; i < runs; i++) engine.state(state.ceremonyId);
  const projectMs = (performance.now() - projectStart) / runs;
  await backend.close();

  // The same operations, bare: the ceremony's rows and artifacts as they are stored, and its signatures.
  const source = new Database(workspaceAt(workspace).database, { readonly: true });
  const rows = source.prepare('SELECT * FROM events WHERE ceremony_id = ? ORDER BY seq').all(state.ceremonyId);
  const hashes = events.flatMap((e) => (e.type === 'artifact.stored' ? [Buffer.from(e.payload.sha256, 'hex')] : []));
  const artifactRow = source.prepare('SELECT * FROM artifacts WHERE sha256 = ?');
  const artifacts = hashes.map((h) => artifactRow.get(h));
  source.close();
  const bare = openDatabase(path.join(root, 'bare.sqlite'));
  bare.exec(
    'CREATE TABLE events (ceremony_id TEXT, seq INTEGER, time TEXT, type TEXT, prev_hash BLOB, hash BLOB, canonical BLOB, PRIMARY KEY (ceremony_id, seq)) STRICT',
  );
  bare.exec('CREATE TABLE artifacts (sha256 BLOB PRIMARY KEY, size INTEGER, bytes BLOB) STRICT');
  // Prepared once, as the store prepares its statements: the baseline pays only for the inserts.
  const eventInsert = bare.prepare('INSERT INTO events VALUES (@ceremony_id, @seq, @time, @type, @prev_hash, @hash, @canonical)');
  const artifactInsert = bare.prepare('INSERT OR IGNORE INTO artifacts VALUES (@sha256, @size, @bytes)');
  const insertEvent = bare.transaction((row: unknown) => eventInsert.run(row));
  const insertArtifact = bare.transaction((row: unknown) => artifactInsert.run(row));
  const tokenDir = path.join(root, 'bare-token');
  mkdirSync(tokenDir);
  const { conf } = benchToken(tokenDir, data);
  const blob = Buffer.alloc(600, 1);
  const bareMs = await withBareSigner(conf, (sign) => {
    const start = performance.now();
    for (const row of rows) insertEvent.immediate(row);
    for (const row of artifacts) insertArtifact.immediate(row);
    for (let i = 0; i < signatures; i++) sign(blob);
    return performance.now() - start;
  });
  bare.close();

  printFigures(
    `ceremony bench: KSR signing rehearsal, ${steps} steps, ${events.length} events, ${artifacts.length} artifacts, ${signatures} HSM signatures, ${state.attestations.length} attestations`,
    [
      figure({
        what: `the whole ceremony through the contract (${(ceremonyMs / steps).toFixed(0)} ms per step)`,
        ms: ceremonyMs,
        baseline: {
          what: `the same operations bare: ${rows.length} rows and ${artifacts.length} artifacts inserted fsynced, ${signatures} C_Sign`,
          ms: bareMs,
        },
        goal: { maxRatio: 2 },
      }),
      figure({
        what: `projecting its state from the ${events.length} events already read`,
        ms: projectMs,
        baseline: { what: "reading and checking the ceremony's events", ms: readMs },
      }),
    ],
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
