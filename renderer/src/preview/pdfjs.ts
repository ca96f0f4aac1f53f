import type { PDFDocumentProxy } from 'pdfjs-dist';

/**
 * pdf.js, loaded on first use (it is large), with its "worker" run on the page's own thread: the
 * strict CSP and Electron's app:// scheme then need nothing beyond script-src 'self', and the few
 * pages of a ceremony document render in well under a second. pdf.js 6 no longer compiles fonts or
 * functions with eval, which the CSP forbids anyway.
 */
async function pdfjs() {
  const [lib, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs')]);
  (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;
  return lib;
}

export async function openPdf(bytes: Uint8Array): Promise<PDFDocumentProxy> {
  const { getDocument } = await pdfjs();
  return getDocument({ data: bytes, useSystemFonts: false, stopAtErrors: true }).promise;
}

/** Draws one page (1-based) on the canvas, at a scale that keeps 12 pt type readable on the room's screen. */
export async function drawPage(pdf: PDFDocumentProxy, number: number, canvas: HTMLCanvasElement, scale = 1.5): Promise<void> {
  const page = await pdf.getPage(number);
  const viewport = page.getViewport({ scale });
  canvas.width = Math.round(viewport.width);
  canvas.height = Math.round(viewport.height);
  await page.render({ canvas, viewport }).promise;
}
