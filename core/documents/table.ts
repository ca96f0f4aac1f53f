import { KskError } from '../errors.js';
import type { FontName, Pdf } from './pdf.js';

export interface TableColumn {
  header: string;
  /** Share of the table's width, relative to the other columns. */
  weight: number;
  font?: FontName;
}

export interface TableRow {
  cells: string[];
  /** The row is at least this tall: room to write initials or a time by pen in a blank cell. */
  minHeight?: number;
  /** Full-width lines under the row (e.g. the hashes a step recorded), kept on its page where they fit. */
  details?: { text: string; font?: FontName }[];
}

const size = 8.5;
const pad = 4;

interface Item {
  height: number;
  draw(y: number): void;
}

export interface TableOptions {
  /** Repeated as "<caption> (continued)" at the top of every further page the table reaches. */
  caption?: string;
  /** The caption is also the table's heading, kept on a page with the header row and the first row. */
  heading?: boolean;
  /** A paragraph between the heading and the table. */
  intro?: string;
}

/**
 * A table that paginates: a row never splits across pages, and every page the table reaches starts
 * with its caption "(continued)" and the header row again.
 */
export function table(pdf: Pdf, columns: readonly TableColumn[], rows: readonly TableRow[], options: TableOptions = {}): void {
  const total = columns.reduce((sum, c) => sum + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * pdf.width);
  const xs = widths.map((_, i) => pdf.left + widths.slice(0, i).reduce((a, b) => a + b, 0));

  const cellsHeight = (cells: readonly string[], font: (i: number) => FontName) =>
    Math.max(...cells.map((text, i) => pdf.heightOf(text, (widths[i] as number) - 2 * pad, font(i), size))) + 2 * pad;

  const headerHeight = cellsHeight(
    columns.map((c) => c.header),
    () => 'bold',
  );
  const captionHeight = options.caption ? 16 : 0;

  const drawHeader = (continued: boolean) => {
    if (options.caption && continued) {
      pdf.textAt(`${options.caption} (continued)`, pdf.left, pdf.y, { font: 'bold', size: 9 });
      pdf.y += captionHeight;
    }
    const y = pdf.y;
    pdf.kit.save().rect(pdf.left, y, pdf.width, headerHeight).fill('#e6e6e6').restore();
    pdf.kit.fillColor('black');
    columns.forEach((c, i) => {
      cellBorder(pdf, xs[i] as number, y, widths[i] as number, headerHeight);
      pdf.textBox(c.header, (xs[i] as number) + pad, y + pad, (widths[i] as number) - 2 * pad, 'bold', size);
    });
    pdf.y = y + headerHeight;
  };

  const items = (row: TableRow): Item[] => {
    if (row.cells.length !== columns.length) {
      throw new KskError('INTERNAL', `A table row has ${row.cells.length} cells for ${columns.length} columns.`);
    }
    const font = (i: number) => columns[i]?.font ?? 'regular';
    const main: Item = {
      height: Math.max(cellsHeight(row.cells, font), row.minHeight ?? 0),
      draw(y) {
        row.cells.forEach((text, i) => {
          cellBorder(pdf, xs[i] as number, y, widths[i] as number, this.height);
          if (text) pdf.textBox(text, (xs[i] as number) + pad, y + pad, (widths[i] as number) - 2 * pad, font(i), size);
        });
      },
    };
    const details = (row.details ?? []).map((d): Item => ({
      height: pdf.heightOf(d.text, pdf.width - 2 * pad, d.font ?? 'regular', size) + 2 * pad,
      draw(y) {
        cellBorder(pdf, pdf.left, y, pdf.width, this.height);
        pdf.textBox(d.text, pdf.left + pad, y + pad, pdf.width - 2 * pad, d.font ?? 'regular', size);
      },
    }));
    return [main, ...details];
  };

  const room = pdf.pageRoom - captionHeight - headerHeight;
  const place = (item: Item) => {
    if (item.height > room) {
      throw new KskError('BAD_REQUEST', `A table row of ${options.caption ?? 'the document'} is too long to fit on one page; shorten its text.`);
    }
    if (pdf.ensureSpace(item.height)) drawHeader(true);
    const y = pdf.y;
    item.draw(y);
    pdf.y = y + item.height;
  };

  const groups = rows.map(items);
  const first = groups[0]?.reduce((sum, item) => sum + item.height, 0) ?? 0;
  const heading = options.heading && options.caption ? pdf.headingHeight(options.caption, 2) : 0;
  const intro = options.intro ? pdf.heightOf(options.intro, pdf.width, 'regular', 9) + 6 : 0;
  const broke = pdf.ensureSpace(heading + intro + headerHeight + Math.min(first, room));
  if (options.heading && options.caption) pdf.heading(options.caption, 2);
  if (options.intro) pdf.paragraph(options.intro, { size: 9 });
  drawHeader(broke && !options.heading);
  for (const group of groups) {
    const height = group.reduce((sum, item) => sum + item.height, 0);
    // Keep a row with its details on one page when they fit on one; otherwise split between them.
    if (height <= room && pdf.ensureSpace(height)) drawHeader(true);
    group.forEach(place);
  }
  pdf.y += 8;
}

function cellBorder(pdf: Pdf, x: number, y: number, width: number, height: number): void {
  pdf.kit.save().rect(x, y, width, height).lineWidth(0.5).strokeColor('#555555').stroke().restore();
}
