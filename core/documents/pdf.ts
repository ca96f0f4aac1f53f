import PDFDocument from 'pdfkit';
import { KskError } from '../errors.js';
import { resourcePath } from '../resources.js';
import { printable, requireHex, requireUtc } from './text.js';

export type CeremonyMode = 'REHEARSAL' | 'PRODUCTION';
export type Paper = 'A4' | 'LETTER';
export type FontName = 'regular' | 'bold' | 'mono';

/** Shipped with the app so the same input gives the same bytes on every machine; never the PDF standard fonts. */
const fontFiles: Record<FontName, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
};

export function fontPath(font: FontName): string {
  return resourcePath('fonts', fontFiles[font]);
}

export const REHEARSAL_BANNER = 'REHEARSAL — NOT A PRODUCTION CEREMONY';

export interface PdfOptions {
  /** The document's title: in the PDF metadata and at the head of every page. */
  title: string;
  /**
   * Pinned as the PDF's CreationDate and ModDate (pdfkit derives the file /ID from them): the
   * ceremony's time, never "now", so the same input renders the same bytes.
   */
  date: string;
  mode: CeremonyMode;
  paper?: Paper;
  /** Printed in full at the foot of every page (e.g. the script's hash, the log head hash). */
  pageHash?: { label: string; hex: string };
  subject?: string;
}

const margins = { top: 84, bottom: 78, left: 54, right: 54 };

/**
 * A pdfkit document with the app's fonts, pinned metadata and page frame. Content is laid out top
 * to bottom; the frame (header, REHEARSAL band, hash, "page N of M") is drawn on every page at the
 * end, once the page count is known.
 */
export class Pdf {
  readonly kit: PDFKit.PDFDocument;
  private readonly options: PdfOptions;
  private readonly pageHash: { label: string; hex: string } | undefined;
  private readonly bytes: Promise<Buffer>;
  /** Pages at which a separately numbered part starts (letters, share sheets), with its label. */
  private readonly sections: { start: number; label: string }[] = [];

  constructor(options: PdfOptions) {
    const date = requireUtc(options.date, 'The document date');
    this.options = options;
    this.pageHash = options.pageHash && { label: options.pageHash.label, hex: requireHex(options.pageHash.hex, options.pageHash.label) };
    this.kit = new PDFDocument({
      size: options.paper ?? 'LETTER',
      margins,
      bufferPages: true,
      font: fontPath('regular'),
      pdfVersion: '1.7',
      lang: 'en',
      displayTitle: true,
      info: {
        Title: options.title,
        ...(options.subject ? { Subject: options.subject } : {}),
        Creator: 'KSK Ceremony',
        Producer: 'KSK Ceremony (PDFKit)',
        CreationDate: date,
        ModDate: date,
      },
    });
    const chunks: Buffer[] = [];
    this.bytes = new Promise((resolve, reject) => {
      this.kit.on('data', (chunk: Buffer) => chunks.push(chunk));
      this.kit.on('end', () => resolve(Buffer.concat(chunks)));
      this.kit.on('error', reject);
    });
    this.font('regular', 10);
  }

  get left(): number {
    return margins.left;
  }

  get width(): number {
    return this.kit.page.width - margins.left - margins.right;
  }

  get right(): number {
    return this.kit.page.width - margins.right;
  }

  /** The lowest y content may reach on a page. */
  get bottom(): number {
    return this.kit.page.height - margins.bottom;
  }

  get top(): number {
    return margins.top;
  }

  get y(): number {
    return this.kit.y;
  }

  set y(value: number) {
    this.kit.y = value;
  }

  /** The room content has on an empty page. */
  get pageRoom(): number {
    return this.bottom - this.top;
  }

  font(font: FontName, size: number): this {
    // By path, not by a registered name: pdfkit caches a font under the key it was opened with,
    // and a registered name that duplicates the default font would be parsed again on every call.
    this.kit.font(fontPath(font)).fontSize(size);
    return this;
  }

  newPage(): void {
    this.kit.addPage();
  }

  /** Starts a new page unless `height` more points fit on this one; true when it did. */
  ensureSpace(height: number): boolean {
    if (this.y + height <= this.bottom) return false;
    this.newPage();
    return true;
  }

  /** Starts a part with its own page numbering ("Letter to A. Holder — page 1 of 2"), on a new page. */
  startSection(label: string): void {
    const pageIndex = this.kit.bufferedPageRange().count - 1;
    const emptyFirstPage = pageIndex === 0 && this.y === this.top && this.sections.length === 0;
    if (!emptyFirstPage) this.newPage();
    this.sections.push({ start: this.kit.bufferedPageRange().count - 1, label });
  }

  space(points: number): void {
    this.y += points;
  }

  /** The room a heading takes, spacing included. */
  headingHeight(text: string, level: 1 | 2 | 3): number {
    const size = level === 1 ? 18 : level === 2 ? 13 : 11;
    return this.heightOf(text, this.width, 'bold', size) + (level === 1 ? 10 : 11);
  }

  heading(text: string, level: 1 | 2 | 3 = 2): void {
    // A heading never ends a page: it needs a few lines of what it heads below it.
    this.ensureSpace(this.headingHeight(text, level) + 40);
    this.space(level === 1 ? 0 : 6);
    this.textBox(text, this.left, this.y, this.width, 'bold', level === 1 ? 18 : level === 2 ? 13 : 11);
    this.space(level === 1 ? 10 : 5);
  }

