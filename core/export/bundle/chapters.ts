import { scriptSteps } from '../../ceremony/script.js';
import { eventsOf, type CeremonyLog } from '../../documents/compose/ceremonyLog.js';
import { stepsOf } from '../../evidence/registers/steps.js';
import { webVttChapters, type ChapterStep } from '../webvtt.js';

/** When the camera recording began, and how the bundle knows it. */
export interface RecordingStart {
  time: string;
  source: 'given' | 'camera-start step';
}

/**
 * The start of the recording as the log has it: the time the engine recorded when the script's
 * camera-start step was performed (the SA has confirmed that every camera records), or else that
 * step's completion. Chapters are then at worst a few seconds late into the footage, never early.
 */
export function recordingStartOf(log: CeremonyLog, given?: string): RecordingStart | null {
  if (given) return { time: given, source: 'given' };
  if (!log.script) return null;
  const ids = new Set([...scriptSteps(log.script.script)].filter(({ step }) => step.action.kind === 'camera-start').map(({ step }) => step.id));
  const performed = eventsOf(log, 'action.performed').find((e) => ids.has(e.payload.stepId))?.payload.result.at;
  if (typeof performed === 'string' && /^\d{4}-\d\d-\d\dT[\d:.]+Z$/.test(performed)) return { time: performed, source: 'camera-start step' };
  const done = eventsOf(log, 'step.completed').find((e) => ids.has(e.payload.stepId));
  return done ? { time: done.time, source: 'camera-start step' } : null;
}

/** A step's title in a chapter list: its number and the first sentence of its text, kept short. */
function chapterTitle(number: string, text: string): string {
  const sentence = /^.*?[.;:](?=\s|$)/.exec(text)?.[0] ?? text;
  return `Step ${number}: ${sentence.length > 90 ? `${sentence.slice(0, 89)}…` : sentence}`;
}

/** The WebVTT chapters mapping each step of the ceremony to its time in the recording. */
export function chaptersOf(log: CeremonyLog, start: RecordingStart): string {
  const records = new Map(stepsOf(eventsOf(log, 'step.started', 'step.completed', 'step.skipped')).map((s) => [s.stepId, s]));
  const chapters: ChapterStep[] = [];
  for (const { act, step } of log.script ? scriptSteps(log.script.script) : []) {
    // Preparation happens before the ceremony day, off camera.
    if (act.phase === 'preparation') continue;
    const record = records.get(step.id);
    const from = record?.started?.time ?? record?.ended?.time;
    if (!from) continue;
    const end = record?.ended && record.ended.time >= from ? { end: record.ended.time } : {};
    chapters.push({ start: from, ...end, title: chapterTitle(step.number, step.text) });
  }
  chapters.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return webVttChapters(chapters, start.time, { recordingEnd: (log.events.at(-1) ?? log.opened).time });
}
