import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedData } from '../../helpers/paths.js';

/**
 * The DR procedure (the seed) parsed from its own text, independently of core/ceremony/procedures.ts,
 * so that tests can hold the app's catalogue and templates against what the document says.
 */
export const seedPath = path.join(sharedData, '..', 'seeds', '000_5d93a5bafc959567.txt');

export interface SeedHeading {
  id: string;
  title: string;
}

export interface SeedSection {
  headings: SeedHeading[];
  /** Procedure id ("4.2.1A") → its numbered steps, whitespace joined. */
  steps: Map<string, string[]>;
}

const footer = /Business Continuity Procedure \d+ \w+ \d{4} \| \d+$/;

export function parseSeed(text = readFileSync(seedPath, 'utf8')): SeedSection {
  const headings: SeedHeading[] = [];
  const steps = new Map<string, string[]>();
  let section: string | null = null;
  let procedure: string | null = null;
  let current: { append(line: string): void } | null = null;
  let started = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (footer.test(line)) continue;
    if (line.startsWith('4 Disaster Recovery Procedures')) {
      started = true;
      continue;
    }
    if (!started) continue;
    if (line.startsWith('Appendix A')) break;
    let m: RegExpExecArray | null;
    if ((m = /^(4\.\d(?:\.\d)?)\s+(.*)$/.exec(line))) {
      const heading = { id: m[1] as string, title: m[2] as string };
      headings.push(heading);
      section = heading.id.length > 3 ? heading.id : null;
      procedure = section;
      // A wrapped heading continues on a line that starts in lower case.
      current = { append: (l) => (/^[a-z]/.test(l) ? (heading.title += ` ${l}`) : (current = null)) };
    } else if ((m = /^([ABC])\.\s+(.*)$/.exec(line)) && section) {
      procedure = `${section}${m[1]}`;
      headings.push({ id: procedure, title: (m[2] as string).replace(/:$/, '') });
      current = null;
    } else if ((m = /^(\d+)\.\s+(.*)$/.exec(line)) && procedure) {
      const list = steps.get(procedure) ?? [];
      steps.set(procedure, list);
      if (Number(m[1]) !== list.length + 1) throw new Error(`seed step ${procedure}.${m[1]} out of sequence`);
      const index = list.push(m[2] as string) - 1;
      current = { append: (l) => (list[index] += ` ${l}`) };
    } else if (line && current) current.append(line);
  }
  return { headings, steps };
}
