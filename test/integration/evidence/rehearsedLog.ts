import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { cliPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * A real workspace after a headless KSR-signing rehearsal (`ksk-ceremony rehearse`): three sealed
 * ceremonies (the KSK generation and two signings) on the rehearsal SoftHSM2 token, the audit key
 * pinned in workspace.json. Made once per test file and copied for each test that edits it.
 */
let made: string | null = null;

export function rehearsedWorkspace(t: Pick<TestContext, 'after'>): string {
  if (!made) {
    // Kept for the whole file (not one test): removed when the process ends.
    const base = mkdtempSync(path.join(os.tmpdir(), 'ksk-rehearsed-'));
    process.on('exit', () => rmSync(base, { recursive: true, force: true }));
    const root = path.join(base, 'workspace');
    const run = spawnSync(process.execPath, [cliPath, 'rehearse', '--procedure', 'ksr-signing', '--workspace', root], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`the rehearsal failed: ${run.stderr}`);
    made = root;
  }
  const copy = path.join(tempDir(t), 'workspace');
  cpSync(made, copy, { recursive: true });
  if (!existsSync(path.join(copy, 'workspace.json'))) throw new Error('the rehearsal did not commission the workspace');
  return copy;
}
