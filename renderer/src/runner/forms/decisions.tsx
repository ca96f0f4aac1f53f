import { useState } from 'react';
import { utc } from '../../format.js';
import { DeadlinePanel } from '../../panels/DeadlinePanel.js';
import { ActionForm, TextField, parseUtc, type ActionFormProps, type InputOf } from './common.js';

const inputs = (p: ActionFormProps) => p.step.action.inputs as Record<string, unknown>;

type Candidate = { algorithm: InputOf<'choose-algorithm'>['algorithm']; size?: number };

export function ChooseAlgorithmForm(p: ActionFormProps) {
  const candidates = (inputs(p).candidates as Candidate[] | undefined) ?? [];
  const [index, setIndex] = useState(-1);
  const [rationale, setRationale] = useState('');
  const chosen = candidates[index];
  return (
    <ActionForm
      label="Record the algorithm chosen"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={!chosen ? 'Choose the algorithm.' : rationale.trim() ? null : 'Write why.'}
      onSubmit={() => chosen && p.perform({ kind: 'choose-algorithm', algorithm: chosen.algorithm, ...(chosen.size ? { size: chosen.size } : {}), rationale })}
    >
      <fieldset>
        <legend>Algorithm and key length of the new KSK</legend>
        {candidates.map((c, i) => (
          <label key={i} className="choice">
            <input type="radio" name={`${p.step.id}-algorithm`} checked={index === i} onChange={() => setIndex(i)} />
            <span>
              {c.algorithm}
              {c.size ? `, ${c.size} bits` : ''}
            </span>
          </label>
        ))}
      </fieldset>
      <TextField label="Rationale" value={rationale} onChange={setRationale} multiline />
    </ActionForm>
  );
}

export function ScheduleAlternateForm(p: ActionFormProps) {
  const [decision, setDecision] = useState<'alternate-date' | 'proceed-now' | ''>('');
  const [date, setDate] = useState('');
  const [override, setOverride] = useState('');
  const alternateDate = parseUtc(date);
  // The deadline recorded when this step started: what the decision is checked against.
  const recorded = p.state.deadlineRecorded?.stepId === p.step.id ? p.state.deadlineRecorded : null;
  const allows = recorded?.state === 'sufficient';
  const against = decision !== '' && (decision === 'alternate-date') !== allows;
  return (
    <ActionForm
      label="Record the decision"
      busy={p.busy}
      blocked={p.blocked}
      incomplete={
        !decision
          ? 'Choose.'
          : decision === 'alternate-date' && !alternateDate
            ? 'Give the alternate date in UTC.'
            : against && !override.trim()
              ? 'Going against the deadline needs a reason (a witnessed exception).'
              : null
      }
      onSubmit={() =>
        decision &&
        p.perform({
          kind: 'schedule-alternate',
          decision,
          ...(decision === 'alternate-date' && alternateDate ? { alternateDate } : {}),
          ...(against ? { overrideReason: override.trim() } : {}),
        })
      }
    >
      {recorded ? (
        <>
          <p>The deadline as the app recorded it when this step started; the decision is checked against it:</p>
          <DeadlinePanel deadline={recorded} recorded />
          {recorded.alternateWindow && (
            <p data-testid="alternate-window" data-earliest={recorded.alternateWindow.earliest} data-latest={recorded.alternateWindow.latest}>
              An alternate date between {utc(recorded.alternateWindow.earliest)} and {utc(recorded.alternateWindow.latest)} still gets the SKR to the RZM in
              time. Deciding it ends this ceremony: the remaining steps are recorded as not applicable.
            </p>
          )}
        </>
      ) : (
        <p className="warning">No current SKR was loaded: the deadline is unknown.</p>
      )}
      <fieldset>
        <legend>Decision</legend>
        <label className="choice">
          <input type="radio" name={`${p.step.id}-decision`} checked={decision === 'alternate-date'} onChange={() => setDecision('alternate-date')} />
          <span>Schedule an alternate date for the standard ceremony</span>
        </label>
        <label className="choice">
          <input type="radio" name={`${p.step.id}-decision`} checked={decision === 'proceed-now'} onChange={() => setDecision('proceed-now')} />
          <span>Proceed now with this procedure</span>
        </label>
      </fieldset>
      {decision === 'alternate-date' && <TextField label="Alternate date (UTC)" value={date} onChange={setDate} hint="YYYY-MM-DD HH:MM:SS" />}
      {against && <TextField label="Why, against what the deadline allows" value={override} onChange={setOverride} multiline />}
    </ActionForm>
  );
}
