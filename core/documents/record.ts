import { hashBlock, hashText, keyValues, penLines, signatureImage } from './blocks.js';
import { ceremonyPdfOptions, coverPage } from './cover.js';
import { Pdf } from './pdf.js';
import { table } from './table.js';
import { chunk, groupedLines, requireHex, utcDisplay } from './text.js';
import type { RecordAct, RecordDocumentInput, RecordStep } from './types.js';

const statusText: Record<RecordStep['status'], string> = {
  done: 'done',
  skipped: 'SKIPPED',
  failed: 'FAILED',
  'not-done': 'NOT DONE',
  'not-applicable': 'not applicable',
};

/** A time cell: the date above the time, so the column stays narrow. */
function timeCell(value: string | undefined, field: string): string {
  return value ? utcDisplay(value, field).replace(' ', '\n').replace(/ UTC$/, '') : '';
}

/**
 * The annotated log on paper: every step with its UTC time, performer and initials, the TEBs, HSMs,
 * exceptions, hashes in hex and PGP words, attestations with their drawn signatures, the seal, and
 * the log head hash in hex, words and as a QR code. The log head hash is also at the foot of every
 * page, so each sheet the IW signs binds to the data.
 */
export async function renderRecordPdf(input: RecordDocumentInput): Promise<Buffer> {
  const { ceremony } = input;
  const head = requireHex(input.logHead.hex, 'The log head hash');
  const scriptHash = requireHex(input.scriptHash, 'The script hash');
  const pdf = new Pdf(ceremonyPdfOptions(ceremony, 'Ceremony record', { label: `Log head hash (event ${input.logHead.sequence})`, hex: head }));

  coverPage(pdf, ceremony, 'Ceremony record (the annotated log)', [
    ['Started', utcDisplay(input.startedAt, 'The start time')],
    ['Ended', input.endedAt ? utcDisplay(input.endedAt, 'The end time') : 'not recorded'],
    ['Script SHA-256', groupedLines(scriptHash, 4, 8).join('\n')],
    ['Log head', `event ${input.logHead.sequence}\n${groupedLines(head, 4, 8).join('\n')}`],
    ['Seal', input.seal ? `sealed ${utcDisplay(input.seal.at, 'The seal time')} by ${input.seal.by}` : 'NOT SEALED'],
    ...(input.facts ?? []).map((f) => [f.label, f.value] as const),
  ]);
  if (!input.seal) {
    pdf.paragraph('NOT SEALED: the log was still open when this was printed. This is not the final record of the ceremony.', { font: 'bold', size: 12 });
  }

  participants(pdf, input);
  airGap(pdf, input);
  hsmsAndTebs(pdf, input);
  for (const act of input.acts) recordAct(pdf, act);
  exceptions(pdf, input);
  if (input.hashes.length > 0) {
    pdf.heading('Hashes recorded');
    for (const hash of input.hashes) hashBlock(pdf, hash);
  }
  attestations(pdf, input);
  seal(pdf, input);
  logHead(pdf, input, head);
  return pdf.finish();
}

function participants(pdf: Pdf, input: RecordDocumentInput): void {
  pdf.newPage();
  table(
    pdf,
    [
      { header: 'Role', weight: 14 },
      { header: 'Name', weight: 30 },
      { header: 'Signed in (UTC)', weight: 18 },
      { header: 'Signed out (UTC)', weight: 18 },
    ],
    input.participants.map((p) => ({
      cells: [p.role, p.name, timeCell(p.signedInAt, `The sign-in time of ${p.name}`), timeCell(p.signedOutAt, `The sign-out time of ${p.name}`)],
    })),
    { caption: 'Participants', heading: true },
  );
  const signed = input.participants.filter((p) => p.signatureInPng || p.signatureOutPng);
  if (signed.length === 0) return;
  pdf.heading('Signatures at sign-in and sign-out');
  for (const p of signed) {
    const at = (time: string | undefined, what: string) => (time ? `, ${utcDisplay(time, `The ${what} time of ${p.name}`)}` : '');
    if (p.signatureInPng) signatureImage(pdf, p.signatureInPng, `Signature of ${p.name} (${p.role}) at sign-in${at(p.signedInAt, 'sign-in')}`);
    if (p.signatureOutPng) signatureImage(pdf, p.signatureOutPng, `Signature of ${p.name} (${p.role}) at sign-out${at(p.signedOutAt, 'sign-out')}`);
  }
}

