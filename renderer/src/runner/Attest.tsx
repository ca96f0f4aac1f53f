import { useEffect, useState } from 'react';
import type { CeremonyState, ParticipantState, StepState } from '../../../core/contract/ceremonyState.js';
import { useAction, useApi, type CallState } from '../api.js';
import type { ResponseOf } from '../../../core/contract/api.js';
import { Dialog } from '../components/Dialog.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Hash } from '../components/Hash.js';
import { SignaturePad } from '../components/SignaturePad.js';
import { clockTime } from '../format.js';
import { present, withRoles } from '../panels/people.js';
import { TextField } from './forms/common.js';

type Prepared = ResponseOf<'attestation.prepare'>;

/**
 * One person's attestation: the exact statement and the log head it binds to, a drawn signature,
 * and the Sign button that signs; or "I do not agree" with a reason. The head is fetched when the
 * dialog opens; if the log moves on before signing, the backend refuses and the dialog says so.
 */
function AttestationDialog({ state, step, person, onClose }: { state: CeremonyState; step: StepState; person: ParticipantState; onClose: () => void }) {
  const api = useApi();
  const [prepared, setPrepared] = useState<CallState<Prepared>>({ status: 'loading' });
  const [signature, setSignature] = useState<string | null>(null);
  const [disagree, setDisagree] = useState(false);
  const [reason, setReason] = useState('');
  const sign = useAction('attestation.sign');
  const decline = useAction('attestation.decline');
  useEffect(() => {
    void api
      .call('attestation.prepare', { ceremonyId: state.ceremonyId, stepId: step.id, personId: person.personId })
      .then((r) => setPrepared(r.ok ? { status: 'ok', value: r.value } : { status: 'error', error: r.error }));
  }, [api, state.ceremonyId, step.id, person.personId]);
  const busy = sign.busy || decline.busy;
  return (
    <Dialog title={`Attestation of ${person.name}`} onClose={onClose} testId="attestation-dialog">
      {prepared.status === 'loading' && <p>Reading the statement and the log head…</p>}
      {prepared.status === 'error' && <ErrorMessage error={prepared.error} />}
      {prepared.status === 'ok' && (
        <>
          <p>
            {prepared.value.name}, as {prepared.value.role}, attests:
          </p>
          <blockquote className="statement" data-testid="statement">
            {prepared.value.statement}
          </blockquote>
          <Hash
            label={`The log as it stands now: event ${prepared.value.head.seq}, head hash`}
            hex={prepared.value.head.hash}
            words={prepared.value.head.pgpWords}
            testId="attestation-head"
          />
          {!disagree ? (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (signature)
                  void sign
                    .run({
                      ceremonyId: state.ceremonyId,
                      stepId: step.id,
                      personId: person.personId,
                      headHashShown: prepared.value.head.hash,
                      signaturePng: signature,
                    })
                    .then((r) => r?.ok && onClose());
              }}
            >
              <SignaturePad label={`Signature of ${prepared.value.name} (${prepared.value.role})`} onChange={setSignature} />
              <div className="actions">
                <button type="submit" className="primary-large" disabled={!signature || busy} data-testid="attestation-sign">
                  {signature ? `Sign: ${prepared.value.name} attests the statement above` : 'Draw the signature to sign'}
                </button>
                <button type="button" className="secondary" onClick={() => setDisagree(true)}>
                  I do not agree…
                </button>
                <button type="button" className="secondary" onClick={onClose}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (reason.trim())
                  void decline
                    .run({ ceremonyId: state.ceremonyId, stepId: step.id, personId: person.personId, headHashShown: prepared.value.head.hash, reason })
                    .then((r) => r?.ok && onClose());
              }}
            >
              <TextField label={`Why ${prepared.value.name} does not agree`} value={reason} onChange={setReason} multiline />
              <div className="actions">
                <button type="submit" className="danger" disabled={!reason.trim() || busy}>
                  Record that {prepared.value.name} does not agree
                </button>
                <button type="button" className="secondary" onClick={() => setDisagree(false)}>
                  Back to signing
                </button>
              </div>
            </form>
          )}
          {sign.state.status === 'error' && <ErrorMessage error={sign.state.error} />}
          {decline.state.status === 'error' && <ErrorMessage error={decline.state.error} />}
        </>
      )}
    </Dialog>
  );
}

/** Who must attest at an attestation step, and who has: each person signs in their own dialog. */
export function Attest({ state, step }: { state: CeremonyState; step: StepState }) {
  const inputs = step.action.inputs as { by?: string | string[]; statement?: string };
  const people =
    inputs.by === 'all-participants' || inputs.by === undefined ? present(state) : withRoles(state, Array.isArray(inputs.by) ? inputs.by : [inputs.by]);
  const done = state.attestations.filter((a) => a.stepId === step.id);
  const [open, setOpen] = useState<ParticipantState | null>(null);
  return (
    <section className="panel panel-strong" aria-label="Attestations" data-testid="attest">
      <p className="statement">{inputs.statement}</p>
      <ul className="cards">
        {people.map((person) => {
          const given = done.find((a) => a.personId === person.personId);
          return (
            <li key={person.personId} data-testid="attester">
              <strong>
                {person.name} ({person.roles.join(', ')})
              </strong>{' '}
              {given ? (
                <span className={given.signed ? 'badge badge-ok' : 'badge badge-error'}>
                  {given.signed ? `signed at ${clockTime(given.at)}` : `does not agree: ${given.reason ?? ''}`}
                </span>
              ) : (
                <button type="button" onClick={() => setOpen(person)}>
                  {person.name} attests…
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {open && <AttestationDialog state={state} step={step} person={open} onClose={() => setOpen(null)} />}
    </section>
  );
}
