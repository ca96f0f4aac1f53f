import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isKskError } from '../../../core/errors.js';
import { bundleName, exportBundle, type ExportBundleOptions } from '../../../core/export/bundle/export.js';
import { verifyBundle } from '../../../core/export/bundle/verify.js';
import { findRemovableMedia } from '../../../core/export/media.js';
import { verifyEvidence } from '../../../core/evidence/verify.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { buildWorld, SIGNING_ID, type HandBuiltWorld } from '../bundle/handBuilt.js';
import { tree } from './fixture.js';
import { isMounted, isRoot, lazyUnmount, loopExt4, remountReadOnly, replug, tmpfs } from './mounts.js';

/**
 * The export of a real ceremony's bundle to real filesystems: a loop-mounted ext4 stick (found
 * under /media), a tmpfs too small for it, a read-only mount, and a stick pulled out mid-write.
 * Each outcome is a clear message and nothing that looks complete, with the ceremony's own data
 * untouched.
 */

const needsRoot = isRoot ? {} : { skip: 'mounting filesystems needs root' };
const NAME = bundleName(SIGNING_ID, 'REHEARSAL');

let root: string;
let world: HandBuiltWorld;
before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ksk-bundle-mounts-'));
  world = await buildWorld(path.join(root, 'workspace'));
});
after(() => {
  world.store.close();
  rmSync(root, { recursive: true, force: true });
});

/**
 * The hashes of the workspace's evidence files (the database and its write-ahead log; not the
 * -shm index, which every reader updates): the export must leave them exactly as they were.
 */
function workspaceState(): string[] {
  return readdirSync(world.workspace.root)
    .filter((f) => f === 'ceremony.sqlite' || f === 'ceremony.sqlite-wal')
    .sort()
    .map((f) => `${f} ${sha256Hex(readFileSync(path.join(world.workspace.root, f)))}`);
}

async function exportFailing(options: Omit<ExportBundleOptions, 'workspace' | 'ceremonyId'>): Promise<{ code: string; message: string }> {
  const before = workspaceState();
  let error: unknown;
  try {
    await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, ...options });
  } catch (e) {
    error = e;
  }
  assert.ok(isKskError(error), `the export did not fail with a KskError: ${String(error)}`);
  assert.deepEqual(workspaceState(), before, "the ceremony's own data changed");
  assert.deepEqual(readdirSync(world.workspace.tmp), [], 'the snapshot was left in the workspace');
  assert.equal(verifyEvidence(world.workspace.database).ok, true);
  return error;
}

test('to an ext4 stick found under /media: written, verified on the stick after replugging, identical to an export elsewhere', needsRoot, async (t) => {
  const { dir, image } = loopExt4(t, 64, { at: `/media/ksk-test-${randomBytes(4).toString('hex')}` });
  const medium = (await findRemovableMedia()).find((m) => m.mountPoint === dir);
  assert.ok(medium && !medium.readOnly && medium.fsType === 'ext4', `${dir} is not offered as a medium`);
  const before = workspaceState();
  const labels: string[] = [];
  const written = await exportBundle({
    workspace: world.workspace,
    ceremonyId: SIGNING_ID,
    to: medium.mountPoint,
    onProgress: (p) => void labels.push(p.label),
  });
  assert.equal(written.path, path.join(dir, NAME));
  assert.deepEqual(readdirSync(dir).sort(), [NAME, 'lost+found']);
  assert.deepEqual(workspaceState(), before);
  assert.equal(labels[0], 'Taking a snapshot of the log');
  assert.equal(labels.at(-1), 'Reading the bundle back');

  // The auditor's machine: the stick plugged in again, write-protected, read from the device.
  replug(dir, image, { readOnly: true });
  const verdict = await verifyBundle(written.path);
  assert.equal(verdict.ok, true, verdict.message);
  assert.deepEqual(verdict.logHead, written.logHead);

  const elsewhere = await exportBundle({ workspace: world.workspace, ceremonyId: SIGNING_ID, to: mkdtempSync(path.join(root, 'elsewhere-')) });
  assert.deepEqual(tree(written.path), tree(elsewhere.path), 'a second export differs');
});

test('to a tmpfs too small for the bundle: "full", nothing on it, the ceremony untouched', needsRoot, async (t) => {
  const dir = tmpfs(t, '256k');
  const e = await exportFailing({ to: dir });
  assert.equal(e.code, 'STORAGE_ERROR');
  assert.match(e.message, new RegExp(`^The medium at ${dir} is full: \\d+\\.\\d kB needed, \\d+\\.\\d kB free\\. Nothing was exported\\.$`));
  assert.deepEqual(readdirSync(dir), []);
});

test('to a read-only mount: "read-only", nothing written, the ceremony untouched', needsRoot, async (t) => {
  const { dir } = loopExt4(t, 16);
  remountReadOnly(dir);
  const e = await exportFailing({ to: dir });
  assert.equal(e.code, 'STORAGE_ERROR');
  assert.equal(e.message, `The medium at ${dir} is read-only (write-protected, or mounted read-only). Nothing was written.`);
  assert.deepEqual(readdirSync(dir), ['lost+found']);
});

test('a stick pulled out mid-write: "stopped responding", nothing that looks complete, the ceremony untouched', needsRoot, async (t) => {
  const { dir, image } = loopExt4(t, 32);
  let pulled = false;
  const e = await exportFailing({
    to: dir,
    onProgress: (p) => {
      if (!pulled && p.label.startsWith('Writing documents/')) {
        pulled = true;
        lazyUnmount(dir);
      }
    },
  });
  assert.ok(pulled);
  assert.equal(e.code, 'STORAGE_ERROR');
  assert.match(
    e.message,
    new RegExp(
      `^The medium at ${dir} stopped responding while the bundle was written \\(was it removed\\?\\)\\. The export did not complete, and nothing at ${dir}/${NAME} looks complete\\.`,
    ),
  );
  assert.equal(isMounted(dir), false);
  assert.deepEqual(readdirSync(dir), [], 'the export wrote to the disk beneath the mount point');
  replug(dir, image);
  const left = readdirSync(dir).filter((n) => n !== 'lost+found');
  assert.ok(
    left.every((n) => n.startsWith(`.${NAME}.partial-`)),
    `found ${left.join(', ')}`,
  );
  assert.ok(!existsSync(path.join(dir, NAME)));
  await assert.rejects(verifyBundle(path.join(dir, left[0] ?? 'none')), { code: 'NOT_FOUND' });
});
