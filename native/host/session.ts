import { algorithmName, keySizeBits, type AlgorithmNumber } from '../../core/dnssec/algorithms.js';
import { KSK_FLAGS, keyTag } from '../../core/dnssec/dnskey.js';
import { HsmError } from '../../core/hsm/errors.js';
import type { DestroyEvidence, GeneratedKsk, GenerateKskOptions, HsmIdentity, HsmKey, KeyInventoryEntry } from '../../core/hsm/port.js';
import { CK } from '../ck.js';
import { generateKsk, type OperationContext } from './keygen.js';
import { findKeyPair, listKeyPairs, objectsLabelled, readKeyAttributes, type KeyPairObjects } from './objects.js';
import { call, ckrError, describeModule, describeSlot, describeToken, findTokenSlot, type Handle, type P11 } from './pkcs11.js';
import { signAndVerify } from './sign.js';

interface UsableKey {
  label: string;
  privateKey: Handle;
  algorithm: AlgorithmNumber;
  dnskeyKey: Buffer;
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
  private loggedIn = false;

  private constructor(
    private readonly p11: P11,
    private readonly modulePath: string,
    readonly slot: Handle,
    readonly handle: Handle,
    readonly tokenLabel: string,
  ) {}

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
    if (token.userPinLocked) throw new HsmError('PIN_LOCKED', `The user PIN of token "${this.tokenLabel}" is locked; only its Security Officer can unlock it. No login was attempted.`, 'CKR_PIN_LOCKED');
    if (pin === undefined && !token.protectedAuthenticationPath) {
      throw new HsmError('NOT_LOGGED_IN', `Token "${this.tokenLabel}" needs a PIN: it has no protected authentication path (PED or operator cards) for the HSM to collect credentials itself.`);
    }
    try {
      this.p11.C_Login(this.handle, CK.CKU_USER, pin);
    } catch (e) {
      if ((e as Error).message !== 'CKR_USER_ALREADY_LOGGED_IN') throw ckrError(e, { operation: 'log in', token: this.tokenLabel });
    }
    this.loggedIn = true;
    this.keys.clear();
  }

  identity(): HsmIdentity {
    const module = describeModule(this.p11, this.modulePath);
    const slot = describeSlot(this.p11, this.slot);
    return {
      module: { path: module.path, manufacturer: module.manufacturer, description: module.description, libraryVersion: module.libraryVersion, cryptokiVersion: module.cryptokiVersion },
      slot: { id: slot.id, description: slot.description, manufacturer: slot.manufacturer, hardwareVersion: slot.hardwareVersion, firmwareVersion: slot.firmwareVersion },
      token: slot.token ?? describeToken(this.p11, this.slot),
      loggedIn: this.loggedIn,
    };
  }

  private usableKey(label: string): UsableKey | null {
    const cached = this.keys.get(label);
    if (cached) return cached;
    const pair = findKeyPair(this.p11, this.handle, label);
    if (!pair) return null;
    if (pair.algorithm === null || !pair.dnskeyKey) {
      throw new HsmError('MECHANISM_NOT_SUPPORTED', `Key "${label}" is not of a DNSSEC algorithm the app signs with (RSASHA256, ECDSAP256SHA256, ECDSAP384SHA384, ED25519).`);
    }
    if (!pair.privateKey) {
      return { label, privateKey: Buffer.alloc(0), algorithm: pair.algorithm, dnskeyKey: pair.dnskeyKey, idHex: pair.id.toString('hex') };
    }
    const key = { label, privateKey: pair.privateKey, algorithm: pair.algorithm, dnskeyKey: pair.dnskeyKey, idHex: pair.id.toString('hex') };
    this.keys.set(label, key);
    return key;
  }

  findKey(label: string): HsmKey | null {
    const key = this.usableKey(label);
    return key ? { label, idHex: key.idHex, algorithm: key.algorithm, publicKey: key.dnskeyKey } : null;
  }

  sign(label: string, data: Uint8Array): Buffer {
    const key = this.usableKey(label);
    if (!key || key.privateKey.length === 0) {
      const why = this.loggedIn ? '' : ' (the session is not logged in, so private keys are not visible)';
      throw new HsmError('KEY_NOT_FOUND', `Token "${this.tokenLabel}" has no private key labelled "${label}"${why}.`);
    }
    return signAndVerify(this.p11, this.handle, key, data);
  }

  async generateKsk(options: GenerateKskOptions & { at: string }, op: OperationContext): Promise<GeneratedKsk> {
    if (!this.loggedIn) throw new HsmError('NOT_LOGGED_IN', `Generating a KSK needs a logged-in session on token "${this.tokenLabel}".`);
    this.keys.clear();
    return generateKsk(this.p11, this.slot, this.handle, options, op);
  }

  listKeys(): KeyInventoryEntry[] {
    return listKeyPairs(this.p11, this.handle).map((pair) => ({
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
    if (!pair) throw new HsmError('KEY_NOT_FOUND', `Token "${this.tokenLabel}" has no key labelled "${label}"; nothing was destroyed.`);
    const ctx = { operation: `destroy key "${label}"`, token: this.tokenLabel, key: label };
    if (pair.privateKey) call(ctx, () => this.p11.C_DestroyObject(this.handle, pair.privateKey as Handle));
    if (pair.publicKey) call(ctx, () => this.p11.C_DestroyObject(this.handle, pair.publicKey as Handle));
    const remaining = objectsLabelled(this.p11, this.handle, label).length;
    if (remaining > 0) throw new HsmError('DEVICE_ERROR', `After destroying key "${label}", ${remaining} object(s) with that label are still on token "${this.tokenLabel}".`);
    return {
      label,
      idHex: pair.id.toString('hex'),
      keyTag: tagOf(pair),
      destroyed: { privateKey: pair.privateKey !== null, publicKey: pair.publicKey !== null },
      remainingObjects: remaining,
      at,
    };
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
