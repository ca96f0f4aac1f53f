import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../dnssec/files.js';
import type { StepRun } from './run.js';

/**
 * Writes a file a step produces: into the ceremony's folder in the workspace, and onto the removable
 * media mounted at `out.dir` when one is given. Each write is atomic (temporary name, fsync,
 * rename): a file under its final name is complete. Returns where it was written last.
 */
export async function writeOutput(
  run: StepRun,
  out: { dir: string } | undefined,
  subfolder: string | null,
  name: string,
  bytes: Uint8Array | string,
): Promise<string> {
  const targets = [run.outputDir(), ...(out ? [out.dir] : [])].map((dir) => (subfolder ? path.join(dir, subfolder) : dir));
  let written = '';
  for (const dir of targets) {
    mkdirSync(dir, { recursive: true });
    written = path.join(dir, name);
    await writeFileAtomic(written, bytes);
  }
  return written;
}
