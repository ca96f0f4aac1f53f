/**
 * The one clock of the app. Every recorded time comes from here, in UTC; a rehearsal or a test may
 * fix it, a ceremony never does.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock {
  const time = new Date(at).getTime();
  if (Number.isNaN(time)) throw new Error(`Not a time: ${String(at)}`);
  return { now: () => new Date(time) };
}

/** ISO 8601 in UTC with milliseconds, the only time format the log stores. */
export function utcIso(date: Date): string {
  return date.toISOString();
}

/** A clock that starts at a given time and then runs: rehearsals "set in" another quarter. */
export function startingClock(at: Date | string): Clock {
  const start = new Date(at).getTime();
  if (Number.isNaN(start)) throw new Error(`Not a time: ${String(at)}`);
  const offset = start - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
