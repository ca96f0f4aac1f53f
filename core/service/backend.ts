import { EventEmitter } from 'node:events';
import { CeremonyEngine } from '../ceremony/engine/engine.js';
import { startingClock, systemClock, type Clock } from '../clock.js';
import type { StartupReport } from '../contract/channels/app.js';
import type { Envelope } from '../contract/envelope.js';
import type { ContractEvent } from '../contract/events.js';
import { EvidenceStore, openEvidenceStore } from '../evidence/store.js';
import type { HsmProvider } from '../hsm/port.js';
import { configuredModulePaths } from '../system/hsmModules.js';
import { selectSqliteAddon } from '../system/nativeAddons.js';
import { MEDIA_ROOTS } from '../export/media.js';
import { confineFiles } from '../system/fileAccess.js';
import { cleanWorkspace, openWorkspace, workspaceWritable } from '../workspace/workspace.js';
import type { Mode, ServiceContext } from './context.js';
import { auditSealerFor } from './auditSealer.js';
import { dispatch, type Handlers } from './dispatch.js';
import { createHandlers } from './handlers/index.js';
import { NativeHsmProvider } from './hsmProvider.js';
import type { AirGapReport } from '../contract/channels/app.js';
import { checkPkcs11, checkSqlite, runtimeDescription } from './startup.js';

export interface BackendOptions {
  workspaceDir: string;
  mode?: Mode;
  /** ISO time the clock starts at (it then runs); only for rehearsals and tests. */
  startAt?: string;
  modulePaths?: string[];
  /** A rehearsal's HSM tokens are made in this PKCS#11 module instead of SoftHSM2 (e.g. tpm2-pkcs11; see docs/hsm-implementations.md). */
  rehearsalHsmModule?: string;
  /** The SQLite binary to load instead of the one this runtime's rule picks (tests: a deliberately wrong one). */
  sqliteAddon?: string;
  /**
   * Confine file reads and exports to the workspace, removable media and these folders (the browser
   * host); absent, paths are not confined (Electron's dialogs, the command line).
   */
  confineFilesTo?: string[];
}

/** What only an in-process backend can be given (functions do not cross to a worker): a rehearsal's clock, a test's HSMs. */
export interface BackendOverrides {
  clock?: Clock;
  hsm?: (defaults: NativeHsmProvider) => HsmProvider;
  /** The network as the laptop sees it (tests change it); /sys/class/net and the routes when absent. */
  network?: () => AirGapReport;
}

const AIR_GAP_WATCH_MS = 5_000;

/**
 * The privileged side of the contract, independent of any transport: Electron's IPC and the
 * browser host both hand it (channel, request) and get an envelope back.
 */
export class Backend {
  private readonly emitter = new EventEmitter();
  private readonly handlers: Handlers;
  private store: EvidenceStore | null = null;
  private ceremonies: CeremonyEngine | null = null;
  /** Looks at the network every few seconds while ceremonies are open: every change goes in their logs. */
  private airGapWatch: NodeJS.Timeout | null = null;
  /** The self-check run at start; every call but the start-up report waits for it, and is refused if it failed. */
  private readonly startup: Promise<StartupReport>;
  readonly context: ServiceContext;
  /** The HSMs through native/ (also what a rehearsal uses to set up its world). */
  readonly hsm: NativeHsmProvider;

  constructor(options: BackendOptions, overrides: BackendOverrides = {}) {
    const workspace = openWorkspace(options.workspaceDir);
    cleanWorkspace(workspace);
    confineFiles(options.confineFilesTo ? [workspace.root, ...MEDIA_ROOTS, ...options.confineFilesTo] : null);
    const clock = overrides.clock ?? (options.startAt ? startingClock(options.startAt) : systemClock);
    const mode = options.mode ?? 'rehearsal';
    this.hsm = new NativeHsmProvider(workspace, mode, clock, options.rehearsalHsmModule ?? null);
    const provider = overrides.hsm ? overrides.hsm(this.hsm) : this.hsm;
    const emit = (event: ContractEvent) => this.emitter.emit('event', event);
    const modulePaths = options.modulePaths ?? configuredModulePaths();
    // A workspace on a read-only disk is still read (ceremony list, export, verify); its writers are told "read-only".
    const openStore = () =>
      (this.store ??= workspaceWritable(workspace) ? openEvidenceStore(workspace.database, clock) : EvidenceStore.openReadOnly(workspace.database, clock));
    this.context = {
      workspace,
      clock,
      mode,
      modulePaths,
      emit,
      engine: () => {
        this.ceremonies ??= new CeremonyEngine({
          store: openStore(),
          clock,
          mode,
          workspace,
          hsm: provider,
          auditSealer: auditSealerFor(workspace, mode, clock),
          emit,
          ...(overrides.network ? { network: overrides.network } : {}),
        });
        this.airGapWatch ??= setInterval(() => {
          try {
            this.ceremonies?.noteNetwork();
          } catch {
            // A log that cannot be written now refuses the next call with its own error; the watch tries again.
          }
        }, AIR_GAP_WATCH_MS).unref();
        return this.ceremonies;
      },
      startup: () => this.startup,
    };
    this.handlers = createHandlers(this.context);
    if (options.sqliteAddon) selectSqliteAddon(options.sqliteAddon);
    const sqlite = checkSqlite(workspace, openStore);
    this.startup = checkPkcs11(workspace, mode, modulePaths).then((pkcs11) => ({
      ok: sqlite.ok && pkcs11.ok,
      runtime: runtimeDescription,
      checks: [sqlite, pkcs11],
    }));
  }

  async call(channel: unknown, request: unknown): Promise<Envelope<unknown>> {
    const startup = await this.startup;
    const failure = startup.checks.find((check) => !check.ok);
    if (failure && channel !== 'app.startup' && channel !== 'app.status') {
      return {
        ok: false,
        error: { code: failure.part === 'sqlite' ? 'STORAGE_ERROR' : 'HSM_ERROR', message: `KSK Ceremony did not start: ${failure.detail}` },
      };
    }
    return dispatch(this.handlers, channel, request);
  }

  onEvent(listener: (event: ContractEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Closes the HSM sessions the engine holds and the evidence log. */
  async close(): Promise<void> {
    await this.startup;
    this.emitter.removeAllListeners();
    if (this.airGapWatch) clearInterval(this.airGapWatch);
    this.airGapWatch = null;
    if (this.ceremonies) {
      for (const c of this.ceremonies.deps.store.ceremonies()) await this.ceremonies.sessions.closeAll(c.ceremonyId);
      await this.ceremonies.deps.auditSealer.close?.();
    }
    this.store?.close();
    this.store = null;
    this.ceremonies = null;
  }
}
