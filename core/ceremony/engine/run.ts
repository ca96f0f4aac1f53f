import type { AirGapReport } from '../../contract/channels/app.js';
import type { Clock } from '../../clock.js';
import type { ActionKind } from '../../contract/actionKinds.js';
import type { ActionResultOf } from '../../contract/actionResults.js';
import type { CeremonyState, StepState } from '../../contract/ceremonyState.js';
import type { StepInputOf } from '../../contract/stepInputs.js';
import type { ContractEvent } from '../../contract/events.js';
import type { AppendableType, EvidenceStore, NewArtifact } from '../../evidence/store.js';
import type { PayloadOf } from '../../evidence/events.js';
import type { StoredEvent } from '../../evidence/stored.js';
import type { Sealer } from '../../evidence/seal.js';
import type { HsmProvider } from '../../hsm/port.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { Script, Step } from '../script.js';
import type { LiveHsm, Sessions } from './sessions.js';

/** What the engine runs on: the log, the one clock, the workspace, the HSMs, the event stream. */
export interface EngineDeps {
  store: EvidenceStore;
  clock: Clock;
  mode: 'rehearsal' | 'production';
  workspace: Workspace;
  hsm: HsmProvider;
  /** The audit key that signs the seal at close, and how to let go of its HSM session. */
  auditSealer: AuditSealer;
  emit(event: ContractEvent): void;
  /** The network as the laptop sees it now (core/system/airgap.ts); injectable so a test can change it. */
  network?: () => AirGapReport;
}

export interface AuditSealer {
  (ceremonyId: string): Promise<{ sealer: Sealer; release(): Promise<void> }>;
  /** Lets go of a session kept for the next checkpoint or seal. */
  close?(): Promise<void>;
}

export type Json = Record<string, unknown>;

/** Who performed a step, as the log records it. */
export interface Performer {
  personId?: string;
  name: string;
  role: string;
}

/** What an executor produced: the result the log keeps (its kind's, see actionResults.ts), and what only the caller gets (shares to print). */
export type Execution<K extends ActionKind> = {
  result: ActionResultOf<K>;
  outcome?: Json;
};

/**
 * Everything an executor may use while one step runs. Executors append their evidence as they go
 * (hash shown, TEB checked, credential issued ...); the engine appends action.performed with the
 * result when they return, or action.failed when they throw.
 */
export interface StepRun {
  readonly deps: EngineDeps;
  readonly sessions: Sessions;
  readonly ceremonyId: string;
  readonly script: Script;
  readonly step: Step;
  readonly stepState: StepState;
  readonly state: CeremonyState;
  readonly performer: Performer;
  readonly rehearsal: boolean;
  append<T extends AppendableType>(type: T, payload: PayloadOf<T>): StoredEvent<T>;
  storeArtifact(artifact: Omit<NewArtifact, 'stepId'>): StoredEvent<'artifact.stored'>;
  /** A session with a bound HSM, opened (and identified in the log) on first use; not necessarily logged in. */
  hsm(hsmId: string): Promise<LiveHsm>;
  /** An HSM the log says is active and this process holds logged in. */
  activeHsm(hsmId: string): LiveHsm;
  /** The result an earlier step of this ceremony recorded (fromStep references). */
  resultOf(stepId: string): Json;
  /** The ceremony's output folder in the workspace (created on demand). */
  outputDir(): string;
  /** A file name with the REHEARSAL mark when this is a rehearsal. */
  fileName(name: string): string;
  progress(operationId: string, label: string, fraction: number | null, done: boolean): void;
  /** A fresh id for an HSM operation of this step. */
  opId(operation: string): string;
}

/** Performs a step of kind K with what the room supplied for it; one per kind in executors/index.ts. */
export type Executor<K extends ActionKind> = (run: StepRun, input: StepInputOf<K>) => Promise<Execution<K>>;
