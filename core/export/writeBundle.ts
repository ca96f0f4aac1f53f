import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { removeStaleTemporaries } from '../workspace/staleFiles.js';
import { isKskError, KskError } from '../errors.js';
import { sha256Hex } from '../hash/sha256.js';
import { checkBundlePath, manifestBytes, MANIFEST_FILE, sumsBytes, SUMS_FILE, verifyBundleFiles, type BundleFile, type Manifest } from './manifest.js';
import { spaceAt } from './media.js';
import { formatBytes } from './size.js';

export interface ExportProgress {
  phase: 'write' | 'verify';
  path: string;
  done: number;
  total: number;
}

export interface WriteBundleOptions {
  /** The folder to write into: a USB stick's mount point, or a folder the CA chose. */
  targetDir: string;
  /** The bundle's folder name, e.g. "KSK-55-final-bundle". */
  name: string;
  files: readonly BundleFile[];
  /** From buildManifest over the same files: what is written must match it byte for byte. */
  manifest: Manifest;
  /** Replace a bundle already at the final name (only once the new one is verified). */
  replace?: boolean;
  onProgress?: (progress: ExportProgress) => void | Promise<void>;
}

export interface WrittenBundle {
  path: string;
  manifestSha256: string;
  files: number;
  bytes: number;
}

const CHUNK = 1 << 20;

/** The context a failure is explained in. */
interface Attempt {
  target: string;
  final: string;
  needed: number;
  /** Free bytes before writing, and again after a "disk full" error. */
  free: number;
  /** Whether writing had begun: a read-only error then means the medium failed, not that it was write-protected. */
  writing: boolean;
}

/**
 * Writes a bundle so that it either arrives whole and verified or not at all: everything goes into
 * a hidden `.<name>.partial-<random>` folder, each file and folder is fsynced, everything is read
 * back and checked against the manifest, and only then is the folder renamed to its final name.
 * On any failure the partial folder is removed where the medium still allows it, and a KskError
 * says what happened in words (full, read-only, removed). The sources are only ever read.
 */
export async function writeBundle(options: WriteBundleOptions): Promise<WrittenBundle> {
  const { manifest } = options;
  checkBundlePath(options.name);
  const sources = checkFilesMatchManifest(options.files, manifest);
  const target = path.resolve(options.targetDir);
  const final = path.join(target, options.name);
  await checkTarget(target, final, options.replace === true);

  const manifestFile = manifestBytes(manifest);
  const sums = sumsBytes(manifest);
  const space = await spaceAt(target);
  const attempt: Attempt = {
    target,
    final,
    needed: neededBytes(manifest, manifestFile.length + sums.length, space.blockSize),
    free: space.freeBytes,
    writing: false,
  };
  if (attempt.needed > attempt.free) throw fullError(attempt);

  // A partial folder a killed export left here is removed first; it is never taken for a bundle.
  removeStaleTemporaries([target]);
  const partial = path.join(target, `.${options.name}.partial-${randomBytes(6).toString('hex')}`);
  const total = manifest.files.length + 2;
  let done = 0;
  try {
    await mkdir(partial, { mode: 0o755 });
    attempt.writing = true;
    const device = (await stat(partial)).dev;
    const folders = new Set<string>();
    for (const entry of manifest.files) {
      await makeFolders(partial, entry.path, folders);
      const written = await writeFile(partial, device, entry.path, sources.get(entry.path) as BundleFile);
      if (written.size !== entry.size || written.sha256 !== entry.sha256) {
        throw new KskError('CONFLICT', `${entry.path} changed after the manifest was made (SHA-256 ${written.sha256}, the manifest says ${entry.sha256}).`);
      }
      await options.onProgress?.({ phase: 'write', path: entry.path, done: ++done, total });
    }
    for (const [name, bytes] of [
      [MANIFEST_FILE, manifestFile],
      [SUMS_FILE, sums],
    ] as const) {
      await writeFile(partial, device, name, { path: name, bytes });
      await options.onProgress?.({ phase: 'write', path: name, done: ++done, total });
    }
    for (const folder of [...folders].sort().reverse()) await syncFolder(path.join(partial, folder));
    await syncFolder(partial);

    const check = await verifyBundleFiles(partial).catch((e: unknown) => {
      // A file that cannot be read back here was written a moment ago: the medium is failing or gone.
      throw isKskError(e) && (e.code === 'NOT_FOUND' || e.code === 'BAD_INPUT_FILE') ? Object.assign(new Error(e.message), { code: 'EIO' }) : e;
    });
    const expectedHash = sha256Hex(manifestFile);
    if (!check.ok || check.manifestSha256 !== expectedHash) {
      const first = check.problems[0];
      throw new KskError(
        'STORAGE_ERROR',
        `Reading the bundle back from ${target} found ${first ? `${first.path} ${first.problem} (${first.detail})` : 'a different manifest'}; the medium may be failing.`,
      );
    }
    await options.onProgress?.({ phase: 'verify', path: MANIFEST_FILE, done: total, total });

    if ((await stat(partial)).dev !== device) throw Object.assign(new Error('the medium changed'), { code: 'ENODEV' });
    await moveIntoPlace(partial, final, options.replace === true);
    await syncFolder(target);
    return { path: final, manifestSha256: expectedHash, files: manifest.files.length, bytes: manifest.files.reduce((sum, f) => sum + f.size, 0) };
  } catch (e) {
    const removed = await removePartial(partial);
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
      attempt.free = await spaceAt(target).then(
        (s) => s.freeBytes,
        () => attempt.free,
      );
    throw explain(e, attempt, partial, removed);
  }
}

