import { KskError } from '../errors.js';

const base32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * A root-style KSK label: "K" and 6 lowercase base32 characters (RFC 4648 alphabet) of the
 * generation time in units of 4 seconds since 1970. This reproduces the root's own labels:
 * Kjqmt7v is 2010-06-16T21:19:16Z (KSK-2010, first Culpeper ceremony) and Klajeyz is
 * 2016-10-27T18:50:12Z (KSK-2017). 30 bits of 4-second units last until 2106.
 */
export function rootStyleLabel(at: Date): string {
  let value = Math.floor(at.getTime() / 4000);
  if (value < 0 || value >= 2 ** 30) throw new KskError('BAD_REQUEST', `No root-style label for the time ${at.toISOString()}.`);
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = (base32[value & 31] as string) + out;
    value = Math.floor(value / 32);
  }
  return `K${out}`;
}

/** The earliest time a root-style label can stand for (its 4-second window), or null for other labels. */
export function rootStyleLabelTime(label: string): Date | null {
  if (!/^K[a-z2-7]{6}$/.test(label)) return null;
  let value = 0;
  for (const c of label.slice(1)) value = value * 32 + base32.indexOf(c);
  return new Date(value * 4000);
}

/**
 * A label the app will put on a key: printable ASCII without surrounding spaces, at most 32
 * characters, because it is typed, printed in scripts and compared byte for byte in KSRs and SKRs.
 */
export function checkKeyLabel(label: string): string {
  if (label.length === 0) throw new KskError('BAD_REQUEST', 'A key label cannot be empty.');
  if (label.length > 32) throw new KskError('BAD_REQUEST', `The key label "${label}" is longer than 32 characters.`);
  if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(label)) {
    throw new KskError('BAD_REQUEST', `The key label ${JSON.stringify(label)} must be printable ASCII without leading or trailing spaces.`);
  }
  return label;
}
