import { useEffect, useRef, useState } from 'react';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import type { StepInput } from '../../../core/contract/stepInputs.js';
import { useAction, useProgress } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { utc } from '../format.js';
import { Attest } from './Attest.js';
import { Deviation, ExceptionsList } from './Exceptions.js';
import { ActionForm, TextField } from './forms/common.js';
import { actionForms } from './forms/index.js';
import { Performer, noPerformer, performerOf, type PerformerValue } from './Performer.js';
import { Present } from './Present.js';
import { SignKsr } from './SignKsr.js';
import { StepResult } from './StepResult.js';

const statusLabels: Record<StepState['status'], string> = {
  pending: 'To do',
  'in-progress': 'In progress',
  'awaiting-initials': 'Performed: waiting for the IW’s initials',
  completed: 'Done',
  skipped: 'Skipped',
  'not-applicable': 'Not applicable',
};

/** Long HSM work reports progress; while it runs the room sees that it runs, and how far, if the HSM can tell. */
function Working() {
  const progress = [...useProgress().values()].filter((p) => !p.done);
  return (
    <div role="status" data-testid="progress">
      {progress.length === 0 && <p className="big">Working… the HSM is at work; this cannot be started twice.</p>}
      {progress.map((p) => (
        <div key={p.operationId} className="field">
          <label htmlFor={`progress-${p.operationId}`}>{p.label}</label>
          {p.fraction === null ? <progress id={`progress-${p.operationId}`} /> : <progress id={`progress-${p.operationId}`} value={p.fraction} max={1} />}
        </div>
      ))}
    </div>
  );
}

function Confirm({ state, step, performer }: { state: CeremonyState; step: StepState; performer: PerformerValue | null }) {
  const confirm = useAction('step.confirm');
  const [note, setNote] = useState('');
  return (
    <>
      <ActionForm
        label="Confirm: this was done"
        busy={confirm.busy}
        blocked={performer ? null : 'Choose who performed it.'}
        onSubmit={() =>
          performer && void confirm.run({ ceremonyId: state.ceremonyId, stepId: step.id, performer, ...(note.trim() ? { note: note.trim() } : {}) })
        }
      >
        <TextField label="Note (optional)" value={note} onChange={setNote} />
      </ActionForm>
      {confirm.state.status === 'error' && <ErrorMessage error={confirm.state.error} />}
    </>
  );
}

function Reconcile({ state }: { state: CeremonyState }) {
  const resume = useAction('ceremony.resume');
  return (
    <div className="warning" role="alert">
      <p>
        An HSM operation of this ceremony was interrupted (
        {state.interrupted.map((o) => `${o.operation} at step ${o.stepId ?? '?'} since ${utc(o.since)}`).join('; ')}). The app asks the HSM what became of it
        before anything else is done; it is never repeated silently.
      </p>
      <button type="button" disabled={resume.busy} onClick={() => void resume.run({ ceremonyId: state.ceremonyId })}>
        {resume.busy ? 'Asking the HSM…' : 'Ask the HSM and record what it shows'}
      </button>
      {resume.state.status === 'ok' && (
        <ul>
          {resume.state.value.reconciled.map((r) => (
            <li key={r.opId}>
              {r.operation}: {r.finding}. {r.detail}
            </li>
          ))}
        </ul>
      )}
      {resume.state.status === 'error' && <ErrorMessage error={resume.state.error} />}
    </div>
  );
}

/** What the people in the room do next at this step, from what it still needs. */
function Work({ state, step }: { state: CeremonyState; step: StepState }) {
  const start = useAction('step.start');
  const perform = useAction('step.perform');
  const [performerFields, setPerformerFields] = useState(noPerformer);
  const performer = performerOf(state, step, performerFields);
  const current = step.id === state.currentStepId;
  const kind = step.action.kind;

  if (step.needs.includes('reconcile')) return <Reconcile state={state} />;
  if (step.status === 'pending') {
    if (!current) return <Deviation state={state} step={step} kind="start" />;
    return (
      <div className="actions">
        <button
          type="button"
          className="primary-large"
          disabled={start.busy}
          onClick={() => void start.run({ ceremonyId: state.ceremonyId, stepId: step.id })}
          data-testid="start-step"
        >
          {start.busy ? 'Starting…' : `Start step ${step.number}`}
        </button>
        {start.state.status === 'error' && <ErrorMessage error={start.state.error} />}
      </div>
    );
  }
  if (step.status !== 'in-progress') return null;

  const Form = actionForms[kind];
  const signing = kind === 'sign-ksr' || kind === 'sign-additional-ksrs';
  const presenting = step.needs.includes('present');
  const blocked = presenting ? 'Every credential of the quorum must be presented first.' : performer ? null : 'Choose who performs the step.';
  const run = (input: StepInput) => {
    if (performer) void perform.run({ ceremonyId: state.ceremonyId, stepId: step.id, performer, input });
  };
  return (
    <>
      {(step.needs.includes('perform') || step.needs.includes('confirm') || signing) && (
        <Performer state={state} step={step} value={performerFields} onChange={setPerformerFields} />
      )}
      {step.quorum && <Present state={state} step={step} />}
      {kind === 'attestation' && <Attest state={state} step={step} />}
      {signing && step.needs.includes('perform') && (
        <SignKsr state={state} step={step} performer={performer} blocked={performer ? null : 'Choose who performs the step.'} />
      )}
      {!signing && step.needs.includes('confirm') && <Confirm state={state} step={step} performer={performer} />}
      {!signing && kind !== 'attestation' && step.needs.includes('perform') && Form && (
        <Form state={state} step={step} busy={perform.busy} blocked={blocked} perform={run} />
      )}
      {perform.busy && <Working />}
      {perform.state.status === 'error' && <ErrorMessage error={perform.state.error} />}
    </>
  );
}

