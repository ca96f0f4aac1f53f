import { split, combine } from 'shamir-secret-sharing';
import { KskError } from '../errors.js';
import { sha256 } from '../hash/sha256.js';

/**
 * Shamir shares as people hold them: each share names its set (a commissioning or a backup), its
 * holder number, M and N, and carries a checksum, so a mistyped, corrupted or foreign share is
 * named before any secret is rebuilt. The arithmetic is Privy's audited shamir-secret-sharing.
 */
export type ShareKind = 'pin' | 'backup';

export interface Share {
  kind: ShareKind;
  /** The commissioning or backup this share belongs to (8 bytes, hex). */
  setId: string;
  /** The holder's number, 1..total. */
  index: number;
  threshold: number;
  total: number;
  /** The Shamir share (secret length + 1 bytes). */
  data: Buffer;
}

/** Share problems are input problems: they never reach the HSM. */
export class ShareError extends KskError {
  constructor(message: string) {
    super('BAD_INPUT_FILE', message);
    this.name = 'ShareError';
  }
}

const VERSION = 1;
const kinds: Record<ShareKind, number> = { pin: 1, backup: 2 };
const holderName: Record<ShareKind, string> = { pin: 'Crypto Officer', backup: 'Recovery Key Share Holder' };

export function checkQuorum(threshold: number, total: number): void {
  if (!Number.isInteger(threshold) || !Number.isInteger(total) || threshold < 2 || total < threshold || total > 255) {
    throw new KskError('BAD_REQUEST', `A quorum of ${threshold} of ${total} is not possible: need 2 <= M <= N <= 255.`);
  }
}

/** Splits a secret into `total` shares, any `threshold` of which rebuild it. */
export async function splitSecret(kind: ShareKind, setId: string, secret: Uint8Array, threshold: number, total: number): Promise<Share[]> {
  checkQuorum(threshold, total);
  // The library insists on a plain Uint8Array (a Buffer is refused); the copy is wiped after.
  const plain = new Uint8Array(secret);
  const parts = await split(plain, total, threshold).finally(() => plain.fill(0));
  return parts.map((data, i) => ({ kind, setId, index: i + 1, threshold, total, data: Buffer.from(data) }));
}

/** Rebuilds the secret; the caller must have checked the shares belong together (see checkShareSet). */
export async function combineShares(shares: readonly Share[]): Promise<Buffer> {
  return Buffer.from(await combine(shares.map((s) => new Uint8Array(s.data))));
}

export function encodeShare(share: Share): Buffer {
  const setId = Buffer.from(share.setId, 'hex');
  if (setId.length !== 8) throw new KskError('BAD_REQUEST', 'A share set id has 8 bytes.');
  const body = Buffer.concat([
    Buffer.from([VERSION, kinds[share.kind], share.threshold, share.total, share.index]),
    setId,
    Buffer.from([share.data.length]),
    share.data,
  ]);
  return Buffer.concat([body, sha256(body).subarray(0, 4)]);
}

export function decodeShare(bytes: Uint8Array): Share {
  const buf = Buffer.from(bytes);
  if (buf.length < 19) throw new ShareError(`This share is too short (${buf.length} bytes): part of it is missing.`);
  const body = buf.subarray(0, buf.length - 4);
  if (
    !sha256(body)
      .subarray(0, 4)
      .equals(buf.subarray(buf.length - 4))
  ) {
    throw new ShareError('This share does not match its checksum: it is corrupted or was mistyped.');
  }
  if (body[0] !== VERSION) throw new ShareError(`This share has format version ${body[0]}, which this app does not read.`);
  const kind = (Object.keys(kinds) as ShareKind[]).find((k) => kinds[k] === body[1]);
  if (!kind) throw new ShareError(`This share is of an unknown kind (${body[1]}).`);
  const [threshold, total, index] = [body[2] as number, body[3] as number, body[4] as number];
  const length = body[13] as number;
  if (body.length !== 14 + length) throw new ShareError('This share has the wrong length for its content.');
  return { kind, setId: body.subarray(5, 13).toString('hex'), index, threshold, total, data: Buffer.from(body.subarray(14)) };
}

/** SHA-256 of the encoded share: what the log records of it (the share itself is never logged). */
export function shareHash(share: Share): string {
  return sha256(encodeShare(share)).toString('hex');
}

// Crockford's base32: no I, L, O or U, so what is read aloud or typed is hard to get wrong.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function toBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new ShareError(`"${c}" is not a share character.`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

function normalise(chars: string): string {
  return chars.toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
}

function lineCheck(lineNo: number, chars: string): string {
  const h = sha256(`${lineNo}:${chars}`);
  return toBase32(h.subarray(0, 2)).slice(0, 2);
}

const CHARS_PER_LINE = 16;

