import type { KeyObject } from 'node:crypto';
import { algorithmName, keySizeBits, publicKeyObject, type AlgorithmNumber } from '../../core/dnssec/algorithms.js';
import { KSK_FLAGS, keyTag } from '../../core/dnssec/dnskey.js';
import type { RestoredKey } from '../../core/hsm/backup.js';
import { HsmError } from '../../core/hsm/errors.js';
import { decodeShare, encodeShare, type Share } from '../../core/hsm/shares.js';
import type { HsmProfile } from '../../core/hsm/capabilities.js';
import type { DestroyEvidence, GeneratedKsk, GenerateKskOptions, HsmIdentity, HsmKey, KeyInventoryEntry } from '../../core/hsm/port.js';
import { CK } from '../ck.js';
import { generateKsk, type OperationContext } from './keygen.js';
import { findKeyPair, findObjects, labelsWithId, listKeyPairs, objectsLabelled, readAttributes, readKeyAttributes, type KeyPairObjects } from './objects.js';
import type * as backup from './backup.js';
import { call, ckrError, describeSlot, describeToken, findTokenSlot, moduleInfo, readProfile, type Handle, type P11 } from './pkcs11.js';
import { signAndVerify } from './sign.js';

const SHARE_APPLICATION = 'ksk-ceremony';
/** CKS_RO_USER_FUNCTIONS and CKS_RW_USER_FUNCTIONS. */
const USER_STATES = [1, 3];

interface UsableKey {
  label: string;
  privateKey: Handle;
  algorithm: AlgorithmNumber;
  dnskeyKey: Buffer;
  /** The public half as node:crypto uses it, imported once for every signature's check. */
  verifyKey: KeyObject;
  idHex: string;
}

function tagOf(pair: KeyPairObjects): number | null {
  return pair.algorithm !== null && pair.dnskeyKey ? keyTag({ flags: KSK_FLAGS, protocol: 3, algorithm: pair.algorithm, publicKey: pair.dnskeyKey }) : null;
}

/**
 * One PKCS#11 session with one token, inside the module host worker. Keys found by label are
 * remembered (handle and public key) until something on the token changes them.
 */
export class TokenSession {
  private readonly keys = new Map<string, UsableKey>();
  #profile: HsmProfile | null = null;
  loggedIn = false;
  private removed: HsmError | null = null;

  private constructor(
    readonly p11: P11,
    private readonly modulePath: string,
    readonly slot: Handle,
    readonly handle: Handle,
    readonly tokenLabel: string,
  ) {}

  /**
   * Whether the token still answers. Some tokens report a removal as such; others (SoftHSM2 with
   * its folder gone) fail with a general error or answer "nothing found", so every failure and
   * every empty answer is checked against this before it is believed.
   */
  present(): boolean {
    if (this.removed) return false;
    try {
      this.p11.C_GetSessionInfo(this.handle);
      this.p11.C_GetTokenInfo(this.slot);
      return true;
    } catch {
      return false;
    }
  }

  /** The error for a token that stopped answering; remembered, so later calls fail at once. */
  removedError(cause?: unknown): HsmError {
    this.removed ??= new HsmError(
      'TOKEN_REMOVED',
      `Token "${this.tokenLabel}" no longer answers: it was removed or the HSM connection was lost. Check it and open a new session; nothing more was done.`,
      cause instanceof HsmError ? cause.ckr : undefined,
      { cause },
    );
    return this.removed;
  }

  private assertPresent(): void {
    this.throwIfRemoved();
    if (!this.present()) throw this.removedError();
  }

  throwIfRemoved(): void {
    if (this.removed) throw this.removed;
  }

  logout(): void {
    try {
      this.p11.C_Logout(this.handle);
    } catch (e) {
      if ((e as Error).message !== 'CKR_USER_NOT_LOGGED_IN') throw ckrError(e, { operation: 'log out', token: this.tokenLabel });
    }
    this.loggedIn = false;
    this.keys.clear();
  }

  loginSecurityOfficer(soPin: string): void {
    call({ operation: 'log in as Security Officer', token: this.tokenLabel }, () => this.p11.C_Login(this.handle, CK.CKU_SO, soPin));
  }

  /** The Security Officer sets a new user PIN (C_InitPIN); the session ends logged out. */
  initUserPin(soPin: string, newPin: string): void {
    this.logout();
    this.loginSecurityOfficer(soPin);
    try {
      call({ operation: 'set the user PIN', token: this.tokenLabel }, () => this.p11.C_InitPIN(this.handle, newPin));
    } finally {
      this.logout();
    }
  }

  /** The user changes the PIN (C_SetPIN with the old one); the session stays as it was. */
  changeUserPin(oldPin: string, newPin: string): void {
    call({ operation: 'change the user PIN', token: this.tokenLabel }, () => this.p11.C_SetPIN(this.handle, oldPin, newPin));
  }

  static open(p11: P11, modulePath: string, tokenLabel: string): TokenSession {
    const slot = findTokenSlot(p11, tokenLabel);
    const handle = call({ operation: 'open a session', token: tokenLabel }, () => p11.C_OpenSession(slot, CK.CKF_SERIAL_SESSION | CK.CKF_RW_SESSION));
    return new TokenSession(p11, modulePath, slot, handle, tokenLabel);
  }

