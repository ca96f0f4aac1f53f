/**
 * Just enough of PDF's object syntax to read the app's own documents (pdfkit's output: plain
 * objects, FlateDecode streams, a classic xref), for the preview. The page may not frame or embed a
 * PDF (the CSP forbids frames and objects), so the screen draws it itself from the same bytes that
 * are printed. Anything this reader does not understand ends the preview with an error, never with a
 * wrong picture.
 */

export type PdfValue = number | string | boolean | null | PdfName | PdfRef | PdfValue[] | PdfDict;
export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfRef {
  constructor(readonly num: number) {}
}
export type PdfDict = Map<string, PdfValue>;

export interface PdfObject {
  value: PdfValue;
  /** The raw stream bytes, still encoded, for a stream object. */
  stream: Uint8Array | null;
}

const DELIMITERS = '()<>[]{}/%';
const isSpace = (c: string) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\f' || c === '\0';

/** A tokenizer over a latin1 string (one char per byte), shared by objects and content streams. */
export class Lexer {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) return;
      if (isSpace(c)) this.pos++;
      else if (c === '%') while (this.pos < this.text.length && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') this.pos++;
      else return;
    }
  }

  /** The next token: a value, or an operator / keyword as {op}. */
  next(): PdfValue | { op: string } | undefined {
    this.skipSpace();
    const t = this.text;
    const c = t[this.pos];
    if (c === undefined) return undefined;
    if (c === '/') {
      const start = ++this.pos;
      while (this.pos < t.length && !isSpace(t[this.pos]!) && !DELIMITERS.includes(t[this.pos]!)) this.pos++;
      return new PdfName(t.slice(start, this.pos).replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
    }
    if (c === '[') {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (t[this.pos] === ']') {
          this.pos++;
          return items;
        }
        items.push(this.value());
      }
    }
    if (c === '<' && t[this.pos + 1] === '<') {
      this.pos += 2;
      const dict: PdfDict = new Map();
      for (;;) {
        this.skipSpace();
        if (t[this.pos] === '>' && t[this.pos + 1] === '>') {
          this.pos += 2;
          return dict;
        }
        const key = this.next();
        if (!(key instanceof PdfName)) throw new Error(`a dictionary key is not a name at byte ${this.pos}`);
        dict.set(key.name, this.value());
      }
    }
    if (c === '<') {
      const end = t.indexOf('>', this.pos);
      const hex = t.slice(this.pos + 1, end).replace(/\s/g, '');
      this.pos = end + 1;
      let out = '';
      for (let i = 0; i < hex.length; i += 2) out += String.fromCharCode(parseInt(hex.slice(i, i + 2).padEnd(2, '0'), 16));
      return out;
    }
    if (c === '(') return this.literal();
    const start = this.pos;
    while (this.pos < t.length && !isSpace(t[this.pos]!) && !DELIMITERS.includes(t[this.pos]!)) this.pos++;
    if (this.pos === start) throw new Error(`unexpected "${c}" at byte ${start}`);
    const word = t.slice(start, this.pos);
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) return Number(word);
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    return { op: word };
  }

  private literal(): string {
    const t = this.text;
    let depth = 0;
    let out = '';
    for (this.pos++; this.pos < t.length; this.pos++) {
      const c = t[this.pos]!;
      if (c === '\\') {
        const n = t[++this.pos]!;
        const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
        if (/[0-7]/.test(n)) {
          const oct = /^[0-7]{1,3}/.exec(t.slice(this.pos, this.pos + 3))![0];
          out += String.fromCharCode(parseInt(oct, 8));
          this.pos += oct.length - 1;
        } else if (n !== '\n' && n !== '\r') out += escapes[n] ?? n;
      } else if (c === '(') {
        depth++;
        out += c;
      } else if (c === ')') {
        if (depth-- === 0) {
          this.pos++;
          return out;
        }
        out += c;
      } else out += c;
    }
    throw new Error('a string runs to the end of the file');
  }

  /** A whole value, with "N G R" read as a reference. */
  value(): PdfValue {
    const token = this.next();
    if (token === undefined) throw new Error('the file ends inside a value');
    if (typeof token === 'object' && token !== null && 'op' in token) throw new Error(`"${token.op}" where a value was expected`);
    if (typeof token === 'number') {
      const ref = /^\s+\d+\s+R(?=[\s()<>[\]{}/%]|$)/.exec(this.text.slice(this.pos, this.pos + 24));
      if (ref) {
        this.pos += ref[0].length;
        return new PdfRef(token);
      }
    }
    return token;
  }
}

export function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** Every indirect object of the file, by number (later definitions win, as in an incremental update). */
export function readObjects(bytes: Uint8Array): { objects: Map<number, PdfObject>; trailer: PdfDict } {
  const text = latin1(bytes);
  const objects = new Map<number, PdfObject>();
  const header = /(\d+)\s+\d+\s+obj\b/g;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const lexer = new Lexer(text);
    lexer.pos = m.index + m[0].length;
    const value = lexer.value();
    lexer.skipSpace();
    let stream: Uint8Array | null = null;
    if (text.startsWith('stream', lexer.pos) && value instanceof Map) {
      let start = lexer.pos + 'stream'.length;
      if (text[start] === '\r') start++;
      if (text[start] === '\n') start++;
      const length = value.get('Length');
      if (typeof length !== 'number') throw new Error(`object ${m[1]}: a stream without a direct Length`);
      stream = bytes.subarray(start, start + length);
      header.lastIndex = start + length;
    }
    objects.set(Number(m[1]), { value, stream });
  }
  const at = text.lastIndexOf('trailer');
  if (at < 0) throw new Error('no trailer');
  const lexer = new Lexer(text);
  lexer.pos = at + 'trailer'.length;
  const trailer = lexer.value();
  if (!(trailer instanceof Map)) throw new Error('the trailer is not a dictionary');
  return { objects, trailer };
}

export async function inflate(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
