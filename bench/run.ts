import { spawnSync } from 'node:child_process';
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { appInfo } from '../core/appInfo.js';

/**
 * `npm run bench [name...]`: runs each benchmark in its own process, one after the other.
 * `--markdown FILE` also writes what they printed as a Markdown page (`npm run bench:doc` writes
 * docs/performance.md), so the figures in the documentation are the ones a run produced, with the
 * machine and the date, never typed in by hand.
 */
const dir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--markdown');
const markdown = at >= 0 ? args[at + 1] : undefined;
if (at >= 0 && !markdown) {
  process.stderr.write('usage: node dist/bench/run.js [--markdown FILE] [name...]\n');
  process.exit(2);
}
const wanted = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1));
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.js') && f !== 'run.js')
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failed = 0;
const sections: string[] = [];
for (const file of benches) {
  const name = `bench/${file.replace(/\.js$/, '.ts')}`;
  process.stdout.write(`\n=== ${name}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(dir, file)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? '');
  if (result.status !== 0) failed++;
  const took = ((Date.now() - started) / 1000).toFixed(0);
  sections.push(`## ${name}\n\n${result.status === 0 ? `Ran in ${took} s.` : `**Failed** (exit ${result.status ?? result.signal}) after ${took} s.`}\n\n\`\`\`text\n${(result.stdout ?? '').trim()}\n\`\`\`\n`);
}

if (markdown) {
  const cpus = os.cpus();
  const page = [
    '# Performance',
    '',
    `Written by \`npm run bench:doc\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: ${appInfo.name} ${appInfo.version}, Node ${process.versions.node},`,
    `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${os.loadavg()[0]?.toFixed(1)} when it started.`,
    'Do not edit by hand: run it again.',
    '',
    'Every benchmark times the app against a baseline measured in the same run (the same work done by',
    'the bare library: SQLite inserts, SHA-256, raw PKCS#11 calls, a plain copy), so a ratio says what',
    'the app adds and stays meaningful on a busy machine where the absolute figures do not.',
    '',
    ...sections,
  ].join('\n');
  const temporary = `${markdown}.partial`;
  writeFileSync(temporary, page);
  renameSync(temporary, markdown);
  process.stdout.write(`\nwrote ${markdown}\n`);
}
process.exitCode = failed === 0 ? 0 : 1;
