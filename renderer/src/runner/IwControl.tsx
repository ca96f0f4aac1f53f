import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { useAction } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { useKey } from '../keyboard.js';
import { internalWitness } from '../panels/people.js';

export const IW_KEY = 'F8';

/**
 * The Internal Witness's own control: one action initials the step that waits for it, from this
 * button or from F8 (a keypad on the IW's side of the table can send it). The initials are
 * recorded with the time, which is the time written beside them.
 */
export function IwControl({ state }: { state: CeremonyState }) {
  const iw = internalWitness(state);
  const initial = useAction('step.initial');
  const waiting = state.acts.flatMap((a) => a.steps).find((s) => s.status === 'awaiting-initials') ?? null;
  const can = iw !== null && waiting !== null && !initial.busy && state.status !== 'closed';
  const run = () => {
    if (iw && waiting) void initial.run({ ceremonyId: state.ceremonyId, stepId: waiting.id, personId: iw.personId });
  };
  useKey(IW_KEY, run, can);
  return (
    <section className="iw-control" aria-labelledby="iw-title" data-testid="iw-control">
      <h2 id="iw-title">Internal Witness{iw ? `: ${iw.name}` : ''}</h2>
      {!iw && <p className="warning">No Internal Witness is signed in: no step can be initialled.</p>}
      {iw && !waiting && <p className="muted">No step is waiting for the IW’s initials.</p>}
      {iw && waiting && (
        <>
          <p className="big">Step {waiting.number} was performed and waits for your initials.</p>
          <button type="button" className="primary-large" disabled={!can} onClick={run} data-testid="iw-initial" aria-keyshortcuts={IW_KEY}>
            {initial.busy ? 'Recording the initials…' : `Initial step ${waiting.number} (${IW_KEY})`}
          </button>
        </>
      )}
      {initial.state.status === 'error' && <ErrorMessage error={initial.state.error} />}
    </section>
  );
}
