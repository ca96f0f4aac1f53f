import type { Clock } from '../../../clock.js';

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
