import { useState, type ReactNode } from 'react';
import type { CeremonyState, ExceptionState, StepState } from '../../../core/contract/ceremonyState.js';
import type { ContractError } from '../../../core/contract/envelope.js';
import { useAction } from '../api.js';
import { Dialog } from '../components/Dialog.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { utc } from '../format.js';
import { internalWitness } from '../panels/people.js';
import { TextField } from './forms/common.js';

function nameOf(state: CeremonyState, personId: string): string {
  return state.participants.find((p) => p.personId === personId)?.name ?? personId;
}

/** The IW in the room, or why the dialog cannot be signed. */
function useWitness(state: CeremonyState) {
  const iw = internalWitness(state);
  return { iw, missing: iw ? null : 'The Internal Witness must be signed in to witness this.' };
}

/**
 * The body of every dialog the IW signs: the fields, a line naming the IW who signs, and the one
 * button with which they sign (disabled until the fields are complete), Cancel beside it.
 */
function WitnessedForm({
  state,
  ready,
  busy,
  sign,
  onSubmit,
  onCancel,
  error,
  danger = false,
  children,
  testId,
}: {
  state: CeremonyState;
  ready: boolean;
  busy: boolean;
  sign: (iwName: string) => string;
  onSubmit: (iwId: string) => void;
  onCancel: () => void;
  error: ContractError | null;
  danger?: boolean;
  children: ReactNode;
  testId?: string;
}) {
  const { iw, missing } = useWitness(state);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (iw && ready && !busy) onSubmit(iw.personId);
      }}
    >
      {children}
      <p className="notice">{iw ? `${iw.name}, the Internal Witness, signs with the button below.` : missing}</p>
      <div className="actions">
        <button type="submit" className={danger ? 'danger' : undefined} disabled={!iw || !ready || busy} data-testid={testId}>
          {iw ? sign(iw.name) : 'No IW signed in'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
    </form>
  );
}

/**
 * Records an exception: what the script expected, what happened, what was decided, and the IW's
 * signature, given by the IW with the dialog's one signing button.
 */
export function RecordException({
  state,
  stepId,
  check,
  label,
  expectedText,
}: {
  state: CeremonyState;
  stepId?: string;
  check?: string;
  label: string;
  expectedText?: string;
}) {
  const [open, setOpen] = useState(false);
  const record = useAction('exception.record');
  const [expected, setExpected] = useState(expectedText ?? (check ? `The policy check ${check} passes.` : ''));
  const [happened, setHappened] = useState('');
  const [decision, setDecision] = useState('');
  return (
    <>
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && (
        <Dialog title={check ? `Exception overriding ${check}` : 'Record an exception'} onClose={() => setOpen(false)} testId="exception-dialog">
          <WitnessedForm
            state={state}
            ready={Boolean(expected.trim() && happened.trim() && decision.trim())}
            busy={record.busy}
            sign={(name) => `${name} (IW) signs the exception`}
            onSubmit={(iwId) =>
              void record
                .run({
                  ceremonyId: state.ceremonyId,
                  ...(stepId ? { stepId } : {}),
                  expected,
                  happened,
                  decision,
                  signedBy: [iwId],
                  ...(check ? { check } : {}),
                })
                .then((r) => r?.ok && setOpen(false))
            }
            onCancel={() => setOpen(false)}
            error={record.state.status === 'error' ? record.state.error : null}
            testId="iw-sign-exception"
          >
            {stepId && <p>At step {stepId}.</p>}
            <TextField label="What the script expected" value={expected} onChange={setExpected} multiline />
            <TextField label="What happened" value={happened} onChange={setHappened} multiline />
            <TextField label="What was decided" value={decision} onChange={setDecision} multiline />
          </WitnessedForm>
        </Dialog>
      )}
    </>
  );
}

