import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** A fresh folder removed when the test ends (kept when KEEP_TMP=1, for debugging). */
export function tempDir(t: Pick<TestContext, 'after'>, prefix = 'ksk-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => {
    if (process.env.KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