/** The numbered lines of a share sheet: groups of four characters and a two-character check per line. */
export function shareLines(share: Share): string[] {
  const text = toBase32(encodeShare(share));
  const lines: string[] = [];
  for (let i = 0; i * CHARS_PER_LINE < text.length; i++) {
    const chars = text.slice(i * CHARS_PER_LINE, (i + 1) * CHARS_PER_LINE);
    const groups = chars.match(/.{1,4}/g) ?? [];
    lines.push(`${String(i + 1).padStart(2, ' ')}  ${groups.join(' ').padEnd(19, ' ')}  ${lineCheck(i + 1, chars)}`);
  }
  return lines;
}

/** A printable share sheet; the numbered lines are what is typed back at activation. */
export function shareSheet(share: Share, context: { title?: string; createdAt?: string } = {}): string {
  const who = holderName[share.kind];
  const what = share.kind === 'pin' ? 'the HSM PIN' : 'the key-backup key';
  return [
    context.title ?? `KSK Ceremony: ${who} share`,
    `Share ${share.index} of ${share.total}; any ${share.threshold} shares rebuild ${what}.`,
    `${share.kind === 'pin' ? 'Commissioning' : 'Backup'} ${share.setId.toUpperCase()}${context.createdAt ? `, ${context.createdAt}` : ''}`,
    `Share hash (SHA-256) ${shareHash(share)}`,
    '',
    ...shareLines(share),
    '',
    'Type the numbered lines back as printed; the last two characters of each line check that line.',
  ].join('\n');
}

/** Reads a share typed back from its sheet; other lines of the sheet are ignored. */
export function parseShareText(text: string): Share {
  const lines = new Map<number, { chars: string; check: string }>();
  for (const raw of text.split(/\r?\n/)) {
    const tokens = raw
      .trim()
      .split(/[\s-]+/)
      .filter(Boolean);
    if (tokens.length < 3 || !/^\d{1,2}$/.test(tokens[0] as string)) continue;
    const middle = tokens.slice(1, -1);
    const check = tokens[tokens.length - 1] as string;
    if (check.length !== 2 || middle.some((g) => g.length > 4 || !/^[0-9A-Za-z]+$/.test(g))) continue;
    const lineNo = Number(tokens[0]);
    if (lines.has(lineNo)) throw new ShareError(`Line ${lineNo} of the share was entered twice.`);
    lines.set(lineNo, { chars: normalise(middle.join('')), check: normalise(check) });
  }
  if (lines.size === 0) throw new ShareError('No share lines were found: each line starts with its number and ends with its two-character check.');
  let chars = '';
  for (let n = 1; n <= Math.max(...lines.keys()); n++) {
    const line = lines.get(n);
    if (!line) throw new ShareError(`Line ${n} of the share is missing.`);
    if (lineCheck(n, line.chars) !== line.check)
      throw new ShareError(`Line ${n} of the share does not match its check "${line.check}": a character on that line is mistyped.`);
    chars += line.chars;
  }
  return decodeShare(fromBase32(chars));
}

/**
 * Checks that shares can rebuild the secret of one set: same kind and set, the expected M and N,
 * distinct holders, issued shares (by hash, when the record lists them), and at least M of them.
 * Every problem is named with the share it concerns.
 */
export function checkShareSet(
  shares: readonly Share[],
  expected: { kind: ShareKind; setId: string; threshold: number; total: number; shareHashes?: readonly string[] },
): void {
  const setName = expected.kind === 'pin' ? 'commissioning' : 'backup';
  const seen = new Set<number>();
  for (const share of shares) {
    const who = `Share ${share.index}`;
    if (share.kind !== expected.kind)
      throw new ShareError(`${who} is a ${share.kind === 'pin' ? 'PIN' : 'backup'} share, not a ${expected.kind === 'pin' ? 'PIN' : 'backup'} share.`);
    if (share.setId !== expected.setId) {
      throw new ShareError(
        `${who} belongs to ${setName} ${share.setId.toUpperCase()}, not to ${setName} ${expected.setId.toUpperCase()}: it is from another ${setName}.`,
      );
    }
    if (share.threshold !== expected.threshold || share.total !== expected.total) {
      throw new ShareError(`${who} says ${share.threshold} of ${share.total}, but the ${setName} is ${expected.threshold} of ${expected.total}.`);
    }
    if (share.index < 1 || share.index > expected.total) throw new ShareError(`${who} has a holder number outside 1..${expected.total}.`);
    if (seen.has(share.index)) throw new ShareError(`${who} was presented twice.`);
    seen.add(share.index);
    const issued = expected.shareHashes?.[share.index - 1];
    if (issued !== undefined && issued !== shareHash(share)) {
      throw new ShareError(`${who} is not the share issued to holder ${share.index} in ${setName} ${expected.setId.toUpperCase()}: it is wrong or altered.`);
    }
  }
  if (shares.length < expected.threshold) {
    throw new ShareError(`Only ${shares.length} share(s) were presented; ${expected.threshold} of ${expected.total} are needed. Nothing was rebuilt.`);
  }
}
