import { systemClock, type Clock } from '../core/clock.js';
import type { KeyBackup, RestoredKey } from '../core/hsm/backup.js';
import type { HsmProfile } from '../core/hsm/capabilities.js';
import { KskError } from '../core/errors.js';
import { HsmError } from '../core/hsm/errors.js';
import type {
  DestroyEvidence,
  GeneratedKsk,
  GenerateKskOptions,
  HsmIdentity,
  HsmKey,
  HsmSessionPort,
  KeyInventoryEntry,
  ModuleDescription,
  OperationOptions,
  TokenDescription,
} from '../core/hsm/port.js';
import type { Share } from '../core/hsm/shares.js';
import { acquireHost, releaseHost, type ModuleHost } from './moduleHost.js';

export interface ModuleOptions {
  /** The PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  modulePath: string;
  /** Set in the process environment while the module initialises, e.g. { SOFTHSM2_CONF }. */
  env?: Record<string, string>;
}

export interface SessionOptions extends ModuleOptions {
  tokenLabel: string;
  /** The user PIN; omitted, the session is not logged in (see login()). */
  pin?: string;
  /** Times recorded in evidence and in root-style labels (default: the system clock). */
  clock?: Clock;
}

/**
 * The module, its slots and their tokens: what `ksk-ceremony hsm list` shows; with `profiles`, each
 * initialised token's capability profile too (what a caller that only looks for a token skips).
 */
export async function describeModule(options: ModuleOptions & { profiles?: boolean }): Promise<ModuleDescription> {
  const host = await acquireHost(options.modulePath, options.env);
  try {
    return await host.call('describe', { profiles: options.profiles === true }, null);
  } finally {
    await releaseHost(host);
  }
}

/**
 * Keeps the module loaded until the returned function is called, so that a describeModule and the
 * sessions opened after it share one module host instead of each starting (and initialising) its own.
 */
export async function holdModule(options: ModuleOptions): Promise<() => Promise<void>> {
  const host = await acquireHost(options.modulePath, options.env);
  return () => releaseHost(host);
}

/** Initialises a fresh token of the module with a label and both PINs (never one that exists). */
export async function initializeToken(options: ModuleOptions & { label: string; soPin: string; userPin: string }): Promise<TokenDescription> {
  const host = await acquireHost(options.modulePath, options.env);
  try {
    return await host.call('initToken', { label: options.label, soPin: options.soPin, userPin: options.userPin }, null);
  } finally {
    await releaseHost(host);
  }
}

/** A session with one token, running in the module's worker thread. */
export class HsmSession implements HsmSessionPort {
  private closed = false;

  constructor(
    private readonly host: ModuleHost,
    private readonly id: number,
    readonly tokenLabel: string,
    private readonly clock: Clock,
  ) {}

  private call: ModuleHost['call'] = (op, args, _session, options) => {
    if (this.closed) return Promise.reject(new HsmError('SESSION_CLOSED', `The session with token "${this.tokenLabel}" has been closed.`));
    return this.host.call(op, args, this.id, options);
  };

  /** Logs in with the user PIN, or through the token's protected authentication path when pin is omitted. */
  async login(pin?: string): Promise<void> {
    await this.call('login', pin === undefined ? {} : { pin }, this.id);
  }

  identity(): Promise<HsmIdentity> {
    return this.call('identity', {}, this.id);
  }

  profile(): Promise<HsmProfile> {
    return this.call('profile', {}, this.id);
  }

  findKey(label: string): Promise<HsmKey | null> {
    return this.call('findKey', { label }, this.id);
  }

  /** The key whose CKA_ID is idHex, or null. */
  findKeyById(idHex: string): Promise<HsmKey | null> {
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(idHex)) return Promise.reject(new KskError('BAD_REQUEST', `"${idHex}" is not a key ID in hex.`));
    return this.call('findKeyById', { idHex: idHex.toLowerCase() }, this.id);
  }

  async sign(label: string, data: Uint8Array): Promise<Buffer> {
    return Buffer.from(await this.call('sign', { label, data }, this.id));
  }

  generateKsk(options: GenerateKskOptions, op?: OperationOptions): Promise<GeneratedKsk> {
    return this.call('generateKsk', { ...options, at: this.clock.now().toISOString() }, this.id, op);
  }

  listKeys(): Promise<KeyInventoryEntry[]> {
    return this.call('listKeys', {}, this.id);
  }

  destroyKey(label: string): Promise<DestroyEvidence> {
    return this.call('destroyKey', { label, at: this.clock.now().toISOString() }, this.id);
  }

  async logout(): Promise<void> {
    await this.call('logout', {}, this.id);
  }

  /** The Security Officer sets the user PIN (C_InitPIN); the session ends logged out. */
  async initUserPin(soPin: string, newPin: string): Promise<void> {
    await this.call('initUserPin', { soPin, newPin }, this.id);
  }

  /** Changes the user PIN (C_SetPIN). */
  async changeUserPin(oldPin: string, newPin: string): Promise<void> {
    await this.call('changeUserPin', { oldPin, newPin }, this.id);
  }

  /** Stores a share on this (the holder's own) token as a private data object. */
  writeShare(share: Share): Promise<{ label: string }> {
    return this.call('writeShare', { share }, this.id);
  }

  readShares(): Promise<Share[]> {
    return this.call('readShares', {}, this.id);
  }

  /**
   * Backs the key up under a fresh key-backup key split into RKSH shares (default 5 of 7). Needs
   * the SO PIN (only the SO may mark the wrapping key trusted) and logs the user in again after it:
   * with userPin, or through the protected authentication path when it is omitted.
   */
  backupKey(label: string, options: { soPin: string; userPin?: string; threshold?: number; total?: number }): Promise<{ backup: KeyBackup; shares: Share[] }> {
    const { soPin, userPin, threshold = 5, total = 7 } = options;
    return this.call(
      'backupKey',
      { label, soPin, ...(userPin !== undefined ? { userPin } : {}), threshold, total, at: this.clock.now().toISOString() },
      this.id,
    );
  }

  /** Restores a backed-up key into this token from M RKSH shares (see core/hsm/backup.ts RestoredKey). */
  restoreKey(backup: KeyBackup, shares: readonly Share[], options: { label?: string } = {}): Promise<RestoredKey> {
    return this.call('restoreKey', { backup, shares: [...shares], ...options, at: this.clock.now().toISOString() }, this.id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.call('close', {}, this.id).catch(() => undefined);
    } finally {
      this.closed = true;
      await releaseHost(this.host);
    }
  }
}

/**
 * Opens a session with the token labelled tokenLabel in the module at modulePath, logged in when
 * a PIN is given. Close it when done: the module is finalised when its last session closes.
 */
export async function openSession(options: SessionOptions): Promise<HsmSession> {
  const host = await acquireHost(options.modulePath, options.env);
  try {
    const { session } = await host.call('open', { tokenLabel: options.tokenLabel, ...(options.pin !== undefined ? { pin: options.pin } : {}) }, null);
    return new HsmSession(host, session, options.tokenLabel, options.clock ?? systemClock);
  } catch (e) {
    await releaseHost(host);
    throw e;
  }
}
