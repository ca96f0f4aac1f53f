/**
 * Rendering the script and record of a 300-step ceremony, and exporting its bundle, against
 * baselines measured in the same run: pdfkit laying out the same text with no tables or frame, and
 * plain writeFileSync + fsync of the same bytes.
 *
 *   node dist/bench/documents.js
 */
import { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { fontPath } from '../core/documents/pdf.js';
import { renderRecordPdf } from '../core/documents/record.js';
import { renderScriptPdf } from '../core/documents/script.js';
import { buildManifest, type BundleFile } from '../core/export/manifest.js';
import { writeBundle } from '../core/export/writeBundle.js';
import { recordInput, scriptInput } from '../test/integration/documents/rehearsal.js';
import { pseudoRandom } from '../test/integration/export/fixture.js';
import { figure, medianMs, printFigures } from './lib/figures.js';

const STEPS = 300;
const RUNS = 3;
const extra = STEPS - scriptInput().acts.reduce((n, a) => n + a.steps.length, 0);

/** The same words through pdfkit with the same font, flowed as plain paragraphs. */
function plainPdf(texts: string[]): Promise<Buffer> {
  const doc = new PDFDocument({ font: fontPath('regular'), info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  doc.on('data', (c: Buffer) => chunks.push(c));
  doc.fontSize(8.5);
  for (const text of texts) doc.text(text);
  doc.end();
  return done;
}

const script = scriptInput(extra);
const record = recordInput(extra);
const scriptTexts = script.acts.flatMap((a) => a.steps.map((s) => `${s.number} ${s.role} ${s.activity}`));
const recordTexts = record.acts.flatMap((a) => a.steps.map((s) => `${s.number} ${s.role} ${s.activity} ${s.status} ${s.performer} ${s.initials} ${s.at}`));

// Warm up: the first render parses the fonts.
await renderScriptPdf(script);
await plainPdf(scriptTexts);

let scriptPdf: Buffer = Buffer.alloc(0);
let recordPdf: Buffer = Buffer.alloc(0);
const scriptMs = await medianMs(RUNS, async () => (scriptPdf = await renderScriptPdf(script)));
const recordMs = await medianMs(RUNS, async () => (recordPdf = await renderRecordPdf(record)));
const plainScriptMs = await medianMs(RUNS, () => plainPdf(scriptTexts));
const plainRecordMs = await medianMs(RUNS, () => plainPdf(recordTexts));

const root = mkdtempSync(path.join(os.tmpdir(), 'ksk-bench-'));
try {
  const files: BundleFile[] = [
    { path: 'log/ceremony.sqlite', bytes: pseudoRandom('log', 2_000_000) },
    { path: 'documents/script.pdf', bytes: scriptPdf },
    { path: 'documents/record.pdf', bytes: recordPdf },
  ];
  let round = 0;
  const exportMs = await medianMs(RUNS, async () => {
    const manifest = await buildManifest(files, { ceremony: 'bench' });
    const target = path.join(root, `export-${round++}`);
    mkdirSync(target);
    await writeBundle({ targetDir: target, name: 'bundle', files, manifest });
  });
  const plainMs = await medianMs(RUNS, async () => {
    const target = path.join(root, `plain-${round++}`);
    for (const f of files) {
      const file = path.join(target, f.path);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, f.bytes as Uint8Array);
      const fd = openSync(file, 'r+');
      fsyncSync(fd);
      closeSync(fd);
    }
  });
  const bytes = files.reduce((n, f) => n + (f.bytes as Uint8Array).length, 0);

  printFigures(`documents bench: ${STEPS}-step ceremony, median of ${RUNS} runs; script ${scriptPdf.length} bytes, record ${recordPdf.length} bytes`, [
    figure({ what: 'render the script PDF', ms: scriptMs, baseline: { what: 'pdfkit, the same text, no layout', ms: plainScriptMs } }),
    figure({ what: 'render the record PDF', ms: recordMs, baseline: { what: 'pdfkit, the same text, no layout', ms: plainRecordMs } }),
    figure({
      what: `export the bundle (${(bytes / 1e6).toFixed(1)} MB, verified)`,
      ms: exportMs,
      baseline: { what: 'writeFileSync + fsync of the same files', ms: plainMs },
    }),
  ]);
} finally {
  rmSync(root, { recursive: true, force: true });
}
