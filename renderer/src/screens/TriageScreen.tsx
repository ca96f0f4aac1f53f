import { useState } from 'react';
import type { TriageAnswers } from '../../../core/contract/ceremonyState.js';
import { useAction, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { CeremonyDetails, type CeremonyDetailsValue } from '../panels/CeremonyDetails.js';
import { DeadlinePanel } from '../panels/DeadlinePanel.js';
import { href, navigate } from '../router.js';

/** Short names of the questions, for the list of answers given so far. */
const questionNames: Record<string, string> = {
  disaster: 'Disaster',
  prolonged: 'High risk of prolonged unavailability',
  cosAvailable: 'Crypto Officers can attend',
  kmfAvailable: 'A Key Management Facility is available',
  backupAvailable: 'The KSK backup is available',
  rkshsAvailable: 'The Recovery Key Share Holders are available',
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
  const [details, setDetails] = useState<CeremonyDetailsValue>({});
  return (
    <div className="narrow">
      <ScreenTitle>Triage</ScreenTitle>
      <p className="lead">Answer each question about the situation now. The answers decide which procedure of the DR document applies; they are recorded in the log when the ceremony is created.</p>
      <Given given={given} />
      {next.status === 'loading' && <p>Working out the next question…</p>}
      {next.status === 'error' && <ErrorMessage error={next.error} />}
      {next.status === 'ok' && next.value.question && <Question key={next.value.question.id} given={given} question={next.value.question} />}
      {next.status === 'ok' && next.value.result && (
        <section className="panel panel-strong" aria-labelledby="triage-result-title" data-testid="triage-result">
          <h2 id="triage-result-title">
            The procedure: <span data-testid="triage-procedure">{next.value.result.label}</span>
          </h2>
          <p className="lead">{next.value.result.title}</p>
          <h3>Why</h3>
          <p data-testid="triage-reason">{next.value.result.reason}</p>
          {next.value.result.interpretation && (
            <>
              <h3>Where the DR document is silent or overlaps</h3>
              <p>{next.value.result.interpretation}</p>
            </>
          )}
          <h3>Deadline</h3>
          {next.value.deadline ? <DeadlinePanel deadline={next.value.deadline} /> : <p className="warning">No current SKR is loaded in this workspace: the deadline is unknown.</p>}
          <p className="muted">Script template: {next.value.result.template}</p>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void create.run({ triage: answers, ...details }).then((r) => r?.ok && navigate({ name: 'sign-in', id: r.value.ceremonyId }));
            }}
          >
            <h3>Start the ceremony</h3>
            <CeremonyDetails onChange={setDetails} />
            <div className="actions">
              <button type="submit" className="primary-large" disabled={create.busy}>
                {create.busy ? 'Creating the ceremony…' : `Start ${next.value.result.label}`}
              </button>
              <a className="button-link secondary" href={href({ name: 'triage', answers: without(given, Object.keys(given).at(-1) ?? '') })}>
                Back to the previous question
              </a>
            </div>
            {create.state.status === 'error' && <ErrorMessage error={create.state.error} />}
          </form>
        </section>
      )}
    </div>
  );
}