function checkFilesMatchManifest(files: readonly BundleFile[], manifest: Manifest): Map<string, BundleFile> {
  const sources = new Map(files.map((f) => [f.path, f]));
  const listed = new Set(manifest.files.map((f) => f.path));
  const unlisted = files.find((f) => !listed.has(f.path));
  const absent = manifest.files.find((f) => !sources.has(f.path));
  if (unlisted || absent || sources.size !== files.length) {
    throw new KskError(
      'INTERNAL',
      `The bundle's files and its manifest differ (${unlisted ? `${unlisted.path} is not in the manifest` : absent ? `${absent.path} has no file` : 'a path is given twice'}).`,
    );
  }
  return sources;
}

async function checkTarget(target: string, final: string, replace: boolean): Promise<void> {
  let info;
  try {
    info = await stat(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KskError('NOT_FOUND', `There is no folder ${target}: is the USB stick still mounted?`);
    throw new KskError('STORAGE_ERROR', `${target} cannot be read (${code ?? 'unknown error'}).`);
  }
  if (!info.isDirectory()) throw new KskError('BAD_REQUEST', `${target} is not a folder.`);
  const existing = await stat(final).catch(() => null);
  if (existing && !replace) throw new KskError('CONFLICT', `${final} already exists; remove it, or export to another folder.`);
  if (existing && !existing.isDirectory()) throw new KskError('CONFLICT', `${final} exists and is not a bundle folder.`);
}

/** What the bundle takes on disk: every file rounded up to whole blocks, and a block per folder. */
function neededBytes(manifest: Manifest, ownFiles: number, blockSize: number): number {
  const blocks = (size: number) => Math.max(1, Math.ceil(size / blockSize)) * blockSize;
  const folders = new Set(manifest.files.map((f) => path.posix.dirname(f.path)));
  return manifest.files.reduce((sum, f) => sum + blocks(f.size), 0) + blocks(ownFiles) + blocks(0) * (folders.size + 2);
}

/** Folders are created one level at a time, never recursively: on a medium that vanished, creating the parents would write to the disk beneath the mount point. */
async function makeFolders(partial: string, file: string, made: Set<string>): Promise<void> {
  const parts = file.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    if (made.has(folder)) continue;
    await mkdir(path.join(partial, folder), { mode: 0o755 });
    made.add(folder);
  }
}

async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, Math.min(CHUNK, bytes.length - offset));
    offset += bytesWritten;
  }
}

