// @ts-check
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run lint`'s link check: every relative link in the project's Markdown (the top-level
 * *.md and docs/**) names a file or folder that exists and, with a #fragment into a Markdown
 * file, a heading it has (GitHub's anchors). Links to the web are not followed: the app and its
 * checks are offline. Usage: node scripts/check-links.js [ROOT]; exit 1 with one line per broken link.
 */

/** @param {string} dir @returns {string[]} */
function markdownUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(dir, f));
}

/** The text outside fenced code blocks and inline code, line by line (code may show link syntax). @param {string} text */
function proseLines(text) {
  let fenced = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`]*`/g, '');
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. @param {string} heading */
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** @type {Map<string, Set<string>>} */
const anchorCache = new Map();

/** Every anchor a Markdown file's headings give, with GitHub's -1, -2 for repeats. @param {string} file */
function anchorsOf(file) {
  const cached = anchorCache.get(file);
  if (cached) return cached;
  /** @type {Map<string, number>} */
  const seen = new Map();
  const anchors = new Set();
  for (const line of proseLines(readFileSync(file, 'utf8'))) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug((heading[1] ?? '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

/** Why a link does not resolve, or null when it does. @param {string} from @param {string} target */
function problemOf(from, target) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null;
  const [rawPath = '', fragment] = target.split('#', 2);
  const file = rawPath === '' ? from : path.resolve(path.dirname(from), decodeURIComponent(rawPath.split('?')[0] ?? ''));
  if (!existsSync(file)) return 'no such file';
  if (fragment && file.endsWith('.md') && statSync(file).isFile() && !anchorsOf(file).has(fragment.toLowerCase())) return `no heading #${fragment}`;
  return null;
}

/**
 * The broken relative links of the Markdown under root, as "file:line: target: problem".
 * @param {string} root
 * @returns {string[]}
 */
export function brokenLinks(root) {
  const top = readdirSync(root)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(root, f));
  const broken = [];
  for (const file of [...top, ...markdownUnder(path.join(root, 'docs'))]) {
    proseLines(readFileSync(file, 'utf8')).forEach((line, i) => {
      const targets = [...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...line.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map(
        (m) => m[1] ?? '',
      );
      for (const target of targets) {
        const problem = problemOf(file, target);
        if (problem) broken.push(`${path.relative(root, file)}:${i + 1}: ${target}: ${problem}`);
      }
    });
  }
  return broken;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const broken = brokenLinks(root);
  for (const line of broken) process.stderr.write(`${line}\n`);
  if (broken.length > 0) {
    process.stderr.write(`${broken.length} broken link${broken.length === 1 ? '' : 's'} in the Markdown of ${root}.\n`);
    process.exitCode = 1;
  }
}
