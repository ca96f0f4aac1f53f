import { existsSync } from 'node:fs';
import { systemClock, type Clock } from '../../../clock.js';
import { openEvidenceStore } from '../../../evidence/store.js';
import { workspaceAt } from '../../../workspace/workspace.js';
import { RehearsalWorld } from './world.js';

/**
 * The clock of a rehearsal: it runs, from a time the rehearsal chooses, and can be moved forward to
 * the day of the next ceremony (a rehearsal of a whole disaster spans months in minutes).
 */
export class RehearsalClock implements Clock {
  #offset: number;

  constructor(start: Date) {
    this.#offset = start.getTime() - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.#offset);
  }

  /** Moves the clock to a later time; never back, so the log's times stay in order. */
  advanceTo(at: Date): void {
    const offset = at.getTime() - Date.now();
    if (offset > this.#offset) this.#offset = offset;
  }
}

/**
 * Where a rehearsal's clock starts: never before anything the workspace already recorded (its log,
 * its world), so a rehearsal continued later, or resumed after a crash, keeps its log in time order.
 */
export function rehearsalStartTime(root: string): Date {
  const times = [Date.now()];
  if (RehearsalWorld.exists(root)) {
    const time = RehearsalWorld.open(root).state.time;
    if (time) times.push(Date.parse(time) + 1000);
  }
  const database = workspaceAt(root).database;
  if (existsSync(database)) {
    const store = openEvidenceStore(database, systemClock);
    try {
      for (const c of store.ceremonies()) {
        const last = store.events(c.ceremonyId).at(-1);
        if (last) times.push(Date.parse(last.time) + 1000);
      }
    } finally {
      store.close();
    }
  }
  return new Date(Math.max(...times));
}