  paragraph(text: string, options: { font?: FontName; size?: number; gap?: number; indent?: number } = {}): void {
    const indent = options.indent ?? 0;
    this.font(options.font ?? 'regular', options.size ?? 10);
    this.ensureSpace(this.kit.currentLineHeight(true));
    this.kit.text(printable(text), this.left + indent, this.y, { width: this.width - indent, lineGap: 1.5 });
    this.space(options.gap ?? 6);
  }

  /** A short line of text at an exact place, outside the flow (frames, captions, table cells). */
  textAt(text: string, x: number, y: number, options: { font: FontName; size: number; width?: number; align?: 'left' | 'right' | 'center' }): void {
    this.font(options.font, options.size);
    const line = printable(text);
    let at = x;
    if (options.align && options.align !== 'left' && options.width !== undefined) {
      const free = options.width - this.kit.widthOfString(line);
      at = options.align === 'right' ? x + free : x + free / 2;
    }
    this.kit.text(line, at, y, { lineBreak: false });
  }

  /** Wrapped text in a box of known width at a known place (table cells); the caller has made room. */
  textBox(text: string, x: number, y: number, width: number, font: FontName, size: number): void {
    this.font(font, size);
    this.kit.text(printable(text), x, y, { width, lineGap: 1 });
  }

  heightOf(text: string, width: number, font: FontName, size: number): number {
    this.font(font, size);
    return this.kit.heightOfString(printable(text), { width, lineGap: 1 });
  }

  /** A PNG (a drawn signature) scaled to fit the box. */
  png(bytes: Uint8Array, x: number, y: number, width: number, height: number, what: string): void {
    try {
      this.kit.image(Buffer.from(bytes), x, y, { fit: [width, height], align: 'center', valign: 'center' });
    } catch (e) {
      throw new KskError('BAD_REQUEST', `${what} is not a PNG image that can be printed (${e instanceof Error ? e.message : String(e)}).`);
    }
  }

  async finish(): Promise<Buffer> {
    const { count } = this.kit.bufferedPageRange();
    for (let i = 0; i < count; i++) {
      this.kit.switchToPage(i);
      this.drawFrame(i, count);
    }
    this.kit.end();
    return this.bytes;
  }

  private pageLabel(index: number, count: number): string {
    const section = this.sections.findLast((s) => s.start <= index);
    if (!section) return `Page ${index + 1} of ${count}`;
    const next = this.sections.find((s) => s.start > index);
    const length = (next ? next.start : count) - section.start;
    return `${section.label} — page ${index - section.start + 1} of ${length}`;
  }

  private drawFrame(index: number, count: number): void {
    const page = this.kit.page;
    // Text drawn in the margins must not make pdfkit start a new page.
    const saved = { ...page.margins };
    page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    const rehearsal = this.options.mode === 'REHEARSAL';
    if (rehearsal) this.band(18);
    this.textAt(this.fitted(this.options.title, this.width * 0.75, 'bold', 8.5), this.left, 44, { font: 'bold', size: 8.5 });
    this.textAt(this.options.mode, this.left, 44, { font: 'bold', size: 8.5, width: this.width, align: 'right' });
    this.rule(57);
    const footerY = page.height - 66;
    this.rule(footerY - 5);
    if (this.pageHash) {
      this.textAt(`${this.pageHash.label}:`, this.left, footerY, { font: 'regular', size: 7 });
      this.textAt(this.pageHash.hex, this.left, footerY + 9, { font: 'mono', size: 7 });
    }
    this.textAt(this.pageLabel(index, count), this.left, footerY, { font: 'regular', size: 8, width: this.width, align: 'right' });
    if (rehearsal) this.band(page.height - 40);
    page.margins = saved;
  }

  /** The text cut short with an ellipsis where it would run past `width` (a long title in the page header). */
  private fitted(text: string, width: number, font: FontName, size: number): string {
    this.font(font, size);
    if (this.kit.widthOfString(text) <= width) return text;
    let cut = Array.from(text);
    while (cut.length > 1 && this.kit.widthOfString(`${cut.join('')}…`) > width) cut = cut.slice(0, -1);
    return `${cut.join('').trimEnd()}…`;
  }

  private band(y: number): void {
    this.kit.save().rect(this.left, y, this.width, 17).fill('#cccccc').restore();
    this.kit.fillColor('black');
    this.textAt(REHEARSAL_BANNER, this.left, y + 4, { font: 'bold', size: 9, width: this.width, align: 'center' });
  }

  rule(y: number, from = this.left, to = this.right): void {
    this.kit.save().moveTo(from, y).lineTo(to, y).lineWidth(0.5).strokeColor('#555555').stroke().restore();
  }
}

/** The page count of a PDF this module wrote (pdfkit writes one uncompressed page tree). */
export function pdfPageCount(pdf: Uint8Array): number {
  const match = /\/Type \/Pages\n\/Count (\d+)\n/.exec(Buffer.from(pdf).toString('latin1'));
  if (!match) throw new KskError('INTERNAL', 'The PDF has no page tree that can be counted.');
  return Number(match[1]);
}
