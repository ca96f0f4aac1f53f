import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KskError } from '../errors.js';
import { sha256File, sha256Hex } from '../hash/sha256.js';

/**
 * The manifest of a bundle: every file's path, size and SHA-256, in a fixed order and layout so the
 * same contents always give the same bytes (and so the same manifest hash, which the paper and the
 * seal can carry). A SHA256SUMS beside it lets an auditor check the files with `sha256sum -c`.
 */

export const MANIFEST_FILE = 'manifest.json';
export const SUMS_FILE = 'SHA256SUMS';
export const MANIFEST_FORMAT = 'ksk-ceremony-bundle/1';

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  /** Facts about the bundle (ceremony id, log head...): strings only, so the bytes never vary. */
  meta: Record<string, string>;
  files: ManifestEntry[];
}

/** A file of a bundle: its bytes, or a file to copy (e.g. a consistent snapshot of the log). */
export interface BundleFile {
  path: string;
  bytes?: Uint8Array;
  sourceFile?: string;
}

/**
 * Paths portable to any USB stick (FAT too) and safe to join under a folder: ASCII letters, digits,
 * '.', '_', '-', folders separated by '/', no part starting with '.', none differing only in case.
 */
const segment = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function checkBundlePath(p: string): void {
  const parts = p.split('/');
  if (p.length === 0 || p.length > 200 || !parts.every((s) => segment.test(s))) {
    throw new KskError('BAD_REQUEST', `"${p}" cannot be a path in a bundle (letters, digits, '.', '_', '-' and '/' only; no part may start with '.').`);
  }
}

function checkPaths(paths: readonly string[]): void {
  const folded = new Map<string, string>();
  for (const p of paths) {
    checkBundlePath(p);
    if (p === MANIFEST_FILE || p === SUMS_FILE) throw new KskError('BAD_REQUEST', `"${p}" is written by the export itself.`);
    const key = p.toLowerCase();
    const clash = folded.get(key);
    if (clash !== undefined) throw new KskError('BAD_REQUEST', `The bundle has "${clash}" and "${p}", which are the same file on a USB stick.`);
    folded.set(key, p);
  }
  for (const p of paths) {
    const parts = p.toLowerCase().split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = folded.get(parts.slice(0, i).join('/'));
      if (folder !== undefined) throw new KskError('BAD_REQUEST', `"${folder}" is both a file and a folder in the bundle.`);
    }
  }
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Hashes every file (source files streamed) into a manifest. */
export async function buildManifest(files: readonly BundleFile[], meta: Record<string, string> = {}): Promise<Manifest> {
  checkPaths(files.map((f) => f.path));
  const entries: ManifestEntry[] = [];
  for (const file of files) {
    if ((file.bytes === undefined) === (file.sourceFile === undefined)) {
      throw new KskError('INTERNAL', `Bundle file ${file.path} needs either bytes or a source file.`);
    }
    if (file.bytes !== undefined) entries.push({ path: file.path, size: file.bytes.length, sha256: sha256Hex(file.bytes) });
    else {
      const { digest, size } = await sha256File(file.sourceFile as string);
      entries.push({ path: file.path, size, sha256: digest.toString('hex') });
    }
  }
  return { format: MANIFEST_FORMAT, meta, files: entries.sort(byPath) };
}

/** The manifest's bytes: keys in a fixed order, meta keys and files sorted, two-space indent, final newline. */
export function manifestBytes(manifest: Manifest): Buffer {
  const meta = Object.fromEntries(
    Object.keys(manifest.meta)
      .sort()
      .map((k) => [k, manifest.meta[k] as string]),
  );
  const files = [...manifest.files].sort(byPath).map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 }));
  return Buffer.from(`${JSON.stringify({ format: manifest.format, meta, files }, null, 2)}\n`, 'utf8');
}

/** `sha256sum -c` input: every file of the manifest, then the manifest itself. */
export function sumsBytes(manifest: Manifest): Buffer {
  const lines = [...manifest.files].sort(byPath).map((f) => `${f.sha256}  ${f.path}`);
  lines.push(`${sha256Hex(manifestBytes(manifest))}  ${MANIFEST_FILE}`);
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

const manifestSchema = z
  .object({
    format: z.literal(MANIFEST_FORMAT),
    meta: z.record(z.string(), z.string()),
    files: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict()),
  })
  .strict();

