import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { useState } from 'react';
import { useAction } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Performer, noPerformer, performerOf } from './Performer.js';
import { Present } from './Present.js';

/**
 * After the app restarted, an HSM the log says is active has no session any more: its Crypto
 * Officers present their credentials again at the step that activated it (the log records it as a
 * reactivation), and the ceremony goes on where it was.
 */
export function Reactivate({ state }: { state: CeremonyState }) {
  const stale = state.hsms.filter((h) => h.active && !h.sessionOpen);
  const steps = state.acts.flatMap((a) => a.steps);
  const perform = useAction('step.perform');
  const [performerFields, setPerformerFields] = useState(noPerformer);
  if (state.status === 'closed' || stale.length === 0) return null;
  return (
    <>
      {stale.map((hsm) => {
        const step = steps.find((s) => s.action.kind === 'hsm-activate' && s.action.inputs.hsm === hsm.id && s.status === 'completed');
        const performer = step ? performerOf(state, step, performerFields) : null;
        return (
          <section key={hsm.id} className="current" aria-label={`Reactivate ${hsm.id}`} data-testid="reactivate">
            <h2>Reactivate {hsm.id}</h2>
            <p className="warning">
              {hsm.id} is active in the log, but the app was restarted and holds no session with it. Its Crypto Officers present their credentials again; the
              log records the reactivation.
            </p>
            {step ? (
              <>
                <Present state={state} step={step} />
                <Performer state={state} step={step} value={performerFields} onChange={setPerformerFields} />
                <button
                  type="button"
                  className="primary-large"
                  disabled={perform.busy || !performer || (step.quorum?.held ?? 0) < (step.quorum?.m ?? 1)}
                  onClick={() => performer && void perform.run({ ceremonyId: state.ceremonyId, stepId: step.id, performer, input: { kind: 'hsm-activate' } })}
                >
                  {perform.busy ? 'Activating…' : `Activate ${hsm.id} again`}
                </button>
                {perform.state.status === 'error' && <ErrorMessage error={perform.state.error} />}
              </>
            ) : (
              <p className="error">No completed activation step of {hsm.id} is in the script: record an exception and secure the HSM.</p>
            )}
          </section>
        );
      })}
    </>
  );
}
