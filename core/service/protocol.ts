import type { Envelope } from '../contract/envelope.js';
import type { ContractEvent } from '../contract/events.js';

export type ToBackend = { type: 'call'; id: number; channel: string; request: unknown } | { type: 'close' };

export type FromBackend = { type: 'ready' } | { type: 'result'; id: number; envelope: Envelope<unknown> } | { type: 'event'; event: ContractEvent };
