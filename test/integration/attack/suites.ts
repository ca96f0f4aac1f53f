import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type { VerifyReport } from '../../../core/evidence/verify.js';
import { cliPath } from '../../helpers/paths.js';
import { forgerKey, removeUnnamedArtifacts, resealCeremony } from '../evidence/forgery.js';
import { editColumnBehindIndex, flipIndexEntryByte } from '../evidence/pageDamage.js';
import { applyTamper, randomTamper, seededRandom, snapshot, type Tamper } from '../evidence/tampering.js';
import { checkpointed, copyLog, copyWorkspace, eventCount, evidenceOf, killedRehearsal, newestCeremony, verifyWith, type Evidence } from './fixtures.js';

/**
 * The attack suite (every way the issue found to fool the evidence, and the ones the log already
 * caught) and the crash suite (SIGKILLs spread over a rehearsal, and simulated power loss), on real
 * logs, a fresh copy per trial. `npm run test:attack` runs them in full and prints their tables;
 * npm test runs a seeded sample of every class (test/integration/attack/attack.test.ts).
 */

export interface ClassResult {
  readonly name: string;
  trials: number;
  detected: number;
  /** The check that caught it first, counted. */
  readonly by: Map<string, number>;
  /** The trials that were not caught, with the seed to repeat them. */
  readonly missed: string[];
}

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

function result(name: string): ClassResult {
  return { name, trials: 0, detected: 0, by: new Map(), missed: [] };
}

function record(r: ClassResult, report: VerifyReport, detail: string): void {
  r.trials++;
  if (report.ok) {
    r.missed.push(`${detail}: ${report.message}`);
    return;
  }
  r.detected++;
  const check = report.problems[0]?.check ?? '?';
  r.by.set(check, (r.by.get(check) ?? 0) + 1);
}

function edit(file: string, apply: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    const tamper: Tamper = { kind: 'attack', detail: '', apply, expect: { ceremonyId: null, seq: null } };
    applyTamper(db, tamper);
  } finally {
    db.close();
  }
}

export interface TamperOptions {
  /** A rehearsed workspace: three sealed ceremonies. */
  sealed: string;
  /** The same with the next rehearsal killed part way: an open ceremony. */
  open: string;
  scratch: string;
  perClass: number;
  sqlEdits: number;
  seed: number;
}

/** Every class of the issue, each trial on a fresh copy, verified with the pin and the checkpoints kept outside. */
export async function runTamperSuite(o: TamperOptions): Promise<ClassResult[]> {
  const rng = seededRandom(o.seed);
  const sealed = evidenceOf(o.sealed);
  const open = evidenceOf(o.open);
  const classes: { name: string; from: string; evidence: Evidence; wal?: boolean; trial(file: string, n: number): string | null }[] = [
    {
      name: 'newest ceremony rewritten whole, re-sealed by an unpinned AUDIT-WORKSPACE key',
      from: o.sealed,
      evidence: sealed,
      trial: (file) => {
        edit(file, (db) => resealCeremony(db, newestCeremony(db), forgerKey(), { keep: null }));
        return 'rewrite';
      },
    },
    {
      name: 'newest ceremony cut, re-sealed by an unpinned key',
      from: o.sealed,
      evidence: sealed,
      trial: (file) => {
        let keep = 0;
        edit(file, (db) => {
          const id = newestCeremony(db);
          keep = int(rng, 5, eventCount(db, id) - 2);
          resealCeremony(db, id, forgerKey(), { keep });
        });
        return `keep ${keep}`;
      },
    },
    {
      name: 'newest sealed ceremony deleted whole (events, seal, artifacts)',
      from: o.sealed,
      evidence: sealed,
      trial: (file) => {
        edit(file, (db) => {
          const id = newestCeremony(db);
          db.prepare('DELETE FROM seals WHERE ceremony_id = ?').run(id);
          db.prepare('DELETE FROM events WHERE ceremony_id = ?').run(id);
          removeUnnamedArtifacts(db);
        });
        return 'deleted';
      },
    },
    {
      name: 'newest sealed ceremony: tail cut and seal deleted',
      from: o.sealed,
      evidence: sealed,
      trial: (file) => {
        let keep = 0;
        edit(file, (db) => {
          const id = newestCeremony(db);
          keep = int(rng, 2, eventCount(db, id) - 1);
          db.prepare('DELETE FROM seals WHERE ceremony_id = ?').run(id);
          db.prepare('DELETE FROM events WHERE ceremony_id = ? AND seq > ?').run(id, keep);
          removeUnnamedArtifacts(db);
        });
        return `keep ${keep}`;
      },
    },
    {
      name: 'open ceremony: tail cut (orphan artifacts removed too)',
      from: o.open,
      evidence: open,
      trial: (file) => {
        let cut = 0;
        edit(file, (db) => {
          const id = newestCeremony(db);
          const n = eventCount(db, id);
          cut = int(rng, 1, Math.min(60, n - 1));
          db.prepare('DELETE FROM events WHERE ceremony_id = ? AND seq > ?').run(id, n - cut);
          removeUnnamedArtifacts(db);
        });
        return `cut ${cut}`;
      },
    },
    {
      name: 'a byte of an index entry flipped (page level)',
      from: o.sealed,
      evidence: sealed,
      trial: (file) => {
        checkpointed(file);
        return flipIndexEntryByte(file, rng) ? 'flipped' : null;
      },
    },
    {
      name: 'ceremony_id or type column changed behind a stale index (page level)',
      from: o.sealed,
      evidence: sealed,
      trial: (file, n) => {
        checkpointed(file);
        const [from, to] = n % 2 === 0 ? ['ksr-signing-20270518', 'ksr-signing-20270519'] : ['step.completed', 'step.completes'];
        return editColumnBehindIndex(file, from as string, to as string, rng) ? `${from} -> ${to}` : null;
      },
    },
  ];
  const results: ClassResult[] = [];
  for (const c of classes) {
    const r = result(c.name);
    for (let n = 0; n < o.perClass; n++) {
      const dir = path.join(o.scratch, `t${results.length}-${n}`);
      const file = copyLog(c.from, dir, { wal: c.wal ?? true });
      const detail = c.trial(file, n);
      if (detail !== null) record(r, verifyWith(file, c.evidence), `${c.name} #${n} (seed ${o.seed}, ${detail})`);
      rmSync(dir, { recursive: true, force: true });
    }
    results.push(r);
  }
  results.push(await sqlEdits(o, sealed, rng));
  return results;
}

