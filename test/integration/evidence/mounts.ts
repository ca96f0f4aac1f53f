import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/**
 * A small tmpfs of its own, to fill up or make read-only; unmounted when the test ends. Mounting
 * needs root (the test machines run tests as root): elsewhere the test is skipped and says why.
 */
export function smallDisk(t: TestContext, size: string): { dir: string; remount(options: string): void } | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (${(e as Error).message.split('\n')[0]}): run the tests as root`);
    return null;
  }
  t.after(() => {
    // Lazy, so a file still open when a test fails cannot keep the mount behind.
    execFileSync('umount', ['--lazy', dir], { stdio: 'pipe' });
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, remount: (options) => execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' }) };
}
