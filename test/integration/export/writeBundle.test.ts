import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { isKskError } from '../../../core/errors.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { MANIFEST_FILE, SUMS_FILE, verifyBundleFiles } from '../../../core/export/manifest.js';
import { writeBundle } from '../../../core/export/writeBundle.js';
import { tempDir } from '../../helpers/tmp.js';
import { fileHash, pseudoRandom, sampleBundle, tree } from './fixture.js';
import { isMounted, isRoot, lazyUnmount, loopExt4, remountReadOnly, tmpfs } from './mounts.js';

const needsRoot = isRoot ? {} : { skip: 'mounting filesystems needs root' };
const NAME = 'KSK-R55-bundle';

/** Fills a filesystem to the last byte. */
function fill(dir: string): void {
  spawnSync('dd', ['if=/dev/zero', `of=${path.join(dir, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
}

/**
 * Exports the sample bundle to `dir`, running `during` once `afterFiles` files are written, and
 * returns the KskError it fails with; the ceremony's own data must come out of it untouched.
 */
async function exportFailing(t: TestContext, dir: string, afterFiles: number, during: () => void): Promise<{ code: string; message: string }> {
  const { files, manifest, source } = await sampleBundle(t);
  const before = fileHash(source);
  const e = await failure(writeBundle({ targetDir: dir, name: NAME, files, manifest, onProgress: (p) => void (p.done === afterFiles && during()) }));
  assert.equal(e.code, 'STORAGE_ERROR');
  assert.equal(fileHash(source), before, 'the source changed');
  return e;
}

/** The KskError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isKskError(e), `not a KskError: ${String(e)}`);
    return e;
  }
  assert.fail('the export succeeded');
}

test('a bundle written to a loop-mounted ext4 stick verifies, passes sha256sum -c, and a second export is identical', needsRoot, async (t) => {
  const { dir } = loopExt4(t);
  const { files, manifest } = await sampleBundle(t);
  const phases: string[] = [];
  const written = await writeBundle({ targetDir: dir, name: NAME, files, manifest, onProgress: (p) => void phases.push(`${p.phase}:${p.path}`) });
  assert.equal(written.path, path.join(dir, NAME));
  assert.equal(written.files, 5);
  assert.deepEqual(readdirSync(dir).sort(), [NAME, 'lost+found']);
  assert.deepEqual(phases.at(-1), `verify:${MANIFEST_FILE}`);
  assert.equal(written.manifestSha256, fileHash(path.join(written.path, MANIFEST_FILE)));

  const check = await verifyBundleFiles(written.path);
  assert.deepEqual(check.problems, []);
  assert.equal(check.manifestSha256, written.manifestSha256);
  const sums = spawnSync('sha256sum', ['--check', '--strict', SUMS_FILE], { cwd: written.path, encoding: 'utf8' });
  assert.equal(sums.status, 0, sums.stdout + sums.stderr);
  assert.equal(sums.stdout.trim().split('\n').length, 6);

  const second = path.join(dir, 'second');
  mkdirSync(second);
  const again = await writeBundle({ targetDir: second, name: NAME, files, manifest: (await sampleBundle(t)).manifest });
  assert.deepEqual(tree(again.path), tree(written.path));
  assert.equal(again.manifestSha256, written.manifestSha256);
});

test('verification names every changed, missing and extra file, and sha256sum -c fails too', async (t) => {
  const { files, manifest } = await sampleBundle(t, 0.05);
  const written = await writeBundle({ targetDir: tempDir(t), name: NAME, files, manifest });
  const record = path.join(written.path, 'documents/record.pdf');
  const bytes = readFileSync(record);
  bytes[1234] = (bytes[1234] as number) ^ 0x01;
  writeFileSync(record, bytes);
  rmSync(path.join(written.path, 'README.txt'));
  writeFileSync(path.join(written.path, 'documents/extra.txt'), 'x');
  symlinkSync('/etc/passwd', path.join(written.path, 'link'));
  const check = await verifyBundleFiles(written.path);
  assert.equal(check.ok, false);
  assert.deepEqual(
    check.problems.map((p) => [p.path, p.problem]),
    [
      ['README.txt', 'missing'],
      ['documents/extra.txt', 'extra'],
      ['documents/record.pdf', 'changed'],
      ['link', 'not-a-file'],
    ],
  );
  assert.match(check.problems[2]!.detail, /^SHA-256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}$/);
  assert.notEqual(spawnSync('sha256sum', ['--check', '--quiet', SUMS_FILE], { cwd: written.path }).status, 0);

  appendFileSync(path.join(written.path, MANIFEST_FILE), ' ');
  const edited = await verifyBundleFiles(written.path);
  assert.notEqual(edited.manifestSha256, written.manifestSha256, 'an edited manifest keeps its hash');
  assert.ok(edited.problems.some((p) => p.path === MANIFEST_FILE && p.problem === 'changed'));
  writeFileSync(
    path.join(written.path, MANIFEST_FILE),
    '{"format":"ksk-ceremony-bundle/1","meta":{},"files":[{"path":"../../etc/passwd","size":1,"sha256":"' + '0'.repeat(64) + '"}]}',
  );
  await assert.rejects(verifyBundleFiles(written.path), { code: 'TAMPERED' });
  rmSync(path.join(written.path, MANIFEST_FILE));
  await assert.rejects(verifyBundleFiles(written.path), { code: 'NOT_FOUND', message: /has no manifest\.json: it is not a bundle, or not a complete one/ });
});

test('verification fails on any changed byte: every byte of a small bundle, flipped in turn', async (t) => {
  const files = [
    { path: 'a.txt', bytes: Buffer.from('alpha\n') },
    { path: 'b/c.bin', bytes: pseudoRandom('c', 24) },
  ];
  const { buildManifest } = await import('../../../core/export/manifest.js');
  const written = await writeBundle({ targetDir: tempDir(t), name: NAME, files, manifest: await buildManifest(files) });
  for (const relative of ['a.txt', 'b/c.bin', MANIFEST_FILE, SUMS_FILE]) {
    const file = path.join(written.path, relative);
    const original = readFileSync(file);
    for (let i = 0; i < original.length; i++) {
      const changed = Buffer.from(original);
      changed[i] = (changed[i] as number) ^ 0x20;
      writeFileSync(file, changed);
      const failed = await verifyBundleFiles(written.path).then(
        (c) => !c.ok || c.manifestSha256 !== written.manifestSha256,
        () => true,
      );
      assert.ok(failed, `flipping byte ${i} of ${relative} went unnoticed`);
    }
    writeFileSync(file, original);
  }
  assert.equal((await verifyBundleFiles(written.path)).ok, true);
});

test('a tmpfs too small for the bundle: a clear message, nothing written, the sources untouched', needsRoot, async (t) => {
  const dir = tmpfs(t, '1m');
  const e = await exportFailing(t, dir, -1, () => undefined);
  assert.match(e.message, new RegExp(`^The medium at ${dir} is full: 2\\.[0-9] MB needed, 1\\.0 MB free\\. Nothing was exported\\.$`));
  assert.deepEqual(readdirSync(dir), []);
});

test('a medium that fills up during the write: the full message, the partial folder removed', needsRoot, async (t) => {
  const dir = tmpfs(t, '3m');
  // Someone else's copy fills the stick after the first file.
  const e = await exportFailing(t, dir, 1, () => fill(dir));
  assert.match(e.message, /is full: 2\.\d MB needed, \d+(\.\d)? (bytes|kB) free/);
  assert.deepEqual(readdirSync(dir), ['filler']);
});

test('a read-only mount: "read-only", and nothing written', needsRoot, async (t) => {
  const { dir } = loopExt4(t, 16);
  remountReadOnly(dir);
  const { files, manifest } = await sampleBundle(t, 0.1);
  const e = await failure(writeBundle({ targetDir: dir, name: NAME, files, manifest }));
  assert.equal(e.code, 'STORAGE_ERROR');
  assert.equal(e.message, `The medium at ${dir} is read-only (write-protected, or mounted read-only). Nothing was written.`);
  assert.deepEqual(readdirSync(dir), ['lost+found']);
});

test('a stick removed mid-write (lazy unmount): "stopped responding", nothing that looks complete anywhere', needsRoot, async (t) => {
  const { dir, image } = loopExt4(t, 32);
  const e = await exportFailing(t, dir, 2, () => lazyUnmount(dir));
  assert.match(
    e.message,
    new RegExp(`^The medium at ${dir} stopped responding while the bundle was written \\(was it removed\\?\\)\\. The export did not complete`),
  );
  assert.match(e.message, new RegExp(`An incomplete folder \\.${NAME}\\.partial-[0-9a-f]{12} may remain on the medium`));
  assert.equal(isMounted(dir), false);
  assert.deepEqual(readdirSync(dir), [], 'the export wrote to the disk beneath the mount point');
  // Plugged in again, the stick holds no bundle: at most the hidden partial folder.
  execFileSync('mount', ['-o', 'loop', image, dir]);
  const entries = readdirSync(dir).filter((n) => n !== 'lost+found');
  assert.ok(
    entries.every((n) => n.startsWith(`.${NAME}.partial-`)),
    `found ${entries.join(', ')}`,
  );
  await assert.rejects(verifyBundleFiles(path.join(dir, entries[0] ?? 'none')));
});

test('a stick whose device fails mid-write (I/O errors): the export fails cleanly', needsRoot, async (t) => {
  // The image lives on a small tmpfs; filling that tmpfs makes every later write of the loop device fail.
  const backing = tmpfs(t, '12m');
  const { dir } = loopExt4(t, 64, { backing });
  const e = await exportFailing(t, dir, 1, () => fill(backing));
  assert.match(
    e.message,
    /stopped responding while the bundle was written|became read-only while the bundle was written|refused the write as full although .* are free: it may be failing/,
  );
  assert.ok(!readdirSync(dir).includes(NAME));
});

test('an existing bundle is kept unless replacing is asked for; replacing leaves only the new one', async (t) => {
  const dir = tempDir(t);
  const { files, manifest } = await sampleBundle(t, 0.05);
  await writeBundle({ targetDir: dir, name: NAME, files, manifest });
  const e = await failure(writeBundle({ targetDir: dir, name: NAME, files, manifest }));
  assert.equal(e.code, 'CONFLICT');
  assert.equal(e.message, `${path.join(dir, NAME)} already exists; remove it, or export to another folder.`);
  writeFileSync(path.join(dir, NAME, 'stale.txt'), 'from before');
  const replaced = await writeBundle({ targetDir: dir, name: NAME, files, manifest, replace: true });
  assert.deepEqual(readdirSync(dir), [NAME]);
  assert.equal((await verifyBundleFiles(replaced.path)).ok, true);
});

test('a source that changes after the manifest was made is caught, and nothing is left', async (t) => {
  const dir = tempDir(t);
  const { files, manifest, source } = await sampleBundle(t, 0.05);
  appendFileSync(source, 'one more event');
  const e = await failure(writeBundle({ targetDir: dir, name: NAME, files, manifest }));
  assert.equal(e.code, 'CONFLICT');
  assert.match(e.message, /^log\/ceremony\.sqlite changed after the manifest was made/);
  assert.deepEqual(readdirSync(dir), []);
  const missing = await failure(writeBundle({ targetDir: path.join(dir, 'nope'), name: NAME, files, manifest }));
  assert.equal(missing.code, 'NOT_FOUND');
  assert.match(missing.message, /There is no folder .*nope: is the USB stick still mounted\?/);
  await assert.rejects(writeBundle({ targetDir: dir, name: '.hidden', files, manifest }), /cannot be a path in a bundle/);
  await assert.rejects(writeBundle({ targetDir: dir, name: NAME, files: files.slice(1), manifest }), /log\/ceremony\.sqlite has no file/);
  assert.equal(sha256Hex(readFileSync(source)).length, 64);
});
