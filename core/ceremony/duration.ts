/**
 * ISO 8601 durations as ceremony policies write them (P14D, PT36H, P1W). Only exact units are
 * accepted: a month or a year has no fixed length, and a deadline must not depend on the calendar.
 */
const pattern = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const unitMs = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000] as const;

/** The duration in milliseconds, or null when the text is not an exact ISO 8601 duration. */
export function parseDuration(text: string): number | null {
  const match = pattern.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  let ms = 0;
  for (let i = 0; i < unitMs.length; i++) {
    const part = match[i + 1];
    if (part !== undefined) ms += Number(part) * (unitMs[i] as number);
  }
  return Number.isSafeInteger(ms) ? ms : null;
}

/** A span of time for people: "12 days 04:31:07" (or "04:31:07" under a day). */
export function formatSpan(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const clock = [Math.floor((total % 86_400) / 3_600), Math.floor((total % 3_600) / 60), total % 60].map((n) => String(n).padStart(2, '0')).join(':');
  if (days === 0) return clock;
  return `${days} day${days === 1 ? '' : 's'} ${clock}`;
}
