import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure, median, printFigures, type Figure } from './figures.js';

/**
 * What every command pays before it does anything: the start of `ksk-ceremony hash FILE`, a process
 * each time as a script runs it, against a bare `node -e 0` in the same run (the two alternate, so a
 * busy machine slows both alike). Peak memory from /usr/bin/time where it is installed.
 * Run: node dist/bench/cli.js [rounds, default 15]
 */
const rounds = Number(process.argv[2] ?? 15);
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = path.join(root, 'dist', 'core', 'cli', 'main.js');
const file = path.join(root, 'README.md');
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Wall time in ms and, with GNU time, the peak resident set in MB of one process. */
function runOnce(args: string[]): { ms: number; peakMb: number | null } {
  const command = gnuTime ? [gnuTime, '-f', 'MAXRSS %M', process.execPath, ...args] : [process.execPath, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(command[0] as string, command.slice(1), { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const kb = /MAXRSS (\d+)/.exec(r.stderr)?.[1];
  return { ms, peakMb: kb ? Number(kb) / 1024 : null };
}

const bare: number[] = [];
const hash: number[] = [];
let peak: number | null = null;
for (let i = 0; i < rounds; i++) {
  bare.push(runOnce(['-e', '0']).ms);
  const r = runOnce([cli, 'hash', file]);
  hash.push(r.ms);
  if (r.peakMb !== null) peak = Math.max(peak ?? 0, r.peakMb);
}

const figures: Figure[] = [
  figure({
    what: '`ksk-ceremony hash FILE` (process start)',
    ms: median(hash),
    baseline: { what: 'bare `node -e 0`', ms: median(bare) },
    goal: { maxRatio: 2 },
    ...(peak !== null ? { peakMb: peak } : {}),
  }),
];
printFigures(`cli bench: median of ${rounds} processes each, alternating`, figures);
