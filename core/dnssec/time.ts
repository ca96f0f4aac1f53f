import { KskError } from '../errors.js';

/**
 * Times in KSRs and SKRs are whole seconds since the epoch, UTC, because that is what an RRSIG
 * carries: a fractional second or a local offset could never be signed faithfully.
 */
export type UtcSeconds = number;

const DAY = 86400;
const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Reads a KSR/SKR time: no zone means UTC, "+00:00" and "Z" are UTC, any other offset is refused. */
export function parseKsrTime(text: string, where: string): UtcSeconds {
  const m = TIME.exec(text.trim());
  if (!m) throw new KskError('BAD_INPUT_FILE', `${where}: "${text}" is not a time of the form 2018-01-01T00:00:00.`);
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  if (zone && zone !== 'Z' && zone !== '+00:00') {
    throw new KskError('BAD_INPUT_FILE', `${where}: "${text}" is not in UTC (offset ${zone}); KSR and SKR times must be UTC.`);
  }
  if (fraction && !/^\.0+$/.test(fraction)) {
    throw new KskError('BAD_INPUT_FILE', `${where}: "${text}" has a fraction of a second; signature times are whole seconds.`);
  }
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== Number(y) ||
    back.getUTCMonth() !== Number(mo) - 1 ||
    back.getUTCDate() !== Number(d) ||
    back.getUTCHours() !== Number(h) ||
    back.getUTCMinutes() !== Number(mi) ||
    back.getUTCSeconds() !== Number(s)
  ) {
    throw new KskError('BAD_INPUT_FILE', `${where}: "${text}" is not a real date and time.`);
  }
  const seconds = ms / 1000;
  if (seconds < 0 || seconds > 0xffffffff) throw new KskError('BAD_INPUT_FILE', `${where}: "${text}" is outside the range an RRSIG can carry.`);
  return seconds;
}

/** The form IANA's tools write: 2018-01-01T00:00:00+00:00. */
export function formatKsrTime(t: UtcSeconds): string {
  return `${new Date(t * 1000).toISOString().slice(0, 19)}+00:00`;
}

/** ISO 8601 with Z, for JSON and the log. */
export function isoTime(t: UtcSeconds): string {
  return new Date(t * 1000).toISOString();
}

/** "Now" as whole seconds, from a Date (the one Clock) or an ISO string (a fixed time for old samples). */
export function toUtcSeconds(value: Date | string | number, where = 'time'): UtcSeconds {
  if (typeof value === 'number') return Math.floor(value);
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new KskError('BAD_REQUEST', `${where}: "${String(value)}" is not a time.`);
  if (typeof value === 'string' && !/(Z|[+-]\d{2}:?\d{2})$/i.test(value) && /T/.test(value)) {
    // A time typed without a zone means UTC here, never the machine's local zone.
    return Math.floor(Date.parse(`${value}Z`) / 1000);
  }
  return Math.floor(ms / 1000);
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** ISO 8601 durations as used in KSR policies (P21D, PT0S, P1DT12H); months and years are ambiguous, so refused. */
export function parseDuration(text: string, where: string): number {
  const trimmed = text.trim();
  const m = DURATION.exec(trimmed);
  if (!m || trimmed === 'P' || trimmed.endsWith('T')) {
    throw new KskError('BAD_INPUT_FILE', `${where}: "${text}" is not a duration such as P21D or PT0S (months and years are not accepted).`);
  }
  const [, w, d, h, mi, s] = m.map((x) => (x === undefined ? 0 : Number(x)));
  return (w as number) * 7 * DAY + (d as number) * DAY + (h as number) * 3600 + (mi as number) * 60 + (s as number);
}

/** The shortest ISO 8601 form: P21D, PT0S, P14DT23H59M59S. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return 'PT0S';
  const days = Math.floor(seconds / DAY);
  let rest = seconds - days * DAY;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${secs ? `${secs}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/** For people: "21 days", "14 days 23:59:59", "-3 days". */
export function describeSpan(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  const abs = Math.abs(seconds);
  const days = Math.floor(abs / DAY);
  const rest = abs - days * DAY;
  const dayText = `${days} day${days === 1 ? '' : 's'}`;
  if (rest === 0) return `${sign}${dayText}`;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  const ss = String(rest % 60).padStart(2, '0');
  return `${sign}${days ? `${dayText} ` : ''}${hh}:${mm}:${ss}`;
}

export const SECONDS_PER_DAY = DAY;
