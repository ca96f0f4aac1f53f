import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { parse } from 'yaml';
import { inspectAddon, pkcs11AddonFile, sqliteAddonFile } from '../../../core/system/nativeAddons.js';
import { repoRoot } from '../../helpers/paths.js';

/** The packaging can't run here (it downloads Electron), so its configuration is checked instead. */
interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string; buildResources?: string };
  files?: string[];
  asar?: boolean;
  asarUnpack?: string[];
  npmRebuild?: boolean;
  nodeGypRebuild?: boolean;
  buildDependenciesFromSource?: boolean;
  extraResources?: { from: string; to: string }[];
  extraFiles?: string[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[]; maintainer?: string; executableName?: string; icon?: string };
  deb?: { fpm?: string[] };
}

const config = parse(readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { main: string; license: string };

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

test('packaging never rebuilds the native addons: the development tree keeps the binaries the tests ran with', () => {
  // electron-builder's defaults rebuild node_modules in place for Electron; every switch is off.
  assert.equal(config.npmRebuild, false);
  assert.equal(config.nodeGypRebuild, false);
  assert.equal(config.buildDependenciesFromSource, false);
});

test('every native binary of the production dependencies is a Node-API build: nothing needs a rebuild for Electron', () => {
  const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const production = Object.entries(lock.packages).filter(([name, entry]) => name.startsWith('node_modules/') && entry.dev !== true);
  const binaries = production.flatMap(([name]) => {
    const dir = path.join(repoRoot, name);
    if (!existsSync(dir)) return [];
    // A nested node_modules is a package of its own, with its own entry in the lock file.
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.node') && !file.split(path.sep).includes('node_modules'))
      .map((file) => path.join(dir, file));
  });
  for (const file of [sqliteAddonFile(), pkcs11AddonFile()]) assert.ok(binaries.includes(file), `${file} is not among the production binaries`);
  const abiBuilds = binaries
    .filter((file) => inspectAddon(file).kind !== 'node-api')
    .map((file) => `${path.relative(repoRoot, file)}: ${inspectAddon(file).kind}`);
  assert.deepEqual(abiBuilds, []);
});

/** Whether electron-builder's file list takes a path of the app; production dependencies come along unless a pattern drops them. */
function packaged(file: string): boolean {
  const patterns = config.files ?? [];
  if (patterns.some((p) => p.startsWith('!') && path.matchesGlob(file, p.slice(1)))) return false;
  return file.startsWith('node_modules/') || patterns.some((p) => !p.startsWith('!') && path.matchesGlob(file, p));
}

test('the packaged files hold the entry point, the preload, the renderer, the CLI and the resources, and no tests', () => {
  for (const file of [
    packageJson.main,
    'dist/electron/preload.cjs',
    'dist/renderer/index.html',
    'dist/core/service/worker.js',
    'dist/core/cli/main.js',
    'resources/pgp-wordlist.json',
    'package.json',
  ]) {
    assert.ok(packaged(file), `${file} is not packaged`);
  }
  for (const file of [
    'dist/test/unit/electron/policy.test.js',
    'dist/bench/run.js',
    'dist/browser-host/main.js',
    'dist/electron/main.js.map',
    'dist/.node.tsbuildinfo',
  ]) {
    assert.equal(packaged(file), false, `${file} is packaged`);
  }
});

test("the SQLite and PKCS#11 binaries the app loads are packaged and unpacked from the asar; sources and other systems' binaries are not", () => {
  const relative = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');
  for (const file of [sqliteAddonFile(), pkcs11AddonFile()].map(relative)) {
    assert.match(file, /^node_modules\//);
    assert.ok(packaged(file), `${file} is not packaged`);
    assert.ok(
      (config.asarUnpack ?? []).some((p) => path.matchesGlob(file, p)),
      `${file} stays inside the asar, where it cannot be loaded`,
    );
  }
  assert.notEqual(config.asar, false);
  for (const file of [
    'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
    'node_modules/better-sqlite3/prebuilds/win32-x64.node',
    'node_modules/better-sqlite3/prebuilds/darwin-arm64.node',
  ]) {
    assert.equal(packaged(file), false, `${file} is packaged`);
  }
});

test("the ksk-ceremony command is beside the app and on the deb's PATH; the window has its own executable name", () => {
  assert.deepEqual(config.extraResources, [{ from: 'build-resources/ksk-ceremony', to: 'bin/ksk-ceremony' }]);
  const wrapper = path.join(repoRoot, 'build-resources', 'ksk-ceremony');
  assert.ok(statSync(wrapper).mode & 0o111, 'the wrapper is executable');
  const script = readFileSync(wrapper, 'utf8');
  // It starts the window's executable as Node on the CLI inside the asar.
  assert.match(script, /^#!\/bin\/sh\n/);
  assert.ok(script.includes(`"$app_dir/${config.linux?.executableName}"`), "the wrapper runs the app's executable");
  assert.ok(script.includes('"$app_dir/resources/app.asar/dist/core/cli/main.js"'), 'the wrapper runs the packaged CLI');
  assert.match(script, /^ELECTRON_RUN_AS_NODE=1$/m);
  assert.notEqual(config.linux?.executableName, 'ksk-ceremony', "the deb links /usr/bin/<executableName> to the window: it must not take the command's name");

  // The deb: /usr/bin/ksk-ceremony, a link fpm copies as it is, to the command inside /opt/<product>.
  const [mapping, ...others] = config.deb?.fpm ?? [];
  assert.deepEqual(others, []);
  const [from, to] = (mapping ?? '').split('=');
  assert.equal(to, '/usr/bin/ksk-ceremony');
  const link = path.join(repoRoot, from ?? '');
  assert.ok(lstatSync(link).isSymbolicLink(), `${from} is a symbolic link`);
  assert.equal(readlinkSync(link), `/opt/${config.productName}/resources/bin/ksk-ceremony`);
});

test('the fuses leave Node mode on for the command and close the rest: NODE_OPTIONS, --inspect, an app outside the asar', () => {
  const fuses = config.electronFuses ?? {};
  assert.equal(fuses.runAsNode, true);
  assert.equal(fuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(fuses.enableNodeCliInspectArguments, false);
  assert.equal(fuses.onlyLoadAppFromAsar, true);
  assert.equal(fuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(fuses.grantFileProtocolExtraPrivileges, false);
});

test('the icon is a real 512 x 512 picture with transparent corners', () => {
  assert.equal(config.linux?.icon, 'build-resources/icon.png');
  const png = PNG.sync.read(readFileSync(path.join(repoRoot, config.linux?.icon ?? '')));
  assert.equal(png.width, 512);
  assert.equal(png.height, 512);
  const pixel = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4)];
  assert.equal(pixel(0, 0)[3], 0, 'the corner is transparent');
  assert.equal(pixel(256, 480)[3], 255, 'the ground is opaque');
  const colours = new Set<string>();
  for (let y = 0; y < png.height; y += 8) for (let x = 0; x < png.width; x += 8) colours.add(pixel(x, y).join(','));
  assert.ok(colours.size > 50, `a picture, not a flat square (${colours.size} colours)`);
});

test('the licence is shipped beside the app: the full text of the MPL-2.0 that package.json names', () => {
  assert.deepEqual(config.extraFiles, ['LICENSE']);
  assert.equal(packageJson.license, 'MPL-2.0');
  const licence = readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8');
  assert.match(licence, /^Mozilla Public License Version 2\.0\n/);
  for (const heading of [
    '1. Definitions',
    '10. Versions of the License',
    'Exhibit A - Source Code Form License Notice',
    'Exhibit B - "Incompatible With Secondary Licenses" Notice',
  ]) {
    assert.ok(licence.includes(heading), `the licence lacks "${heading}"`);
  }
});
