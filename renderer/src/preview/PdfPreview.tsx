import { useEffect, useRef, useState } from 'react';
import { drawPdfPage } from './pdfDraw.js';
import { readPdfPages, type PdfPage } from './pdfPages.js';

const FONTS = ["12px 'KSK Sans'", "bold 12px 'KSK Sans'", "12px 'KSK Sans Mono'"];

function bytesOf(base64: string): Uint8Array {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * The printed document on screen, page by page, drawn from the very bytes that go to the printer
 * (the app's fonts, its lines and bands, its QR code and signatures). One page at a time, with the
 * keyboard's Previous and Next.
 */
export function PdfPreview({ pdfBase64, title }: { pdfBase64: string; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pages, setPages] = useState<PdfPage[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  useEffect(() => {
    let live = true;
    void Promise.all([readPdfPages(bytesOf(pdfBase64)), ...FONTS.map((f) => document.fonts.load(f))]).then(
      ([read]) => live && setPages(read),
      (e: unknown) => live && setFailure(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [pdfBase64]);
  const page = pages?.[index];
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!page || !ctx || !canvas.current) return;
    const scale = 1.5;
    canvas.current.width = Math.round(page.width * scale);
    canvas.current.height = Math.round(page.height * scale);
    drawPdfPage(ctx, page, scale);
  }, [page]);
  if (failure) return <p className="warning">This document cannot be shown here ({failure}); print it to read it.</p>;
  if (!pages || !page) return <p role="status">Drawing the pages…</p>;
  return (
    <div className="pdf-preview" data-testid="pdf-preview">
      <div className="actions">
        <button type="button" className="secondary" disabled={index === 0} onClick={() => setIndex(index - 1)}>
          Previous page
        </button>
        <span role="status" data-testid="pdf-page">
          Page {index + 1} of {pages.length}
        </span>
        <button type="button" className="secondary" disabled={index === pages.length - 1} onClick={() => setIndex(index + 1)}>
          Next page
        </button>
      </div>
      <canvas ref={canvas} className="pdf-page" role="img" aria-label={`${title}, page ${index + 1} of ${pages.length}`} />
    </div>
  );
}
