import type { PDFDocumentProxy } from 'pdfjs-dist';
import { useEffect, useRef, useState } from 'react';
import { fromBase64 } from '../base64.js';
import { drawPage, openPdf } from './pdfjs.js';

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The printed document on screen, page by page, drawn by pdf.js from the very bytes that go to the
 * printer. One page at a time, with the keyboard's Previous and Next.
 */
export function PdfPreview({ pdfBase64, title }: { pdfBase64: string; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  const [drawn, setDrawn] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    let opened: PDFDocumentProxy | null = null;
    setPdf(null);
    setIndex(0);
    openPdf(fromBase64(pdfBase64)).then(
      (doc) => {
        opened = doc;
        if (live) setPdf(doc);
        else void doc.loadingTask.destroy();
      },
      (e: unknown) => live && setFailure(messageOf(e)),
    );
    return () => {
      live = false;
      void opened?.loadingTask.destroy();
    };
  }, [pdfBase64]);
  useEffect(() => {
    if (!pdf || !canvas.current) return;
    let live = true;
    setDrawn(null);
    drawPage(pdf, index + 1, canvas.current).then(
      () => live && setDrawn(index),
      (e: unknown) => live && setFailure(messageOf(e)),
    );
    return () => {
      live = false;
    };
  }, [pdf, index]);
  if (failure) return <p className="warning">This document cannot be shown here ({failure}); print it to read it.</p>;
  if (!pdf) return <p role="status">Drawing the pages…</p>;
  return (
    <div className="pdf-preview" data-testid="pdf-preview" data-drawn={drawn === index ? 'yes' : 'no'}>
      <div className="actions">
        <button type="button" className="secondary" disabled={index === 0} onClick={() => setIndex(index - 1)}>
          Previous page
        </button>
        <span role="status" data-testid="pdf-page">
          Page {index + 1} of {pdf.numPages}
        </span>
        <button type="button" className="secondary" disabled={index === pdf.numPages - 1} onClick={() => setIndex(index + 1)}>
          Next page
        </button>
      </div>
      <canvas ref={canvas} className="pdf-page" role="img" aria-label={`${title}, page ${index + 1} of ${pdf.numPages}`} />
    </div>
  );
}
