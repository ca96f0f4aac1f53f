import type { Clock } from '../clock.js';
import type { ContractEvent } from '../contract/events.js';
import type { Workspace } from '../workspace/workspace.js';

export type Mode = 'rehearsal' | 'production';

/** What every handler may use: the workspace, the one clock, the mode, and the event stream. */
export interface ServiceContext {
  readonly workspace: Workspace;
  readonly clock: Clock;
  readonly mode: Mode;
  readonly modulePaths: readonly string[];
  emit(event: ContractEvent): void;
}