/** The log's own random SQL edits (payloads, times, deletions, reorders, forgeries, artifacts, seals) on the rehearsed log. */
async function sqlEdits(o: TamperOptions, evidence: Evidence, rng: Rng): Promise<ClassResult> {
  const r = result('random SQL edits of a sealed log (payload, time, order, deletion, forgery, artifact, seal)');
  const base = copyLog(o.sealed, path.join(o.scratch, 'sql-base'));
  const raw = new Database(base, { readonly: true });
  const snap = await snapshot(raw);
  raw.close();
  for (let n = 0; n < o.sqlEdits; n++) {
    const dir = path.join(o.scratch, `sql-${n}`);
    const file = copyLog(path.dirname(base), dir);
    const tamper = randomTamper(rng, snap);
    const db = new Database(file);
    applyTamper(db, tamper);
    db.close();
    record(r, verifyWith(file, evidence), `${tamper.kind} ${tamper.detail} (seed ${o.seed})`);
    rmSync(dir, { recursive: true, force: true });
  }
  return r;
}

export interface CrashResult {
  kills: number;
  /** Rehearsals that finished before the kill came (not counted as kills). */
  finished: number;
  resumedExact: number;
  acknowledgedLost: number;
  lostWal: { withLoss: number; detected: number; withoutLoss: number };
  powerLoss: { copies: number; framesDropped: number; verified: number };
  readonly failures: string[];
}

/**
 * Simulated power loss, on a copy of the workspace: SQLite in WAL mode with synchronous=FULL
 * fsyncs the -wal at every commit, so what a power cut can lose is what follows the last commit
 * frame (a transaction not yet committed, a frame half written). The copy keeps the -wal up to
 * the end of its last commit frame and adds a torn partial frame of random bytes after it.
 */
export function powerLossCopy(root: string, rng: Rng): number {
  const wal = path.join(root, 'ceremony.sqlite-wal');
  if (!existsSync(wal)) return 0;
  const bytes = readFileSync(wal);
  if (bytes.length < 32) return 0;
  const pageSize = bytes.readUInt32BE(8);
  const frame = 24 + pageSize;
  let end = 32;
  let dropped = 0;
  for (let at = 32; at + frame <= bytes.length; at += frame) {
    if (bytes.readUInt32BE(at + 4) !== 0) {
      end = at + frame;
      dropped = 0;
    } else dropped++;
  }
  truncateSync(wal, end);
  appendFileSync(wal, randomBytes(int(rng, 1, frame - 1)));
  return dropped;
}

export interface CrashOptions {
  base: string;
  scratch: string;
  kills: number;
  seed: number;
  /** How many checkpoints the rehearsal writes, measured once: kills are spread over them (and the moments between). */
  span: number;
}

function allWitnessed(report: VerifyReport): boolean {
  return report.ok && !report.problems.some((p) => p.check === 'checkpoint');
}

