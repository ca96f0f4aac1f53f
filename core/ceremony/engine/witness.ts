import { existsSync } from 'node:fs';
import path from 'node:path';
import { utcIso, type Clock } from '../../clock.js';
import { KskError } from '../../errors.js';
import {
  appendCheckpoint,
  checkpointFiles,
  compareWithCheckpoints,
  MIRROR_FOLDER,
  readCheckpoints,
  signCheckpoint,
  type SignedCheckpoint,
} from '../../evidence/checkpoints.js';
import type { EvidenceStore } from '../../evidence/store.js';
import { findRemovableMedia } from '../../export/media.js';
import { workspacePin } from '../../workspace/config.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { AuditSealer } from './run.js';

/**
 * The engine's witness: signs a checkpoint of a ceremony's head with the audit key and writes it
 * outside the database (see core/evidence/checkpoints.ts), and on resume holds the log to the
 * newest checkpoint. The mirrors are the folders named in KSK_CHECKPOINT_MIRROR (separated by ':')
 * and a "ksk-ceremony-mirror" folder on any removable medium mounted now: a medium is used only
 * when its owner made that folder, so the app never writes to a stick nobody meant for it.
 */
const MEDIA_LOOK_MS = 3000;

export class CheckpointWitness {
  /** The newest checkpoint made in this process, per ceremony: the head is not signed twice. */
  readonly #signed = new Map<string, number>();
  /** The newest checkpoint known (made here, or read on resume), per ceremony. */
  readonly #newest = new Map<string, SignedCheckpoint>();
  /** Ceremonies whose checkpoints were looked for in the workspace file: the state is read often, the file once. */
  readonly #fileRead = new Set<string>();

  newest(ceremonyId: string): SignedCheckpoint | null {
    const known = this.#newest.get(ceremonyId);
    if (known || this.#fileRead.has(ceremonyId)) return known ?? null;
    this.#fileRead.add(ceremonyId);
    // After a restart, before the first change holds the log to its checkpoints: the newest one in
    // the workspace's own file that the log agrees with, so the screens show what the IW initialled.
    const own = readCheckpoints(checkpointFiles(this.workspace.root)[0] as string)
      .filter((s) => s.checkpoint.ceremonyId === ceremonyId && this.store.hashAt(ceremonyId, s.checkpoint.headSeq) === s.checkpoint.headHash)
      .sort((a, b) => a.checkpoint.headSeq - b.checkpoint.headSeq)
      .at(-1);
    if (own) this.#newest.set(ceremonyId, own);
    return own ?? null;
  }

  constructor(
    private readonly store: EvidenceStore,
    private readonly workspace: Workspace,
    private readonly auditSealer: AuditSealer,
    private readonly clock: Clock,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The mirrors found last, and when: media are looked for again at most every few seconds, not at every change. */
  #found: { at: number; mirrors: string[] } | null = null;

  async #mirrors(): Promise<string[]> {
    const now = Date.now();
    if (this.#found && now - this.#found.at < MEDIA_LOOK_MS) return this.#found.mirrors;
    const named = (this.env.KSK_CHECKPOINT_MIRROR ?? '').split(':').filter((d) => d.length > 0);
    const media = await findRemovableMedia().catch(() => []);
    const marked = media
      .filter((m) => !m.readOnly)
      .map((m) => path.join(m.mountPoint, MIRROR_FOLDER))
      .filter((d) => existsSync(d));
    this.#found = { at: now, mirrors: [...named, ...marked] };
    return this.#found.mirrors;
  }

  /** Signs and writes a checkpoint of the ceremony's head, unless that head is already witnessed. */
  async checkpoint(ceremonyId: string, reason: string): Promise<SignedCheckpoint | null> {
    const head = this.store.head(ceremonyId);
    if (!head || (this.#signed.get(ceremonyId) ?? 0) >= head.seq) return null;
    const audit = await this.auditSealer(ceremonyId);
    let signed: SignedCheckpoint;
    try {
      signed = await signCheckpoint(audit.sealer, { ceremonyId, headSeq: head.seq, headHash: head.hash, at: utcIso(this.clock.now()), reason });
    } finally {
      await audit.release();
    }
    const files = checkpointFiles(this.workspace.root, await this.#mirrors());
    const failed = appendCheckpoint(files, signed);
    if (failed.includes(files[0] as string)) {
      throw new KskError(
        'STORAGE_ERROR',
        `The checkpoint of ceremony ${ceremonyId} at event ${head.seq} could not be written to ${files[0]}: the ceremony's events are recorded, but are not witnessed outside the log. Free space or fix the workspace, then go on.`,
      );
    }
    this.#signed.set(ceremonyId, head.seq);
    this.#newest.set(ceremonyId, signed);
    return signed;
  }

  /**
   * On resume: the log must hold every head a checkpoint witnessed, with its hash. A cut tail or a
   * lost -wal is refused by name, never healed by going on from what is left.
   */
  async holdToNewest(ceremonyId: string): Promise<void> {
    const files = checkpointFiles(this.workspace.root, await this.#mirrors());
    const checkpoints = files.flatMap((f) => readCheckpoints(f)).filter((s) => s.checkpoint.ceremonyId === ceremonyId);
    const findings = compareWithCheckpoints(this.store, checkpoints, workspacePin(this.workspace.root));
    if (findings.length > 0) {
      throw new KskError(
        'TAMPERED',
        `${findings[0]?.message} The ceremony cannot go on from this log: verify it (ksk-ceremony log verify), restore the replica on the export medium, or record what happened as a witnessed exception in a new ceremony.`,
      );
    }
    for (const s of checkpoints) {
      if (s.checkpoint.headSeq <= (this.#signed.get(ceremonyId) ?? 0)) continue;
      this.#signed.set(ceremonyId, s.checkpoint.headSeq);
      this.#newest.set(ceremonyId, s);
    }
  }
}
