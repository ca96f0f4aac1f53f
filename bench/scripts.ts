import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { canonicalScript, scriptHash } from '../core/ceremony/hash.js';
import { loadScript } from '../core/ceremony/load.js';
import { loadTemplate, templateIds } from '../core/ceremony/templates.js';
import { resourcePath } from '../core/resources.js';
import { figure, printFigures } from './lib/figures.js';

/**
 * What it costs to load a ceremony script completely (parse, resolve the shared parts, validate every
 * rule, hash), against the baseline of merely parsing the same YAML text, measured in the same run.
 * The engine reloads and re-validates the script from the log each time a ceremony resumes.
 */
const budgetMs = Number(process.env.BENCH_MS ?? 3000);

function rate(work: () => void): { perSecond: number; runs: number } {
  for (let i = 0; i < 5; i++) work();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    work();
    runs++;
  }
  return { perSecond: (runs * 1000) / (performance.now() - start), runs };
}

const ids = templateIds();
const texts = ids.map((id) => readFileSync(resourcePath('scripts', `${id}.yaml`), 'utf8'));
const resolved = ids.map((id) => JSON.stringify(loadTemplate(id)));
const scripts = ids.map((id) => loadTemplate(id));

const baseline = rate(() => texts.forEach((t) => parse(t)));
const templates = rate(() => texts.forEach((t, i) => loadScript(t, ids[i])));
const fromLog = rate(() => resolved.forEach((t, i) => loadScript(t, ids[i])));
const hashing = rate(() => scripts.forEach((s) => scriptHash(s)));

const per = (r: { perSecond: number }) => 1000 / (r.perSecond * ids.length);
const bytes = scripts.reduce((n, s) => n + canonicalScript(s).length, 0) / scripts.length;
const yamlOnly = { what: 'YAML parse only of the template text', ms: per(baseline) };
printFigures(`scripts bench: ${ids.length} templates, ${Math.round(bytes)} bytes of canonical JSON on average, time per script`, [
  figure({ what: 'load a template: resolve parts, validate', ms: per(templates), baseline: yamlOnly }),
  figure({ what: 'reload a resolved script as stored in the log', ms: per(fromLog), baseline: yamlOnly }),
  figure({ what: 'hash a script: canonical JSON + SHA-256', ms: per(hashing), baseline: yamlOnly }),
]);
