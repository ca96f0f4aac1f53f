import { readFile, statfs } from 'node:fs/promises';
import path from 'node:path';
import { KskError, messageOf } from '../errors.js';

/** A mounted filesystem, as /proc/self/mounts lists it. */
export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

export interface RemovableMedium {
  mountPoint: string;
  device: string;
  fsType: string;
  readOnly: boolean;
  freeBytes: number;
  totalBytes: number;
}

/** Where desktop Linux mounts USB sticks (udisks2: /media/USER/LABEL or /run/media/USER/LABEL). */
export const MEDIA_ROOTS = ['/media', '/run/media'];

/** The kernel writes a space in a mount point as \040 (and tab, newline, backslash likewise). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

export function parseMounts(text: string): Mount[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const [device = '', mountPoint = '', fsType = '', options = ''] = line.split(' ');
      return { device: unescapeMountField(device), mountPoint: unescapeMountField(mountPoint), fsType, options: options.split(',') };
    });
}

/** Free and total bytes of the filesystem holding `dir`, as an unprivileged writer sees them. */
export async function spaceAt(dir: string): Promise<{ freeBytes: number; totalBytes: number; blockSize: number }> {
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize, blockSize: s.bsize };
}

function isBelow(root: string, dir: string): boolean {
  const relative = path.relative(root, dir);
  return relative.length > 0 && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/**
 * The removable media mounted now: every mount point below /media or /run/media (or the given
 * roots), with its free space and whether it is read-only. The CA may still choose any folder.
 */
export async function findRemovableMedia(options: { roots?: string[]; mountsFile?: string } = {}): Promise<RemovableMedium[]> {
  const roots = options.roots ?? MEDIA_ROOTS;
  const file = options.mountsFile ?? '/proc/self/mounts';
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new KskError('INTERNAL', `Cannot read the list of mounted filesystems (${file}): ${messageOf(e)}`);
  }
  const media: RemovableMedium[] = [];
  const seen = new Set<string>();
  // A later line for the same mount point is the mount on top: it is the one that is visible.
  for (const mount of parseMounts(text).reverse()) {
    if (seen.has(mount.mountPoint) || !roots.some((root) => isBelow(root, mount.mountPoint))) continue;
    seen.add(mount.mountPoint);
    try {
      const space = await spaceAt(mount.mountPoint);
      media.push({
        mountPoint: mount.mountPoint,
        device: mount.device,
        fsType: mount.fsType,
        readOnly: mount.options.includes('ro'),
        freeBytes: space.freeBytes,
        totalBytes: space.totalBytes,
      });
    } catch {
      // Listed but gone (pulled out a moment ago): not a medium to offer.
    }
  }
  return media.sort((a, b) => (a.mountPoint < b.mountPoint ? -1 : a.mountPoint > b.mountPoint ? 1 : 0));
}
