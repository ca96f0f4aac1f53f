import type { EventSource, StoredEvent } from '../stored.js';
import { placeOf, type Place } from './place.js';

type TebEvent = StoredEvent<'teb.sealed' | 'teb.checked' | 'teb.opened' | 'teb.handed-over'>;
const tebTypes = ['teb.sealed', 'teb.checked', 'teb.opened', 'teb.handed-over'] as const;

/** Serials are read aloud and typed: spacing, dashes and case do not make a different bag. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/[\s-]+/g, '').toUpperCase();
}

/** One tamper-evident bag and everything the log says happened to it. */
export interface Teb {
  readonly serial: string;
  readonly purpose: string;
  readonly contents: readonly string[];
  readonly state: 'sealed' | 'opened';
  readonly sealed: Place;
  readonly history: readonly (Place & { type: TebEvent['type']; detail: string })[];
}

function detailOf(e: TebEvent): string {
  switch (e.type) {
    case 'teb.sealed':
      return `sealed with ${e.payload.contents.join(', ')}`;
    case 'teb.checked':
      return e.payload.matched ? 'serial checked: matches' : `serial read ${e.payload.serialRead}, expected ${e.payload.expectedSerial ?? 'none on record'}`;
    case 'teb.opened':
      return 'opened';
    case 'teb.handed-over':
      return `handed from ${e.payload.from} to ${e.payload.to}${e.payload.reference ? ` (${e.payload.reference})` : ''}`;
  }
}

function serialOf(e: TebEvent): string {
  return normalizeSerial(e.type === 'teb.checked' ? e.payload.serialRead : e.payload.serial);
}

export function tebsOf(events: readonly TebEvent[]): Teb[] {
  const bySerial = new Map<
    string,
    { serial: string; purpose: string; contents: readonly string[]; state: Teb['state']; sealed: Place; history: Teb['history'][number][] }
  >();
  for (const e of events) {
    const key = serialOf(e);
    if (e.type === 'teb.sealed') {
      bySerial.set(key, {
        serial: e.payload.serial,
        purpose: e.payload.purpose,
        contents: e.payload.contents,
        state: 'sealed',
        sealed: placeOf(e),
        history: [],
      });
    }
    const bag = bySerial.get(key);
    if (!bag) continue;
    if (e.type === 'teb.opened') bag.state = 'opened';
    bag.history.push({ ...placeOf(e), type: e.type, detail: detailOf(e) });
  }
  return [...bySerial.values()];
}

export function tebs(source: EventSource, scope: { rehearsal: boolean }): Teb[] {
  return tebsOf(source.workspaceEvents(tebTypes, scope));
}

/**
 * The serial the next check of a bag with this purpose must read: the one it was last sealed with,
 * or null when none is on record (never sealed, or opened since and not sealed again).
 */
export function expectedTebOf(events: readonly TebEvent[], purpose: string): (Place & { serial: string }) | null {
  let expected: (Place & { serial: string }) | null = null;
  for (const e of events) {
    if (e.payload.purpose !== purpose) continue;
    if (e.type === 'teb.sealed') expected = { ...placeOf(e), serial: e.payload.serial };
    else if (e.type === 'teb.opened' && expected && normalizeSerial(expected.serial) === normalizeSerial(e.payload.serial)) expected = null;
  }
  return expected;
}

export function expectedTeb(source: EventSource, purpose: string, scope: { rehearsal: boolean }): (Place & { serial: string }) | null {
  return expectedTebOf(source.workspaceEvents(['teb.sealed', 'teb.opened'], scope), purpose);
}
