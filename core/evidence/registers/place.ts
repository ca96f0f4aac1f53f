import type { EventMeta } from '../stored.js';

/** Where in the log a fact was recorded: enough to find and cite the event. */
export interface Place {
  readonly ceremonyId: string;
  readonly seq: number;
  readonly time: string;
}

export function placeOf(e: EventMeta): Place {
  return { ceremonyId: e.ceremonyId, seq: e.seq, time: e.time };
}
