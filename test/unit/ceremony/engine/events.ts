import type { EventType, PayloadOf } from '../../../../core/evidence/events.js';
import type { StoredEvent } from '../../../../core/evidence/stored.js';

/**
 * A ceremony's events as the log would hand them to the projection: the projection reads types,
 * payloads, times and sequence numbers; the hashes here are placeholders (the log's own tests
 * cover the chain).
 */
export class EventList {
  readonly events: StoredEvent[] = [];
  private at = Date.parse('2027-06-01T10:00:00.000Z');

  constructor(readonly ceremonyId = 'c1') {}

  add<T extends EventType>(type: T, payload: PayloadOf<T>): this {
    const seq = this.events.length + 1;
    this.at += 1000;
    const hash = seq.toString(16).padStart(64, '0');
    this.events.push({
      ceremonyId: this.ceremonyId,
      seq,
      time: new Date(this.at).toISOString(),
      prevHash: this.events.at(-1)?.hash ?? '0'.repeat(64),
      hash,
      type,
      payload,
    } as StoredEvent);
    return this;
  }
}
