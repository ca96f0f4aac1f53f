import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FIGURE_LINE, type Figure } from './lib/figures.js';
import { performanceDoc, type GatheredFigure } from './lib/performanceDoc.js';

/**
 * `npm run bench [-- [--repeat N] [--write-docs] name...]`: runs each benchmark in its own process,
 * one after the other, N times (default 1), prints what each prints and then every figure with its
 * baseline and ratio (the repeat with the median ratio). With --write-docs it writes those figures
 * to docs/performance.md, so that the published table is always what a run printed.
 */
const { values, positionals } = parseArgs({
  options: { repeat: { type: 'string', default: '1' }, 'write-docs': { type: 'boolean', default: false } },
  allowPositionals: true,
});
const repeats = Math.max(1, Number(values.repeat));
const dir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(dir, '..', '..');
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.js') && f !== 'run.js')
  .filter((f) => positionals.length === 0 || positionals.some((w) => f.startsWith(w)))
  .sort();

/** Runs one bench, echoing its lines except the figure lines, which it returns. */
function runBench(file: string): Promise<{ ok: boolean; figures: Figure[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(dir, file)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const figures: Figure[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(FIGURE_LINE)) figures.push(JSON.parse(line.slice(FIGURE_LINE.length)) as Figure);
      else process.stdout.write(`${line}\n`);
    });
    child.on('close', (code) => resolve({ ok: code === 0, figures }));
  });
}

const startedAt = new Date().toISOString();
const loadBefore = os.loadavg();
const runs = new Map<string, { bench: string; figures: Figure[] }[]>();
const failed = new Set<string>();
for (let repeat = 1; repeat <= repeats; repeat++) {
  for (const file of benches) {
    const bench = file.replace(/\.js$/, '');
    process.stdout.write(`\n=== bench/${bench}.ts${repeats > 1 ? ` (run ${repeat} of ${repeats})` : ''}\n`);
    const result = await runBench(file);
    if (!result.ok) failed.add(bench);
    runs.set(bench, [...(runs.get(bench) ?? []), { bench, figures: result.figures }]);
  }
}

/** Each figure (by bench, what and baseline) across repeats: the run with the median ratio. */
const gathered: GatheredFigure[] = [];
for (const [bench, benchRuns] of runs) {
  const keys = [...new Set(benchRuns.flatMap((r) => r.figures.map((f) => `${f.what}\u0000${f.baseline.what}`)))];
  for (const key of keys) {
    const all = benchRuns.flatMap((r) => r.figures.filter((f) => `${f.what}\u0000${f.baseline.what}` === key));
    const sorted = [...all].sort((a, b) => a.ratio - b.ratio);
    const middle = sorted[Math.floor(sorted.length / 2)] as Figure;
    gathered.push({ ...middle, bench, ratios: all.map((f) => f.ratio) });
  }
}

process.stdout.write(`\n=== every figure, with its baseline from the same run${repeats > 1 ? ` (median of ${repeats} runs)` : ''}\n`);
for (const f of gathered) {
  const goal = f.met === null ? '' : `  [goal ${f.goal}: ${f.met ? 'met' : 'NOT MET'}]`;
  process.stdout.write(`${f.bench.padEnd(12)} ${f.what}: ${f.value}  vs  ${f.baseline.what}: ${f.baseline.value}  ->  ${f.ratio.toFixed(2)}×${goal}\n`);
}
if (failed.size > 0) process.stdout.write(`failed: ${[...failed].join(', ')}\n`);

if (values['write-docs']) {
  const file = path.join(root, 'docs', 'performance.md');
  writeFileSync(
    file,
    performanceDoc({ startedAt, finishedAt: new Date().toISOString(), repeats, loadBefore, loadAfter: os.loadavg(), failed: [...failed], figures: gathered }),
  );
  process.stdout.write(`wrote ${path.relative(root, file)}\n`);
}
process.exitCode = failed.size === 0 ? 0 : 1;
