import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { buildManifest, type BundleFile, type Manifest } from '../../../core/export/manifest.js';
import { tempDir } from '../../helpers/tmp.js';

/** Deterministic bytes that do not compress: SHA-256 in counter mode. */
export function pseudoRandom(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, offset = 0; offset < size; i++, offset += 32) createHash('sha256').update(`${seed}:${i}`).digest().copy(out, offset);
  return out;
}

/**
 * A bundle like part B's: the log as a source file (as a snapshot would be), documents and texts
 * as bytes. `scale` multiplies the sizes (1 ≈ 2.6 MB).
 */
export async function sampleBundle(t: Pick<TestContext, 'after'>, scale = 1): Promise<{ files: BundleFile[]; manifest: Manifest; source: string }> {
  const source = path.join(tempDir(t, 'ksk-ceremony-data-'), 'snapshot.sqlite');
  writeFileSync(source, pseudoRandom('log', Math.round(1_500_000 * scale)));
  const files: BundleFile[] = [
    { path: 'log/ceremony.sqlite', sourceFile: source },
    { path: 'documents/record.pdf', bytes: pseudoRandom('record', Math.round(900_000 * scale)) },
    { path: 'documents/script.pdf', bytes: pseudoRandom('script', Math.round(200_000 * scale)) },
    { path: 'chapters.vtt', bytes: Buffer.from('WEBVTT\n\n1\n00:00:00.000 --> 00:01:00.000\nStep 1.1\n') },
    { path: 'README.txt', bytes: Buffer.from('Bundle of ceremony KSK-R55 for auditors.\n') },
  ];
  return { files, manifest: await buildManifest(files, { ceremony: 'KSK-R55', mode: 'REHEARSAL' }), source };
}

/** Every file below a folder with its bytes, by relative path. */
export function tree(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const name of readdirSync(path.join(dir, prefix)).sort()) {
    const relative = prefix ? `${prefix}/${name}` : name;
    if (statSync(path.join(dir, relative)).isDirectory()) for (const [k, v] of tree(dir, relative)) out.set(k, v);
    else out.set(relative, readFileSync(path.join(dir, relative)));
  }
  return out;
}

export function fileHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