const airGapWhen = { open: 'ceremony opened', change: 'network changed', close: 'ceremony closed' } as const;

function airGap(pdf: Pdf, input: RecordDocumentInput): void {
  if (!input.airGap || input.airGap.length === 0) return;
  table(
    pdf,
    [
      { header: 'Time (UTC)', weight: 18 },
      { header: 'When', weight: 18 },
      { header: 'Air gap', weight: 16 },
      { header: 'Network up (besides loopback)', weight: 48 },
    ],
    input.airGap.map((a) => ({
      cells: [timeCell(a.at, 'The time the network was recorded'), airGapWhen[a.when], a.isolated ? 'isolated' : 'NOT ISOLATED', a.up.join(', ') || 'nothing'],
    })),
    { caption: 'The air gap', heading: true },
  );
}

function hsmsAndTebs(pdf: Pdf, input: RecordDocumentInput): void {
  if (input.hsms.length === 0) {
    pdf.heading('HSMs');
    pdf.paragraph('No HSM was used.');
  } else {
    table(
      pdf,
      [
        { header: 'Label', weight: 16 },
        { header: 'Model', weight: 22 },
        { header: 'Serial', weight: 20, font: 'mono' },
        { header: 'Firmware', weight: 14 },
        { header: 'Note', weight: 28 },
      ],
      input.hsms.map((h) => ({ cells: [h.label, h.model, h.serial, h.firmware ?? '', h.note ?? ''] })),
      { caption: 'HSMs', heading: true },
    );
  }
  if (input.hsmCapabilities && input.hsmCapabilities.length > 0) {
    table(
      pdf,
      [
        { header: 'HSM', weight: 12 },
        { header: 'PKCS#11 library', weight: 20 },
        { header: 'It can', weight: 30 },
        { header: 'It cannot', weight: 38 },
      ],
      input.hsmCapabilities.map((c) => ({ cells: [c.label, c.library, c.can, c.cannot] })),
      { caption: 'What each HSM can do (its capability profile, read from the module when first used)', heading: true },
    );
  }
  if (input.tebs.length === 0) {
    pdf.heading('Tamper-evident bags');
    pdf.paragraph('No TEB was checked or sealed.');
  } else {
    table(
      pdf,
      [
        { header: 'Serial', weight: 16, font: 'mono' },
        { header: 'Contents', weight: 22 },
        { header: 'Action', weight: 10 },
        { header: 'Time (UTC)', weight: 14 },
        { header: 'By', weight: 14 },
        { header: 'Step', weight: 7 },
        { header: 'Note', weight: 22 },
      ],
      input.tebs.map((t) => ({
        cells: [t.serial, t.contents, t.action, timeCell(t.at, `The time TEB ${t.serial} was ${t.action}`), t.by, t.step ?? '', t.note ?? ''],
      })),
      { caption: 'Tamper-evident bags', heading: true },
    );
  }
}

/** Lines of a note per detail row: a row never splits across pages, so a long note is cut into rows that each fit. */
const NOTE_LINES = 20;

/** A step's note in full-width rows under it, where a long one (a list of failed checks) has the room. */
function noteDetails(note: string | undefined): { text: string }[] {
  if (!note) return [];
  return chunk(`Note: ${note}`.split('\n'), NOTE_LINES).map((lines) => ({ text: lines.join('\n') }));
}

