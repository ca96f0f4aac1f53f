import type { EventType, EvidenceEvent } from './events.js';

/** Where an event sits in its chain; hashes in lowercase hex. */
export interface EventMeta {
  readonly ceremonyId: string;
  readonly seq: number;
  /** UTC, ISO 8601 with milliseconds, from the store's one clock. */
  readonly time: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** An event as stored: its type and validated payload, and its place in the chain. */
export type StoredEvent<T extends EventType = EventType> = T extends EventType ? Extract<EvidenceEvent, { type: T }> & EventMeta : never;

/** What registers read: the events of one ceremony, or of every ceremony of the same kind (rehearsal or not). */
export interface EventSource {
  /** Events of one ceremony in chain order, optionally only some types. */
  events<T extends EventType>(ceremonyId: string, types?: readonly T[]): StoredEvent<T>[];
  /** Events of every ceremony with this rehearsal flag, ceremonies in the order they were opened. */
  workspaceEvents<T extends EventType>(types: readonly T[], scope: { rehearsal: boolean }): StoredEvent<T>[];
}
