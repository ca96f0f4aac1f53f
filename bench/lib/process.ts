import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { median } from './figures.js';

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/**
 * Runs `node ARGS` to completion as its own process: its wall time in ms and, where GNU time is
 * installed, its peak resident set in MB (Node cannot read a child's rusage itself). Throws on a
 * non-zero exit, so a bench never times a failure.
 */
export function timeNodeProcess(args: readonly string[], env: NodeJS.ProcessEnv = process.env): { ms: number; peakMb: number | null } {
  const command = gnuTime ? [gnuTime, '-f', 'BENCH-MAXRSS %M', process.execPath, ...args] : [process.execPath, ...args];
  const start = process.hrtime.bigint();
  const r = spawnSync(command[0] as string, command.slice(1), { encoding: 'utf8', env, maxBuffer: 64 * 2 ** 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  const kb = /BENCH-MAXRSS (\d+)/.exec(r.stderr)?.[1];
  return { ms, peakMb: kb ? Number(kb) / 1024 : null };
}

/** Runs the processes in turn, `rounds` times, so that a busy machine slows each alike; medians. */
export function alternate<K extends string>(
  rounds: number,
  runs: Record<K, () => { ms: number; peakMb: number | null }>,
): Record<K, { ms: number; peakMb: number | null }> {
  const keys = Object.keys(runs) as K[];
  const times = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const peaks = Object.fromEntries(keys.map((k) => [k, null])) as Record<K, number | null>;
  for (let i = 0; i < rounds; i++) {
    for (const k of keys) {
      const r = runs[k]();
      times[k].push(r.ms);
      if (r.peakMb !== null) peaks[k] = Math.max(peaks[k] ?? 0, r.peakMb);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, { ms: median(times[k]), peakMb: peaks[k] }])) as Record<K, { ms: number; peakMb: number | null }>;
}
