import { randomBytes } from 'node:crypto';
import type pkcs11js from 'pkcs11js';
import type { AlgorithmNumber } from '../../core/dnssec/algorithms.js';
import { KSK_FLAGS, summarizeKsk } from '../../core/dnssec/dnskey.js';
import { backupKeyCommitment, checkBackupKey, KEY_BACKUP_FORMAT, type KeyBackup, type RestoredKey } from '../../core/hsm/backup.js';
import { capability, type HsmProfile } from '../../core/hsm/capabilities.js';
import { HsmError, type HsmErrorContext } from '../../core/hsm/errors.js';
import { checkKeyLabel } from '../../core/hsm/label.js';
import { checkQuorum, checkShareSet, combineShares, shareHash, splitSecret, type Share } from '../../core/hsm/shares.js';
import { CK } from '../ck.js';
import { checkPolicy, discard } from './keygen.js';
import { findKeyPair, objectsLabelled, readAttributes, readKeyAttributes } from './objects.js';
import { call, ckrError, describeToken, type Handle, type P11 } from './pkcs11.js';
import { signAndVerify } from './sign.js';
import { backupKeyTemplate, keyTypeOf, kskPrivateTemplate, kskPublicTemplate, publicKeyAttributes } from './templates.js';

/** The session as backup and restore need it: the library, the handles, and the login steps. */
export interface BackupSession {
  p11: P11;
  slot: Handle;
  handle: Handle;
  tokenLabel: string;
  logout(): void;
  loginSecurityOfficer(soPin: string): void;
  login(pin: string | undefined): void;
  profile(): HsmProfile;
}

const WRAP = { mechanism: CK.CKM_AES_KEY_WRAP_PAD };

/** Refuses, by the capability's name, what the token's profile says it cannot do, before the HSM is asked anything. */
function requireCapability(s: BackupSession, id: 'backup-by-wrapping' | 'restore-from-backup'): void {
  const c = capability(s.profile(), id);
  if (!c.supported) throw new HsmError('MECHANISM_NOT_SUPPORTED', `Token "${s.tokenLabel}" cannot ${id}: ${c.detail}.`);
}

/** 32 bytes from the HSM's RNG and 32 from the host's, XORed: neither RNG alone decides the key. */
function newBackupKey(p11: P11, session: Handle): Buffer {
  const fromHsm = call({ operation: 'draw random bytes from the HSM' }, () => p11.C_GenerateRandom(session, Buffer.alloc(32)));
  const key = randomBytes(32);
  for (let i = 0; i < 32; i++) key[i] = (key[i] as number) ^ (fromHsm[i] as number);
  fromHsm.fill(0);
  return key;
}

function destroyQuietly(p11: P11, session: Handle, object: Handle | null): void {
  if (!object) return;
  try {
    p11.C_DestroyObject(session, object);
  } catch {
    // A session object goes with its session in any case.
  }
}

/**
 * Backs a KSK up: the Security Officer installs a fresh key-backup key as a trusted session
 * object, the user (COs) logs in again, the KSK is wrapped under it, and the key is split into
 * RKSH shares and wiped. Needs both credentials, as a real HSM's backup does.
 */
