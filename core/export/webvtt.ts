import { KskError } from '../errors.js';

export interface ChapterStep {
  /** UTC ISO time the step began (or was confirmed). */
  start: string;
  /** UTC ISO time it ended; the next step's start when absent. */
  end?: string;
  /** e.g. "Step 3.1: match the KSR hash". */
  title: string;
}

function time(value: string, field: string): number {
  const ms = Date.parse(value);
  if (!/(Z|[+-]00:?00)$/.test(value) || Number.isNaN(ms)) throw new KskError('BAD_REQUEST', `${field} is not a UTC time in ISO 8601 form: "${value}".`);
  return ms;
}

/** WebVTT's HH:MM:SS.mmm (hours grow past 99 if they must). */
export function vttTimestamp(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(ms % 1000, 3)}`;
}

/** Cue text is markup in WebVTT: escape it, and keep it to one line so it cannot end the cue. */
function cueText(title: string): string {
  return title.replace(/\s+/g, ' ').trim().replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A WebVTT chapters file that maps each step to its place in a camera recording that started at
 * `recordingStart`: cues in time order, never overlapping, each ending where the next begins (or
 * at its own end). Steps before the recording began are left out or cut at its start; steps with
 * the same start share one cue.
 */
export function webVttChapters(steps: readonly ChapterStep[], recordingStart: string, options: { recordingEnd?: string } = {}): string {
  const origin = time(recordingStart, 'The recording start');
  const recordingEnd = options.recordingEnd === undefined ? undefined : time(options.recordingEnd, 'The recording end') - origin;
  const grouped = new Map<number, { titles: string[]; end?: number }>();
  steps.forEach((step, i) => {
    const start = time(step.start, `The start of chapter ${i + 1}`) - origin;
    const end = step.end === undefined ? undefined : time(step.end, `The end of chapter ${i + 1}`) - origin;
    if (end !== undefined && end < start) throw new KskError('BAD_REQUEST', `Chapter ${i + 1} "${step.title}" ends before it starts.`);
    const group = grouped.get(start) ?? { titles: [] };
    group.titles.push(step.title);
    if (end !== undefined) group.end = Math.max(group.end ?? end, end);
    grouped.set(start, group);
  });
  const starts = [...grouped.keys()].sort((a, b) => a - b);
  const cues: string[] = [];
  starts.forEach((start, i) => {
    const group = grouped.get(start) as { titles: string[]; end?: number };
    const next = starts[i + 1];
    let end = group.end ?? next ?? recordingEnd;
    if (end === undefined) {
      throw new KskError('BAD_REQUEST', `The last chapter "${group.titles.join(' / ')}" has no end time, and the recording end is not given.`);
    }
    if (next !== undefined) end = Math.min(end, next);
    if (recordingEnd !== undefined) end = Math.min(end, recordingEnd);
    const from = Math.max(start, 0);
    if (end <= from) return;
    cues.push(`${cues.length + 1}\n${vttTimestamp(from)} --> ${vttTimestamp(end)}\n${cueText(group.titles.join(' / '))}\n`);
  });
  return ['WEBVTT', '', ...cues].join('\n');
}