  /**
   * Logs the user in. Without a PIN, only a token with a protected authentication path (PED,
   * operator cards, its own keypad) can be logged in: the HSM then collects the credentials itself.
   */
  login(pin: string | undefined): void {
    const token = describeToken(this.p11, this.slot);
    if (token.userPinLocked)
      throw new HsmError(
        'PIN_LOCKED',
        `The user PIN of token "${this.tokenLabel}" is locked; only its Security Officer can unlock it. No login was attempted.`,
        'CKR_PIN_LOCKED',
      );
    if (pin === undefined && !token.protectedAuthenticationPath) {
      throw new HsmError(
        'NOT_LOGGED_IN',
        `Token "${this.tokenLabel}" needs a PIN: it has no protected authentication path (PED or operator cards) for the HSM to collect credentials itself.`,
      );
    }
    try {
      this.p11.C_Login(this.handle, CK.CKU_USER, pin);
    } catch (e) {
      if ((e as Error).message !== 'CKR_USER_ALREADY_LOGGED_IN') throw ckrError(e, { operation: 'log in', token: this.tokenLabel });
    }
    this.loggedIn = true;
    this.keys.clear();
  }

  /** What the token can do (core/hsm/capabilities.ts), read once per session: a token's mechanisms do not change under it. */
  profile(): HsmProfile {
    this.#profile ??= readProfile(this.p11, this.slot);
    return this.#profile;
  }

  identity(): HsmIdentity {
    const slot = describeSlot(this.p11, this.slot);
    return {
      module: { path: this.modulePath, ...moduleInfo(this.p11) },
      slot: {
        id: slot.id,
        description: slot.description,
        manufacturer: slot.manufacturer,
        hardwareVersion: slot.hardwareVersion,
        firmwareVersion: slot.firmwareVersion,
      },
      token: slot.token ?? describeToken(this.p11, this.slot),
      // PKCS#11 login is per token and application: another session may have logged in or out.
      loggedIn: USER_STATES.includes(call({ operation: 'read the session state', token: this.tokenLabel }, () => this.p11.C_GetSessionInfo(this.handle)).state),
    };
  }

  private usableKey(label: string): UsableKey | null {
    const cached = this.keys.get(label);
    if (cached) return cached;
    const pair = findKeyPair(this.p11, this.handle, label);
    if (!pair) return null;
    if (pair.algorithm === null || !pair.dnskeyKey) {
      throw new HsmError(
        'MECHANISM_NOT_SUPPORTED',
        `Key "${label}" is not of a DNSSEC algorithm the app signs with (RSASHA256, ECDSAP256SHA256, ECDSAP384SHA384, ED25519).`,
      );
    }
    const key = {
      label,
      privateKey: pair.privateKey ?? Buffer.alloc(0),
      algorithm: pair.algorithm,
      dnskeyKey: pair.dnskeyKey,
      verifyKey: publicKeyObject(pair.algorithm, pair.dnskeyKey),
      idHex: pair.id.toString('hex'),
    };
    if (!pair.privateKey) return key;
    this.keys.set(label, key);
    return key;
  }

  findKey(label: string): HsmKey | null {
    const key = this.usableKey(label);
    // An answer from the cache or "no such key" is only true of a token that still answers.
    this.assertPresent();
    return key ? { label, idHex: key.idHex, algorithm: key.algorithm, publicKey: key.dnskeyKey } : null;
  }

  findKeyById(idHex: string): HsmKey | null {
    const labels = labelsWithId(this.p11, this.handle, Buffer.from(idHex, 'hex'));
    if (labels.length > 1)
      throw new HsmError('DUPLICATE_LABEL', `Keys with ID ${idHex} carry ${labels.length} labels (${labels.join(', ')}); name the key by label.`);
    if (labels.length === 0) {
      this.assertPresent();
      return null;
    }
    return this.findKey(labels[0] as string);
  }

  sign(label: string, data: Uint8Array): Buffer {
    const key = this.usableKey(label);
    if (!key || key.privateKey.length === 0) {
      this.assertPresent();
      const why = this.loggedIn ? '' : ' (the session is not logged in, so private keys are not visible)';
      throw new HsmError('KEY_NOT_FOUND', `Token "${this.tokenLabel}" has no private key labelled "${label}"${why}.`);
    }
    return signAndVerify(this.p11, this.handle, this.profile(), key, data);
  }

  async generateKsk(options: GenerateKskOptions & { at: string }, op: OperationContext): Promise<GeneratedKsk> {
    if (!this.loggedIn) throw new HsmError('NOT_LOGGED_IN', `Generating a KSK needs a logged-in session on token "${this.tokenLabel}".`);
    this.keys.clear();
    return generateKsk(this.p11, this.profile(), this.handle, options, op);
  }