export async function backupKey(
  s: BackupSession,
  args: { label: string; soPin: string; userPin?: string; threshold: number; total: number; at: string },
): Promise<{ backup: KeyBackup; shares: Share[] }> {
  checkQuorum(args.threshold, args.total);
  requireCapability(s, 'backup-by-wrapping');
  const { p11, handle } = s;
  const backupId = randomBytes(8).toString('hex');
  const kbk = newBackupKey(p11, handle);
  let kbkObject: Handle | null = null;
  try {
    s.logout();
    s.loginSecurityOfficer(args.soPin);
    try {
      kbkObject = call({ operation: 'install the key-backup key as a trusted key', token: s.tokenLabel }, () =>
        p11.C_CreateObject(handle, backupKeyTemplate(kbk, 'wrap')),
      );
    } finally {
      s.logout();
    }
    s.login(args.userPin);
    const pair = findKeyPair(p11, handle, args.label);
    if (!pair?.privateKey || pair.algorithm === null || !pair.dnskeyKey) {
      throw new HsmError('KEY_NOT_FOUND', `Token "${s.tokenLabel}" has no usable key pair labelled "${args.label}" to back up.`);
    }
    const room = Buffer.alloc(pair.dnskeyKey.length * 8 + 4096);
    let wrapped: Buffer;
    try {
      wrapped = p11.C_WrapKey(handle, WRAP, kbkObject as Handle, pair.privateKey, room);
    } catch (e) {
      // SoftHSM2 2.6 wraps RSA and EC private keys but not Edwards-curve ones, and says only "not wrappable".
      if ((e as Error).message === 'CKR_KEY_NOT_WRAPPABLE' && pair.keyType === CK.CKK_EC_EDWARDS) {
        throw new HsmError(
          'MECHANISM_NOT_SUPPORTED',
          `Token "${s.tokenLabel}" cannot wrap Ed25519 private keys, so key "${args.label}" cannot be backed up this way; use the HSM's own backup.`,
          'CKR_KEY_NOT_WRAPPABLE',
        );
      }
      throw ckrError(e, { operation: `wrap key "${args.label}" under the key-backup key`, token: s.tokenLabel, key: args.label });
    }
    const shares = await splitSecret('backup', backupId, kbk, args.threshold, args.total);
    const summary = summarizeKsk('.', 172800, { flags: KSK_FLAGS, protocol: 3, algorithm: pair.algorithm, publicKey: pair.dnskeyKey });
    const token = describeToken(p11, s.slot);
    return {
      shares,
      backup: {
        format: KEY_BACKUP_FORMAT,
        backupId,
        createdAt: args.at,
        key: {
          label: args.label,
          idHex: pair.id.toString('hex'),
          algorithm: pair.algorithm as 8 | 13 | 14 | 15,
          publicKey: pair.dnskeyKey.toString('base64'),
          dnskey: summary.dnskey,
          keyTag: summary.keyTag,
          dsDigestHex: summary.dsDigestHex,
        },
        source: { tokenLabel: token.label, serial: token.serial, model: token.model, manufacturer: token.manufacturer },
        wrapping: { mechanism: 'CKM_AES_KEY_WRAP_PAD', keyBits: 256, keyCommitment: backupKeyCommitment(backupId, kbk) },
        wrappedKey: Buffer.from(wrapped).toString('base64'),
        recovery: { threshold: args.threshold, total: args.total, shareHashes: shares.map(shareHash) },
      },
    };
  } finally {
    destroyQuietly(p11, handle, kbkObject);
    kbk.fill(0);
  }
}

/**
 * Unwraps the blob. The key-backup key was already checked against the backup's commitment, so a
 * token that fails the unwrap without saying why (SoftHSM2 answers CKR_GENERAL_ERROR when the RFC
 * 5649 integrity check fails) is told to have found a blob that is not this backup's.
 */
async function unwrap(s: BackupSession, kbkObject: Handle, backup: KeyBackup, template: pkcs11js.Template, ctx: HsmErrorContext): Promise<Handle> {
  try {
    return await s.p11.C_UnwrapKeyAsync(s.handle, WRAP, kbkObject, Buffer.from(backup.wrappedKey, 'base64'), template);
  } catch (e) {
    const ckr = (e as Error).message;
    if (ckr === 'CKR_GENERAL_ERROR' || ckr === 'CKR_FUNCTION_FAILED') {
      throw new HsmError(
        'WRAPPED_KEY_INVALID',
        `Token "${s.tokenLabel}" could not unwrap the key of backup ${backup.backupId.toUpperCase()} (${ckr}): the wrapped key in the file is damaged or is not the one this backup's shares protect.`,
        ckr,
        { cause: e },
      );
    }
    throw ckrError(e, ctx);
  }
}

/**
 * Restores a backed-up KSK into this token: M RKSH shares rebuild the key-backup key (checked
 * against the backup's commitment before the HSM sees it), the blob is unwrapped here with the
 * KSK policy, the public half is recreated from the recorded DNSKEY, and the pair must sign a test
 * message that verifies with the recorded public key. Anything short of that is removed again.
 */
