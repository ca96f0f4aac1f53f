import { KskError } from '../errors.js';
import { keyValues, penLines } from './blocks.js';
import { ceremonyPdfOptions, ceremonyRows } from './cover.js';
import { Pdf } from './pdf.js';
import { groupedLines } from './text.js';
import type { ShareSheet, ShareSheetsInput } from './types.js';

function checkShare(sheet: ShareSheet): void {
  const { shareNumber: k, threshold: m, total: n } = sheet;
  const whole = [k, m, n].every(Number.isInteger);
  if (!whole || m < 1 || m > n || k < 1 || k > n) {
    throw new KskError('BAD_REQUEST', `The share sheet of ${sheet.holder.name} says share ${k} of ${n} with a threshold of ${m}; that cannot be.`);
  }
  if (sheet.shareText.replace(/\s+/g, '').length === 0) throw new KskError('BAD_REQUEST', `The share of ${sheet.holder.name} is empty.`);
}

function numberedLines(sheet: ShareSheet): string[] {
  if (sheet.lines) return sheet.lines;
  const lines = groupedLines(sheet.shareText, 4, 6);
  const width = String(lines.length).length;
  return lines.map((line, i) => `${String(i + 1).padStart(width, '0')}   ${line}`);
}

/**
 * One share per sheet: its holder, what it recovers, M of N, the commissioning id, the share text in
 * numbered groups to read back and the checksum. Each sheet is numbered on its own.
 */
export async function renderShareSheetPdf(input: ShareSheetsInput): Promise<Buffer> {
  input.sheets.forEach(checkShare);
  const pdf = new Pdf(ceremonyPdfOptions(input.ceremony, 'Recovery key share sheets'));
  for (const sheet of input.sheets) {
    pdf.startSection(`Share ${sheet.shareNumber} of ${sheet.total}, ${sheet.holder.name}`);
    pdf.heading('Recovery key share', 1);
    pdf.paragraph(
      `Share ${sheet.shareNumber} of ${sheet.total}: any ${sheet.threshold} of the ${sheet.total} shares recover the secret; fewer reveal nothing.`,
      {
        font: 'bold',
        size: 11,
        gap: 12,
      },
    );
    keyValues(pdf, [
      ['Holder', `${sheet.holder.name} (${sheet.holder.role})`],
      ['Recovers', sheet.secret],
      ['Commissioning id', sheet.commissioningId],
      ['Share', `${sheet.shareNumber} of ${sheet.total}, threshold ${sheet.threshold}`],
      ...ceremonyRows(input.ceremony),
    ]);
    pdf.heading('Share', 3);
    pdf.paragraph(numberedLines(sheet).join('\n'), { font: 'mono', size: 12, gap: 10 });
    keyValues(pdf, [['Checksum', sheet.checksum]], { valueFont: 'mono' });
    pdf.paragraph(
      'Keep this sheet in its tamper-evident bag and show it to no one. When it is used, read it back group by group, line by line; ' +
        'the checksum confirms it was typed correctly.',
      { size: 9, gap: 10 },
    );
    penLines(pdf, ['Holder: signature', 'Date', 'TEB serial'], [3, 1, 2]);
  }
  return pdf.finish();
}
