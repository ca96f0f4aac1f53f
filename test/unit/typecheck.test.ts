import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../helpers/paths.js';

/**
 * `npm test` starts with `npm run build`, whose `tsc -b` builds tsconfig.json's references: a type
 * error anywhere must be in one of them, so every config is referenced and every TypeScript file
 * of the project is in a config.
 */
const configs = readdirSync(repoRoot).filter((f) => /^tsconfig\.[a-z0-9]+\.json$/.test(f) && f !== 'tsconfig.base.json');

function parsed(config: string): ts.ParsedCommandLine {
  const file = path.join(repoRoot, config);
  const { config: json, error } = ts.readConfigFile(file, ts.sys.readFile);
  assert.equal(error, undefined, `${config} does not parse`);
  return ts.parseJsonConfigFileContent(json, ts.sys, repoRoot, undefined, file);
}

test('npm test builds first, and the build type-checks every tsconfig through tsconfig.json', () => {
  const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.test ?? '', /^npm run build && /);
  assert.match(scripts.build ?? '', /^tsc -b && /);
  const referenced = (parsed('tsconfig.json').projectReferences ?? []).map((r) => path.relative(repoRoot, r.path)).sort();
  assert.deepEqual(referenced, [...configs].sort());
  assert.deepEqual([...configs].sort(), ['tsconfig.e2e.json', 'tsconfig.electron.json', 'tsconfig.node.json', 'tsconfig.renderer.json']);
});

test('every TypeScript file of the project is in a config the build checks', () => {
  const checked = new Set(configs.flatMap((config) => parsed(config).fileNames.map((f) => path.resolve(f))));
  const skipped = new Set(['node_modules', 'dist', 'release', 'test-results', 'playwright-report', '.tmp', '.git']);
  const sources = readdirSync(repoRoot, { recursive: true, encoding: 'utf8' }).filter(
    (f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts') && !skipped.has(f.split(path.sep)[0] ?? ''),
  );
  assert.ok(sources.length > 100, `only ${sources.length} sources found`);
  assert.deepEqual(
    sources.filter((f) => !checked.has(path.join(repoRoot, f))),
    [],
  );
});

test('each config type-checks what it holds: a type error in a file of it is reported', () => {
  for (const config of configs) {
    const { options, fileNames } = parsed(config);
    const victim = fileNames.find((f) => !f.endsWith('.d.ts'));
    assert.ok(victim, `${config} holds no file`);
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) =>
      path.resolve(file) === path.resolve(victim) ? `${readFile(file) ?? ''}\nexport const mistyped: number = 'a string';\n` : readFile(file);
    const program = ts.createProgram({ rootNames: [victim], options: { ...options, noEmit: true, composite: false, incremental: false }, host });
    const codes = ts.getPreEmitDiagnostics(program).map((d) => d.code);
    assert.ok(codes.includes(2322), `${config} did not report the type error in ${path.relative(repoRoot, victim)}: ${codes.join(', ')}`);
  }
});
