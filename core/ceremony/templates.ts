import { readdirSync } from 'node:fs';
import { KskError } from '../errors.js';
import { resourcePath } from '../resources.js';
import { loadScript, readScriptFile } from './load.js';
import { drProcedureIds } from './procedures.js';
import { standardProcedures, templateIdFor, type Script } from './script.js';

/**
 * The templates shipped in resources/scripts: one per DR procedure (dr-4.1.1 ... dr-4.3.2B), the
 * quarterly KSR signing, the KSK generation (the seed's "KSK generation script"), the extraordinary
 * ceremony the DR procedures leave as a follow-up, and the release of stored RRSIGs (4.1.3).
 */

const order = [...standardProcedures, ...drProcedureIds].map(templateIdFor);

/** Every shipped template id: the standard ceremonies first, then the DR procedures in the seed's order. */
export function templateIds(): string[] {
  const ids = readdirSync(resourcePath('scripts'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length));
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  return ids.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function isTemplateId(id: string): boolean {
  return templateIds().includes(id);
}

export function loadTemplate(id: string): Script {
  if (!isTemplateId(id)) throw new KskError('NOT_FOUND', `There is no template "${id}" (the templates are: ${templateIds().join(', ')}).`);
  const file = `resources/scripts/${id}.yaml`;
  return loadScript(readScriptFile(resourcePath('scripts', `${id}.yaml`)), file);
}
