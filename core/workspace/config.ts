import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../dnssec/files.js';
import { KskError, messageOf } from '../errors.js';
import { auditKeyFingerprint, parseAuditKeyPin, type AuditKeyPin } from '../evidence/auditKey.js';
import { CHECKPOINT_FILE, readCheckpoints, type SignedCheckpoint } from '../evidence/checkpoints.js';
import { sealKeySchema, type SealKey } from '../evidence/events.js';
import { readRegularFileSync } from '../system/inputFiles.js';

/**
 * workspace.json: what is decided once, when the workspace is commissioned, and kept outside the
 * evidence log so that the log cannot vouch for itself. Today that is the audit key: its public key
 * and fingerprint are pinned here, printed on the paper of every ceremony and in every bundle, and a
 * seal or checkpoint by any other key is refused by verification.
 */
export const WORKSPACE_CONFIG_FILE = 'workspace.json';

const configSchema = z.strictObject({
  format: z.literal('ksk-ceremony.workspace'),
  v: z.literal(1),
  commissionedAt: z.string(),
  auditKey: sealKeySchema,
  /** SHA-256 fingerprint of the audit key in hex (see core/evidence/auditKey.ts); checked on read. */
  auditKeyFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
});
export type WorkspaceConfig = z.infer<typeof configSchema>;

export function workspaceConfigPath(root: string): string {
  return path.join(root, WORKSPACE_CONFIG_FILE);
}

/** The workspace's config, or null when it was never commissioned. */
export function readWorkspaceConfig(root: string): WorkspaceConfig | null {
  const file = workspaceConfigPath(root);
  if (!existsSync(file)) return null;
  let config: WorkspaceConfig;
  try {
    config = configSchema.parse(JSON.parse(readRegularFileSync(file, 'workspace config', 1024 * 1024).toString('utf8')));
  } catch (e) {
    if (e instanceof KskError) throw e;
    throw new KskError('BAD_INPUT_FILE', `The workspace config ${file} is not valid: ${messageOf(e).split('\n')[0]}`);
  }
  if (auditKeyFingerprint(config.auditKey).hex !== config.auditKeyFingerprint) {
    throw new KskError('TAMPERED', `The workspace config ${file} states an audit key fingerprint that is not its key's: the file was edited.`);
  }
  return config;
}

/**
 * Pins the audit key at commissioning. Once pinned it never changes here: a different key is
 * refused, so a key swapped in the HSM (or a forger's key) cannot quietly become the workspace's.
 */
export async function pinAuditKey(root: string, key: SealKey, now: Date): Promise<WorkspaceConfig> {
  const existing = readWorkspaceConfig(root);
  if (existing) {
    if (existing.auditKey.algorithm === key.algorithm && existing.auditKey.publicKey === key.publicKey) return existing;
    throw new KskError(
      'POLICY_FAILURE',
      `The audit key offered (fingerprint ${auditKeyFingerprint(key).hex}) is not the one pinned when the workspace was commissioned (${existing.auditKeyFingerprint}, in ${workspaceConfigPath(root)}): nothing is sealed or checkpointed with another key.`,
    );
  }
  const config: WorkspaceConfig = {
    format: 'ksk-ceremony.workspace',
    v: 1,
    commissionedAt: now.toISOString(),
    auditKey: key,
    auditKeyFingerprint: auditKeyFingerprint(key).hex,
  };
  await writeFileAtomic(workspaceConfigPath(root), `${JSON.stringify(config, null, 2)}\n`);
  return config;
}

/** The pin a workspace's config gives verification, or null when the workspace was never commissioned. */
export function workspacePin(root: string): AuditKeyPin | null {
  const config = readWorkspaceConfig(root);
  return config ? { fingerprints: [config.auditKeyFingerprint], source: `the workspace config ${workspaceConfigPath(root)}` } : null;
}

/**
 * Which audit key a verification holds seals to: the caller's `--audit-key` first, else the config
 * of the workspace the log is in (`--workspace`, or the folder of the log), else none.
 */
export function verificationPin(auditKey: string | undefined, logFile: string, workspaceDir?: string): AuditKeyPin | null {
  if (auditKey !== undefined) return parseAuditKeyPin(auditKey);
  return workspacePin(workspaceDir ?? path.dirname(path.resolve(logFile)));
}

/** The checkpoints a verification holds the log to: the workspace's file and any the caller names (a mirror). */
export function verificationCheckpoints(logFile: string, workspaceDir: string | undefined, extra: readonly string[]): SignedCheckpoint[] {
  const root = workspaceDir ?? path.dirname(path.resolve(logFile));
  return [path.join(root, CHECKPOINT_FILE), ...extra].flatMap((f) => readCheckpoints(f));
}
