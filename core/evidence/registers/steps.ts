import type { EventSource, StoredEvent } from '../stored.js';
import { placeOf, type Place } from './place.js';

/** A step of the script as the log saw it: started, then completed or skipped (or neither, yet). */
export interface StepRecord {
  readonly stepId: string;
  readonly title?: string;
  readonly started: Place | null;
  readonly ended: (Place & { type: 'step.completed' | 'step.skipped'; note?: string }) | null;
}

type StepEvent = StoredEvent<'step.started' | 'step.completed' | 'step.skipped'>;
const stepTypes = ['step.started', 'step.completed', 'step.skipped'] as const;

export function stepsOf(events: readonly StepEvent[]): StepRecord[] {
  const byId = new Map<string, StepRecord>();
  for (const e of events) {
    const current = byId.get(e.payload.stepId);
    if (e.type === 'step.started') {
      byId.set(e.payload.stepId, { stepId: e.payload.stepId, ...(e.payload.title ? { title: e.payload.title } : {}), started: placeOf(e), ended: null });
      continue;
    }
    const note = e.type === 'step.completed' ? e.payload.result : e.payload.reason;
    byId.set(e.payload.stepId, {
      ...(current ?? { stepId: e.payload.stepId, started: null }),
      ended: { ...placeOf(e), type: e.type, ...(note ? { note } : {}) },
    });
  }
  return [...byId.values()];
}

export function steps(source: EventSource, ceremonyId: string): StepRecord[] {
  return stepsOf(source.events(ceremonyId, stepTypes));
}

/** Steps started and never completed nor skipped: after a crash, where the ceremony stopped. */
export function interruptedSteps(source: EventSource, ceremonyId: string): StepRecord[] {
  return steps(source, ceremonyId).filter((s) => s.started !== null && s.ended === null);
}
