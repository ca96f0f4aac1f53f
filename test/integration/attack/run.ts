import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpointLines, killedRehearsal, rehearse } from './fixtures.js';
import { crashTable, runCrashSuite, runTamperSuite, tamperTable } from './suites.js';

/**
 * npm run test:attack: the full attack suite (ATTACK_PER_CLASS trials of each class, ATTACK_SQL_EDITS
 * random SQL edits) and crash suite (CRASH_KILLS SIGKILLs), seeded by ATTACK_SEED; prints both
 * tables and exits 1 unless every trial was detected and no acknowledged event was lost.
 */
const perClass = Number(process.env.ATTACK_PER_CLASS ?? 100);
const sqlEdits = Number(process.env.ATTACK_SQL_EDITS ?? 300);
const kills = Number(process.env.CRASH_KILLS ?? 100);
const seed = Number(process.env.ATTACK_SEED ?? 18);

const scratch = mkdtempSync(path.join(os.tmpdir(), 'ksk-attack-'));
try {
  const started = Date.now();
  const sealed = path.join(scratch, 'sealed');
  rehearse(sealed);
  const open = path.join(scratch, 'open');
  if (!(await killedRehearsal(sealed, open, { afterCheckpoints: 40 }))) throw new Error('the rehearsal to kill finished first');
  const spanStart = Date.now();
  const span = path.join(scratch, 'span');
  await killedRehearsal(sealed, span, { afterCheckpoints: Number.MAX_SAFE_INTEGER });
  const checkpoints = checkpointLines(span) - checkpointLines(sealed);
  process.stdout.write(
    `fixtures ready in ${Math.round((Date.now() - started) / 1000)} s (the next rehearsal takes ${Date.now() - spanStart} ms, ${checkpoints} checkpoints)\n`,
  );
  rmSync(span, { recursive: true, force: true });

  const tamper = await runTamperSuite({ sealed, open, scratch: path.join(scratch, 'tamper'), perClass, sqlEdits, seed });
  process.stdout.write(`\nTAMPER SUITE (seed ${seed})\n${tamperTable(tamper)}\n`);
  for (const r of tamper) for (const m of r.missed) process.stdout.write(`MISSED: ${m}\n`);

  const crash = await runCrashSuite({ base: sealed, scratch: path.join(scratch, 'crash'), kills, seed, span: checkpoints });
  process.stdout.write(
    `\nCRASH SUITE (seed ${seed}; each kill after a random number of the rehearsal's checkpoints; power loss: the -wal cut after its last commit frame, plus a torn frame)\n${crashTable(crash)}\n`,
  );
  for (const f of crash.failures) process.stdout.write(`FAILED: ${f}\n`);
  process.stdout.write(`\ntotal ${Math.round((Date.now() - started) / 1000)} s\n`);

  const missed = tamper.reduce((n, r) => n + r.missed.length, 0);
  process.exitCode = missed === 0 && crash.failures.length === 0 && crash.acknowledgedLost === 0 ? 0 : 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
