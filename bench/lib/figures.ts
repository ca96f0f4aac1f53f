/**
 * One way for every bench to report: each figure beside the baseline it was measured against in the
 * same run, their ratio, and the goal the ratio (or the figure itself) is held to. A bench prints
 * its figures for people and, on one line each, for bench/run.ts, which gathers them into
 * docs/performance.md, so that the table there is always what a run printed.
 */
export interface Goal {
  /** Times: the figure at most this many times its baseline. */
  readonly maxRatio?: number;
  /** Rates: the figure at least this fraction of its baseline. */
  readonly minRatio?: number;
  /** Times: the figure itself at most this long. */
  readonly maxMs?: number;
  /** Peak memory at most this many MB. */
  readonly maxMb?: number;
}

export interface Figure {
  readonly what: string;
  readonly value: string;
  readonly baseline: { readonly what: string; readonly value: string };
  /** Figure over baseline: times (lower is better) or rates (higher is better), see `kind`. */
  readonly ratio: number;
  readonly kind: 'time' | 'rate';
  readonly goal: string | null;
  /** Whether the goal was met in this run; null when there is no goal. */
  readonly met: boolean | null;
  readonly note: string | null;
}

/** The line prefix bench/run.ts looks for; the rest of the line is one Figure as JSON. */
export const FIGURE_LINE = 'BENCH-FIGURE ';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Wall time of `rounds` calls of fn, each timed alone; the median in ms. */
export async function medianMs(rounds: number, fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

export const formatMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 1 ? 3 : ms < 10 ? 2 : 1)} ms`);
const formatRate = (n: number, unit: string): string => `${Math.round(n).toLocaleString('en-US')} ${unit}/s`;

function goalText(goal: Goal | undefined, kind: Figure['kind']): string | null {
  if (!goal) return null;
  const parts = [
    goal.maxRatio !== undefined ? `≤ ${goal.maxRatio}× baseline` : null,
    goal.minRatio !== undefined ? `≥ ${goal.minRatio}× baseline` : null,
    goal.maxMs !== undefined ? `${kind === 'rate' ? 'total ' : ''}< ${formatMs(goal.maxMs)}` : null,
    goal.maxMb !== undefined ? `≤ ${goal.maxMb} MB` : null,
  ].filter((p): p is string => p !== null);
  return parts.join(', ');
}

/** A time against a baseline time; `peakMb` when it was measured (and a goal may hold it). */
export function figure(f: {
  what: string;
  ms: number;
  baseline: { what: string; ms: number };
  goal?: Goal;
  peakMb?: number;
  note?: string | undefined;
}): Figure {
  const ratio = f.ms / f.baseline.ms;
  const checks = [
    f.goal?.maxRatio !== undefined ? ratio <= f.goal.maxRatio : null,
    f.goal?.maxMs !== undefined ? f.ms < f.goal.maxMs : null,
    f.goal?.maxMb !== undefined && f.peakMb !== undefined ? f.peakMb <= f.goal.maxMb : null,
  ].filter((c): c is boolean => c !== null);
  const notes = [f.peakMb !== undefined ? `${f.peakMb.toFixed(0)} MB peak` : null, f.note ?? null].filter((n): n is string => n !== null);
  return {
    what: f.what,
    value: formatMs(f.ms),
    baseline: { what: f.baseline.what, value: formatMs(f.baseline.ms) },
    ratio,
    kind: 'time',
    goal: goalText(f.goal, 'time'),
    met: checks.length > 0 ? checks.every(Boolean) : null,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}

/** A rate against a baseline rate of the same unit; `totalMs` for a goal on the whole run's time. */
export function rateFigure(f: {
  what: string;
  perSecond: number;
  unit: string;
  baseline: { what: string; perSecond: number };
  goal?: Goal;
  totalMs?: number;
  note?: string | undefined;
}): Figure {
  const ratio = f.perSecond / f.baseline.perSecond;
  const checks = [
    f.goal?.minRatio !== undefined ? ratio >= f.goal.minRatio : null,
    f.goal?.maxMs !== undefined && f.totalMs !== undefined ? f.totalMs < f.goal.maxMs : null,
  ].filter((c): c is boolean => c !== null);
  const notes = [f.totalMs !== undefined ? `${formatMs(f.totalMs)} in all` : null, f.note ?? null].filter((n): n is string => n !== null);
  return {
    what: f.what,
    value: formatRate(f.perSecond, f.unit),
    baseline: { what: f.baseline.what, value: formatRate(f.baseline.perSecond, f.unit) },
    ratio,
    kind: 'rate',
    goal: goalText(f.goal, 'rate'),
    met: checks.length > 0 ? checks.every(Boolean) : null,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}

const verdict = (f: Figure): string => (f.met === null ? '' : f.met ? `  goal ${f.goal}: met` : `  goal ${f.goal}: NOT MET`);

export function printFigures(title: string, figures: readonly Figure[]): void {
  console.log(title);
  for (const f of figures) {
    console.log(`  ${f.what}: ${f.value}${f.note ? ` (${f.note})` : ''}`);
    console.log(`    baseline ${f.baseline.what}: ${f.baseline.value}  -> ratio ${f.ratio.toFixed(2)}×${verdict(f)}`);
  }
  for (const f of figures) console.log(`${FIGURE_LINE}${JSON.stringify(f)}`);
}