  listKeys(): KeyInventoryEntry[] {
    const pairs = listKeyPairs(this.p11, this.handle);
    this.assertPresent();
    return pairs.map((pair) => ({
      label: pair.label,
      idHex: pair.id.toString('hex'),
      algorithm: pair.algorithm,
      algorithmName: pair.algorithm !== null ? algorithmName(pair.algorithm) : null,
      publicKey: pair.dnskeyKey,
      keySizeBits: pair.algorithm !== null && pair.dnskeyKey ? keySizeBits(pair.algorithm, pair.dnskeyKey) : null,
      keyTag: tagOf(pair),
      hasPrivateKey: pair.privateKey !== null,
      hasPublicKey: pair.publicKey !== null,
      attributes: pair.privateKey ? readKeyAttributes(this.p11, this.handle, pair.privateKey) : null,
    }));
  }

  /** Destroys both halves, then searches again: the evidence says what went and that nothing is left. */
  destroyKey(label: string, at: string): DestroyEvidence {
    if (!this.loggedIn) throw new HsmError('NOT_LOGGED_IN', `Destroying a key needs a logged-in session on token "${this.tokenLabel}".`);
    this.keys.delete(label);
    const pair = findKeyPair(this.p11, this.handle, label);
    if (!pair) {
      this.assertPresent();
      throw new HsmError('KEY_NOT_FOUND', `Token "${this.tokenLabel}" has no key labelled "${label}"; nothing was destroyed.`);
    }
    const ctx = { operation: `destroy key "${label}"`, token: this.tokenLabel, key: label };
    if (pair.privateKey) call(ctx, () => this.p11.C_DestroyObject(this.handle, pair.privateKey as Handle));
    if (pair.publicKey) call(ctx, () => this.p11.C_DestroyObject(this.handle, pair.publicKey as Handle));
    const remaining = objectsLabelled(this.p11, this.handle, label).length;
    // "Nothing left" only counts if the token still answers.
    this.assertPresent();
    if (remaining > 0)
      throw new HsmError('DEVICE_ERROR', `After destroying key "${label}", ${remaining} object(s) with that label are still on token "${this.tokenLabel}".`);
    return {
      label,
      idHex: pair.id.toString('hex'),
      keyTag: tagOf(pair),
      destroyed: { privateKey: pair.privateKey !== null, publicKey: pair.publicKey !== null },
      remainingObjects: remaining,
      at,
    };
  }

  // Backup and restore load their module (the backup format's schema, key wrapping) on first use:
  // most sessions only sign, and the module host starts faster without it.
  async backupKey(args: Parameters<typeof backup.backupKey>[1]): ReturnType<typeof backup.backupKey> {
    this.keys.clear();
    return (await import('./backup.js')).backupKey(this, args);
  }

  async restoreKey(args: Parameters<typeof backup.restoreKey>[1]): Promise<RestoredKey> {
    this.keys.clear();
    return (await import('./backup.js')).restoreKey(this, args);
  }

  /**
   * Writes a CO's or RKSH's share onto that person's own token, as a private data object that
   * only their PIN opens. One share of a set per token; an existing one is never overwritten.
   */
  writeShare(share: Share): { label: string } {
    if (!this.loggedIn) throw new HsmError('NOT_LOGGED_IN', `Writing a share needs the holder's PIN on token "${this.tokenLabel}".`);
    const label = `ksk-ceremony ${share.kind} share ${share.setId}`;
    if (objectsLabelled(this.p11, this.handle, label).length > 0) {
      throw new HsmError(
        'DUPLICATE_LABEL',
        `Token "${this.tokenLabel}" already holds a share of ${share.kind === 'pin' ? 'commissioning' : 'backup'} ${share.setId.toUpperCase()}.`,
      );
    }
    call({ operation: 'write the share', token: this.tokenLabel }, () =>
      this.p11.C_CreateObject(this.handle, [
        { type: CK.CKA_CLASS, value: CK.CKO_DATA },
        { type: CK.CKA_TOKEN, value: true },
        { type: CK.CKA_PRIVATE, value: true },
        { type: CK.CKA_MODIFIABLE, value: false },
        { type: CK.CKA_LABEL, value: label },
        { type: CK.CKA_APPLICATION, value: SHARE_APPLICATION },
        { type: CK.CKA_VALUE, value: encodeShare(share) },
      ]),
    );
    return { label };
  }

  /** The shares held on this token (decoded and checksum-checked). */
  readShares(): Share[] {
    if (!this.loggedIn) throw new HsmError('NOT_LOGGED_IN', `Reading a share needs the holder's PIN on token "${this.tokenLabel}".`);
    const objects = findObjects(this.p11, this.handle, [
      { type: CK.CKA_CLASS, value: CK.CKO_DATA },
      { type: CK.CKA_APPLICATION, value: SHARE_APPLICATION },
    ]);
    const shares = objects.map((h) => decodeShare(readAttributes(this.p11, this.handle, h, [CK.CKA_VALUE]).get(CK.CKA_VALUE) ?? Buffer.alloc(0)));
    if (shares.length === 0) this.assertPresent();
    return shares;
  }

  close(): void {
    this.keys.clear();
    try {
      this.p11.C_CloseSession(this.handle);
    } catch {
      // A session the token already dropped (removal) is closed all the same.
    }
  }
}
