import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import { KskError } from '../errors.js';
import { sha256 } from '../hash/sha256.js';
import { checkQuorum, checkShareSet, combineShares, shareHash, ShareError, splitSecret, type Share } from './shares.js';

/**
 * Quorum activation of an HSM by the Crypto Officers, in the two modes the ceremony knows:
 * - native: the HSM enforces M-of-N itself (PED keys, operator cards); the app records which CO
 *   credentials were presented and logs in through the protected authentication path;
 * - split PIN: for a token with a single user PIN, the app makes a high-entropy PIN at
 *   commissioning, sets it on the token, splits it into N CO shares (M rebuild it) and keeps only
 *   a commitment to it. At activation the shares are checked against the commissioning record and
 *   the commitment before anything is sent to the HSM: a real HSM locks after a few wrong PINs.
 */

/** What the log keeps of a split-PIN commissioning: no secret, enough to check every share. */
export interface SplitPinCommissioning {
  commissioningId: string;
  threshold: number;
  total: number;
  /** SHA-256 over a domain tag, the commissioning id and the PIN. */
  pinCommitment: string;
  /** SHA-256 of each CO's share, by holder number (index 0 is share 1). */
  shareHashes: string[];
  createdAt: string;
  token: { label: string; serial: string };
}

const PIN_BYTES = 16;

function commitment(commissioningId: string, pin: string): Buffer {
  return sha256(Buffer.concat([Buffer.from('ksk-ceremony split-pin v1\0'), Buffer.from(commissioningId, 'hex'), Buffer.from(pin, 'utf8')]));
}

/**
 * A fresh PIN (128 bits as 32 hex digits: every PKCS#11 token accepts the characters) split into
 * CO shares, and the record to keep. The caller sets the PIN on the token and then forgets it.
 */
export async function commissionSplitPin(options: {
  threshold?: number;
  total?: number;
  clock: Clock;
  token: { label: string; serial: string };
}): Promise<{ pin: string; shares: Share[]; record: SplitPinCommissioning }> {
  const threshold = options.threshold ?? 3;
  const total = options.total ?? 7;
  checkQuorum(threshold, total);
  const commissioningId = randomBytes(8).toString('hex');
  const secret = randomBytes(PIN_BYTES);
  const pin = secret.toString('hex');
  const shares = await splitSecret('pin', commissioningId, secret, threshold, total);
  secret.fill(0);
  return {
    pin,
    shares,
    record: {
      commissioningId,
      threshold,
      total,
      pinCommitment: commitment(commissioningId, pin).toString('hex'),
      shareHashes: shares.map(shareHash),
      createdAt: options.clock.now().toISOString(),
      token: options.token,
    },
  };
}

/**
 * Rebuilds the PIN from CO shares, hands it to `use` (the login), and wipes the rebuilt bytes. A
 * share that is missing, foreign, altered or wrong is refused with its number; `use` is never
 * called with a PIN that does not match the commitment.
 */
export async function withRebuiltPin<T>(record: SplitPinCommissioning, shares: readonly Share[], use: (pin: string) => Promise<T>): Promise<T> {
  checkShareSet(shares, { kind: 'pin', setId: record.commissioningId, threshold: record.threshold, total: record.total, shareHashes: record.shareHashes });
  const bytes = await combineShares(shares);
  try {
    const pin = bytes.toString('hex');
    if (!timingSafeEqual(commitment(record.commissioningId, pin), Buffer.from(record.pinCommitment, 'hex'))) {
      throw new ShareError(`The shares do not rebuild the PIN of commissioning ${record.commissioningId.toUpperCase()}; no login was attempted.`);
    }
    // The PIN string itself cannot be wiped (JS strings are immutable); it is dropped after the login.
    return await use(pin);
  } finally {
    bytes.fill(0);
  }
}

/** Something that logs in: an HSM session. */
export interface LoginPort {
  login(pin?: string): Promise<void>;
}

/** What commissioning needs of an HSM session. */
export interface PinPort extends LoginPort {
  identity(): Promise<{ token: { label: string; serial: string } }>;
  initUserPin(soPin: string, newPin: string): Promise<void>;
  changeUserPin(oldPin: string, newPin: string): Promise<void>;
  logout(): Promise<void>;
}

/**
 * Commissions split-PIN activation on a token: a fresh PIN is set (by the SO with C_InitPIN, or
 * over the current user PIN with C_SetPIN), then the first M shares rebuild it and log in, which
 * proves the printed shares open the token before anyone leaves the room.
 */
export async function commissionSplitPinOnToken(
  session: PinPort,
  options: ({ soPin: string } | { currentPin: string }) & { threshold?: number; total?: number; clock: Clock },
): Promise<{ record: SplitPinCommissioning; shares: Share[] }> {
  const { token } = await session.identity();
  const { pin, shares, record } = await commissionSplitPin({
    threshold: options.threshold,
    total: options.total,
    clock: options.clock,
    token: { label: token.label, serial: token.serial },
  });
  if ('soPin' in options) await session.initUserPin(options.soPin, pin);
  else await session.changeUserPin(options.currentPin, pin);
  await session.logout();
  await withRebuiltPin(record, shares.slice(0, record.threshold), (rebuilt) => session.login(rebuilt));
  return { record, shares };
}

export interface ActivationRecord {
  mode: 'native' | 'split-pin';
  at: string;
  /** Which CO credentials were presented: card ids (native) or share numbers and hashes (split PIN). */
  presented: { holder: string; credential: string }[];
  threshold: number;
  commissioningId?: string;
}

/** Split-PIN activation: M CO shares rebuild the PIN, the session logs in, and the log gets the evidence. */
export async function activateWithShares(session: LoginPort, record: SplitPinCommissioning, shares: readonly Share[], clock: Clock): Promise<ActivationRecord> {
  await withRebuiltPin(record, shares, (pin) => session.login(pin));
  return {
    mode: 'split-pin',
    at: clock.now().toISOString(),
    presented: shares.map((s) => ({ holder: `CO share ${s.index}`, credential: shareHash(s) })),
    threshold: record.threshold,
    commissioningId: record.commissioningId,
  };
}

/**
 * Native activation: the HSM collects and checks the CO cards itself (protected authentication
 * path); the app records which cards the COs say they presented, and refuses a short list before
 * asking the HSM.
 */
export async function activateNative(
  session: LoginPort,
  presented: { holder: string; credential: string }[],
  threshold: number,
  clock: Clock,
): Promise<ActivationRecord> {
  const holders = new Set(presented.map((p) => p.holder));
  if (holders.size !== presented.length) throw new KskError('BAD_REQUEST', 'A Crypto Officer is listed twice among the presented credentials.');
  if (presented.length < threshold) {
    throw new KskError('BAD_REQUEST', `Only ${presented.length} CO credential(s) are listed; the HSM needs ${threshold}.`);
  }
  await session.login();
  return { mode: 'native', at: clock.now().toISOString(), presented, threshold };
}
