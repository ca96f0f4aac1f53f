import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Damage made below SQLite, in the database file's pages, the way a failing disk or an editor on
 * the raw file would: a byte of an index entry changed, or a column of a table row changed where
 * the index still says the old value. The file must be checkpointed (no -wal) before.
 */

type Rng = () => number;

interface Page {
  readonly offset: number;
  /** 0x02 interior index, 0x05 interior table, 0x0a leaf index, 0x0d leaf table. */
  readonly type: number;
  /** Where the b-tree page header starts (100 on page 1, after the file header). */
  readonly header: number;
}

function pages(file: Buffer): Page[] {
  const raw = file.readUInt16BE(16);
  const size = raw === 1 ? 65536 : raw;
  const list: Page[] = [];
  for (let offset = 0; offset + size <= file.length; offset += size) {
    const header = offset === 0 ? 100 : offset;
    list.push({ offset, type: file[header] as number, header });
  }
  return list;
}

/** The byte ranges of the cells of a b-tree page (payload bytes only, not overflow). */
function cellRanges(file: Buffer, page: Page): [number, number][] {
  const count = file.readUInt16BE(page.header + 3);
  const interior = page.type === 0x02 || page.type === 0x05;
  const pointers = page.header + (interior ? 12 : 8);
  const ranges: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const start = page.offset + file.readUInt16BE(pointers + 2 * i);
    let at = start + (interior ? 4 : 0);
    let size = 0;
    for (let n = 0; n < 9; n++) {
      const b = file[at++] as number;
      size = size * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    ranges.push([at, at + Math.min(size, 200)]);
  }
  return ranges;
}

/** Flips one byte inside an entry of an index page; returns false when the file has no index entry. */
export function flipIndexEntryByte(path: string, rng: Rng): boolean {
  const file = readFileSync(path);
  const cells = pages(file)
    .filter((p) => p.type === 0x0a || p.type === 0x02)
    .flatMap((p) => cellRanges(file, p))
    .filter(([a, b]) => b > a);
  if (cells.length === 0) return false;
  const [a, b] = cells[Math.floor(rng() * cells.length)] as [number, number];
  const at = a + Math.floor(rng() * (b - a));
  file[at] = (file[at] as number) ^ (1 + Math.floor(rng() * 255));
  writeFileSync(path, file);
  return true;
}

/**
 * Changes `from` to `to` (same length) in one table row, leaving every index as it was: the row
 * now says another ceremony id (or type) than the index entries that lead to it.
 */
export function editColumnBehindIndex(path: string, from: string, to: string, rng: Rng): boolean {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error('same length only');
  const file = readFileSync(path);
  const needle = Buffer.from(from);
  const hits: number[] = [];
  for (const page of pages(file).filter((p) => p.type === 0x0d)) {
    for (const [a, b] of cellRanges(file, page)) {
      const at = file.subarray(a, b).indexOf(needle);
      if (at >= 0) hits.push(a + at);
    }
  }
  if (hits.length === 0) return false;
  Buffer.from(to).copy(file, hits[Math.floor(rng() * hits.length)] as number);
  writeFileSync(path, file);
  return true;
}
