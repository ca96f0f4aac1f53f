import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { figure, median, printFigures } from './lib/figures.js';

/**
 * The UI's cold start: from starting the browser host (`node dist/browser-host/main.js`, a fresh
 * workspace) to its home screen being interactive in Debian's Chromium (the main navigation
 * visible), against a bare Node process serving one static page to the same browser, in the same
 * run, alternating. Chromium itself is started once before, as a user's is already running. Also:
 * the renderer's chunks, which the home screen loads, and that pdf.js is not among them.
 * Run: node dist/bench/browserHost.js [rounds, default 7]
 */
const rounds = Number(process.argv[2] ?? 7);
const root = fileURLToPath(new URL('../../', import.meta.url));
const assets = path.join(root, 'dist', 'renderer', 'assets');
const bareServer = `require('node:http').createServer((q, s) => s.end('<!doctype html><title>bare</title><nav aria-label="Main">home</nav>')).listen(0, '127.0.0.1', function () { process.stdout.write('served at http://127.0.0.1:' + this.address().port + '/\\n'); });`;

/** Starts a process and resolves with the first http://… address it prints. */
function served(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before serving: ${out}`)));
  });
}

async function coldStart(browser: Browser, args: string[]): Promise<{ ms: number; loaded: string[] }> {
  const page = await browser.newPage();
  const loaded: string[] = [];
  page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
  const start = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await page.goto(await served(child));
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'visible' });
    return { ms: performance.now() - start, loaded };
  } finally {
    await page.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const workspaces: string[] = [];
try {
  const host: number[] = [];
  const bare: number[] = [];
  let requested: string[] = [];
  for (let i = 0; i < rounds; i++) {
    bare.push((await coldStart(browser, ['-e', bareServer])).ms);
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'ksk-bench-browser-'));
    workspaces.push(workspace);
    const run = await coldStart(browser, [path.join(root, 'dist', 'browser-host', 'main.js'), '--workspace', workspace, '--port', '0']);
    host.push(run.ms);
    requested = run.loaded;
  }
  const chunks = readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: f, kB: statSync(path.join(assets, f)).size / 1000 }));
  const atStart = chunks.filter((c) => requested.some((r) => r.endsWith(`/${c.file}`)));
  const later = chunks.filter((c) => !atStart.includes(c));
  const largest = atStart.reduce((a, b) => (b.kB > a.kB ? b : a));
  const pdfAtStart = atStart.filter((c) => /pdf/i.test(c.file));
  if (pdfAtStart.length > 0) throw new Error(`the home screen loads pdf.js: ${pdfAtStart.map((c) => c.file).join(', ')}`);
  printFigures(`browser host bench: median of ${rounds} cold starts each, alternating, Chromium already running`, [
    figure({
      what: 'browser host start to an interactive home screen',
      ms: median(host),
      baseline: { what: 'a bare Node process serving one static page to the same browser', ms: median(bare) },
      goal: { maxMs: 1000 },
      note: `home screen loads ${atStart.map((c) => `${c.file} ${c.kB.toFixed(0)} kB`).join(', ')} (largest ${largest.kB.toFixed(0)} kB, goal ≤ 500 kB: ${largest.kB <= 500 ? 'met' : 'NOT MET'}); loaded later: ${later.map((c) => `${c.file} ${c.kB.toFixed(0)} kB`).join(', ')}`,
    }),
  ]);
} finally {
  await browser.close();
  for (const w of workspaces) rmSync(w, { recursive: true, force: true });
}