/** Writes one file (new, exclusive), hashing what is written, and fsyncs it. */
async function writeFile(partial: string, device: number, relative: string, file: BundleFile): Promise<{ size: number; sha256: string }> {
  const handle = await open(path.join(partial, relative), 'wx', 0o644);
  try {
    if ((await handle.stat()).dev !== device) throw Object.assign(new Error('the medium changed'), { code: 'ENODEV' });
    const hash = createHash('sha256');
    let size = 0;
    const put = async (bytes: Uint8Array) => {
      hash.update(bytes);
      size += bytes.length;
      await writeAll(handle, bytes);
    };
    if (file.bytes !== undefined) await put(file.bytes);
    else await copyFrom(file.sourceFile as string, put);
    await handle.sync();
    return { size, sha256: hash.digest('hex') };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function copyFrom(source: string, put: (bytes: Uint8Array) => Promise<void>): Promise<void> {
  let input: FileHandle;
  try {
    input = await open(source, 'r');
  } catch (e) {
    throw new KskError('NOT_FOUND', `The bundle's source file ${source} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      await put(buffer.subarray(0, bytesRead));
    }
  } finally {
    await input.close();
  }
}

async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (e) {
    // Some filesystems do not sync folders; their files are synced one by one already.
    if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function moveIntoPlace(partial: string, final: string, replace: boolean): Promise<void> {
  const existing = await stat(final).catch(() => null);
  if (!existing) {
    await rename(partial, final).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'EEXIST' || e.code === 'ENOTEMPTY')
        throw new KskError('CONFLICT', `${final} appeared while the bundle was written; nothing was replaced.`);
      throw e;
    });
    return;
  }
  if (!replace) throw new KskError('CONFLICT', `${final} appeared while the bundle was written; nothing was replaced.`);
  const old = `${path.dirname(final)}/.${path.basename(final)}.old-${randomBytes(6).toString('hex')}`;
  await rename(final, old);
  try {
    await rename(partial, final);
  } catch (e) {
    await rename(old, final).catch(() => undefined);
    throw e;
  }
  await rm(old, { recursive: true, force: true }).catch(() => undefined);
}

/** Removes the partial folder if the medium lets us; false when it may be left behind. */
async function removePartial(partial: string): Promise<boolean> {
  try {
    await rm(partial, { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}

function fullError(attempt: Attempt): KskError {
  return new KskError(
    'STORAGE_ERROR',
    `The medium at ${attempt.target} is full: ${formatBytes(attempt.needed)} needed, ${formatBytes(attempt.free)} free. Nothing was exported.`,
  );
}

function explain(e: unknown, attempt: Attempt, partial: string, removed: boolean): KskError {
  const leftover = ` An incomplete folder ${path.basename(partial)} may remain on the medium; it is not a bundle and may be deleted.`;
  const trail = removed ? '' : leftover;
  if (isKskError(e)) return new KskError(e.code, `${e.message}${trail}`, { cause: e });
  const code = (e as NodeJS.ErrnoException).code;
  const incomplete = `The export did not complete, and nothing at ${attempt.final} looks complete.`;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      if (attempt.free >= attempt.needed) {
        // The filesystem still has the room: the device beneath it refused the write.
        return new KskError(
          'STORAGE_ERROR',
          `The medium at ${attempt.target} refused the write as full although ${formatBytes(attempt.free)} are free: it may be failing. ${incomplete}${trail}`,
          { cause: e },
        );
      }
      return new KskError('STORAGE_ERROR', `${fullError(attempt).message}${trail}`, { cause: e });
    case 'EROFS':
      return new KskError(
        'STORAGE_ERROR',
        attempt.writing
          ? `The medium at ${attempt.target} became read-only while the bundle was written: it may have been removed or be failing. ${incomplete}${trail}`
          : `The medium at ${attempt.target} is read-only (write-protected, or mounted read-only). Nothing was written.`,
        { cause: e },
      );
    case 'EACCES':
    case 'EPERM':
      return new KskError('STORAGE_ERROR', `Cannot write to ${attempt.target}: permission denied. Nothing was exported.${trail}`, { cause: e });
    case 'EIO':
    case 'ENODEV':
    case 'ENXIO':
    case 'ENOENT':
    case 'ESTALE':
    case 'ENOTCONN':
      // A medium that went away keeps whatever it had: the removal above could not reach it.
      return new KskError(
        'STORAGE_ERROR',
        `The medium at ${attempt.target} stopped responding while the bundle was written (was it removed?). ${incomplete}${leftover}`,
        {
          cause: e,
        },
      );
    default:
      return new KskError(
        'STORAGE_ERROR',
        `The export to ${attempt.target} failed (${code ?? (e instanceof Error ? e.message : String(e))}). ${incomplete}${trail}`,
        { cause: e },
      );
  }
}
