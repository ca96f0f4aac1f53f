import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildManifest, checkBundlePath, manifestBytes, sumsBytes } from '../../../core/export/manifest.js';
import { parseMounts } from '../../../core/export/media.js';
import { formatBytes } from '../../../core/export/size.js';
import { sha256Hex } from '../../../core/hash/sha256.js';

test('the manifest has one byte form whatever the order of files and meta', async () => {
  const a = await buildManifest(
    [
      { path: 'b/z.txt', bytes: Buffer.from('z') },
      { path: 'a.txt', bytes: Buffer.from('a') },
    ],
    { mode: 'REHEARSAL', ceremony: 'KSK-1' },
  );
  const b = await buildManifest(
    [
      { path: 'a.txt', bytes: Buffer.from('a') },
      { path: 'b/z.txt', bytes: Buffer.from('z') },
    ],
    { ceremony: 'KSK-1', mode: 'REHEARSAL' },
  );
  assert.ok(manifestBytes(a).equals(manifestBytes(b)));
  const text = manifestBytes(a).toString('utf8');
  assert.ok(
    text.startsWith(
      '{\n  "format": "ksk-ceremony-bundle/1",\n  "meta": {\n    "ceremony": "KSK-1",\n    "mode": "REHEARSAL"\n  },\n  "files": [\n    {\n      "path": "a.txt",\n      "size": 1,',
    ),
  );
  assert.ok(text.endsWith('}\n'));
  assert.equal(sumsBytes(a).toString('utf8'), `${sha256Hex('a')}  a.txt\n${sha256Hex('z')}  b/z.txt\n${sha256Hex(manifestBytes(a))}  manifest.json\n`);
});

test('bundle paths stay portable and inside the bundle', async () => {
  for (const ok of ['a.txt', 'log/ceremony.sqlite', 'documents/KSK-55_record.pdf']) checkBundlePath(ok);
  for (const bad of ['', '../x', 'a/../b', '/etc/passwd', '.hidden', 'a//b', 'a b', 'é.txt', 'a\\b', 'x'.repeat(201)]) {
    assert.throws(() => checkBundlePath(bad), { code: 'BAD_REQUEST' }, `"${bad}" accepted`);
  }
  await assert.rejects(
    buildManifest([
      { path: 'A.txt', bytes: Buffer.alloc(0) },
      { path: 'a.txt', bytes: Buffer.alloc(0) },
    ]),
    /same file on a USB stick/,
  );
  await assert.rejects(
    buildManifest([
      { path: 'a', bytes: Buffer.alloc(0) },
      { path: 'a/b', bytes: Buffer.alloc(0) },
    ]),
    /"a" is both a file and a folder/,
  );
  await assert.rejects(buildManifest([{ path: 'manifest.json', bytes: Buffer.alloc(0) }]), /written by the export itself/);
  await assert.rejects(buildManifest([{ path: 'x', sourceFile: '/nonexistent/ksk' }]), { code: 'NOT_FOUND' });
});

test('mount lines are decoded, escapes included', () => {
  const mounts = parseMounts('/dev/sdb1 /media/ada/KSK\\040STICK vfat rw,nosuid,nodev 0 0\n/dev/sdc1 /run/media/ivan/RO ext4 ro,relatime 0 0\n');
  assert.deepEqual(mounts[0], { device: '/dev/sdb1', mountPoint: '/media/ada/KSK STICK', fsType: 'vfat', options: ['rw', 'nosuid', 'nodev'] });
  assert.ok(mounts[1]?.options.includes('ro'));
});

test('sizes read as on the packaging', () => {
  assert.equal(formatBytes(999), '999 bytes');
  assert.equal(formatBytes(12_345_678), '12.3 MB');
  assert.equal(formatBytes(4_100_000), '4.1 MB');
  assert.equal(formatBytes(1_048_576), '1.0 MB');
  assert.equal(formatBytes(64_000_000_000), '64.0 GB');
});