/**
 * One step, large: its number and act, the roles that perform it, its text, and what to do now.
 * When the step changes under the keyboard (the form that had the focus is gone), the focus goes
 * to the step's heading, so Tab leads straight to what comes next.
 */
export function StepPanel({ state, step }: { state: CeremonyState; step: StepState }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const act = state.acts.find((a) => a.number === step.act);
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) heading.current?.focus();
  }, [step.id, step.status]);
  return (
    <section
      className="current"
      aria-labelledby="step-title"
      data-testid="step-panel"
      data-step={step.id}
      data-status={step.status}
      data-kind={step.action.kind}
    >
      <p className="current-number">
        Step {step.number} · Act {step.act}
        {act ? `: ${act.title}` : ''} · <span data-testid="step-status">{statusLabels[step.status]}</span>
      </p>
      <h2 id="step-title" ref={heading} tabIndex={-1} className="screen-title">
        {step.action.title}
      </h2>
      <ul className="roles" aria-label="Performed by">
        {step.roles.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <p className="current-text" data-testid="step-text">
        {step.text}
      </p>
      <p className="muted">
        {step.seedStep ? `Carries out DR step ${step.seedStep}. ` : ''}The app records {step.action.evidence}.
        {step.initial ? ' The IW initials this step.' : ''}
      </p>
      {step.outOfOrder && <p className="warning">Started out of order, by exception {step.outOfOrder.exceptionId}.</p>}
      {step.status === 'completed' && (
        <p className="success">
          Done at {utc(step.completedAt)}
          {step.performer ? `, performed by ${step.performer.name} (${step.performer.role})` : ''}
          {step.initials ? `, initialled by ${step.initials.name} at ${utc(step.initials.at)}` : ''}.
        </p>
      )}
      {step.status === 'not-applicable' && step.notApplicable && (
        <p className="muted" data-testid="not-applicable">
          Not applicable: this step is on the branch {step.notApplicable.branch}, which step {step.notApplicable.decidedAt} did not take (
          {utc(step.notApplicable.at)}: {step.notApplicable.outcome})
        </p>
      )}
      {step.status === 'skipped' && step.skipped && (
        <p className="warning">
          Skipped at {utc(step.skipped.at)}: {step.skipped.reason}
        </p>
      )}
      {step.status === 'awaiting-initials' && (
        <p className="big" role="status">
          Performed at {utc(step.performedAt)}
          {step.performer ? ` by ${step.performer.name}` : ''}. The IW initials it with their own control.
        </p>
      )}
      <Work state={state} step={step} />
      <StepResult step={step} />
      {step.failures.length > 0 && (
        <section className="panel" aria-label="Failed attempts">
          <h3>Failed attempts</h3>
          <ul>
            {step.failures.map((f, i) => (
              <li key={i}>
                {utc(f.at)}: {f.error}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ExceptionsList state={state} title="Exceptions at this step" exceptions={state.exceptions.filter((e) => e.stepId === step.id)} />
      {step.decides.length > 0 && state.status !== 'closed' && (step.status === 'pending' || step.status === 'in-progress') && (
        <p className="muted">This step decides which branch of the script applies ({step.decides.join(' or ')}): it cannot be skipped.</p>
      )}
      {state.status !== 'closed' && step.decides.length === 0 && (step.status === 'pending' || step.status === 'in-progress') && (
        <div className="actions">
          <Deviation state={state} step={step} kind="skip" />
        </div>
      )}
    </section>
  );
}
