import { stringify } from 'yaml';
import type { Script } from './script.js';

/** A resolved script as YAML an operator can read and edit; loading it back gives the same script and hash. */
export function scriptToYaml(script: Script): string {
  return stringify(script, { lineWidth: 100, minContentWidth: 40 });
}

/**
 * The starting point of an operator's own script: the resolved template, a plain document with no
 * includes, that records which template (and which exact version of it) it came from.
 */
export function adaptation(template: Script, templateSha256: string): string {
  const copy: Script = { ...template, basedOn: { id: template.id, version: template.version, sha256: templateSha256 } };
  return [
    `# Adapted from the template ${template.id} ${template.version} (sha256 ${templateSha256}).`,
    '# Change what your facility needs: facility, roles, quorums, HSMs, texts, steps. Give it your own',
    '# id, raise its version with every change, and check it with: ksk-ceremony script validate FILE',
    scriptToYaml(copy),
  ].join('\n');
}