function Resolve({ state, exception }: { state: CeremonyState; exception: ExceptionState }) {
  const [open, setOpen] = useState(false);
  const resolve = useAction('exception.resolve');
  const [decision, setDecision] = useState('');
  return (
    <>
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Complete exception {exception.exceptionId}
      </button>
      {open && (
        <Dialog title={`Decision on exception ${exception.exceptionId}`} onClose={() => setOpen(false)}>
          <WitnessedForm
            state={state}
            ready={Boolean(decision.trim())}
            busy={resolve.busy}
            sign={(name) => `${name} (IW) signs the decision`}
            onSubmit={(iwId) =>
              void resolve
                .run({ ceremonyId: state.ceremonyId, exceptionId: exception.exceptionId, decision, signedBy: [iwId] })
                .then((r) => r?.ok && setOpen(false))
            }
            onCancel={() => setOpen(false)}
            error={resolve.state.status === 'error' ? resolve.state.error : null}
          >
            <p>Expected: {exception.expected}</p>
            <p>Happened: {exception.happened}</p>
            <TextField label="What was decided" value={decision} onChange={setDecision} multiline />
          </WitnessedForm>
        </Dialog>
      )}
    </>
  );
}

/** Exceptions as the record prints them: expected, happened, decision, who signed. */
export function ExceptionsList({ state, exceptions, title }: { state: CeremonyState; exceptions: ExceptionState[]; title: string }) {
  if (exceptions.length === 0) return null;
  return (
    <section className="panel" aria-label={title} data-testid="exceptions">
      <h3>{title}</h3>
      <ul className="cards">
        {exceptions.map((x) => (
          <li key={x.exceptionId} data-testid="exception">
            <strong>
              Exception {x.exceptionId}
              {x.stepId ? ` at step ${x.stepId}` : ''}
              {x.check ? `, overriding ${x.check}` : ''}
            </strong>{' '}
            <span className={x.complete ? 'badge badge-ok' : 'badge badge-error'}>{x.complete ? 'complete' : 'needs a decision and a signature'}</span>
            <dl className="facts">
              <dt>Expected</dt>
              <dd>{x.expected}</dd>
              <dt>Happened</dt>
              <dd>{x.happened}</dd>
              <dt>Decision</dt>
              <dd>{x.decision ?? '—'}</dd>
              <dt>Signed by</dt>
              <dd>{x.signedBy.map((id) => nameOf(state, id)).join(', ') || '—'}</dd>
              <dt>Time</dt>
              <dd>{utc(x.at)}</dd>
            </dl>
            {!x.complete && state.status !== 'closed' && <Resolve state={state} exception={x} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A deviation from the script's order: skipping this step, or starting it before the steps ahead
 * of it are done. Either is an exception with a reason, signed by the IW.
 */
export function Deviation({ state, step, kind }: { state: CeremonyState; step: StepState; kind: 'skip' | 'start' }) {
  const [open, setOpen] = useState(false);
  const skip = useAction('step.skip');
  const start = useAction('step.start');
  const action = kind === 'skip' ? skip : start;
  const [reason, setReason] = useState('');
  const title = kind === 'skip' ? `Skip step ${step.number}` : `Start step ${step.number} out of order`;
  return (
    <>
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {title}…
      </button>
      {open && (
        <Dialog title={title} onClose={() => setOpen(false)}>
          <WitnessedForm
            state={state}
            ready={Boolean(reason.trim())}
            busy={action.busy}
            danger
            sign={(name) => `${name} (IW) signs: ${kind === 'skip' ? 'skip' : 'start'} step ${step.number}`}
            onSubmit={(iwId) => {
              const request = { ceremonyId: state.ceremonyId, stepId: step.id, deviation: { reason, witnessId: iwId } };
              void (kind === 'skip' ? skip.run(request) : start.run(request)).then((r) => r?.ok && setOpen(false));
            }}
            onCancel={() => setOpen(false)}
            error={action.state.status === 'error' ? action.state.error : null}
          >
            <p>
              This is recorded as an exception: the script expected step {step.number}{' '}
              {kind === 'skip' ? 'to be carried out' : 'to wait for the steps before it'}.
            </p>
            <TextField label="Why" value={reason} onChange={setReason} multiline />
          </WitnessedForm>
        </Dialog>
      )}
    </>
  );
}
