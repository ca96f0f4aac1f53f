import { readdirSync, readFileSync } from 'node:fs';
import { resourcePath } from '../resources.js';
import type { PartLoader } from './resolve.js';

/** The shared acts shipped in resources/scripts/parts (opening, closing, ...), which any script may include. */
export const shippedParts: PartLoader = {
  load(name) {
    const file = resourcePath('scripts', 'parts', `${name}.yaml`);
    try {
      return { file: `resources/scripts/parts/${name}.yaml`, text: readFileSync(file, 'utf8') };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  },
  names() {
    return readdirSync(resourcePath('scripts', 'parts'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  },
};
