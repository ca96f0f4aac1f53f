/**
 * The documents and the USB bundle of a 300-step ceremony written through the evidence log, each
 * against a baseline measured in the same run:
 *
 * - rendering the script and the record from the log, against the renderers alone on inputs
 *   composed beforehand (what composing from the log costs);
 * - exporting the bundle (snapshot of the log, every document rendered, written, fsynced, read back
 *   and verified), against a plain copy of the same bytes with fsync;
 * - verifying the bundle offline (manifest, chain, seal, every file derived again, SKR signatures),
 *   against SHA-256 over the same bytes.
 *
 *   node dist/bench/bundle.js [--steps N]
 */
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { scriptSteps } from '../core/ceremony/script.js';
import { ceremonyInfoOf, readCeremonyLog } from '../core/documents/compose/ceremonyLog.js';
import { recordInputOf } from '../core/documents/compose/record.js';
import { renderCeremonyDocument } from '../core/documents/compose/render.js';
import { scriptDocumentInput } from '../core/documents/compose/script.js';
import { renderRecordPdf } from '../core/documents/record.js';
import { renderScriptPdf } from '../core/documents/script.js';
import { exportBundle } from '../core/export/bundle/export.js';
import { verifyBundle } from '../core/export/bundle/verify.js';
import { sha256Hex } from '../core/hash/sha256.js';
import { signingScript, SIGNING_ID, buildWorld } from '../test/integration/bundle/handBuilt.js';
import { tree } from '../test/integration/export/fixture.js';
import { figure, median, printFigures } from './lib/figures.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '300' } } });
const STEPS = Number(values.steps);
const RUNS = 5;

/**
 * The median times of a measured task and its baseline, run alternately so that load from other
 * work on the machine falls on both alike.
 */
async function compare(task: () => Promise<unknown>, baseline: () => Promise<unknown>): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    for (const [n, run] of [task, baseline].entries()) {
      const start = performance.now();
      await run();
      times[n as 0 | 1].push(performance.now() - start);
    }
  }
  return [median(times[0]), median(times[1])];
}

const root = mkdtempSync(path.join(os.tmpdir(), 'ksk-bench-bundle-'));
try {
  const extra = STEPS - [...scriptSteps(signingScript())].length;
  const built = performance.now();
  const world = await buildWorld(path.join(root, 'workspace'), { extraSteps: extra });
  const buildMs = performance.now() - built;
  const { store } = world;
  const steps = [...scriptSteps(world.signingScript)].length;
  const events = store.head(SIGNING_ID)?.seq ?? 0;

  // Warm up: the first render parses the fonts.
  await renderCeremonyDocument(store, SIGNING_ID, 'script');

  const log = readCeremonyLog(store, SIGNING_ID);
  const scriptInput = scriptDocumentInput(world.signingScript, ceremonyInfoOf(log));
  const recordInput = recordInputOf(log);
  const [fromLogMs, renderOnlyMs] = await compare(
    async () => {
      await renderCeremonyDocument(store, SIGNING_ID, 'script');
      await renderCeremonyDocument(store, SIGNING_ID, 'record');
    },
    async () => {
      await renderScriptPdf(scriptInput);
      await renderRecordPdf(recordInput);
    },
  );
  store.close();

  let round = 0;
  const first = path.join(root, `export-${round++}`);
  mkdirSync(first);
  const last = (await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: first })).path;
  const files = tree(last);
  const bytes = [...files.values()].reduce((n, b) => n + b.length, 0);
  const [exportMs, copyMs] = await compare(
    async () => {
      const to = path.join(root, `export-${round++}`);
      mkdirSync(to);
      await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to });
    },
    async () => {
      const to = path.join(root, `copy-${round++}`);
      for (const [relative, content] of files) {
        const file = path.join(to, relative);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, content);
        const fd = openSync(file, 'r+');
        fsyncSync(fd);
        closeSync(fd);
      }
    },
  );
  const [verifyMs, hashMs] = await compare(
    async () => {
      const verdict = await verifyBundle(last);
      if (!verdict.ok) throw new Error(verdict.message);
    },
    async () => {
      for (const relative of files.keys()) sha256Hex(readFileSync(path.join(last, relative)));
    },
  );

  printFigures(
    `bundle bench: ${steps}-step ceremony, ${events} events (log written in ${(buildMs / 1000).toFixed(1)} s); bundle of ${files.size} files, ${(bytes / 1e6).toFixed(2)} MB; median of ${RUNS} runs each, alternating with the baseline`,
    [
      figure({ what: 'render script + record from the log', ms: fromLogMs, baseline: { what: 'the renderers on composed inputs', ms: renderOnlyMs } }),
      figure({ what: 'export the bundle (verified)', ms: exportMs, baseline: { what: 'a copy of the same bytes + fsync', ms: copyMs } }),
      figure({ what: 'verify the bundle offline', ms: verifyMs, baseline: { what: 'SHA-256 of the same bytes', ms: hashMs } }),
    ],
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
