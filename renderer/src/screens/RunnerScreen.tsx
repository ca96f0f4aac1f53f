import { useState } from 'react';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { Countdown } from '../components/Countdown.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { utc } from '../format.js';
import { CeremonyLoader } from '../panels/CeremonyLoader.js';
import { href } from '../router.js';
import { ClosedPanel, ClosePanel } from '../runner/Close.js';
import { ExceptionsList, RecordException } from '../runner/Exceptions.js';
import { IssuedShares } from '../runner/IssuedShares.js';
import { IwControl } from '../runner/IwControl.js';
import { Reactivate } from '../runner/Reactivate.js';
import { ScriptList } from '../runner/ScriptList.js';
import { StepPanel } from '../runner/StepPanel.js';

function Header({ state }: { state: CeremonyState }) {
  return (
    <>
      <ScreenTitle>{state.title}</ScreenTitle>
      <p className="muted">
        <span className={state.mode === 'rehearsal' ? 'badge badge-muted' : 'badge badge-error'}>
          {state.mode === 'rehearsal' ? 'REHEARSAL' : 'PRODUCTION'}
        </span>{' '}
        {state.ceremonyId} · {state.script.title} ({state.script.id} {state.script.version}) · {state.site ?? 'no site given'} · opened {utc(state.openedAt)}
      </p>
      {state.deadline && (
        <Countdown
          {...(state.status === 'closed' ? { asOf: utc(state.deadline.now) } : {})}
          remainingMs={state.deadline.remainingMs}
          until={`the last RRSIG of the current SKR expires at ${utc(state.deadline.lastExpiration)}`}
        />
      )}
      <p>
        <a href={href({ name: 'sign-in', id: state.ceremonyId })}>Sign-in and quorums</a> ·{' '}
        <a href={href({ name: 'log', id: state.ceremonyId })}>Log and documents</a>
      </p>
    </>
  );
}

function Runner({ state }: { state: CeremonyState }) {
  const [chosen, setChosen] = useState<string | null>(null);
  const steps = state.acts.flatMap((a) => a.steps);
  const shownId = chosen ?? state.currentStepId;
  const shown = steps.find((s) => s.id === shownId) ?? null;
  return (
    <>
      <Header state={state} />
      <div className="runner">
        <ScriptList state={state} selected={shownId} onSelect={(id) => setChosen(id === state.currentStepId ? null : id)} />
        <div>
          <IssuedShares state={state} />
          <Reactivate state={state} />
          {chosen && (
            <button type="button" className="secondary" onClick={() => setChosen(null)}>
              Back to the current step
            </button>
          )}
          {shown && <StepPanel key={shown.id} state={state} step={shown} />}
          {!shown && state.status !== 'closed' && <ClosePanel state={state} />}
          {!shown && state.status === 'closed' && <ClosedPanel state={state} />}
          {state.status !== 'closed' && <IwControl state={state} />}
          {state.status !== 'closed' && (
            <div className="actions">
              <RecordException state={state} label="Record an exception for the ceremony…" />
            </div>
          )}
          <ExceptionsList
            state={state}
            title={shown ? 'The other exceptions of this ceremony' : `Every exception of this ceremony (${state.exceptions.length})`}
            exceptions={state.exceptions.filter((e) => !shown || e.stepId !== shown.id)}
          />
        </div>
      </div>
    </>
  );
}

/** The runner: the script on one side, the current step large on the other, the IW's control below it. */
export function RunnerScreen({ id }: { id: string }) {
  return <CeremonyLoader id={id}>{(state) => <Runner state={state} />}</CeremonyLoader>;
}
