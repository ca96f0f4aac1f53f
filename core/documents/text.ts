import { KskError } from '../errors.js';

/**
 * Checks and shapes the values the documents print. A renderer refuses a malformed hash or time
 * rather than printing something a reader would trust.
 */

/** A hash as given by the caller: hex with optional spaces or colons; returned lowercase and compact. */
export function requireHex(value: string, field: string): string {
  const compact = value.replace(/[\s:]+/g, '').toLowerCase();
  if (compact.length === 0 || compact.length % 2 !== 0 || !/^[0-9a-f]+$/.test(compact)) {
    throw new KskError('BAD_REQUEST', `${field} is not a hex value: "${value}".`);
  }
  return compact;
}

/** An ISO 8601 time with an explicit UTC offset ("Z" or "+00:00"), as the log stores them. */
export function requireUtc(value: string, field: string): Date {
  const date = new Date(value);
  if (!/(Z|[+-]00:?00)$/.test(value) || Number.isNaN(date.getTime())) {
    throw new KskError('BAD_REQUEST', `${field} is not a UTC time in ISO 8601 form: "${value}".`);
  }
  return date;
}

/** "2024-04-25 14:03:22 UTC": a time as people read it on paper (seconds; the log keeps milliseconds). */
export function utcDisplay(value: string, field: string): string {
  return `${requireUtc(value, field).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "2024-04-25", the date alone. */
export function utcDay(value: string, field: string): string {
  return requireUtc(value, field).toISOString().slice(0, 10);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Text cut into groups of `groupSize` characters, `groupsPerLine` groups a line (whitespace ignored). */
export function groupedLines(text: string, groupSize: number, groupsPerLine: number): string[] {
  const compact = text.replace(/\s+/g, '');
  const groups = compact.match(new RegExp(`.{1,${groupSize}}`, 'gsu')) ?? [];
  return chunk(groups, groupsPerLine).map((line) => line.join(' '));
}

/** PGP words, `perLine` a line, each line led by the 1-based number of its first word so a reader keeps their place. */
export function numberedWordLines(words: readonly string[], perLine: number): string[] {
  const width = String(words.length).length;
  return chunk(words, perLine).map((line, i) => `${String(i * perLine + 1).padStart(width)}  ${line.join(' ')}`);
}

/** Tabs and stray control characters would print as missing glyphs. */
export function printable(text: string): string {
  const normalized = text.replace(/\t/g, '    ').replace(/\r\n?/g, '\n');
  return Array.from(normalized)
    .filter((c) => c === '\n' || (c >= ' ' && c !== '\u007f'))
    .join('');
}
