import { keyValues } from './blocks.js';
import type { Pdf, PdfOptions } from './pdf.js';
import type { CeremonyInfo } from './types.js';
import { groupedLines, numberedWordLines, requireHex, utcDisplay } from './text.js';
import { toPgpWords } from '../hash/pgpWords.js';

/** The document options every ceremony document shares: its pinned date, mode and paper come from the ceremony. */
export function ceremonyPdfOptions(ceremony: CeremonyInfo, title: string, pageHash?: PdfOptions['pageHash']): PdfOptions {
  return {
    title: `${ceremony.title} — ${title}`,
    subject: ceremony.procedure,
    date: ceremony.date,
    mode: ceremony.mode,
    ...(ceremony.paper ? { paper: ceremony.paper } : {}),
    ...(pageHash ? { pageHash } : {}),
  };
}

/** The ceremony's particulars as label/value rows. */
export function ceremonyRows(ceremony: CeremonyInfo): [string, string][] {
  return [
    ['Ceremony', `${ceremony.title} (${ceremony.id})`],
    ['Procedure', ceremony.procedure],
    ['Site', ceremony.site],
    ['Date', utcDisplay(ceremony.date, 'The ceremony date')],
  ];
}

/** The pinned audit key, in hex and PGP words: the seal and every checkpoint must be by this key. */
function auditKeyRows(ceremony: CeremonyInfo): [string, string][] {
  if (!ceremony.auditKeyFingerprint) return [];
  const hex = requireHex(ceremony.auditKeyFingerprint, 'The audit key fingerprint');
  return [['Audit key (pinned)', `${groupedLines(hex, 4, 8).join('\n')}\n${numberedWordLines(toPgpWords(Buffer.from(hex, 'hex')), 8).join('\n')}`]];
}

/**
 * A cover: the ceremony, what the document is, and REHEARSAL or PRODUCTION in large type in a box
 * no one can miss.
 */
export function coverPage(pdf: Pdf, ceremony: CeremonyInfo, documentName: string, rows: readonly (readonly [string, string])[]): void {
  pdf.heading(ceremony.title, 1);
  pdf.paragraph(documentName, { font: 'bold', size: 14, gap: 18 });
  const y = pdf.y;
  pdf.kit.save().rect(pdf.left, y, pdf.width, 44).lineWidth(2).strokeColor('black').stroke().restore();
  pdf.textAt(ceremony.mode, pdf.left, y + 10, { font: 'bold', size: 22, width: pdf.width, align: 'center' });
  pdf.y = y + 62;
  keyValues(pdf, [...ceremonyRows(ceremony), ['Mode', ceremony.mode], ...auditKeyRows(ceremony), ...rows]);
}
