import { useState } from 'react';
import type { TriageAnswers } from '../../../core/contract/ceremonyState.js';
import { useAction, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { CeremonyDetails, ceremonyDetails, noCeremonyDetails } from '../panels/CeremonyDetails.js';
import { DeadlinePanel } from '../panels/DeadlinePanel.js';
import { utc } from '../format.js';
import { href, navigate } from '../router.js';

/** Short names of the questions, for the list of answers given so far. */
const questionNames: Record<string, string> = {
  disaster: 'Disaster',
  prolonged: 'High risk of prolonged unavailability',
  cosAvailable: 'Crypto Officers can attend',
  kmfAvailable: 'A Key Management Facility is available',
  backupAvailable: 'The KSK backup is available',
  rkshsAvailable: 'The Recovery Key Share Holders are available',
  timeSufficient: 'Sufficient time to reschedule or repair',
};

const branchNames: Record<string, string> = {
  'alternate-date': 'an alternate date: its step 2 reschedules the Key Ceremony, and the ceremony ends there',
  'proceed-now': 'proceed now: there is no time for an alternate date',
  'cos-present': 'with the Crypto Officers present',
  'cos-absent': 'without the Crypto Officers',
};

function toAnswers(given: Record<string, string>): TriageAnswers {
  const answers: Record<string, string | boolean> = {};
  for (const [id, value] of Object.entries(given)) answers[id] = id === 'disaster' ? value : value === 'yes';
  return answers as TriageAnswers;
}

function without(given: Record<string, string>, last: string): Record<string, string> {
  return Object.fromEntries(Object.entries(given).filter(([id]) => id !== last));
}

function Given({ given }: { given: Record<string, string> }) {
  const entries = Object.entries(given);
  if (entries.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="given-title">
      <h2 id="given-title">Answers so far</h2>
      <dl className="facts" data-testid="triage-answers">
        {entries.map(([id, value]) => (
          <div key={id} className="contents">
            <dt>{questionNames[id] ?? id}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Question({ given, question }: { given: Record<string, string>; question: { id: string; text: string; options: { value: string; label: string }[] } }) {
  const [choice, setChoice] = useState('');
  const keys = Object.keys(given);
  return (
    <form
      className="panel panel-strong"
      onSubmit={(e) => {
        e.preventDefault();
        if (choice) navigate({ name: 'triage', answers: { ...given, [question.id]: choice } });
      }}
    >
      <fieldset>
        <legend className="lead" data-testid="triage-question">
          {question.text}
        </legend>
        {question.options.map((option) => (
          <label key={option.value} className="choice">
            <input type="radio" name={question.id} value={option.value} checked={choice === option.value} onChange={() => setChoice(option.value)} />
            <span>{option.label}</span>
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={!choice}>
          Next
        </button>
        {keys.length > 0 && (
          <a className="button-link secondary" href={href({ name: 'triage', answers: without(given, keys[keys.length - 1]!) })}>
            Back to the previous question
          </a>
        )}
      </div>
    </form>
  );
}

/** The decision tree of the DR procedure, one question at a time, ending at the procedure; starting it creates the ceremony. */
export function TriageScreen({ given }: { given: Record<string, string> }) {
  const answers = toAnswers(given);
  const next = useCall('triage.next', { answers });
  const create = useAction('ceremony.create');
  const [details, setDetails] = useState(noCeremonyDetails);
  return (
    <div className="narrow">
      <ScreenTitle>Triage</ScreenTitle>
      <p className="lead">
        Answer each question about the situation now. The answers decide which procedure of the DR document applies; they are recorded in the log when the
        ceremony is created.
      </p>
      <Given given={given} />
      {next.status === 'loading' && <p>Working out the next question…</p>}
      {next.status === 'error' && <ErrorMessage error={next.error} />}
      {next.status === 'ok' && next.value.question && <Question key={next.value.question.id} given={given} question={next.value.question} />}
      {next.status === 'ok' && next.value.result && (
        <section className="panel panel-strong" aria-labelledby="triage-result-title" data-testid="triage-result" data-decision={next.value.result.decision}>
          <h2 id="triage-result-title">
            {next.value.result.decision === 'reschedule' ? 'The decision: ' : 'The procedure: '}
            <span data-testid="triage-procedure">{next.value.result.label}</span>
          </h2>
          <p className="lead">{next.value.result.title}</p>
          {next.value.result.time && (
            <p data-testid="triage-time">
              Time: {next.value.result.time.sufficient ? 'sufficient' : 'not sufficient'} to reschedule or repair,{' '}
              {next.value.result.time.source === 'deadline' ? 'from the deadline of the current SKR' : 'as you answered (no current SKR is loaded)'}
              {next.value.result.time.unavoidableAt
                ? `: a ceremony can be convened until ${utc(next.value.result.time.unavoidableAt)}, when the DR procedure becomes unavoidable.`
                : '.'}
            </p>
          )}
          <h3>What to do now</h3>
          <p className="big" data-testid="triage-next">
            {next.value.result.next}
          </p>
          {next.value.result.branch && (
            <p data-testid="triage-branch" data-branch={next.value.result.branch}>
              The branch of its script the answers decide: {branchNames[next.value.result.branch] ?? next.value.result.branch}. The ceremony decides it again
              when it gets there, on what the log then records.
            </p>
          )}
          {next.value.result.plan && (
            <p data-testid="triage-plan">
              In addition: DR {next.value.result.plan} for the prolonged unavailability. The ceremony started here carries it as a follow-up obligation, which a
              DR 4.1.3 ceremony discharges.
            </p>
          )}
          <h3>Why</h3>
          <p data-testid="triage-reason">{next.value.result.reason}</p>
          {next.value.result.interpretation && (
            <>
              <h3>Where the DR document is silent or overlaps</h3>
              <p data-testid="triage-interpretation">{next.value.result.interpretation}</p>
            </>
          )}
          <h3>Deadline</h3>
          {next.value.deadline ? (
            <DeadlinePanel deadline={next.value.deadline} />
          ) : (
            <p className="warning">
              No current SKR is loaded in this workspace: the deadline is unknown{next.value.result.time ? ', so the time was your answer' : ''}.
            </p>
          )}
          {next.value.result.template ? (
            <>
              <p className="muted">Script template: {next.value.result.template}</p>
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  void create.run({ triage: answers, ...ceremonyDetails(details) }).then((r) => r?.ok && navigate({ name: 'sign-in', id: r.value.ceremonyId }));
                }}
              >
                <h3>Start the ceremony</h3>
                <CeremonyDetails value={details} onChange={setDetails} />
                <div className="actions">
                  <button type="submit" className="primary-large" disabled={create.busy}>
                    {create.busy
                      ? 'Creating the ceremony…'
                      : next.value.result.decision === 'reschedule'
                        ? `Start DR ${next.value.result.plan} (its plan)`
                        : `Start ${next.value.result.label}`}
                  </button>
                  <a className="button-link secondary" href={href({ name: 'triage', answers: without(given, Object.keys(given).at(-1) ?? '') })}>
                    Back to the previous question
                  </a>
                </div>
                {create.state.status === 'error' && <ErrorMessage error={create.state.error} />}
              </form>
            </>
          ) : (
            <div className="actions">
              <a className="button-link secondary" href={href({ name: 'triage', answers: without(given, Object.keys(given).at(-1) ?? '') })}>
                Back to the previous question
              </a>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
