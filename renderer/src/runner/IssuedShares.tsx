import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import { useAction, useCall } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { utc } from '../format.js';
import { useLeaveGuard } from '../leaveGuard.js';
import { withRoles } from '../panels/people.js';
import { RecordException } from './Exceptions.js';
import { PrintButton } from './Print.js';

type Sheets = NonNullable<StepState['sheets']>;

function holderList(sheets: Sheets): string {
  return sheets.holders.map((h) => `${h.holderName} (${h.credentialId})`).join(', ');
}

/**
 * Share sheets a step issued and the CA has not yet confirmed handed over. The backend holds them
 * in memory (never in the log, never on disk), so a reload or another window shows them again;
 * the page still asks before it is left while they are on screen.
 */
function ShownSheets({ state, step }: { state: CeremonyState; step: StepState }) {
  const sheets = useCall('step.sheets', { ceremonyId: state.ceremonyId, stepId: step.id });
  const handOver = useAction('step.sheetsHandedOver');
  const ca = withRoles(state, ['CA'])[0] ?? null;
  if (sheets.status === 'error') return <ErrorMessage error={sheets.error} />;
  if (sheets.status === 'loading') return <p>Reading the share sheets of step {step.number}…</p>;
  const shown = sheets.value.sheets;
  return (
    <section className="panel panel-strong" aria-label={`Share sheets issued at step ${step.number}`} data-testid="issued-shares" data-step={step.id}>
      <h2>Share sheets issued at step {step.number}</h2>
      <p className="warning">
        These sheets are kept nowhere but in this app’s memory until the CA confirms every holder has theirs: print them or hand each holder theirs now.
      </p>
      <ol className="cards">
        {shown.map((s) => (
          <li key={s.credentialId} data-testid="issued-share" data-holder={s.holderId}>
            <strong>{s.holderName}</strong> ({s.credentialId})<pre className="mono sheet">{s.sheet}</pre>
          </li>
        ))}
      </ol>
      <div className="actions">
        <PrintButton ceremonyId={state.ceremonyId} request={{ kind: 'share-sheets', shares: shown.map((s) => s.sheet) }} label="Print the share sheets" />
        <button
          type="button"
          className="secondary"
          disabled={!ca || handOver.busy}
          onClick={() => ca && void handOver.run({ ceremonyId: state.ceremonyId, stepId: step.id, personId: ca.personId })}
        >
          Every holder has their sheet: remove them from the screen
        </button>
        {!ca && <span className="hint">The CA confirms it: sign the CA in.</span>}
      </div>
      {handOver.state.status === 'error' && <ErrorMessage error={handOver.state.error} />}
    </section>
  );
}

/** Sheets shown and never confirmed handed over, which the backend no longer holds (the app was restarted): lost. */
function LostSheets({ state, step, sheets }: { state: CeremonyState; step: StepState; sheets: Sheets }) {
  return (
    <section className="panel panel-strong" aria-label={`Share sheets of step ${step.number} lost`} data-testid="lost-sheets" data-step={step.id}>
      <h2>The share sheets of step {step.number} are lost</h2>
      <p className="error" role="alert">
        Step {step.number} issued {sheets.holders.length} share sheets at {utc(sheets.shownAt)}: {holderList(sheets)}. They were shown on screen and kept only
        in this app’s memory; the app was restarted before the CA confirmed that every holder had theirs, so they cannot be shown again.
      </p>
      <p>
        What to do: ask each holder whether they have their sheet. If every one has it, nothing is lost. Otherwise the credentials of a missing sheet cannot be
        used: record an exception (the IW signs) naming the sheets lost, then re-issue them under it: initialise the HSM again, which retires this credential
        set and issues a new sheet to every holder.
      </p>
      {state.status !== 'closed' && (
        <div className="actions">
          <RecordException
            state={state}
            stepId={step.id}
            label={`Record the loss of the sheets of step ${step.number}…`}
            expectedText={`Every holder takes the share sheet issued at step ${step.number} before it leaves the screen.`}
          />
        </div>
      )}
    </section>
  );
}

/** Every step's share sheets still to hand over, above the runner's panels; a lost batch says so where it was issued. */
export function IssuedShares({ state }: { state: CeremonyState }) {
  const pending = state.acts.flatMap((a) => a.steps).filter((s) => s.sheets && !s.sheets.handedOver);
  const onScreen = pending.filter((s) => s.sheets?.held);
  useLeaveGuard(onScreen.length > 0);
  return (
    <>
      {pending.map((step) =>
        step.sheets?.held ? (
          <ShownSheets key={step.id} state={state} step={step} />
        ) : (
          step.sheets && <LostSheets key={step.id} state={state} step={step} sheets={step.sheets} />
        ),
      )}
    </>
  );
}
