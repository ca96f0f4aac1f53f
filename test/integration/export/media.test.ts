import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { findRemovableMedia } from '../../../core/export/media.js';
import { isRoot, loopExt4, remountReadOnly, tmpfs } from './mounts.js';

const needsRoot = isRoot ? {} : { skip: 'mounting filesystems needs root' };

test('a stick mounted under /media is found with its free space, and read-only once remounted so', needsRoot, async (t) => {
  const dir = tmpfs(t, '2m', `/media/ksk-test-${randomBytes(4).toString('hex')}`);
  const found = (await findRemovableMedia()).find((m) => m.mountPoint === dir);
  assert.ok(found, `${dir} not found`);
  assert.equal(found.fsType, 'tmpfs');
  assert.equal(found.readOnly, false);
  assert.equal(found.totalBytes, 2 * 1024 * 1024);
  assert.ok(found.freeBytes > 2_000_000 && found.freeBytes <= found.totalBytes);
  remountReadOnly(dir);
  assert.equal((await findRemovableMedia()).find((m) => m.mountPoint === dir)?.readOnly, true);
});

test('other roots can be searched; the root itself and mounts elsewhere are not media', needsRoot, async (t) => {
  const { dir } = loopExt4(t, 16);
  const root = dir.slice(0, dir.lastIndexOf('/'));
  const media = await findRemovableMedia({ roots: [root] });
  assert.deepEqual(
    media.map((m) => [m.mountPoint, m.fsType, m.device.startsWith('/dev/loop')]),
    [[dir, 'ext4', true]],
  );
  assert.deepEqual(await findRemovableMedia({ roots: [dir] }), []);
  assert.ok((await findRemovableMedia()).every((m) => m.mountPoint.startsWith('/media/') || m.mountPoint.startsWith('/run/media/')));
});
