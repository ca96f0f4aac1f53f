import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/tmp.js';

/** What `npm run lint` checks beyond ESLint: dead exports (knip), the formatting (Prettier), the Markdown links. */

const checkLinks = (root: string) =>
  spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'check-links.js'), root], { encoding: 'utf8', timeout: 30_000 });

test('npm run lint runs ESLint, knip, the Prettier check and the link check; npm test runs lint', () => {
  const scripts = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const lint = scripts.lint ?? '';
  for (const step of ['eslint --max-warnings 0 .', 'knip', 'npm run format:check', 'node scripts/check-links.js'])
    assert.ok(lint.includes(step), `lint does not run ${step}: ${lint}`);
  assert.equal(scripts['format:check'], 'prettier --check .');
  assert.match(scripts.test ?? '', /&& npm run lint &&/);
});

test("the project's own Markdown has no broken relative link", () => {
  const run = checkLinks(repoRoot);
  assert.equal(run.status, 0, run.stderr);
});

test('the link check names each relative link that names no file or no heading, and only those', (t) => {
  const root = tempDir(t, 'ksk-links-');
  mkdirSync(path.join(root, 'docs'));
  writeFileSync(
    path.join(root, 'README.md'),
    [
      '# The app',
      'Read [the engine](docs/engine.md), [its log](docs/engine.md#the-evidence-log), [the top](#the-app) and [the web](https://example.org/x).',
      'A [missing page](docs/missing.md) and a [missing heading](docs/engine.md#no-such-heading).',
      '```',
      '[inside code](docs/also-missing.md)',
      '```',
      'And `[inline code](nowhere.md)`.',
      '[ref]: docs/gone.md',
    ].join('\n'),
  );
  writeFileSync(
    path.join(root, 'docs', 'engine.md'),
    '# Engine\n\n## The evidence log\n\nBack to [the README](../README.md) and [a folder](../docs).\n\n## KSR/SKR: signing!\n\nSee [above](#ksrskr-signing).\n',
  );
  const run = checkLinks(root);
  assert.equal(run.status, 1);
  const lines = run.stderr.trim().split('\n');
  assert.deepEqual(lines.slice(0, -1).sort(), [
    'README.md:3: docs/engine.md#no-such-heading: no heading #no-such-heading',
    'README.md:3: docs/missing.md: no such file',
    'README.md:8: docs/gone.md: no such file',
  ]);
  assert.match(lines.at(-1) ?? '', /^3 broken links/);
});

test('the README is what a newcomer reads in five minutes: under 10 KB, with the two commands as they are run', () => {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  assert.ok(Buffer.byteLength(readme) < 10 * 1024, `README.md is ${Buffer.byteLength(readme)} bytes`);
  assert.ok(readme.includes('scripts/lts npm ci && scripts/lts npm start'));
  assert.ok(readme.includes('scripts/lts npm ci && scripts/lts npm test'));
  for (const section of ['## What works', '## What does not work yet', '## Read on']) assert.ok(readme.includes(`\n${section}\n`), `no "${section}"`);
});
