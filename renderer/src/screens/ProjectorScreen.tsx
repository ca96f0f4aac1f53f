import { useState } from 'react';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import { useCall, useEvents } from '../api.js';
import { Countdown } from '../components/Countdown.js';
import { Hash } from '../components/Hash.js';
import { ModeBanner } from '../components/ModeBanner.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { utc } from '../format.js';
import { CeremonyLoader } from '../panels/CeremonyLoader.js';
import { captionOf, stepHashes, type FoundHash } from '../runner/hashes.js';

/** The hashes the room should see now: the current step's, or else those of the last step that recorded any. */
function hashesToShow(state: CeremonyState, current: StepState | null): { step: StepState; hashes: FoundHash[] } | null {
  const steps = state.acts.flatMap((a) => a.steps);
  const candidates = current ? [current, ...steps.slice(0, steps.indexOf(current)).reverse()] : [...steps].reverse();
  for (const step of candidates) {
    const hashes = stepHashes(step);
    if (hashes.length > 0) return { step, hashes };
  }
  return null;
}

function Projection({ state }: { state: CeremonyState }) {
  const steps = state.acts.flatMap((a) => a.steps);
  const current = steps.find((s) => s.id === state.currentStepId) ?? null;
  const shown = hashesToShow(state, current);
  const done = steps.filter((s) => s.status === 'completed' || s.status === 'skipped' || s.status === 'not-applicable').length;
  return (
    <div data-testid="projection" data-ceremony={state.ceremonyId} data-step={current?.id ?? ''}>
      <ScreenTitle>{state.title}</ScreenTitle>
      {state.deadline && (
        <Countdown
          {...(state.status === 'closed' ? { asOf: utc(state.deadline.now) } : {})}
          remainingMs={state.deadline.remainingMs}
          until={`the last RRSIG expires at ${utc(state.deadline.lastExpiration)}`}
        />
      )}
      {current ? (
        <section className="current" aria-label="Current step">
          <p className="current-number" data-testid="projector-step">
            Step {current.number} of act {current.act} — {current.action.title} — {current.roles.join(', ')}
          </p>
          <p className="current-text">{current.text}</p>
          <p className="big">
            {current.status === 'awaiting-initials'
              ? 'Performed: waiting for the Internal Witness’s initials.'
              : current.status === 'in-progress'
                ? 'In progress.'
                : 'Next.'}
          </p>
        </section>
      ) : (
        <p className="big">
          {state.status === 'closed'
            ? `The ceremony is closed and its log sealed (${utc(state.closedAt)}).`
            : 'Every step is done: the ceremony is about to be closed.'}
        </p>
      )}
      {current?.status === 'in-progress' &&
        current.shown
          .slice(-1)
          .map((h) => <Hash key={h.sha256} large label={`${h.subject}: SHA-256`} hex={h.sha256} words={h.pgpWords} testId="projector-shown" />)}
      {shown &&
        shown.hashes.map((h) => (
          <Hash key={h.path} large label={`${captionOf(h.path)} (step ${shown.step.number})`} hex={h.sha256} words={h.pgpWords} testId="projector-hash" />
        ))}
      <Hash
        className="hash-head"
        label={`Log head: event ${state.log.head.seq}${state.log.sealed ? ', sealed' : ''}`}
        hex={state.log.head.hash}
        words={state.log.head.pgpWords}
        testId="projector-head"
      />
      {state.log.checkpoint ? (
        <p className="muted" data-testid="projector-checkpoint">
          {state.log.checkpoint.seq === state.log.head.seq ? 'Witnessed outside the log' : `Last witnessed: event ${state.log.checkpoint.seq}`} (checkpoint{' '}
          {state.log.checkpoint.at}, signed by the audit key): the IW initials this head on paper.
        </p>
      ) : null}
      <p className="muted">
        {done} of {steps.length} steps done · {state.ceremonyId}
      </p>
    </div>
  );
}

/**
 * The audience's view, on the projector: it follows whichever ceremony the runner changes last
 * (every 'state-changed' event names it), starting from the one in progress.
 */
export function ProjectorScreen() {
  const [followed, setFollowed] = useState<string | null>(null);
  useEvents((event) => {
    if (event.type === 'state-changed' && event.topic === 'ceremony' && event.id) setFollowed(event.id);
  });
  const overview = useCall('workspace.overview', {}, { topics: ['workspace'] });
  const fallback = overview.status === 'ok' ? (overview.value.ceremonies.inProgress.at(-1) ?? overview.value.ceremonies.planned.at(-1) ?? null) : null;
  const id = followed ?? fallback?.ceremonyId ?? null;
  return (
    <>
      <ModeBanner large />
      {id ? (
        <CeremonyLoader key={id} id={id}>
          {(state) => <Projection state={state} />}
        </CeremonyLoader>
      ) : (
        <>
          <ScreenTitle>KSK Ceremony</ScreenTitle>
          <p className="big">Waiting for a ceremony to start.</p>
        </>
      )}
    </>
  );
}
