// pdf.js ships its worker as a module without types; the preview only hands it to pdf.js.
declare module 'pdfjs-dist/build/pdf.worker.min.mjs';
