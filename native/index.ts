import { systemClock, type Clock } from '../core/clock.js';
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
} from '../core/hsm/port.js';
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

/** The module, its slots and their tokens: what `ksk-ceremony hsm list` shows. */
export async function describeModule(options: ModuleOptions): Promise<ModuleDescription> {
  const host = await acquireHost(options.modulePath, options.env);
  try {
    return await host.call('describe', {}, null);
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

  findKey(label: string): Promise<HsmKey | null> {
    return this.call('findKey', { label }, this.id);
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

export { HsmError, isHsmError } from '../core/hsm/errors.js';
export type { HsmErrorReason } from '../core/hsm/errors.js';
