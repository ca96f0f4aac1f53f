import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

const validator = path.join(repoRoot, 'test', 'integration', 'dnssec', 'validate_skr.py');

export interface Validation {
  ok: boolean;
  bundles: { keys: number; signatures: { keyTag: number; valid: boolean; error?: string }[] }[];
}

/** dnspython, from Debian, reading the SKR file on its own (validate_skr.py). */
export function validate(file: string): { status: number | null; report: Validation } {
  const r = spawnSync('/usr/bin/python3', [validator, file], { encoding: 'utf8' });
  assert.equal(r.stderr, '', r.stderr);
  return { status: r.status, report: JSON.parse(r.stdout) as Validation };
}
