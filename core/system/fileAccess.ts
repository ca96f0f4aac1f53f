import { realpathSync } from 'node:fs';
import path from 'node:path';
import { KskError } from '../errors.js';

/**
 * Which folders a backend may read files from and export into, when it is confined: the browser
 * host answers whoever holds its session, so a path it is handed (hash.file, a KSR by path, an
 * export target) must lie in the workspace, on a removable medium, or in a folder the operator
 * named when starting it; "/etc/shadow" is refused by name. The Electron app and the command line
 * are not confined: there the paths come from the operator's own dialogs and arguments.
 *
 * One setting per backend: each backend runs in its own worker thread.
 */
let roots: string[] | null = null;

export function confineFiles(folders: readonly string[] | null): void {
  roots = folders === null ? null : folders.map((f) => resolveReal(f) ?? path.resolve(f));
}

function resolveReal(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function inside(root: string, p: string): boolean {
  const relative = path.relative(root, p);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** Throws unless `p` (after following links) lies in an allowed folder; a missing path is checked by its nearest existing parent. */
export function requireAllowedPath(p: string, what: string): void {
  if (roots === null) return;
  let real = resolveReal(p);
  let probe = path.resolve(p);
  while (real === null && path.dirname(probe) !== probe) {
    probe = path.dirname(probe);
    const parent = resolveReal(probe);
    if (parent !== null) real = path.join(parent, path.relative(probe, path.resolve(p)));
  }
  const resolved = real ?? path.resolve(p);
  if (!roots.some((root) => inside(root, resolved))) {
    throw new KskError(
      'BAD_REQUEST',
      `The ${what} ${p} is outside the folders this app may use (the workspace, removable media, and any folder named when the host started): it is refused.`,
    );
  }
}
