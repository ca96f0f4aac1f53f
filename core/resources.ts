import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The folder of shipped resources (fonts, word lists, script templates); compiled code lives in dist/core. */
const resourcesDir = fileURLToPath(new URL('../../resources/', import.meta.url));

export function resourcePath(...parts: string[]): string {
  return path.join(resourcesDir, ...parts);
}