export async function restoreKey(
  s: BackupSession & { loggedIn: boolean },
  args: { backup: KeyBackup; shares: Share[]; label?: string; at: string },
): Promise<RestoredKey> {
  const { backup } = args;
  requireCapability(s, 'restore-from-backup');
  checkShareSet(args.shares, {
    kind: 'backup',
    setId: backup.backupId,
    threshold: backup.recovery.threshold,
    total: backup.recovery.total,
    shareHashes: backup.recovery.shareHashes,
  });
  const kbk = await combineShares(args.shares);
  let kbkObject: Handle | null = null;
  try {
    checkBackupKey(backup, kbk);
    if (!s.loggedIn) throw new HsmError('NOT_LOGGED_IN', `Restoring a key needs a logged-in session on token "${s.tokenLabel}".`);
    const { p11, handle } = s;
    const label = checkKeyLabel(args.label ?? backup.key.label);
    if (objectsLabelled(p11, handle, label).length > 0) {
      throw new HsmError('DUPLICATE_LABEL', `Token "${s.tokenLabel}" already holds an object labelled "${label}"; the key is not restored over it.`);
    }
    const algorithm = backup.key.algorithm as AlgorithmNumber;
    const recorded = Buffer.from(backup.key.publicKey, 'base64');
    const keyType = keyTypeOf(algorithm);
    const id = Buffer.from(backup.key.idHex, 'hex');
    const ctx = { operation: `restore key "${label}" from backup ${backup.backupId.toUpperCase()}`, token: s.tokenLabel, key: label };
    kbkObject = call(ctx, () => p11.C_CreateObject(handle, backupKeyTemplate(kbk, 'unwrap')));
    const privateKey = await unwrap(s, kbkObject, backup, kskPrivateTemplate(keyType, label, id, true), ctx);
    const created: Handle[] = [privateKey];
    try {
      created.push(call(ctx, () => p11.C_CreateObject(handle, kskPublicTemplate(keyType, label, id, publicKeyAttributes(algorithm, recorded)))));
      const found = findKeyPair(p11, handle, label);
      if (!found?.privateKey || !found.dnskeyKey || found.algorithm !== algorithm)
        throw new HsmError('DEVICE_ERROR', `The restored key "${label}" cannot be read back.`);
      let matches = found.dnskeyKey.equals(recorded);
      if (keyType === CK.CKK_RSA) {
        const modulus = readAttributes(p11, handle, found.privateKey, [CK.CKA_MODULUS]).get(CK.CKA_MODULUS);
        matches &&= !!modulus && recorded.subarray(recorded.length - modulus.length).equals(modulus);
      }
      if (!matches)
        throw new HsmError(
          'WRAPPED_KEY_INVALID',
          `The key unwrapped from backup ${backup.backupId.toUpperCase()} is not the recorded ${backup.key.dnskey.split(' ').slice(0, 7).join(' ')} key.`,
        );
      const attributes = readKeyAttributes(p11, handle, found.privateKey);
      checkPolicy(attributes, true);
      signAndVerify(
        p11,
        handle,
        s.profile(),
        { label, privateKey: found.privateKey, algorithm, dnskeyKey: recorded },
        Buffer.from(`ksk-ceremony restore test ${backup.backupId}`),
      );
      const token = describeToken(p11, s.slot);
      return {
        key: { label, idHex: id.toString('hex'), algorithm, publicKey: found.dnskeyKey },
        summary: summarizeKsk('.', 172800, { flags: KSK_FLAGS, protocol: 3, algorithm, publicKey: found.dnskeyKey }),
        attributes,
        backupId: backup.backupId,
        publicKeyMatchesBackup: true,
        testSignatureVerified: true,
        restoredAt: args.at,
        token: { label: token.label, serial: token.serial },
      };
    } catch (e) {
      return discard(p11, handle, label, created, e);
    }
  } finally {
    destroyQuietly(s.p11, s.handle, kbkObject);
    kbk.fill(0);
  }
}
