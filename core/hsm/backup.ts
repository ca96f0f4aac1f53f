import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { KskError } from '../errors.js';
import { sha256 } from '../hash/sha256.js';
import type { KskSummary } from '../dnssec/dnskey.js';
import type { HsmKey, KeyAttributes } from './port.js';

/**
 * The encrypted backup of a KSK: the private key wrapped (RFC 5649, CKM_AES_KEY_WRAP_PAD) under a
 * fresh AES-256 key-backup key, plus everything a restore must check the result against. The
 * key-backup key itself is never stored: it exists only as RKSH shares. The file's SHA-256 and each
 * share's hash go into the log.
 */
export const KEY_BACKUP_FORMAT = 'ksk-ceremony/key-backup/1';

const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

export const keyBackupSchema = z.object({
  format: z.literal(KEY_BACKUP_FORMAT),
  backupId: hex(8),
  createdAt: z.string(),
  key: z.object({
    label: z.string().min(1),
    idHex: z.string().regex(/^[0-9a-f]*$/),
    algorithm: z.union([z.literal(8), z.literal(13), z.literal(14), z.literal(15)]),
    publicKey: z.string().min(1),
    dnskey: z.string(),
    keyTag: z.number().int(),
    dsDigestHex: z.string(),
  }),
  source: z.object({ tokenLabel: z.string(), serial: z.string(), model: z.string(), manufacturer: z.string() }),
  wrapping: z.object({ mechanism: z.literal('CKM_AES_KEY_WRAP_PAD'), keyBits: z.literal(256), keyCommitment: hex(32) }),
  wrappedKey: z.string().min(1),
  recovery: z.object({ threshold: z.number().int(), total: z.number().int(), shareHashes: z.array(hex(32)) }),
});
export type KeyBackup = z.infer<typeof keyBackupSchema>;

/** SHA-256 over a domain tag, the backup id and the key-backup key: checks shares rebuilt the right key. */
export function backupKeyCommitment(backupId: string, key: Uint8Array): string {
  return sha256(Buffer.concat([Buffer.from('ksk-ceremony key-backup v1\0'), Buffer.from(backupId, 'hex'), key])).toString('hex');
}

export function checkBackupKey(backup: KeyBackup, key: Uint8Array): void {
  const expected = Buffer.from(backup.wrapping.keyCommitment, 'hex');
  if (!timingSafeEqual(Buffer.from(backupKeyCommitment(backup.backupId, key), 'hex'), expected)) {
    throw new KskError(
      'BAD_INPUT_FILE',
      `The shares do not rebuild the key-backup key of backup ${backup.backupId.toUpperCase()}; nothing was sent to the HSM.`,
    );
  }
}

/** The bytes of the backup file (the hash the log records is over exactly these). */
export function serializeBackup(backup: KeyBackup): Buffer {
  return Buffer.from(`${JSON.stringify(keyBackupSchema.parse(backup), null, 2)}\n`, 'utf8');
}

export function parseBackup(bytes: Uint8Array, source = 'the backup file'): KeyBackup {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new KskError('BAD_INPUT_FILE', `${source} is not a KSK backup: it is not JSON.`);
  }
  const parsed = keyBackupSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KskError('BAD_INPUT_FILE', `${source} is not a valid KSK backup: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown problem'}.`);
  }
  return parsed.data;
}

export function backupHash(bytes: Uint8Array): string {
  return sha256(bytes).toString('hex');
}

/** What a restore proves: the key in the new token is the backed-up one. */
export interface RestoredKey {
  key: HsmKey;
  summary: KskSummary;
  attributes: KeyAttributes;
  backupId: string;
  /** The public half read back from the new token equals the recorded DNSKEY. */
  publicKeyMatchesBackup: boolean;
  /** A test signature by the restored private key verified with the recorded public key. */
  testSignatureVerified: boolean;
  restoredAt: string;
  token: { label: string; serial: string };
}