function recordAct(pdf: Pdf, act: RecordAct): void {
  table(
    pdf,
    [
      { header: 'Step', weight: 7 },
      { header: 'Role', weight: 9 },
      { header: 'Activity', weight: 41 },
      { header: 'Status', weight: 9 },
      { header: 'Performed by', weight: 14 },
      { header: 'Initials', weight: 10 },
      { header: 'Time (UTC)', weight: 12 },
    ],
    act.steps.map((step) => {
      const activity = [
        step.activity,
        ...(step.exceptions?.length ? [`Exception${step.exceptions.length > 1 ? 's' : ''}: ${step.exceptions.join(', ')}`] : []),
      ].join('\n');
      return {
        cells: [
          step.number,
          step.role,
          activity,
          statusText[step.status],
          step.performer ?? '',
          step.initials ?? '',
          timeCell(step.at, `The time of step ${step.number}`),
        ],
        details: [...noteDetails(step.note), ...(step.hashes ?? []).map((h) => ({ text: hashText(h), font: 'mono' as const }))],
      };
    }),
    { caption: `Act ${act.number}: ${act.title}`, heading: true },
  );
}

function exceptions(pdf: Pdf, input: RecordDocumentInput): void {
  pdf.heading('Exceptions');
  if (input.exceptions.length === 0) {
    pdf.paragraph('No exception was recorded.');
    return;
  }
  for (const e of input.exceptions) {
    pdf.heading(`Exception ${e.number} (step ${e.step})`, 3);
    keyValues(pdf, [
      ['Time', utcDisplay(e.at, `The time of exception ${e.number}`)],
      ['The script expected', e.expected],
      ['What happened', e.happened],
      ['What was decided', e.decision],
      ['Signed by', e.signedBy.join(', ')],
    ]);
  }
}

function attestations(pdf: Pdf, input: RecordDocumentInput): void {
  pdf.heading('Attestations');
  if (input.attestations.length === 0) pdf.paragraph('No attestation was recorded.');
  for (const a of input.attestations) {
    pdf.heading(`${a.role}: ${a.name}`, 3);
    pdf.paragraph(a.statement);
    const when = utcDisplay(a.at, `The time of the attestation of ${a.name}`);
    pdf.paragraph(a.agreed ? `Agreed, ${when}.` : `Did not agree, ${when}: ${a.reason ?? 'no reason given'}.`, { font: 'bold', size: 9.5 });
    signatureImage(pdf, a.signaturePng, `Signature of ${a.name} as drawn on screen`);
  }
}

function seal(pdf: Pdf, input: RecordDocumentInput): void {
  pdf.heading('Seal');
  if (!input.seal) {
    pdf.paragraph('NOT SEALED: the log was still open when this record was printed.', { font: 'bold', size: 12 });
    return;
  }
  keyValues(pdf, [
    ['Sealed', utcDisplay(input.seal.at, 'The seal time')],
    ['By', input.seal.by],
    ...input.seal.details.map((d) => [d.label, d.value] as const),
  ]);
  for (const hash of input.seal.hashes) hashBlock(pdf, hash);
}

function logHead(pdf: Pdf, input: RecordDocumentInput, head: string): void {
  pdf.ensureSpace(260);
  pdf.heading('Log head');
  pdf.paragraph(
    'The hash of the last event of the log. It is at the foot of every page of this record. Compare it with the app, or with ' +
      '"ksk-ceremony bundle verify" on the exported bundle, in hex, in words or by scanning the code.',
    { size: 9 },
  );
  hashBlock(pdf, { label: `Log head hash (event ${input.logHead.sequence})`, hex: head }, { qr: true });
  pdf.paragraph('I compared the log head hash above with the one the app shows, and they are the same.', { size: 9 });
  penLines(pdf, ['Internal Witness (IW): signature', 'Date and time (UTC)'], [3, 2]);
}
