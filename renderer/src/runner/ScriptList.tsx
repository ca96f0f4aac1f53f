import { useEffect, useRef } from 'react';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import { clockTime } from '../format.js';

/** The first sentence of a step's text, short enough for the script column. */
export function headline(text: string): string {
  const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  return sentence.length > 90 ? `${sentence.slice(0, 87)}…` : sentence;
}

export function statusText(step: StepState, current: boolean): string {
  switch (step.status) {
    case 'completed':
      return `done ${clockTime(step.completedAt)}${step.initials ? `, initialled by ${step.initials.name}` : ''}`;
    case 'skipped':
      return `skipped ${clockTime(step.skipped?.at)}`;
    case 'not-applicable':
      return 'not applicable: another branch was decided';
    case 'awaiting-initials':
      return 'performed, awaiting the IW’s initials';
    case 'in-progress':
      return `in progress since ${clockTime(step.startedAt)}`;
    default:
      return current ? 'next' : 'to do';
  }
}

const marks: Record<StepState['status'], string> = {
  completed: '✓',
  skipped: '⤼',
  'awaiting-initials': '…',
  'in-progress': '▶',
  pending: '',
  'not-applicable': '–',
};

/**
 * The script on the left of the runner: every act and step, where we are, what is done with its
 * time and initials. Each step opens in the panel on the right; the current one is kept in view.
 */
export function ScriptList({ state, selected, onSelect }: { state: CeremonyState; selected: string | null; onSelect: (stepId: string) => void }) {
  const currentRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    currentRef.current?.scrollIntoView({ block: 'nearest' });
  }, [state.currentStepId]);
  return (
    <nav className="script" aria-label="Script">
      <h2>Script {state.script.id}</h2>
      <ol>
        {state.acts.map((act) => (
          <li key={act.number}>
            <div className="act-title">
              Act {act.number}. {act.title}
              {act.phase === 'preparation' ? ' (before the ceremony day)' : ''}
              {act.branchTitle ? <span className="act-branch"> · only if: {act.branchTitle}</span> : null}
            </div>
            <ol>
              {act.steps.map((step) => {
                const current = step.id === state.currentStepId;
                return (
                  <li key={step.id}>
                    <button
                      type="button"
                      ref={current ? currentRef : undefined}
                      className={`step step-button${current ? ' step-current' : ''}${step.id === selected ? ' step-selected' : ''}`}
                      aria-current={current ? 'step' : undefined}
                      aria-pressed={step.id === selected}
                      data-testid="script-step"
                      data-step={step.id}
                      data-status={step.status}
                      onClick={() => onSelect(step.id)}
                    >
                      <span className={`step-status status-${step.status}`}>
                        <span aria-hidden="true">{marks[step.status]}</span> {step.number}
                      </span>
                      <span>{headline(step.text)}</span>
                      <span className="step-meta">{statusText(step, current)}</span>
                    </button>
                  </li>
                );
              })}
            </ol>
          </li>
        ))}
      </ol>
    </nav>
  );
}