/** SIGKILLs spread over a rehearsal; after each, power loss is simulated and the rehearsal resumed. */
export async function runCrashSuite(o: CrashOptions): Promise<CrashResult> {
  const rng = seededRandom(o.seed);
  const r: CrashResult = {
    kills: 0,
    finished: 0,
    resumedExact: 0,
    acknowledgedLost: 0,
    lostWal: { withLoss: 0, detected: 0, withoutLoss: 0 },
    powerLoss: { copies: 0, framesDropped: 0, verified: 0 },
    failures: [],
  };
  for (let n = 0; r.kills < o.kills && n < o.kills * 3; n++) {
    const root = path.join(o.scratch, `crash-${n}`);
    const at = int(rng, 1, o.span);
    const killed = await killedRehearsal(o.base, root, { afterCheckpoints: at });
    if (!killed) {
      r.finished++;
      rmSync(root, { recursive: true, force: true });
      continue;
    }
    r.kills++;
    const evidence = evidenceOf(root);
    // A lost -wal: the database file alone.
    const alone = copyLog(root, path.join(root, 'lost-wal'), { wal: false });
    const lostWal = verifyWith(alone, evidence);
    const full = verifyWith(copyLog(root, path.join(root, 'as-is')), evidence);
    const lost = eventsIn(full) - eventsIn(lostWal);
    if (lost > 0 || !lostWal.ok) {
      r.lostWal.withLoss++;
      if (!lostWal.ok) r.lostWal.detected++;
      else r.failures.push(`kill ${n} after checkpoint ${at} (seed ${o.seed}): a lost -wal took ${lost} events and verified`);
    } else r.lostWal.withoutLoss++;
    // Power loss: the un-synced tail of the -wal dropped, then the rehearsal resumed from what is on disk.
    const cut = path.join(o.scratch, `power-${n}`);
    copyWorkspace(root, cut);
    for (const extra of ['lost-wal', 'as-is']) rmSync(path.join(cut, extra), { recursive: true, force: true });
    rmSync(path.join(cut, 'ceremony.sqlite-shm'), { force: true });
    r.powerLoss.copies++;
    r.powerLoss.framesDropped += powerLossCopy(cut, rng);
    const afterPower = verifyWith(copyLog(cut, path.join(o.scratch, `power-check-${n}`)), evidenceOf(cut));
    if (allWitnessed(afterPower)) r.powerLoss.verified++;
    else r.failures.push(`kill ${n} after checkpoint ${at}: after simulated power loss: ${afterPower.message}`);
    const resumed = spawnSync(process.execPath, [cliPath, 'rehearse', '--resume', '--workspace', cut], { encoding: 'utf8', timeout: 600_000 });
    const final = verifyWith(path.join(cut, 'ceremony.sqlite'), evidenceOf(cut));
    const sealedAll = final.ceremonies.length > 0 && final.ceremonies.every((c) => c.sealed && c.seal?.pinned === true);
    // A kill after the last seal (the rehearsal's own work was done) leaves nothing to resume: resume says so.
    const nothingLeft = resumed.status !== 0 && /No rehearsal was interrupted/.test(resumed.stderr);
    if ((resumed.status === 0 || nothingLeft) && final.ok && sealedAll) r.resumedExact++;
    else r.failures.push(`kill ${n} after checkpoint ${at}: resume ${resumed.status}: ${resumed.stderr.trim().split('\n').at(-1)}; verify: ${final.message}`);
    if (!allWitnessed(final)) r.acknowledgedLost++;
    rmSync(root, { recursive: true, force: true });
    rmSync(cut, { recursive: true, force: true });
    rmSync(path.join(o.scratch, `power-check-${n}`), { recursive: true, force: true });
  }
  return r;
}

function eventsIn(report: VerifyReport): number {
  return report.ceremonies.reduce((n, c) => n + c.events, 0);
}

export function tamperTable(results: readonly ClassResult[]): string {
  const rows = results.map((r) => [
    r.name,
    String(r.trials),
    String(r.detected),
    `${r.trials === 0 ? '-' : ((100 * r.detected) / r.trials).toFixed(1)}%`,
    [...r.by].map(([k, v]) => `${k} ${v}`).join(', '),
  ]);
  const total = results.reduce((a, r) => ({ t: a.t + r.trials, d: a.d + r.detected }), { t: 0, d: 0 });
  rows.push(['TOTAL', String(total.t), String(total.d), `${((100 * total.d) / Math.max(total.t, 1)).toFixed(1)}%`, '']);
  return table(['class', 'trials', 'detected', 'rate', 'first check'], rows);
}

export function crashTable(r: CrashResult): string {
  return table(
    ['measure', 'count'],
    [
      ['SIGKILLs during the rehearsal', String(r.kills)],
      ['rehearsals that ended before their kill (not counted)', String(r.finished)],
      ['resumed to a sealed log verified with the pin and the checkpoints', `${r.resumedExact} / ${r.kills}`],
      ['resumes that lost an acknowledged (checkpointed) event', String(r.acknowledgedLost)],
      ['lost -wal copies that lost events: detected', `${r.lostWal.detected} / ${r.lostWal.withLoss}`],
      ['lost -wal copies that lost nothing (verify OK)', String(r.lostWal.withoutLoss)],
      ['power-loss copies verified with every checkpoint present', `${r.powerLoss.verified} / ${r.powerLoss.copies}`],
      ['un-committed -wal frames dropped in them (plus one torn frame each)', String(r.powerLoss.framesDropped)],
    ],
  );
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function makeScratch(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
