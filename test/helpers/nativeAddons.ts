import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.js';

/**
 * Compiles test/fixtures/native/abi-addon.c into dir: a real native addon registered for
 * NODE_MODULE_VERSION abi (a build for another runtime), with cc, the compiler node-gyp uses.
 */
export function buildAbiAddon(dir: string, abi: number): string {
  const file = path.join(dir, `abi-${abi}.node`);
  execFileSync('cc', ['-shared', '-fPIC', `-DABI=${abi}`, '-o', file, path.join(repoRoot, 'test', 'fixtures', 'native', 'abi-addon.c')]);
  return file;
}
