import { useId, useState } from 'react';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import { useAction } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { clockTime } from '../format.js';
import { useLeaveGuard } from '../leaveGuard.js';
import { withRoles } from '../panels/people.js';

/**
 * A quorum step's credentials (CO activation shares or cards, RKSH shares), presented one holder
 * at a time as the app asks, with the counter of what is still missing. A share is typed or read
 * from its sheet's text file; it goes to the backend, which keeps it in memory only.
 */
export function Present({ state, step }: { state: CeremonyState; step: StepState }) {
  const quorum = step.quorum;
  const present = useAction('step.present');
  const id = useId();
  const [text, setText] = useState('');
  const [card, setCard] = useState('');
  const [chosen, setChosen] = useState('');
  // A share half typed is lost by a reload: the page asks first.
  useLeaveGuard(text.trim() !== '' || card.trim() !== '');
  if (!quorum) return null;
  const declared = state.quorums.find((q) => q.id === quorum.quorum);
  const holders = declared ? withRoles(state, [declared.role]) : [];
  const lost = quorum.presented.length - quorum.held;
  // The backend holds the `held` credentials presented last (each entry carries its latest time); a restart lost the others.
  const heldBy = new Set(
    [...quorum.presented]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, quorum.held)
      .map((c) => c.personId),
  );
  const waiting = holders.filter((h) => !heldBy.has(h.personId));
  const holder = waiting.find((h) => h.personId === chosen) ?? waiting[0] ?? null;
  const hsmId = (step.action.inputs as { hsm?: unknown }).hsm;
  const binding = state.hsms.find((h) => h.id === hsmId)?.binding ?? null;
  const native = binding?.activation === 'native' && step.action.kind === 'hsm-activate';
  // What counts is what the backend holds now: after a restart the shares presented earlier are gone.
  const missing = Math.max(0, quorum.m - quorum.held);

  async function readFile(file: File | undefined) {
    if (file) setText(await file.text());
  }

  return (
    <section className="panel panel-strong" aria-labelledby={`${id}-title`} data-testid="present" data-token={binding?.tokenLabel ?? ''}>
      <h3 id={`${id}-title`}>
        Credentials: {quorum.held} of {quorum.m} needed presented{' '}
        <span className={missing === 0 ? 'badge badge-ok' : 'badge badge-warn'} data-testid="quorum-counter">
          {missing === 0 ? 'quorum met' : `${missing} still missing`}
        </span>
      </h3>
      <p className="muted">
        Quorum {quorum.quorum}: {quorum.m} of {quorum.n} {declared?.role ?? ''} holders{quorum.set ? `; credential set ${quorum.set}` : ''}.
      </p>
      {quorum.presented.length > 0 && (
        <ol data-testid="presented">
          {quorum.presented.map((c) => (
            <li key={c.credentialId}>
              {state.participants.find((p) => p.personId === c.personId)?.name ?? c.personId} presented {c.credentialId} at {clockTime(c.at)}
              {c.byStaff ? ' (by operator staff)' : ''}
            </li>
          ))}
        </ol>
      )}
      {lost > 0 && missing > 0 && (
        <p className="warning" role="status">
          The app was restarted since {lost} of these were presented: shares are never written to disk, so{' '}
          {lost === 1 ? 'that holder presents theirs' : 'those holders present theirs'} again.
        </p>
      )}
      {missing > 0 && holder && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const credential = native ? { kind: 'card' as const, credentialId: card.trim() } : { kind: 'share' as const, text };
            void present.run({ ceremonyId: state.ceremonyId, stepId: step.id, personId: holder.personId, credential }).then((r) => {
              if (r?.ok) {
                setText('');
                setCard('');
                setChosen('');
              }
            });
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-holder`}>Next holder</label>
            <select id={`${id}-holder`} value={holder.personId} onChange={(e) => setChosen(e.target.value)}>
              {waiting.map((h) => (
                <option key={h.personId} value={h.personId}>
                  {h.name}
                </option>
              ))}
            </select>
          </div>
          {native ? (
            <div className="field">
              <label htmlFor={`${id}-card`}>Card id of {holder.name}’s credential</label>
              <input id={`${id}-card`} value={card} onChange={(e) => setCard(e.target.value)} autoComplete="off" spellCheck={false} />
            </div>
          ) : (
            <>
              <div className="field">
                <label htmlFor={`${id}-share`}>{holder.name}’s share, as printed on their sheet</label>
                <textarea
                  id={`${id}-share`}
                  className="mono"
                  value={text}
                  onChange={(e) => setText(e.target.value)}
                  spellCheck={false}
                  autoComplete="off"
                  data-testid="share-text"
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-file`}>or read it from the holder’s share file</label>
                <input id={`${id}-file`} type="file" accept=".txt,text/plain" onChange={(e) => void readFile(e.target.files?.[0])} />
              </div>
            </>
          )}
          <button type="submit" disabled={present.busy || (native ? !card.trim() : !text.trim())}>
            {present.busy ? 'Checking the credential…' : `Present ${holder.name}’s credential`}
          </button>
          {present.state.status === 'error' && <ErrorMessage error={present.state.error} />}
        </form>
      )}
      {missing > 0 && !holder && (
        <p className="warning">
          Every {declared?.role ?? 'holder'} signed in has presented; {missing} more must sign in and present theirs.
        </p>
      )}
    </section>
  );
}
