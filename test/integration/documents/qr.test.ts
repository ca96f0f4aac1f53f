import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import QRCode from 'qrcode';
import { Pdf } from '../../../core/documents/pdf.js';
import { drawQr, QR_QUIET_ZONE } from '../../../core/documents/qr.js';
import { pdfFile } from './pdfTools.js';

/** Page 1 of a PDF as a greyscale raster, `dpi` dots per inch. */
function raster(file: string, dpi: number): { width: number; pixel: (x: number, y: number) => number } {
  const base = path.join(path.dirname(file), 'page');
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', '-singlefile', file, base]);
  const pgm = readFileSync(`${base}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  assert.ok(header, 'not a PGM file');
  const width = Number(header[1]);
  const offset = header[0].length;
  return { width, pixel: (x, y) => pgm[offset + Math.round(y) * width + Math.round(x)] as number };
}

test('the QR code drawn in the PDF has exactly the modules of the qrcode matrix, with a white quiet zone', async (t) => {
  const text = '9a7c3e1f5d2b4c6a9a7c3e1f5d2b4c6a9a7c3e1f5d2b4c6a9a7c3e1f5d2b4c6a';
  const pdf = new Pdf({ title: 'QR', date: '2024-04-25T14:00:00Z', mode: 'PRODUCTION' });
  const at = { x: 100, y: 150, size: 246 };
  drawQr(pdf, text, at.x, at.y, at.size);
  const file = pdfFile(t, await pdf.finish());
  const dpi = 144;
  const image = raster(file, dpi);
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const unit = (at.size / (modules.size + 2 * QR_QUIET_ZONE)) * (dpi / 72);
  const centre = (module: number, origin: number) => origin * (dpi / 72) + (QR_QUIET_ZONE + module + 0.5) * unit;
  let dark = 0;
  for (let row = -QR_QUIET_ZONE; row < modules.size + QR_QUIET_ZONE; row++) {
    for (let column = -QR_QUIET_ZONE; column < modules.size + QR_QUIET_ZONE; column++) {
      const inside = row >= 0 && column >= 0 && row < modules.size && column < modules.size;
      const expected = inside && modules.get(row, column) === 1;
      const value = image.pixel(centre(column, at.x), centre(row, at.y));
      assert.equal(value < 128, expected, `module (${row}, ${column}) is ${value < 128 ? 'dark' : 'light'}`);
      if (expected) dark++;
    }
  }
  assert.ok(dark > 100);
});
