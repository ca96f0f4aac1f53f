import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from '../../helpers/paths.js';

/** The packaging can't run here (it downloads Electron), so its configuration is checked instead. */
interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string };
  files?: string[];
  asar?: boolean;
  asarUnpack?: string[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[]; maintainer?: string };
}

const config = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string };

test('electron-builder accepts the configuration under its own schema', async () => {
  // app-builder-lib is electron-builder's engine; validateConfiguration is what `electron-builder` runs first.
  const { validateConfiguration } = createRequire(import.meta.url)('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration(config: unknown, logger: { isEnabled: boolean; add(): void }): Promise<void>;
  };
  const logger = { isEnabled: false, add() {} };
  await validateConfiguration(config, logger);
  await assert.rejects(validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, logger), /electronFuses/);
});

test('it builds a Linux AppImage and deb for KSK Ceremony', () => {
  assert.equal(config.productName, 'KSK Ceremony');
  assert.match(config.appId ?? '', /^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
  assert.ok(config.linux?.maintainer, 'the deb needs a maintainer');
  assert.notEqual(config.directories?.output, 'dist', 'dist/ is the build output; packages must go elsewhere');
});

test('native addons are unpacked from the asar archive', () => {
  assert.notEqual(config.asar, false);
  assert.deepEqual(config.asarUnpack, ['**/*.node']);
});

test('the fuses close Node-as-a-backdoor and load the app only from its asar', () => {
  const fuses = config.electronFuses ?? {};
  assert.equal(fuses.runAsNode, false);
  assert.equal(fuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(fuses.enableNodeCliInspectArguments, false);
  assert.equal(fuses.onlyLoadAppFromAsar, true);
  assert.equal(fuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(fuses.grantFileProtocolExtraPrivileges, false);
});

// The three shapes of pattern the file list uses: a folder and all below it, any file with an extension, a plain path.
function matches(file: string, pattern: string): boolean {
  if (pattern.startsWith('**/*.')) return file.endsWith(pattern.slice('**/*'.length));
  if (pattern.endsWith('/**')) return file.startsWith(pattern.slice(0, -'**'.length));
  return file === pattern;
}

test('the packaged files hold the entry point, the preload, the renderer and the resources, and no tests', () => {
  const files = config.files ?? [];
  for (const pattern of files) assert.match(pattern, /^!?(\*\*\/\*\.[a-z.]+|[\w./-]+\/\*\*|[\w./-]+)$/, `pattern ${pattern} needs a test matcher`);
  const packaged = (file: string) =>
    files.some((p) => !p.startsWith('!') && matches(file, p)) && !files.some((p) => p.startsWith('!') && matches(file, p.slice(1)));
  for (const file of [packageJson.main, 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'dist/core/service/worker.js', 'resources/pgp-wordlist.json', 'package.json']) {
    assert.ok(packaged(file), `${file} is not packaged`);
  }
  for (const file of ['dist/test/unit/electron/policy.test.js', 'dist/bench/run.js', 'dist/browser-host/main.js', 'dist/electron/main.js.map', 'dist/.node.tsbuildinfo']) {
    assert.equal(packaged(file), false, `${file} is packaged`);
  }
});
