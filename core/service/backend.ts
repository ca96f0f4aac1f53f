import { EventEmitter } from 'node:events';
import { startingClock, systemClock } from '../clock.js';
import type { Envelope } from '../contract/envelope.js';
import type { ContractEvent } from '../contract/events.js';
import { configuredModulePaths } from '../system/hsmModules.js';
import { openWorkspace } from '../workspace/workspace.js';
import type { Mode, ServiceContext } from './context.js';
import { dispatch, type Handlers } from './dispatch.js';
import { createHandlers } from './handlers/index.js';

export interface BackendOptions {
  workspaceDir: string;
  mode?: Mode;
  /** ISO time the clock starts at (it then runs); only for rehearsals and tests. */
  startAt?: string;
  modulePaths?: string[];
}

/**
 * The privileged side of the contract, independent of any transport: Electron's IPC and the
 * browser host both hand it (channel, request) and get an envelope back.
 */
export class Backend {
  private readonly emitter = new EventEmitter();
  private readonly handlers: Handlers;
  readonly context: ServiceContext;

  constructor(options: BackendOptions) {
    this.context = {
      workspace: openWorkspace(options.workspaceDir),
      clock: options.startAt ? startingClock(options.startAt) : systemClock,
      mode: options.mode ?? 'rehearsal',
      modulePaths: options.modulePaths ?? configuredModulePaths(),
      emit: (event) => this.emitter.emit('event', event),
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

  close(): void {
    this.emitter.removeAllListeners();
  }
}
