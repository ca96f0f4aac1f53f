import QRCode from 'qrcode';
import type { Pdf } from './pdf.js';

/** A horizontal run of dark modules in one row of the symbol, in module units. */
export interface QrRun {
  row: number;
  column: number;
  length: number;
}

/** The quiet zone the QR specification asks for around the symbol, in modules. */
export const QR_QUIET_ZONE = 4;

/**
 * The dark modules of the QR code of `text` (error correction M), merged into horizontal runs so
 * the PDF draws a few hundred rectangles rather than a thousand squares.
 */
export function qrRuns(text: string): { size: number; runs: QrRun[] } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const runs: QrRun[] = [];
  for (let row = 0; row < modules.size; row++) {
    let start = -1;
    for (let column = 0; column <= modules.size; column++) {
      const dark = column < modules.size && modules.get(row, column) === 1;
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        runs.push({ row, column: start, length: column - start });
        start = -1;
      }
    }
  }
  return { size: modules.size, runs };
}

/** Draws the QR code of `text` as vector rectangles in a square of `size` points, quiet zone included. */
export function drawQr(pdf: Pdf, text: string, x: number, y: number, size: number): void {
  const { size: modules, runs } = qrRuns(text);
  const unit = size / (modules + 2 * QR_QUIET_ZONE);
  const kit = pdf.kit.save();
  for (const run of runs) {
    kit.rect(x + (QR_QUIET_ZONE + run.column) * unit, y + (QR_QUIET_ZONE + run.row) * unit, run.length * unit, unit);
  }
  kit.fill('black').restore();
}
