import { inflate, latin1, PdfName, PdfRef, readObjects, type PdfDict, type PdfObject, type PdfValue } from './pdfObjects.js';

/** A font of a page: how to draw its glyphs (the app's fonts are DejaVu Sans, Sans Bold, Sans Mono). */
export interface PageFont {
  css: string;
  /** Glyph widths in thousandths of the size, by CID, and the default. */
  widths: Map<number, number>;
  defaultWidth: number;
  /** Text of each CID (from the ToUnicode map). */
  unicode: Map<number, string>;
}

export interface PageImage {
  width: number;
  height: number;
  /** RGBA pixels. */
  pixels: Uint8ClampedArray<ArrayBuffer>;
}

export interface PdfPage {
  width: number;
  height: number;
  content: string;
  fonts: Map<string, PageFont>;
  images: Map<string, PageImage>;
}

class Reader {
  constructor(private readonly objects: Map<number, PdfObject>) {}

  resolve(value: PdfValue | undefined): PdfValue | undefined {
    return value instanceof PdfRef ? this.objects.get(value.num)?.value : value;
  }

  dict(value: PdfValue | undefined): PdfDict {
    const resolved = this.resolve(value);
    if (!(resolved instanceof Map)) throw new Error('a dictionary was expected');
    return resolved;
  }

  /** A stream's bytes, decoded (FlateDecode, or none). */
  async stream(value: PdfValue | undefined): Promise<{ dict: PdfDict; data: Uint8Array }> {
    if (!(value instanceof PdfRef)) throw new Error('a stream must be an indirect object');
    const object = this.objects.get(value.num);
    if (!object?.stream || !(object.value instanceof Map)) throw new Error(`object ${value.num} is not a stream`);
    const filter = this.resolve(object.value.get('Filter'));
    const filters = (Array.isArray(filter) ? filter : filter ? [filter] : []).map((f) => (f instanceof PdfName ? f.name : ''));
    let data: Uint8Array = object.stream;
    for (const f of filters) {
      if (f !== 'FlateDecode') throw new Error(`the filter ${f} is not supported`);
      data = await inflate(new Uint8Array(data));
    }
    return { dict: object.value, data };
  }
}

function numbers(value: PdfValue | undefined): number[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === 'number' ? v : 0)) : [];
}

/** bfchar and bfrange entries of a ToUnicode CMap. */
function parseToUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  // Hex may be spaced: "<0066 0066 0069>" is one entry (a ligature), not three.
  const utf16 = (hex: string) => String.fromCharCode(...(hex.replace(/\s/g, '').match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, cid, text] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F\s]+)>/g)) map.set(parseInt(cid!, 16), utf16(text!));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, rest] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<[0-9a-fA-F]+>|\[[^\]]*\])/g)) {
      const from = parseInt(lo!, 16);
      const to = parseInt(hi!, 16);
      if (rest!.startsWith('[')) {
        [...rest!.matchAll(/<([0-9a-fA-F\s]+)>/g)].forEach((m, i) => map.set(from + i, utf16(m[1]!)));
      } else {
        const base = utf16(rest!.slice(1, -1));
        for (let cid = from; cid <= to; cid++) map.set(cid, base.slice(0, -1) + String.fromCharCode(base.charCodeAt(base.length - 1) + cid - from));
      }
    }
  }
  return map;
}

async function readFont(reader: Reader, ref: PdfValue | undefined): Promise<PageFont> {
  const font = reader.dict(ref);
  const base = (reader.resolve(font.get('BaseFont')) as PdfName | undefined)?.name ?? '';
  const descendant = reader.dict((reader.resolve(font.get('DescendantFonts')) as PdfValue[] | undefined)?.[0]);
  const widths = new Map<number, number>();
  const w = reader.resolve(descendant.get('W'));
  if (Array.isArray(w)) {
    for (let i = 0; i < w.length; ) {
      const first = w[i] as number;
      const next = w[i + 1];
      if (Array.isArray(next)) {
        numbers(next).forEach((width, k) => widths.set(first + k, width));
        i += 2;
      } else {
        for (let cid = first; cid <= (next as number); cid++) widths.set(cid, w[i + 2] as number);
        i += 3;
      }
    }
  }
  const toUnicode = font.get('ToUnicode');
  const unicode = toUnicode ? parseToUnicode(latin1((await reader.stream(toUnicode)).data)) : new Map<number, string>();
  const family = /Mono/.test(base) ? "'KSK Sans Mono', 'DejaVu Sans Mono', monospace" : "'KSK Sans', 'DejaVu Sans', sans-serif";
  const weight = /Bold/.test(base) ? 'bold ' : '';
  const dw = reader.resolve(descendant.get('DW'));
  return { css: `${weight}SIZEpx ${family}`, widths, defaultWidth: typeof dw === 'number' ? dw : 1000, unicode };
}

