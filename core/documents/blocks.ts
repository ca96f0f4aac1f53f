import { toPgpWords } from '../hash/pgpWords.js';
import type { FontName, Pdf } from './pdf.js';
import { drawQr } from './qr.js';
import { groupedLines, numberedWordLines, requireHex } from './text.js';

/** A labelled hash the documents print in hex and PGP words. */
export interface HashValue {
  label: string;
  /** Hex; spaces and colons are ignored. */
  hex: string;
}

/** Label | value rows (a cover, an HSM's identity, a letter's particulars). */
export function keyValues(pdf: Pdf, rows: readonly (readonly [string, string])[], options: { keyWidth?: number; valueFont?: FontName } = {}): void {
  const keyWidth = options.keyWidth ?? 140;
  const valueWidth = pdf.width - keyWidth;
  const font = options.valueFont ?? 'regular';
  for (const [key, value] of rows) {
    const height = Math.max(pdf.heightOf(key, keyWidth - 8, 'bold', 9.5), pdf.heightOf(value, valueWidth, font, 9.5));
    pdf.ensureSpace(height);
    const y = pdf.y;
    pdf.textBox(key, pdf.left, y, keyWidth - 8, 'bold', 9.5);
    pdf.textBox(value, pdf.left + keyWidth, y, valueWidth, font, 9.5);
    pdf.y = y + height + 3;
  }
  pdf.space(4);
}

/** The lines a hash prints as: hex in groups of four, then the numbered PGP words. */
export function hashLines(hash: HashValue, wordsPerLine = 8): { hex: string; hexLines: string[]; wordLines: string[] } {
  const hex = requireHex(hash.hex, hash.label);
  return { hex, hexLines: groupedLines(hex, 4, 8), wordLines: numberedWordLines(toPgpWords(Buffer.from(hex, 'hex')), wordsPerLine) };
}

/** One text of a hash for a table detail row: label, hex lines, word lines. */
export function hashText(hash: HashValue): string {
  const { hexLines, wordLines } = hashLines(hash);
  return [`${hash.label}`, ...hexLines, ...wordLines].join('\n');
}

const QR_SIZE = 118;

/**
 * A hash as it is read aloud: its label, the hex in groups of four and the PGP words, numbered; with
 * `qr`, the hex also as a QR code beside it so a phone can compare the paper with the data.
 */
export function hashBlock(pdf: Pdf, hash: HashValue, options: { qr?: boolean } = {}): void {
  // Beside a QR code the lines are narrower: four words a line rather than eight.
  const { hex, hexLines, wordLines } = hashLines(hash, options.qr ? 4 : 8);
  const textWidth = options.qr ? pdf.width - QR_SIZE - 12 : pdf.width;
  const label = pdf.heightOf(hash.label, textWidth, 'bold', 9.5);
  const hexHeight = pdf.heightOf(hexLines.join('\n'), textWidth, 'mono', 9.5);
  const wordsHeight = pdf.heightOf(wordLines.join('\n'), textWidth, 'mono', 8.5);
  const textHeight = label + 3 + hexHeight + 4 + wordsHeight;
  const height = Math.max(textHeight, options.qr ? QR_SIZE : 0);
  pdf.ensureSpace(height);
  const y = pdf.y;
  pdf.textBox(hash.label, pdf.left, y, textWidth, 'bold', 9.5);
  pdf.textBox(hexLines.join('\n'), pdf.left, y + label + 3, textWidth, 'mono', 9.5);
  pdf.textBox(wordLines.join('\n'), pdf.left, y + label + 3 + hexHeight + 4, textWidth, 'mono', 8.5);
  if (options.qr) drawQr(pdf, hex, pdf.right - QR_SIZE, y, QR_SIZE);
  pdf.y = y + height + 8;
}

/**
 * Lines for pen, side by side, each with its caption beneath ("Signature", "Date and time (UTC)").
 * `weights` sets their relative widths.
 */
export function penLines(pdf: Pdf, captions: readonly string[], weights: readonly number[] = captions.map(() => 1)): void {
  const gap = 18;
  const total = weights.reduce((a, b) => a + b, 0);
  const usable = pdf.width - gap * (captions.length - 1);
  pdf.ensureSpace(44);
  const lineY = pdf.y + 26;
  let x = pdf.left;
  captions.forEach((caption, i) => {
    const width = ((weights[i] ?? 1) / total) * usable;
    pdf.rule(lineY, x, x + width);
    pdf.textAt(caption, x, lineY + 3, { font: 'regular', size: 7.5 });
    x += width + gap;
  });
  pdf.y = lineY + 18;
}

/** A drawn signature (PNG) in a frame, with its caption; an empty frame when none was drawn. */
export function signatureImage(pdf: Pdf, png: Uint8Array | undefined, caption: string): void {
  const width = 220;
  const height = 64;
  pdf.ensureSpace(height + 14);
  const y = pdf.y;
  pdf.kit.save().rect(pdf.left, y, width, height).lineWidth(0.5).strokeColor('#555555').stroke().restore();
  if (png) pdf.png(png, pdf.left + 4, y + 4, width - 8, height - 8, caption);
  pdf.textAt(png ? caption : `${caption} (none drawn)`, pdf.left, y + height + 3, { font: 'regular', size: 7.5 });
  pdf.y = y + height + 16;
}

/** A framed blank box with a caption above it, for what a person writes by hand. */
export function penBox(pdf: Pdf, caption: string, height: number): void {
  pdf.ensureSpace(height + 14);
  pdf.textAt(caption, pdf.left, pdf.y, { font: 'bold', size: 8.5 });
  const y = pdf.y + 12;
  pdf.kit.save().rect(pdf.left, y, pdf.width, height).lineWidth(0.5).strokeColor('#555555').stroke().restore();
  pdf.y = y + height + 8;
}

/** A list with bullets, kept to the text width. */
export function bullets(pdf: Pdf, items: readonly string[]): void {
  for (const item of items) pdf.paragraph(`•  ${item}`, { indent: 12, gap: 2 });
  pdf.space(4);
}
