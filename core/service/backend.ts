import { EventEmitter } from 'node:events';
import { CeremonyEngine } from '../ceremony/engine/engine.js';
import { startingClock, systemClock, type Clock } from '../clock.js';
import type { Envelope } from '../contract/envelope.js';
import type { ContractEvent } from '../contract/events.js';
import { openEvidenceStore, type EvidenceStore } from '../evidence/store.js';
import type { HsmProvider } from '../hsm/port.js';
import { configuredModulePaths } from '../system/hsmModules.js';
import { openWorkspace } from '../workspace/workspace.js';
import type { Mode, ServiceContext } from './context.js';
import { auditSealerFor } from './auditSealer.js';
import { dispatch, type Handlers } from './dispatch.js';
import { createHandlers } from './handlers/index.js';
import { NativeHsmProvider } from './hsmProvider.js';

export interface BackendOptions {
  workspaceDir: string;
  mode?: Mode;
  /** ISO time the clock starts at (it then runs); only for rehearsals and tests. */
  startAt?: string;
  modulePaths?: string[];
}

/** What only an in-process backend can be given (functions do not cross to a worker): a rehearsal's clock, a test's HSMs. */
export interface BackendOverrides {
  clock?: Clock;
  hsm?: (defaults: NativeHsmProvider) => HsmProvider;
}

/**
 * The privileged side of the contract, independent of any transport: Electron's IPC and the
 * browser host both hand it (channel, request) and get an envelope back.
 */
export class Backend {
  private readonly emitter = new EventEmitter();
  private readonly handlers: Handlers;
  private store: EvidenceStore | null = null;
  private ceremonies: CeremonyEngine | null = null;
  readonly context: ServiceContext;
  /** The HSMs through native/ (also what a rehearsal uses to set up its world). */
  readonly hsm: NativeHsmProvider;

  constructor(options: BackendOptions, overrides: BackendOverrides = {}) {
    const workspace = openWorkspace(options.workspaceDir);
    const clock = overrides.clock ?? (options.startAt ? startingClock(options.startAt) : systemClock);
    const mode = options.mode ?? 'rehearsal';
    this.hsm = new NativeHsmProvider(workspace, mode, clock);
    const provider = overrides.hsm ? overrides.hsm(this.hsm) : this.hsm;
    const emit = (event: ContractEvent) => this.emitter.emit('event', event);
    this.context = {
      workspace,
      clock,
      mode,
      modulePaths: options.modulePaths ?? configuredModulePaths(),
      emit,
      engine: () => {
        if (!this.ceremonies) {
          this.store = openEvidenceStore(workspace.database, clock);
          this.ceremonies = new CeremonyEngine({ store: this.store, clock, mode, workspace, hsm: provider, auditSealer: auditSealerFor(workspace, mode, clock), emit });
        }
        return this.ceremonies;
      },
    };
    this.handlers = createHandlers(this.context);
  }

  call(channel: unknown, request: unknown): Promise<Envelope<unknown>> {
    return dispatch(this.handlers, channel, request);
  }

  onEvent(listener: (event: ContractEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Closes the HSM sessions the engine holds and the evidence log. */
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    if (this.ceremonies) for (const c of this.ceremonies.deps.store.ceremonies()) await this.ceremonies.sessions.closeAll(c.ceremonyId);
    this.store?.close();
    this.store = null;
    this.ceremonies = null;
  }
}
