import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { KskError, messageOf } from '../errors.js';
import type { ErrorCode } from '../contract/envelope.js';

/**
 * The one place that knows which JavaScript runtime this thread runs on and which native binaries
 * it may load. The rule: every runtime loads a binary built for it. Both addons the app uses
 * (better-sqlite3 13, pkcs11js) are Node-API modules, whose binary interface is the same in Node 24
 * and in Electron 45, so one binary per platform serves the CLI, the tests and the app, and nothing
 * is ever rebuilt for Electron (nor in place by the packaging). An addon built against one
 * runtime's C++ ABI instead (a NODE_MODULE_VERSION) loads only in that runtime: it is refused
 * before loading, with what was found and what is needed.
 */

const require = createRequire(import.meta.url);

export interface Runtime {
  readonly name: 'Electron' | 'Node.js';
  readonly version: string;
  /** NODE_MODULE_VERSION: an addon built against the C++ ABI loads only where this is the same. */
  readonly abi: number;
  /** The highest Node-API version the runtime implements. */
  readonly napi: number;
}

/** The runtime described by process.versions (Electron adds `electron`, also when run as Node). */
export function runtimeOf(versions: NodeJS.ProcessVersions & { electron?: string }): Runtime {
  return {
    name: versions.electron ? 'Electron' : 'Node.js',
    version: versions.electron ?? versions.node,
    abi: Number(versions.modules),
    napi: Number(versions.napi),
  };
}

export const currentRuntime: Runtime = runtimeOf(process.versions);

/** How a binary registers itself with the runtime, read from its symbols without loading it. */
export type AddonBuild = { kind: 'node-api' } | { kind: 'abi'; abi: number } | { kind: 'not-an-addon' } | { kind: 'missing' };

export function inspectAddon(file: string): AddonBuild {
  let text: string;
  try {
    text = readFileSync(file).toString('latin1');
  } catch {
    return { kind: 'missing' };
  }
  // NAPI_MODULE_INIT exports napi_register_module_v1; the older NAPI_MODULE macro calls napi_module_register.
  if (text.includes('napi_register_module_v1') || text.includes('napi_module_register')) return { kind: 'node-api' };
  const abi = /node_register_module_v(\d+)/.exec(text);
  return abi ? { kind: 'abi', abi: Number(abi[1]) } : { kind: 'not-an-addon' };
}

export function describeBuild(build: AddonBuild): string {
  switch (build.kind) {
    case 'node-api':
      return 'a Node-API build';
    case 'abi':
      return `a build for NODE_MODULE_VERSION ${build.abi}`;
    case 'not-an-addon':
      return 'not a native addon';
    case 'missing':
      return 'no file';
  }
}

export function neededBy(runtime: Runtime): string {
  return `a Node-API build (version ${runtime.napi} or lower), or a build for NODE_MODULE_VERSION ${runtime.abi} (${runtime.name} ${runtime.version})`;
}

/** Whether the runtime can load the build: Node-API anywhere (the loader checks its version), an ABI build only in its own runtime. */
export function loadsIn(build: AddonBuild, runtime: Runtime): boolean {
  return build.kind === 'node-api' || (build.kind === 'abi' && build.abi === runtime.abi);
}

/** What failed when a native addon could not be loaded, for the start-up screen and the command line. */
export interface AddonFailure {
  readonly addon: string;
  readonly file: string;
  readonly found: string;
  readonly needed: string;
  readonly reason: string;
  readonly fix: string;
}

export class NativeAddonError extends KskError {
  constructor(
    code: ErrorCode,
    readonly failure: AddonFailure,
  ) {
    super(
      code,
      `${failure.addon} cannot be loaded: ${failure.reason} ${failure.file} is ${failure.found}; needed is ${failure.needed}. To fix it, ${failure.fix}`,
    );
  }
}

/**
 * The command that repairs a missing or wrong binary: in the packaged app only a reinstall (its
 * files are read-only and unpacked from the asar by the packaging), in a source tree a fresh
 * `npm ci` on the project's Node, which brings the Node-API binaries back and drops any build for
 * another runtime.
 */
export function fixFor(file: string): string {
  return file.split(path.sep).some((part) => part === 'app.asar' || part === 'app.asar.unpacked')
    ? 'reinstall KSK Ceremony (its package is incomplete or damaged).'
    : 'run `scripts/lts npm ci` in the source tree.';
}

/** Inspects, then loads, a native addon; a binary the runtime cannot load throws with what was found and needed. */
export function loadAddon(addon: string, file: string, code: ErrorCode, runtime: Runtime = currentRuntime): unknown {
  const build = inspectAddon(file);
  const failure = (reason: string): NativeAddonError =>
    new NativeAddonError(code, { addon, file, found: describeBuild(build), needed: neededBy(runtime), reason, fix: fixFor(file) });
  if (build.kind === 'missing') throw failure('its binary is missing.');
  if (!loadsIn(build, runtime)) throw failure(`${runtime.name} ${runtime.version} cannot load it.`);
  try {
    return require(file);
  } catch (e) {
    throw failure(`the loader refused it (${messageOf(e).split('\n').join(' ')}).`);
  }
}

const sqlitePackageDir = path.dirname(require.resolve('better-sqlite3/package.json'));

/**
 * better-sqlite3's binary, in the package's own order: one compiled in the package (only where it
 * ships no prebuild for the platform, or after `npm rebuild --build-from-source`), else the
 * Node-API prebuild for this platform that the package ships.
 */
export function sqliteAddonFile(packageDir = sqlitePackageDir, platform: string = process.platform, arch: string = process.arch): string {
  const built = path.join(packageDir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(built)) return built;
  return path.join(packageDir, 'prebuilds', `${platform === 'linux' && isMusl() ? 'linuxmusl' : platform}-${arch}.node`);
}

function isMusl(): boolean {
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return !report.header?.glibcVersionRuntime;
}

export function pkcs11AddonFile(): string {
  return path.join(path.dirname(require.resolve('pkcs11js/package.json')), 'build', 'Release', 'pkcs11.node');
}

let sqliteFile: string | null = null;
let sqliteLoaded: NativeAddonError | true | null = null;

/**
 * Which SQLite binary this thread loads instead of the one sqliteAddonFile() picks: only before
 * the first database is opened (a backend told so at its start; tests that need a wrong binary).
 */
export function selectSqliteAddon(file: string): void {
  if (sqliteLoaded !== null && path.resolve(file) !== sqliteFile)
    throw new KskError('INTERNAL', `The SQLite module ${sqliteFile} is already loaded in this thread.`);
  sqliteFile = path.resolve(file);
}

/**
 * The SQLite binary every database of this thread is opened with (better-sqlite3's nativeBinding),
 * loaded and checked once: better-sqlite3 then requires the very module already loaded.
 */
export function sqliteBinding(): string {
  sqliteFile ??= sqliteAddonFile();
  if (sqliteLoaded === null) {
    try {
      loadAddon('SQLite (better-sqlite3)', sqliteFile, 'STORAGE_ERROR');
      sqliteLoaded = true;
    } catch (e) {
      if (!(e instanceof NativeAddonError)) throw e;
      sqliteLoaded = e;
    }
  }
  if (sqliteLoaded !== true) throw sqliteLoaded;
  return sqliteFile;
}
