import { utcIso } from '../clock.js';
import { KskError } from '../errors.js';
import { formatSpan, parseDuration } from './duration.js';

/**
 * The one deadline every disaster shares: the last RRSIG of the current SKR expires, and from then
 * on validators reject the root's DNSKEY RRset. The countdown runs to that moment; the decisions
 * run to an earlier one, because the RZM needs the SKR before it can publish it.
 *
 * What we decided (the seed says only "if there is sufficient time"):
 * - publication margin, default P2D: the SKR must reach the RZM at least one DNSKEY TTL
 *   (172800 s) before the last RRSIG expires, so that no cached DNSKEY RRset outlives its
 *   signature and the RZM has a day's slack to publish. The SKR is due at expiry − margin.
 * - lead time, default P14D: what it takes to convene a ceremony on an alternate date (notify the
 *   Crypto Officers, travel, prepare the facility). There is "sufficient time" for an alternate
 *   date only if now + lead time is no later than the SKR's due time.
 * Both are inputs of the schedule-alternate step, so the rule a ceremony applied is in its script.
 */

export interface DeadlinePolicy {
  leadTime: string;
  publicationMargin: string;
}

export const defaultDeadlinePolicy: DeadlinePolicy = { leadTime: 'P14D', publicationMargin: 'P2D' };

export type DeadlineState = 'sufficient' | 'insufficient' | 'past-due' | 'expired';

export interface DeadlineStatus {
  state: DeadlineState;
  now: string;
  /** When the last RRSIG of the current SKR expires: the countdown's end. */
  lastExpiration: string;
  /** When the RZM must have the SKR: lastExpiration − publication margin. */
  skrDue: string;
  /**
   * The last moment a ceremony can still be convened in time (skrDue − lead time): until then a
   * rescheduled or repaired ceremony can deliver the SKR; from then on the DR procedure is unavoidable.
   */
  unavoidableAt: string;
  /** Milliseconds to lastExpiration (negative once expired), and the same for people. */
  remainingMs: number;
  countdown: string;
  /** The window in which an alternate date can be held, or null when there is not sufficient time. */
  alternateWindow: { earliest: string; latest: string } | null;
  policy: DeadlinePolicy;
  /** What this means for the decisions of the procedure, in a sentence. */
  consequence: string;
}

/** A time as the command line and files give it: ISO 8601 with Z or an explicit offset, never local time. */
export function parseTime(text: string, name: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new KskError('BAD_REQUEST', `The ${name} "${text}" is not a time in ISO 8601 with its zone, e.g. 2024-01-11T00:00:00Z.`);
  return date;
}

function durationMs(text: string, name: string): number {
  const ms = parseDuration(text);
  if (ms === null)
    throw new KskError('BAD_REQUEST', `The ${name} "${text}" is not an ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P14D).`);
  return ms;
}

export function deadlineStatus(lastExpiration: Date, now: Date, policy: DeadlinePolicy = defaultDeadlinePolicy): DeadlineStatus {
  if (Number.isNaN(lastExpiration.getTime())) throw new KskError('BAD_REQUEST', 'The last RRSIG expiration is not a valid time.');
  const lead = durationMs(policy.leadTime, 'lead time');
  const margin = durationMs(policy.publicationMargin, 'publication margin');
  const expiry = lastExpiration.getTime();
  const due = expiry - margin;
  const remainingMs = expiry - now.getTime();
  const earliest = now.getTime() + lead;
  const state: DeadlineState = remainingMs <= 0 ? 'expired' : now.getTime() >= due ? 'past-due' : earliest > due ? 'insufficient' : 'sufficient';
  const at = (ms: number) => utcIso(new Date(ms));
  const consequences: Record<DeadlineState, string> = {
    sufficient: `There is sufficient time to schedule an alternate date: a ceremony held between ${at(earliest)} and ${at(due)} gets the SKR to the RZM in time.`,
    insufficient: `There is not sufficient time for an alternate date (it needs ${policy.leadTime}, and the SKR is due at ${at(due)}): proceed now with the disaster procedure.`,
    'past-due': `The SKR was due at the RZM by ${at(due)}: proceed immediately; the last RRSIG expires at ${at(expiry)}.`,
    expired: `The last RRSIG expired at ${at(expiry)}: validating resolvers are failing now. Sign and transmit an SKR immediately.`,
  };
  return {
    state,
    now: at(now.getTime()),
    lastExpiration: at(expiry),
    skrDue: at(due),
    unavoidableAt: at(due - lead),
    remainingMs,
    countdown: remainingMs > 0 ? `${formatSpan(remainingMs)} left` : `expired ${formatSpan(remainingMs)} ago`,
    alternateWindow: state === 'sufficient' ? { earliest: at(earliest), latest: at(due) } : null,
    policy,
    consequence: consequences[state],
  };
}
