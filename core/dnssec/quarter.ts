import { KskError } from '../errors.js';
import { SECONDS_PER_DAY, type UtcSeconds } from './time.js';

/**
 * The root's time cycle: four quarters a year, each cut into 9 slots starting 10 days apart, each
 * slot's signatures valid 21 days (draft-icann-dnssec-keymgmt §3; the DPS).
 */
export interface Quarter {
  year: number;
  /** 1 to 4. */
  q: number;
}

export const SLOTS_PER_QUARTER = 9;
export const SLOT_INTERVAL = 10 * SECONDS_PER_DAY;
export const SLOT_VALIDITY = 21 * SECONDS_PER_DAY;

export function parseQuarter(text: string): Quarter {
  const m = /^(\d{4})-?Q([1-4])$/i.exec(text.trim());
  if (!m) throw new KskError('BAD_REQUEST', `"${text}" is not a quarter such as 2027Q2.`);
  return { year: Number(m[1]), q: Number(m[2]) };
}

export function quarterName(quarter: Quarter): string {
  return `${quarter.year}Q${quarter.q}`;
}

export function quarterStart(quarter: Quarter): UtcSeconds {
  return Date.UTC(quarter.year, (quarter.q - 1) * 3, 1) / 1000;
}

export function nextQuarter(quarter: Quarter): Quarter {
  return quarter.q === 4 ? { year: quarter.year + 1, q: 1 } : { year: quarter.year, q: quarter.q + 1 };
}

export function compareQuarters(a: Quarter, b: Quarter): number {
  return a.year - b.year || a.q - b.q;
}

/** Inception of a slot (1 to 9) of a quarter. */
export function slotInception(quarter: Quarter, slot: number): UtcSeconds {
  return quarterStart(quarter) + (slot - 1) * SLOT_INTERVAL;
}

export function slotExpiration(quarter: Quarter, slot: number): UtcSeconds {
  return slotInception(quarter, slot) + SLOT_VALIDITY;
}
