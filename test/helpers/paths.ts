import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Tests run compiled from dist/test/...; the repository root is three levels up. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const sharedData = path.join(repoRoot, '..', 'shared', 'data');
export const cliPath = path.join(repoRoot, 'dist', 'core', 'cli', 'main.js');

export function shared(...parts: string[]): string {
  return path.join(sharedData, ...parts);
}
