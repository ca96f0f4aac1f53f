import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { sqliteAddonFile, type AddonFailure, type Runtime } from '../../../core/system/nativeAddons.js';
import { buildAbiAddon } from '../../helpers/nativeAddons.js';
import { repoRoot } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * The binding selection in an Electron-like environment: a Node process whose process.versions say
 * Electron 45 (test/fixtures/native/electron-like.mjs), running the compiled core as the app's
 * backend and CLI run it.
 */
const electronLike = path.join(repoRoot, 'test', 'fixtures', 'native', 'electron-like.mjs');
const electronPackage = path.join(repoRoot, 'node_modules', 'electron');
const electron = {
  version: (JSON.parse(readFileSync(path.join(electronPackage, 'package.json'), 'utf8')) as { version: string }).version,
  abi: Number(readFileSync(path.join(electronPackage, 'abi_version'), 'utf8').trim()),
};
const module = (file: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist', file)).href);

interface Outcome {
  runtime: Runtime;
  binding?: string;
  rows?: number;
  failure?: AddonFailure;
}

/** Opens an evidence database in the Electron-like process, with the SQLite binary `select` names (or the runtime's own). */
function openInElectronLike(dir: string, select?: string): Outcome {
  const script = `
    import { currentRuntime, selectSqliteAddon, sqliteBinding } from ${module('core/system/nativeAddons.js')};
    import { openDatabase } from ${module('core/evidence/database.js')};
    const select = ${JSON.stringify(select ?? null)};
    if (select) selectSqliteAddon(select);
    const out = { runtime: currentRuntime };
    try {
      const db = openDatabase(${JSON.stringify(path.join(dir, 'log.sqlite'))});
      db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)');
      out.rows = db.prepare('SELECT count(*) AS n FROM t').get().n;
      db.close();
      out.binding = sqliteBinding();
    } catch (e) {
      out.failure = e.failure;
    }
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--import', pathToFileURL(electronLike).href, '--input-type=module', '-e', script], { encoding: 'utf8' }),
  ) as Outcome;
}

test("in Electron the evidence log opens with better-sqlite3's Node-API binary, the same file Node uses", (t) => {
  const outcome = openInElectronLike(tempDir(t));
  assert.deepEqual(outcome.runtime, { name: 'Electron', version: electron.version, abi: electron.abi, napi: Number(process.versions.napi) });
  assert.notEqual(electron.abi, Number(process.versions.modules), 'the environment must differ from Node in its ABI');
  assert.equal(outcome.failure, undefined);
  assert.equal(outcome.rows, 2);
  assert.equal(outcome.binding, sqliteAddonFile());
});

test("a build for Node's ABI never reaches Electron: refused with the ABI found and needed", (t) => {
  const nodeBuild = buildAbiAddon(tempDir(t), Number(process.versions.modules));
  const outcome = openInElectronLike(tempDir(t), nodeBuild);
  assert.equal(outcome.rows, undefined);
  assert.deepEqual(outcome.failure, {
    addon: 'SQLite (better-sqlite3)',
    file: nodeBuild,
    found: `a build for NODE_MODULE_VERSION ${process.versions.modules}`,
    needed: `a Node-API build (version ${process.versions.napi} or lower), or a build for NODE_MODULE_VERSION ${electron.abi} (Electron ${electron.version})`,
    reason: `Electron ${electron.version} cannot load it.`,
    fix: 'run `scripts/lts npm ci` in the source tree.',
  });
});
