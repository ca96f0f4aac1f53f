import type { Clock } from '../clock.js';
import type { CeremonyEngine } from '../ceremony/engine/engine.js';
import type { StartupReport } from '../contract/channels/app.js';
import type { ContractEvent } from '../contract/events.js';
import type { Workspace } from '../workspace/workspace.js';

export type Mode = 'rehearsal' | 'production';

/** What every handler may use: the workspace, the one clock, the mode, the event stream, the engine. */
export interface ServiceContext {
  readonly workspace: Workspace;
  readonly clock: Clock;
  readonly mode: Mode;
  readonly modulePaths: readonly string[];
  emit(event: ContractEvent): void;
  /** The ceremony engine on the workspace's evidence log (opened at start), made on first use. */
  engine(): CeremonyEngine;
  /** The self-check the backend ran at start. */
  startup(): Promise<StartupReport>;
}
