import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from '../../helpers/tmp.js';

/** A PDF written to a temporary file, for the poppler tools. */
export function pdfFile(t: Pick<TestContext, 'after'>, bytes: Buffer, name = 'doc.pdf'): string {
  const file = path.join(tempDir(t, 'ksk-pdf-'), name);
  writeFileSync(file, bytes);
  return file;
}

/** The text of each page as `pdftotext -layout` reads it. */
export function pdfPages(t: Pick<TestContext, 'after'>, bytes: Buffer): string[] {
  const text = execFileSync('pdftotext', ['-layout', pdfFile(t, bytes), '-'], { encoding: 'utf8' });
  return text.split('\f').slice(0, -1);
}

export function pdfInfo(t: Pick<TestContext, 'after'>, bytes: Buffer): Record<string, string> {
  const out = execFileSync('pdfinfo', ['-isodates', pdfFile(t, bytes)], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
  );
}

/** The fonts of a PDF as pdffonts lists them: name, type, embedded. */
export function pdfFonts(t: Pick<TestContext, 'after'>, bytes: Buffer): { name: string; type: string; embedded: boolean }[] {
  const lines = execFileSync('pdffonts', [pdfFile(t, bytes)], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter(Boolean);
  return lines.map((line) => {
    const m = /^(\S+)\s+(.+?)\s{2,}\S+\s+(yes|no)\s+(yes|no)\s+(yes|no)/.exec(line);
    if (!m) throw new Error(`Unexpected pdffonts line: ${line}`);
    return { name: m[1] as string, type: m[2] as string, embedded: m[3] === 'yes' };
  });
}

/** Images of a PDF as pdfimages lists them: width and height in pixels. */
export function pdfImages(t: Pick<TestContext, 'after'>, bytes: Buffer): { width: number; height: number }[] {
  const lines = execFileSync('pdfimages', ['-list', pdfFile(t, bytes)], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter(Boolean);
  return lines.map((line) => {
    const cols = line.trim().split(/\s+/);
    return { width: Number(cols[3]), height: Number(cols[4]) };
  });
}

/** Text with all whitespace removed, to find a hash printed in groups across lines. */
export function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}