export interface BundleProblem {
  path: string;
  problem: 'missing' | 'extra' | 'changed' | 'not-a-file';
  detail: string;
}

export interface BundleVerification {
  ok: boolean;
  manifest: Manifest;
  /** SHA-256 of manifest.json as found: compare it with the one on paper or in the seal. */
  manifestSha256: string;
  problems: BundleProblem[];
}

async function walk(root: string, dir = ''): Promise<{ path: string; kind: 'file' | 'other' }[]> {
  const out: { path: string; kind: 'file' | 'other' }[] = [];
  for (const entry of await readdir(path.join(root, dir), { withFileTypes: true })) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(root, relative)));
    else out.push({ path: relative, kind: entry.isFile() ? 'file' : 'other' });
  }
  return out;
}

async function readManifest(dir: string): Promise<{ manifest: Manifest; bytes: Buffer }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(dir, MANIFEST_FILE));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KskError('NOT_FOUND', `${dir} has no ${MANIFEST_FILE}: it is not a bundle, or not a complete one.`);
    throw new KskError('BAD_INPUT_FILE', `${path.join(dir, MANIFEST_FILE)} cannot be read (${code ?? 'unknown error'}).`);
  }
  let parsed: z.infer<typeof manifestSchema>;
  try {
    parsed = manifestSchema.parse(JSON.parse(bytes.toString('utf8')));
    checkPaths(parsed.files.map((f) => f.path));
  } catch (e) {
    throw new KskError(
      'TAMPERED',
      `${path.join(dir, MANIFEST_FILE)} is not a bundle manifest this program wrote (${e instanceof KskError ? e.message : 'malformed'}).`,
    );
  }
  return { manifest: parsed, bytes };
}

/**
 * Checks a bundle folder against its manifest: every listed file present with its size and
 * SHA-256, no file that is not listed, and SHA256SUMS as the manifest implies. Each problem names
 * its file.
 */
export async function verifyBundleFiles(dir: string): Promise<BundleVerification> {
  const { manifest, bytes } = await readManifest(dir);
  const problems: BundleProblem[] = [];
  const found = new Map((await walk(dir)).map((f) => [f.path, f.kind]));
  found.delete(MANIFEST_FILE);
  if (!bytes.equals(manifestBytes(manifest))) {
    problems.push({ path: MANIFEST_FILE, problem: 'changed', detail: 'its text is not as the export wrote it (edited?)' });
  }
  const expectedSums = sumsBytes(manifest);
  const sumsKind = found.get(SUMS_FILE);
  found.delete(SUMS_FILE);
  if (sumsKind === undefined) problems.push({ path: SUMS_FILE, problem: 'missing', detail: 'not in the bundle' });
  else if (sumsKind !== 'file' || !(await readFile(path.join(dir, SUMS_FILE))).equals(expectedSums)) {
    problems.push({ path: SUMS_FILE, problem: 'changed', detail: 'does not list what the manifest lists' });
  }
  for (const entry of manifest.files) {
    const kind = found.get(entry.path);
    found.delete(entry.path);
    if (kind === undefined) {
      problems.push({ path: entry.path, problem: 'missing', detail: 'listed in the manifest, not in the bundle' });
      continue;
    }
    const full = path.join(dir, entry.path);
    if (kind !== 'file' || !(await lstat(full)).isFile()) {
      problems.push({ path: entry.path, problem: 'not-a-file', detail: 'is not a regular file' });
      continue;
    }
    const { digest, size } = await sha256File(full);
    if (size !== entry.size) problems.push({ path: entry.path, problem: 'changed', detail: `${size} bytes, the manifest says ${entry.size}` });
    else if (digest.toString('hex') !== entry.sha256)
      problems.push({ path: entry.path, problem: 'changed', detail: `SHA-256 ${digest.toString('hex')}, the manifest says ${entry.sha256}` });
  }
  for (const [extra, kind] of found) problems.push({ path: extra, problem: kind === 'file' ? 'extra' : 'not-a-file', detail: 'not listed in the manifest' });
  problems.sort(byPath);
  return { ok: problems.length === 0, manifest, manifestSha256: sha256Hex(bytes), problems };
}
