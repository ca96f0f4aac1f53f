import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../clock.js';
import { exportCeremony } from '../../evidence/export.js';
import { EvidenceStore } from '../../evidence/store.js';
import { toPgpWords } from '../../hash/pgpWords.js';
import { openWorkspace, scratchFolder, type Workspace } from '../../workspace/workspace.js';
import { buildManifest } from '../manifest.js';
import { writeBundle } from '../writeBundle.js';
import { bundleContents, LOG_FILE, type BundleMeta } from './contents.js';

export interface ExportBundleOptions {
  /** The workspace folder (or the workspace) whose evidence log holds the ceremony. */
  workspace: string | Workspace;
  ceremonyId: string;
  /** The folder the bundle folder is written into: a stick's mount point, or a folder the CA chose. */
  to: string;
  /** When the camera recording started, UTC; the ceremony's camera-start step when absent. */
  recordingStart?: string;
  /** Replace a bundle of the same name in `to`, once the new one is written and verified. */
  replace?: boolean;
  onProgress?: (progress: { label: string; fraction: number }) => void;
}

export interface ExportedBundle {
  path: string;
  manifestSha256: string;
  files: number;
  bytes: number;
  ceremonyId: string;
  mode: BundleMeta['mode'];
  sealed: boolean;
  logHead: { seq: number; hex: string; pgpWords: string[] };
}

/**
 * The bundle's folder name. A rehearsal's says so, so it is never taken for a production record;
 * a partial one (written during the ceremony, before the seal) says so and up to which event, so
 * it sits beside the final one on the same stick and neither is taken for the other.
 */
export function bundleName(
  ceremonyId: string,
  mode: BundleMeta['mode'],
  kind: { sealed: true } | { sealed: false; headSeq: number } = { sealed: true },
): string {
  const prefix = mode === 'REHEARSAL' && !/rehearsal/i.test(ceremonyId) ? 'REHEARSAL-' : '';
  return `${prefix}${ceremonyId}-${kind.sealed ? 'final' : `partial-e${kind.headSeq}`}-bundle`;
}

/**
 * Exports a ceremony for the auditors: a consistent snapshot of its log (events, artifacts, seal,
 * read in one transaction while the app may keep writing), and everything the bundle derives from
 * that snapshot (bundleContents), written with writeBundle: under a temporary name, fsynced, read
 * back and verified against the manifest, then renamed into place. The workspace is only read; the
 * snapshot is made in its scratch folder and removed. The same log gives the same bytes.
 */
export async function exportBundle(options: ExportBundleOptions): Promise<ExportedBundle> {
  const workspace = typeof options.workspace === 'string' ? openWorkspace(options.workspace) : options.workspace;
  const progress = options.onProgress ?? (() => undefined);
  const scratchRoot = scratchFolder(workspace);
  mkdirSync(scratchRoot, { recursive: true, mode: 0o700 });
  const scratch = mkdtempSync(path.join(scratchRoot, 'ksk-bundle-'));
  try {
    progress({ label: 'Taking a snapshot of the log', fraction: 0 });
    const snapshot = path.join(scratch, 'ceremony.sqlite');
    exportCeremony(workspace.database, options.ceremonyId, snapshot, { requireSealed: false });
    progress({ label: 'Rendering the documents', fraction: 0.1 });
    const store = EvidenceStore.openReadOnly(snapshot, systemClock);
    let contents;
    try {
      contents = await bundleContents(store, options.ceremonyId, options.recordingStart ? { recordingStart: options.recordingStart } : {});
    } finally {
      store.close();
    }
    const files = [{ path: LOG_FILE, sourceFile: snapshot }, ...contents.files];
    const manifest = await buildManifest(files, contents.meta);
    progress({ label: 'Writing the bundle', fraction: 0.3 });
    const written = await writeBundle({
      targetDir: options.to,
      name: bundleName(
        options.ceremonyId,
        contents.meta.mode,
        contents.meta.sealed === 'yes' ? { sealed: true } : { sealed: false, headSeq: Number(contents.meta.logHeadSeq) },
      ),
      files,
      manifest,
      replace: options.replace === true,
      onProgress: (p) => progress({ label: p.phase === 'write' ? `Writing ${p.path}` : 'Reading the bundle back', fraction: 0.3 + 0.7 * (p.done / p.total) }),
    });
    const head = contents.meta.logHead;
    return {
      path: written.path,
      manifestSha256: written.manifestSha256,
      files: written.files,
      bytes: written.bytes,
      ceremonyId: options.ceremonyId,
      mode: contents.meta.mode,
      sealed: contents.meta.sealed === 'yes',
      logHead: { seq: Number(contents.meta.logHeadSeq), hex: head, pgpWords: toPgpWords(Buffer.from(head, 'hex')) },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
