import { hashText, penBox, penLines } from './blocks.js';
import { ceremonyPdfOptions, coverPage } from './cover.js';
import { Pdf } from './pdf.js';
import { table, type TableColumn } from './table.js';
import { groupedLines, requireHex } from './text.js';
import type { ScriptAct, ScriptDocumentInput } from './types.js';

/** Room for initials and a time written by pen. */
const PEN_ROW = 24;

const stepColumns: TableColumn[] = [
  { header: 'Step', weight: 7 },
  { header: 'Role', weight: 10 },
  { header: 'Activity', weight: 55 },
  { header: 'Initial', weight: 10 },
  { header: 'Time (UTC)', weight: 12 },
];

/**
 * The script as the participants use it on paper: a cover, the sign-in sheet, every act as a table
 * with blank Initial and Time fields, blank exception sheets and the closing attestations, with the
 * script's hash at the foot of every page.
 */
export async function renderScriptPdf(input: ScriptDocumentInput): Promise<Buffer> {
  const { ceremony } = input;
  const scriptHash = requireHex(input.scriptHash, 'The script hash');
  const pdf = new Pdf(ceremonyPdfOptions(ceremony, 'Ceremony script', { label: 'Script SHA-256', hex: scriptHash }));
  const steps = input.acts.reduce((sum, act) => sum + act.steps.length, 0);

  coverPage(pdf, ceremony, 'Ceremony script', [
    ...(input.scriptVersion ? [['Script', input.scriptVersion] as const] : []),
    ['Script SHA-256', groupedLines(scriptHash, 4, 8).join('\n')],
    ['Contents', `${input.acts.length} acts, ${steps} steps`],
  ]);
  pdf.paragraph(
    'The Internal Witness (IW) initials every step and writes the UTC time it was completed. Anything that does not go as written ' +
      'is recorded on an exception sheet at the end of this script, and the step refers to it. The hash at the foot of each page ' +
      'is the SHA-256 of the script this paper was printed from; compare it with the one the app shows.',
    { gap: 10 },
  );

  signInSheet(pdf, input);
  for (const act of input.acts) scriptAct(pdf, act);
  exceptionSheets(pdf, input.exceptionSheets ?? 2);
  attestations(pdf, input);
  return pdf.finish();
}

function signInSheet(pdf: Pdf, input: ScriptDocumentInput): void {
  pdf.newPage();
  const blanks = Array.from({ length: input.extraSignInRows ?? 4 }, () => ({ role: '', name: '' }));
  table(
    pdf,
    [
      { header: 'Role', weight: 12 },
      { header: 'Name', weight: 24 },
      { header: 'Signature', weight: 26 },
      { header: 'Time in (UTC)', weight: 13 },
      { header: 'Time out (UTC)', weight: 13 },
    ],
    [...input.participants, ...blanks].map((p) => ({ cells: [p.role, p.name ?? '', '', '', ''], minHeight: 28 })),
    { caption: 'Sign-in sheet', heading: true, intro: 'Each participant signs in on arrival and out on leaving, with the UTC time.' },
  );
}

function scriptAct(pdf: Pdf, act: ScriptAct): void {
  table(
    pdf,
    stepColumns,
    act.steps.map((step) => ({
      cells: [step.number, step.role, step.activity, '', ''],
      minHeight: PEN_ROW,
      details: (step.hashes ?? []).map((h) => ({ text: hashText(h), font: 'mono' as const })),
    })),
    { caption: `Act ${act.number}: ${act.title}`, heading: true, ...(act.summary ? { intro: act.summary } : {}) },
  );
}

function exceptionSheets(pdf: Pdf, count: number): void {
  for (let i = 1; i <= count; i++) {
    pdf.newPage();
    pdf.heading(`Exception sheet ${i} of ${count}`);
    penLines(pdf, ['Exception number', 'Step', 'Date and time (UTC)']);
    penBox(pdf, 'What the script expected', 90);
    penBox(pdf, 'What happened', 120);
    penBox(pdf, 'What was decided, and by whom', 120);
    penLines(pdf, ['Ceremony Administrator (CA): signature', 'Time (UTC)'], [3, 1]);
    penLines(pdf, ['Internal Witness (IW): signature', 'Time (UTC)'], [3, 1]);
  }
}

function attestations(pdf: Pdf, input: ScriptDocumentInput): void {
  pdf.newPage();
  pdf.heading('Closing attestations');
  pdf.paragraph('Initial and sign only if you agree with the statement; otherwise write why not in the space below it.', { size: 9 });
  for (const a of input.attestations) {
    pdf.heading(a.name ? `${a.role}: ${a.name}` : a.role, 3);
    pdf.paragraph(a.statement);
    penLines(pdf, ['Signature', 'Initials', 'Date and time (UTC)'], [3, 1, 2]);
    penBox(pdf, 'If you do not agree, why not', 40);
  }
}
