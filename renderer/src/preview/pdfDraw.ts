import { Lexer, PdfName, type PdfValue } from './pdfObjects.js';
import type { PdfPage } from './pdfPages.js';

type Matrix = [number, number, number, number, number, number];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]];
}

function color(operands: number[]): string {
  const to255 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  if (operands.length === 1) return `rgb(${to255(operands[0]!)} ${to255(operands[0]!)} ${to255(operands[0]!)})`;
  if (operands.length === 4) {
    const [c, m, y, k] = operands as [number, number, number, number];
    return `rgb(${to255((1 - c) * (1 - k))} ${to255((1 - m) * (1 - k))} ${to255((1 - y) * (1 - k))})`;
  }
  return `rgb(${to255(operands[0] ?? 0)} ${to255(operands[1] ?? 0)} ${to255(operands[2] ?? 0)})`;
}

interface TextState {
  font: string;
  size: number;
  charSpacing: number;
  wordSpacing: number;
  leading: number;
  tm: Matrix;
  tlm: Matrix;
}

/**
 * Draws one page with the operators pdfkit writes: paths (m l c v y h re; S f B n and their
 * variants), colours (g rg k and the cs/scn family), line width and dashes, q/Q/cm, text (BT Tf Tm
 * Td TD T* TL Tc Tw TJ Tj ' ") and images (Do). The canvas is scaled so the page fills `width` pixels.
 */
export function drawPdfPage(ctx: CanvasRenderingContext2D, page: PdfPage, scale: number): void {
  ctx.save();
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, page.width * scale, page.height * scale);
  ctx.setTransform(scale, 0, 0, -scale, 0, page.height * scale);
  ctx.fillStyle = '#000000';
  ctx.strokeStyle = '#000000';
  const stack: { ctm: Matrix; text: TextState }[] = [];
  let ctm: Matrix = IDENTITY;
  let text: TextState = { font: '', size: 12, charSpacing: 0, wordSpacing: 0, leading: 0, tm: IDENTITY, tlm: IDENTITY };
  const base: Matrix = [scale, 0, 0, -scale, 0, page.height * scale];
  const apply = () => ctx.setTransform(...multiply(ctm, base));
  let operands: PdfValue[] = [];
  let path = new Path2D();
  const nums = () => operands.map((o) => (typeof o === 'number' ? o : 0));

  const show = (value: PdfValue) => {
    const font = page.fonts.get(text.font);
    if (!font || typeof value !== 'string') return;
    for (let i = 0; i + 1 < value.length; i += 2) {
      const cid = (value.charCodeAt(i) << 8) | value.charCodeAt(i + 1);
      const glyph = font.unicode.get(cid) ?? '';
      ctx.save();
      ctx.setTransform(...multiply(multiply(text.tm, ctm), base));
      ctx.scale(1, -1);
      ctx.font = font.css.replace('SIZE', String(text.size));
      if (glyph.trim()) ctx.fillText(glyph, 0, 0);
      ctx.restore();
      const advance = ((font.widths.get(cid) ?? font.defaultWidth) / 1000) * text.size + text.charSpacing + (glyph === ' ' ? text.wordSpacing : 0);
      text.tm = multiply([1, 0, 0, 1, advance, 0], text.tm);
    }
  };
  const nextLine = (tx: number, ty: number) => {
    text.tlm = multiply([1, 0, 0, 1, tx, ty], text.tlm);
    text.tm = text.tlm;
  };

  const lexer = new Lexer(page.content);
  for (let token = lexer.next(); token !== undefined; token = lexer.next()) {
    if (token === null || typeof token !== 'object' || !('op' in token)) {
      operands.push(token as PdfValue);
      continue;
    }
    const n = nums();
    switch (token.op) {
      case 'q':
        ctx.save();
        stack.push({ ctm, text: { ...text } });
        break;
      case 'Q': {
        ctx.restore();
        const saved = stack.pop();
        if (saved) ({ ctm, text } = saved);
        apply();
        break;
      }
      case 'cm':
        ctm = multiply(n as Matrix, ctm);
        apply();
        break;
      case 'w':
        ctx.lineWidth = n[0] ?? 1;
        break;
      case 'd':
        ctx.setLineDash(Array.isArray(operands[0]) ? (operands[0] as number[]) : []);
        break;
      case 'g':
      case 'rg':
      case 'k':
      case 'sc':
      case 'scn':
        ctx.fillStyle = color(n);
        break;
      case 'G':
      case 'RG':
      case 'K':
      case 'SC':
      case 'SCN':
        ctx.strokeStyle = color(n);
        break;
      case 'm':
        path.moveTo(n[0]!, n[1]!);
        break;
      case 'l':
        path.lineTo(n[0]!, n[1]!);
        break;
      case 'c':
        path.bezierCurveTo(n[0]!, n[1]!, n[2]!, n[3]!, n[4]!, n[5]!);
        break;
      case 'h':
        path.closePath();
        break;
      case 're':
        path.rect(n[0]!, n[1]!, n[2]!, n[3]!);
        break;
      case 'S':
      case 's':
      case 'f':
      case 'F':
      case 'f*':
      case 'B':
      case 'B*':
      case 'b':
      case 'b*': {
        if (token.op === 's' || token.op.startsWith('b')) path.closePath();
        if (token.op !== 'S' && token.op !== 's') ctx.fill(path, token.op.endsWith('*') ? 'evenodd' : 'nonzero');
        if (!token.op.startsWith('f') && token.op !== 'F') ctx.stroke(path);
        path = new Path2D();
        break;
      }
      case 'n':
        path = new Path2D();
        break;
      case 'W':
      case 'W*':
        ctx.clip(path);
        break;
      case 'BT':
        text.tm = IDENTITY;
        text.tlm = IDENTITY;
        break;
      case 'Tf':
        text.font = operands[0] instanceof PdfName ? operands[0].name : '';
        text.size = n[1] ?? 12;
        break;
      case 'Tc':
        text.charSpacing = n[0] ?? 0;
        break;
      case 'Tw':
        text.wordSpacing = n[0] ?? 0;
        break;
      case 'TL':
        text.leading = n[0] ?? 0;
        break;
      case 'Tm':
        text.tm = n as Matrix;
        text.tlm = n as Matrix;
        break;
      case 'Td':
        nextLine(n[0]!, n[1]!);
        break;
      case 'TD':
        text.leading = -(n[1] ?? 0);
        nextLine(n[0]!, n[1]!);
        break;
      case 'T*':
        nextLine(0, -text.leading);
        break;
      case 'Tj':
        show(operands[0] ?? null);
        break;
      case "'":
        nextLine(0, -text.leading);
        show(operands[0] ?? null);
        break;
      case 'TJ':
        for (const part of Array.isArray(operands[0]) ? operands[0] : []) {
          if (typeof part === 'number') text.tm = multiply([1, 0, 0, 1, (-part / 1000) * text.size, 0], text.tm);
          else show(part);
        }
        break;
      case 'Do': {
        const image = operands[0] instanceof PdfName ? page.images.get(operands[0].name) : undefined;
        if (image) {
          const bitmap = document.createElement('canvas');
          bitmap.width = image.width;
          bitmap.height = image.height;
          bitmap.getContext('2d')?.putImageData(new ImageData(image.pixels, image.width, image.height), 0, 0);
          ctx.save();
          ctx.transform(1, 0, 0, -1, 0, 1);
          ctx.drawImage(bitmap, 0, 0, 1, 1);
          ctx.restore();
        }
        break;
      }
      default:
        break;
    }
    operands = [];
  }
  ctx.restore();
}
