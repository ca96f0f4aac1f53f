import { isKskError } from '../errors.js';
import { parseDuration as parseDurationSeconds } from '../dnssec/time.js';

/**
 * ISO 8601 durations as ceremony policies write them (P14D, PT36H, P1W), read by the same parser as
 * KSR policies: only exact units, since a deadline must not depend on the calendar.
 * The duration in milliseconds, or null when the text is not such a duration.
 */
export function parseDuration(text: string): number | null {
  try {
    return parseDurationSeconds(text, 'duration') * 1000;
  } catch (e) {
    if (isKskError(e)) return null;
    throw e;
  }
}

/** A countdown for people, always with its clock part: "12 days 04:31:07" (or "04:31:07" under a day). */
export function formatSpan(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const clock = [Math.floor((total % 86_400) / 3_600), Math.floor((total % 3_600) / 60), total % 60].map((n) => String(n).padStart(2, '0')).join(':');
  if (days === 0) return clock;
  return `${days} day${days === 1 ? '' : 's'} ${clock}`;
}