/** Undoes PNG row predictors (DecodeParms Predictor 10..15), as pdfkit stores PNG images. */
function unpredict(data: Uint8Array, columns: number, colors: number): Uint8Array {
  const stride = columns * colors;
  const rows = Math.floor(data.length / (stride + 1));
  const out = new Uint8Array(rows * stride);
  for (let y = 0; y < rows; y++) {
    const type = data[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const raw = data[y * (stride + 1) + 1 + x]!;
      const a = x >= colors ? out[y * stride + x - colors]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= colors && y > 0 ? out[(y - 1) * stride + x - colors]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][type] ?? 0;
      out[y * stride + x] = (raw + predicted) & 0xff;
    }
  }
  return out;
}

async function readImage(reader: Reader, ref: PdfValue | undefined): Promise<PageImage | null> {
  const { dict, data } = await reader.stream(ref);
  if ((reader.resolve(dict.get('Subtype')) as PdfName | undefined)?.name !== 'Image') return null;
  const width = reader.resolve(dict.get('Width')) as number;
  const height = reader.resolve(dict.get('Height')) as number;
  const space = reader.resolve(dict.get('ColorSpace'));
  const colors = space instanceof PdfName && space.name === 'DeviceGray' ? 1 : 3;
  if (reader.resolve(dict.get('BitsPerComponent')) !== 8) return null;
  const parms = reader.resolve(dict.get('DecodeParms'));
  const predictor = parms instanceof Map ? reader.resolve(parms.get('Predictor')) : undefined;
  const samples = typeof predictor === 'number' && predictor >= 10 ? unpredict(data, width, colors) : data;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = colors === 1 ? [samples[i]!, samples[i]!, samples[i]!] : [samples[i * 3]!, samples[i * 3 + 1]!, samples[i * 3 + 2]!];
    pixels.set([r, g, b, 255], i * 4);
  }
  return { width, height, pixels };
}

function pageRefs(reader: Reader, node: PdfValue | undefined): PdfValue[] {
  const dict = reader.dict(node);
  const kids = reader.resolve(dict.get('Kids'));
  if (!Array.isArray(kids)) return [node ?? null];
  return kids.flatMap((kid) => pageRefs(reader, kid));
}

/** The pages of a PDF the app rendered, ready to draw (pdfDraw.ts). */
export async function readPdfPages(bytes: Uint8Array): Promise<PdfPage[]> {
  const { objects, trailer } = readObjects(bytes);
  const reader = new Reader(objects);
  const catalog = reader.dict(trailer.get('Root'));
  const pages: PdfPage[] = [];
  for (const ref of pageRefs(reader, catalog.get('Pages'))) {
    const page = reader.dict(ref);
    const box = numbers(reader.resolve(page.get('MediaBox')));
    const resources = reader.dict(page.get('Resources'));
    const contents = reader.resolve(page.get('Contents')) instanceof Array ? (reader.resolve(page.get('Contents')) as PdfValue[]) : [page.get('Contents') ?? null];
    const parts = await Promise.all(contents.map(async (c) => latin1((await reader.stream(c)).data)));
    const fonts = new Map<string, PageFont>();
    const fontDict = resources.get('Font');
    if (fontDict) for (const [name, f] of reader.dict(fontDict)) fonts.set(name, await readFont(reader, f));
    const images = new Map<string, PageImage>();
    const xobjects = resources.get('XObject');
    if (xobjects) {
      for (const [name, x] of reader.dict(xobjects)) {
        const image = await readImage(reader, x);
        if (image) images.set(name, image);
      }
    }
    pages.push({ width: (box[2] ?? 612) - (box[0] ?? 0), height: (box[3] ?? 792) - (box[1] ?? 0), content: parts.join('\n'), fonts, images });
  }
  return pages;
}
