import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readCheckpoints, type SignedCheckpoint } from '../../../core/evidence/checkpoints.js';
import type { AuditKeyPin } from '../../../core/evidence/auditKey.js';
import { verifyEvidence, type VerifyReport } from '../../../core/evidence/verify.js';
import { workspacePin } from '../../../core/workspace/config.js';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { cliPath } from '../../helpers/paths.js';

/**
 * The real logs the attack and crash suites work on: a workspace after a headless rehearsal (three
 * sealed ceremonies, its audit key pinned, its checkpoints written), and copies of it with a
 * rehearsal killed part way (an open ceremony, its -wal holding the last commits).
 */

export interface Evidence {
  readonly pin: AuditKeyPin;
  /** As the mirror and the paper keep them: read from the original workspace, never from the copy. */
  readonly checkpoints: SignedCheckpoint[];
}

export function rehearse(root: string, extra: string[] = []): void {
  const run = spawnSync(process.execPath, [cliPath, 'rehearse', '--procedure', 'ksr-signing', '--workspace', root, ...extra], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (run.status !== 0) throw new Error(`the rehearsal failed: ${run.stderr}`);
}

export function evidenceOf(root: string): Evidence {
  const pin = workspacePin(root);
  if (!pin) throw new Error(`${root} was not commissioned`);
  return { pin, checkpoints: readCheckpoints(path.join(root, 'checkpoints.jsonl')) };
}

export function verifyWith(db: string, evidence: Evidence): VerifyReport {
  return verifyEvidence(db, { pin: evidence.pin, checkpoints: evidence.checkpoints });
}

/** A copy of a workspace that runs on its own tokens (the SoftHSM2 configuration names its folder). */
export function copyWorkspace(source: string, root: string): void {
  cpSync(source, root, { recursive: true });
  const from = workspaceAt(source);
  const to = workspaceAt(root);
  writeFileSync(to.softhsmConf, readFileSync(to.softhsmConf, 'utf8').replace(from.tokens, to.tokens));
  const tokenFile = path.join(root, 'rehearsal-token.json');
  const token = JSON.parse(readFileSync(tokenFile, 'utf8')) as { softhsmConf: string };
  writeFileSync(tokenFile, JSON.stringify({ ...token, softhsmConf: to.softhsmConf }, null, 2));
}

/** The log of a workspace copied to `dir` (database and -wal, as a thief or a backup would take them). */
export function copyLog(root: string, dir: string, options: { wal?: boolean } = {}): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'ceremony.sqlite');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  copyFileSync(path.join(root, 'ceremony.sqlite'), file);
  if (options.wal !== false && existsSync(path.join(root, 'ceremony.sqlite-wal'))) copyFileSync(path.join(root, 'ceremony.sqlite-wal'), `${file}-wal`);
  return file;
}

/** Folds the -wal into the file (what page-level damage needs: the pages as they are on disk). */
export function checkpointed(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('journal_mode = DELETE');
  db.close();
}

export function checkpointLines(root: string): number {
  const file = path.join(root, 'checkpoints.jsonl');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.length > 0).length
    : 0;
}

/**
 * Copies `base` to `root` and starts the next quarter's rehearsal there, killed (SIGKILL) once the
 * workspace has `afterCheckpoints` more checkpoints, or after `afterMs`: an open ceremony, as a
 * crash or a pulled plug leaves it. Resolves with whether it was killed (false: it finished first).
 */
export async function killedRehearsal(base: string, root: string, kill: { afterCheckpoints?: number; afterMs?: number }): Promise<boolean> {
  copyWorkspace(base, root);
  const start = checkpointLines(root);
  const child = spawn(process.execPath, [cliPath, 'rehearse', '--procedure', 'ksr-signing', '--workspace', root], { stdio: 'ignore' });
  const began = Date.now();
  return new Promise((resolve) => {
    let killed = false;
    const timer = setInterval(() => {
      const due = kill.afterMs !== undefined ? Date.now() - began >= kill.afterMs : checkpointLines(root) - start >= (kill.afterCheckpoints ?? 1);
      if (due && !killed) {
        killed = child.kill('SIGKILL');
      }
    }, 5);
    child.once('exit', (_code, signal) => {
      clearInterval(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

/** The newest ceremony of a log (by its opening time). */
export function newestCeremony(db: Database.Database): string {
  return db.prepare('SELECT ceremony_id FROM events WHERE seq = 1 ORDER BY time DESC LIMIT 1').pluck().get() as string;
}

export function eventCount(db: Database.Database, ceremonyId: string): number {
  return db.prepare('SELECT count(*) FROM events WHERE ceremony_id = ?').pluck().get(ceremonyId) as number;
}
