import os from 'node:os';
import type { Figure } from './figures.js';

/** One figure of one bench, as run.ts gathered it: the run with the median ratio of all repeats. */
export interface GatheredFigure extends Figure {
  readonly bench: string;
  /** The ratio of every repeat, in the order they ran. */
  readonly ratios: readonly number[];
}

export interface BenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly repeats: number;
  /** 1-, 5- and 15-minute load averages at the start and at the end. */
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly failed: readonly string[];
  readonly figures: readonly GatheredFigure[];
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const verdict = (f: Figure) => (f.met === null ? '' : f.met ? `${f.goal}: met` : `${f.goal}: **not met**`);
const load = (l: readonly number[]) => l.map((n) => n.toFixed(2)).join(', ');

/** docs/performance.md, written from one `npm run bench -- --write-docs` run; never edited by hand. */
export function performanceDoc(run: BenchRun): string {
  const cpus = os.cpus();
  const quiet = Math.max(run.loadBefore[0] ?? 0, run.loadAfter[0] ?? 0) <= cpus.length * 0.5;
  const lines = [
    '# Performance',
    '',
    '<!-- Written by `npm run bench -- --write-docs` (bench/run.ts, bench/lib/performanceDoc.ts) from the',
    '     figures that run printed. Do not edit by hand: run the bench again. -->',
    '',
    'Every figure is measured beside its baseline in the same run, on the same machine, and given as',
    'their ratio: for times, the figure over its baseline (lower is better); for rates, the figure over',
    'its baseline (higher is better). Each bench runs in its own process (`npm run bench [name...]`).',
    '',
    `Run from ${run.startedAt} to ${run.finishedAt}, each bench ${run.repeats} time${run.repeats === 1 ? '' : 's'} (the run with the median ratio shown, every ratio in the last column);`,
    `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, Node.js ${process.versions.node}, ${os.type()} ${os.release()}.`,
    `Load average (1, 5, 15 min) ${load(run.loadBefore)} at the start and ${load(run.loadAfter)} at the end: ${quiet ? 'a quiet machine' : '**the machine was not quiet** (shared with other work), so absolute times are inflated and ratios noisy'}.`,
    ...(run.failed.length > 0 ? ['', `**Benches that failed in this run:** ${run.failed.join(', ')}.`] : []),
    '',
    '| bench | what | figure | baseline (same run) | ratio | goal | every ratio |',
    '|---|---|---|---|---|---|---|',
    ...run.figures.map(
      (f) =>
        `| ${f.bench} | ${cell(f.what)}${f.note ? ` (${cell(f.note)})` : ''} | ${f.value} | ${cell(f.baseline.what)}: ${f.baseline.value} | ${f.ratio.toFixed(2)}× | ${verdict(f)} | ${f.ratios.map((r) => r.toFixed(2)).join(', ')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
