import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../../helpers/paths.js';

/**
 * The test branch the issue asks for, made in memory: the real sources are compiled with a fake
 * action kind added to core/contract/actionKinds.ts and two result fields renamed in
 * core/contract/actionResults.ts. Every part of an action must then fail the type check where it
 * is defined, and the record and the projector where they read the renamed fields.
 */

const kinds = 'core/contract/actionKinds.ts';
const results = 'core/contract/actionResults.ts';

const edits: Record<string, (text: string) => string> = {
  [kinds]: (text) => text.replace("  'manual',\n", "  'manual',\n  'fake-kind',\n"),
  [results]: (text) => text.replace('    skewSeconds: z.number(),', '    skew: z.number(),').replace('    digestPgpWords: words,', '    digestWords: words,'),
};

function diagnostics(config: string, roots: string[]): { file: string; message: string }[] {
  const file = path.join(repoRoot, config);
  const { config: json } = ts.readConfigFile(file, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(json, ts.sys, repoRoot, undefined, file);
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const edited = new Map(Object.entries(edits).map(([f, edit]) => [path.join(repoRoot, f), edit]));
  host.readFile = (name) => {
    const text = readFile(name);
    const edit = edited.get(path.resolve(name));
    if (text === undefined || !edit) return text;
    const changed = edit(text);
    assert.notEqual(changed, text, `the test's edit of ${name} no longer applies`);
    return changed;
  };
  const program = ts.createProgram({
    rootNames: roots.map((r) => path.join(repoRoot, r)),
    options: { ...options, noEmit: true, composite: false, incremental: false },
    host,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file)
    .map((d) => ({ file: path.relative(repoRoot, d.file?.fileName ?? ''), message: ts.flattenDiagnosticMessageText(d.messageText, '\n') }));
}

function assertReported(found: { file: string; message: string }[], file: string, about: string): void {
  assert.ok(
    found.some((d) => d.file === file && d.message.includes(about)),
    `no type error about ${about} in ${file}; found: ${found.map((d) => `${d.file}: ${d.message.split('\n')[0]}`).join(' | ') || 'none'}`,
  );
}

const coreParts = {
  'core/ceremony/actions.ts': 'script inputs and title',
  'core/contract/stepInputs.ts': 'what the room supplies',
  'core/contract/actionResults.ts': 'result schema',
  'core/ceremony/engine/executors/index.ts': 'executor',
  'core/ceremony/engine/rehearsal/driver.ts': 'rehearsal answer',
  'core/documents/compose/recordSteps.ts': 'record lines',
};
const rendererParts = { 'renderer/src/runner/forms/index.tsx': 'form', 'renderer/src/runner/hashes.ts': 'projector hashes' };

test('a fake action kind fails the type check in every part of core until each has it; a renamed result field fails where the executor writes it and the record reads it', () => {
  const found = diagnostics('tsconfig.node.json', Object.keys(coreParts));
  for (const file of Object.keys(coreParts)) assertReported(found, file, 'fake-kind');
  assertReported(found, 'core/ceremony/engine/executors/record.ts', 'skewSeconds');
  assertReported(found, 'core/documents/compose/recordSteps.ts', 'skewSeconds');
  assertReported(found, 'core/ceremony/engine/executors/signing.ts', 'digestPgpWords');
});

test('in the renderer, the form map and the projector hashes lack the fake kind, and the projector reads the renamed field', () => {
  const found = diagnostics('tsconfig.renderer.json', Object.keys(rendererParts));
  for (const file of Object.keys(rendererParts)) assertReported(found, file, 'fake-kind');
  assertReported(found, 'renderer/src/runner/hashes.ts', 'digestPgpWords');
});
