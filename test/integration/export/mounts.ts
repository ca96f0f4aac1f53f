import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/**
 * Real filesystems for export tests (they need root): a loop-mounted ext4 image, a size-limited
 * tmpfs. Each is unmounted when its test ends, and its loop device released.
 */

type Ctx = Pick<TestContext, 'after'>;

export const isRoot = process.getuid?.() === 0;

function sh(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function isMounted(dir: string): boolean {
  try {
    sh('mountpoint', '-q', dir);
    return true;
  } catch {
    return false;
  }
}

function cleanup(t: Ctx, root: string, mountPoints: () => string[], image?: string, extra?: string): void {
  t.after(() => {
    for (const dir of mountPoints()) {
      while (isMounted(dir)) {
        try {
          sh('umount', dir);
        } catch {
          sh('umount', '-l', dir);
        }
      }
    }
    if (image) {
      for (const line of sh('losetup', '-j', image).split('\n').filter(Boolean)) sh('losetup', '-d', line.slice(0, line.indexOf(':')));
    }
    rmSync(root, { recursive: true, force: true });
    if (extra) rmSync(extra, { recursive: true, force: true });
  });
}

/** A fresh ext4 filesystem of `megabytes` on a loop device, mounted at `at` (e.g. below /media) or in a temporary folder. */
export function loopExt4(t: Ctx, megabytes = 64, options: { backing?: string; at?: string } = {}): { dir: string; image: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ksk-loop-'));
  const image = path.join(options.backing ?? root, 'stick.img');
  const dir = options.at ?? path.join(root, 'mnt');
  mkdirSync(dir, { recursive: true });
  cleanup(t, root, () => [dir], image, options.at);
  sh('truncate', '-s', `${megabytes}M`, image);
  sh('mkfs.ext4', '-q', '-E', 'lazy_itable_init=1,lazy_journal_init=1,nodiscard', image);
  sh('mount', '-o', 'loop,noinit_itable', image, dir);
  return { dir, image };
}

/** A tmpfs of the given size ("1m"), at `at` when given (e.g. below /media). */
export function tmpfs(t: Ctx, size: string, at?: string): string {
  const root = at ?? mkdtempSync(path.join(os.tmpdir(), 'ksk-tmpfs-'));
  mkdirSync(root, { recursive: true });
  cleanup(t, root, () => [root]);
  sh('mount', '-t', 'tmpfs', '-o', `size=${size}`, 'ksktest', root);
  return root;
}

export function remountReadOnly(dir: string): void {
  sh('mount', '-o', 'remount,ro', dir);
}

export function lazyUnmount(dir: string): void {
  sh('umount', '-l', dir);
}

/** Unmounts a stick (if it still is mounted) and mounts its image again, read-only if asked: what is read next comes from the device. */
export function replug(dir: string, image: string, options: { readOnly?: boolean } = {}): void {
  if (isMounted(dir)) sh('umount', dir);
  sh('mount', '-o', options.readOnly ? 'loop,ro' : 'loop', image, dir);
}
