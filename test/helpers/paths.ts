import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Tests run compiled from dist/test/...; the repository root is three levels up. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const cliPath = path.join(repoRoot, 'dist', 'core', 'cli', 'main.js');

/** The project's shared material (`../shared/`), or its copy in test/fixtures on a clean clone. */
export const sharedOriginal = path.join(repoRoot, '..', 'shared');
export const sharedCopy = path.join(repoRoot, 'test', 'fixtures', 'shared');
export const sharedRoot = process.env.KSK_SHARED_DIR ?? (existsSync(path.join(sharedOriginal, 'data')) ? sharedOriginal : sharedCopy);
export const sharedData = path.join(sharedRoot, 'data');

export function shared(...parts: string[]): string {
  return path.join(sharedData, ...parts);
}
