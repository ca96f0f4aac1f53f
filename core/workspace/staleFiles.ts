import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * What a killed process leaves behind: the temporary name of a file being written atomically
 * (".world.json.<random>.tmp", ".current-skr.json.<random>.tmp"), a bundle folder being written
 * (".<name>.partial-<random>"), a log copy being exported (".<file>.<pid>.partial"), a scratch
 * folder. None of them is ever presented as good; the next run removes them. Only files untouched
 * for a minute and folders for ten (a folder being filled changes its time with every file): what
 * another process on the same folder is writing right now is left alone.
 */
export const STALE_AFTER_MS = 60_000;
const STALE_FOLDER_AFTER_MS = 10 * 60_000;

const patterns = [/^\..+\.[0-9a-f]{12}\.tmp$/, /^\..+\.partial-[0-9a-f]{12}$/, /^\..+\.\d+\.partial$/];

/** Removes the stale leftovers in each folder (not recursively); returns what was removed. */
export function removeStaleTemporaries(
  folders: readonly string[],
  now = Date.now(),
  olderThanMs = STALE_AFTER_MS,
  extra: (name: string) => boolean = () => false,
): string[] {
  const removed: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!patterns.some((p) => p.test(name)) && !extra(name)) continue;
      const file = path.join(folder, name);
      try {
        const info = statSync(file);
        if (now - info.mtimeMs < (info.isDirectory() ? Math.max(olderThanMs, STALE_FOLDER_AFTER_MS) : olderThanMs)) continue;
        rmSync(file, { recursive: true, force: true });
        removed.push(file);
      } catch {
        // Gone already, or not ours to remove (a read-only medium): nothing to clean there.
      }
    }
  }
  return removed;
}
