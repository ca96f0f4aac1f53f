import { useEffect, useId, useState } from 'react';
import type { CeremonyState, ParticipantState } from '../../../core/contract/ceremonyState.js';
import { useAction } from '../api.js';
import { Dialog } from '../components/Dialog.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { SignaturePad } from '../components/SignaturePad.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { utc } from '../format.js';
import { CeremonyLoader } from '../panels/CeremonyLoader.js';
import { useKnownPeople } from '../panels/knownPeople.js';
import { present, presentByRole, quorumsInTheRoom, rolesInTheRoom } from '../panels/people.js';
import { signOutBlocks } from '../panels/signOut.js';
import { href } from '../router.js';

/** The quorum counters and the roles nobody has signed in for: what is still missing before the work can start. */
export function Quorums({ state }: { state: CeremonyState }) {
  const present = presentByRole(state);
  const needed = rolesInTheRoom(state);
  const used = quorumsInTheRoom(state);
  const missingRoles = state.roles.filter((r) => needed.has(r.id) && (present.get(r.id)?.length ?? 0) === 0);
  return (
    <section className="panel panel-strong" aria-labelledby="quorum-title" data-testid="quorums">
      <h2 id="quorum-title">Who is here</h2>
      <ul className="cards">
        {state.quorums
          .filter((q) => used.has(q.id))
          .map((q) => {
            const count = present.get(q.role)?.length ?? 0;
            const missing = Math.max(0, q.m - count);
            return (
              <li key={q.id} data-testid={`quorum-${q.id}`}>
                <span className="big">
                  {q.title ?? q.role}: {count} signed in, {q.m} needed
                </span>{' '}
                <span className={missing === 0 ? 'badge badge-ok' : 'badge badge-error'}>{missing === 0 ? 'quorum present' : `${missing} still missing`}</span>
                <p className="muted">
                  Quorum {q.id}: {q.m} of the {q.n} holders of role {q.role}.
                </p>
              </li>
            );
          })}
      </ul>
      {state.quorums
        .filter((q) => !used.has(q.id))
        .map((q) => (
          <p key={q.id} className="muted">
            {q.title ?? q.role} (quorum {q.id}): no step in the room needs them in this script.
          </p>
        ))}
      {missingRoles.length === 0 ? (
        <p className="success" data-testid="roles-missing">
          Every role the ceremony needs in the room has someone signed in.
        </p>
      ) : (
        <p className="warning" data-testid="roles-missing">
          No one has signed in yet as: {missingRoles.map((r) => `${r.title} (${r.id})`).join(', ')}.
        </p>
      )}
    </section>
  );
}

function SignInForm({ state }: { state: CeremonyState }) {
  const signIn = useAction('ceremony.signIn');
  const id = useId();
  // Earlier participants, this ceremony's signed-out ones first (an IW who left comes back under the same id); never one already here, by id or by name.
  const earlier = useKnownPeople(state.ceremonyId);
  const here = present(state);
  const isHere = (k: { personId: string; name: string }) =>
    here.some((p) => p.personId === k.personId || p.name.trim().toLowerCase() === k.name.trim().toLowerCase());
  const left = state.participants.filter((p) => p.signedOutAt !== null && !earlier.some((k) => k.personId === p.personId));
  const known = [...left, ...earlier].filter((k) => !isHere(k));
  const [signature, setSignature] = useState<string | null>(null);
  const [returning, setReturning] = useState('');
  const [personId, setPersonId] = useState('');
  const [name, setName] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  // After each sign-in the form starts again from its first field, once it is enabled again.
  const [signedIn, setSignedIn] = useState(0);
  useEffect(() => {
    if (signedIn > 0) document.getElementById(`${id}-returning`)?.focus();
  }, [signedIn, id]);
  const choose = (chosenId: string) => {
    setReturning(chosenId);
    const person = known.find((k) => k.personId === chosenId);
    setPersonId(person?.personId ?? '');
    setName(person?.name ?? '');
    setOrganisation(person?.organisation ?? '');
    setRoles(person ? person.roles.filter((r) => state.roles.some((x) => x.id === r)) : []);
  };
  return (
    <form
      className="panel"
      aria-labelledby={`${id}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        void signIn
          .run({
            ceremonyId: state.ceremonyId,
            name,
            roles,
            ...(personId.trim() ? { personId: personId.trim() } : {}),
            ...(organisation.trim() ? { organisation: organisation.trim() } : {}),
            ...(signature ? { signaturePng: signature } : {}),
          })
          .then((r) => {
            if (r?.ok) {
              choose('');
              setSignature(null);
              setSignedIn((n) => n + 1);
            }
          });
      }}
    >
      <h2 id={`${id}-title`}>Sign in a participant</h2>
      <fieldset className="plain" disabled={signIn.busy}>
        <div className="field">
          <label htmlFor={`${id}-returning`}>Someone from an earlier ceremony (keeps the person id their credentials were issued to)</label>
          <select id={`${id}-returning`} value={returning} onChange={(e) => choose(e.target.value)} data-testid="returning">
            <option value="">No: someone new</option>
            {known.map((k) => (
              <option key={k.personId} value={k.personId}>
                {k.name} ({k.roles.join(', ')}; {k.personId})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>Printed name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </div>
        <fieldset>
          <legend>Roles in this ceremony</legend>
          {state.roles.map((role) => (
            <label key={role.id} className="choice">
              <input
                type="checkbox"
                checked={roles.includes(role.id)}
                onChange={(e) => setRoles(e.target.checked ? [...roles, role.id] : roles.filter((r) => r !== role.id))}
              />
              <span>
                {role.title} ({role.id}){rolesInTheRoom(state).has(role.id) ? '' : ': not needed in the room'}
              </span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-person`}>Person id (optional: made from the name when empty)</label>
          <input id={`${id}-person`} value={personId} onChange={(e) => setPersonId(e.target.value)} autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-org`}>Organisation (optional)</label>
          <input id={`${id}-org`} value={organisation} onChange={(e) => setOrganisation(e.target.value)} autoComplete="off" />
        </div>
        <SignaturePad key={signedIn} label={name.trim() ? `Signature of ${name.trim()} at sign-in` : 'Signature at sign-in'} onChange={setSignature} />
      </fieldset>
      <button type="submit" disabled={signIn.busy || !name.trim() || roles.length === 0 || !signature}>
        {signIn.busy ? 'Signing in…' : 'Sign in'}
      </button>
      {!signature && name.trim() && <span className="hint">The participant draws their signature to sign in.</span>}
      {signIn.state.status === 'error' && <ErrorMessage error={signIn.state.error} />}
    </form>
  );
}

/** Signing out asks first, says what the leaving blocks, and takes the signature drawn at sign-out. */
function SignOut({ state, person }: { state: CeremonyState; person: ParticipantState }) {
  const signOut = useAction('ceremony.signOut');
  const [open, setOpen] = useState(false);
  const [signature, setSignature] = useState<string | null>(null);
  const blocks = signOutBlocks(state, person);
  return (
    <>
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Sign out {person.name}…
      </button>
      {open && (
        <Dialog title={`Sign out ${person.name}?`} onClose={() => setOpen(false)} testId="sign-out-dialog">
          {blocks.length > 0 ? (
            <div className="warning" role="alert" data-testid="sign-out-blocks">
              <p>If {person.name} leaves now:</p>
              <ul>
                {blocks.map((b) => (
                  <li key={b}>{b}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p>The ceremony can go on without {person.name}.</p>
          )}
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (signature)
                void signOut.run({ ceremonyId: state.ceremonyId, personId: person.personId, signaturePng: signature }).then((r) => r?.ok && setOpen(false));
            }}
          >
            <SignaturePad label={`Signature of ${person.name} at sign-out`} onChange={setSignature} />
            <div className="actions">
              <button type="submit" className={blocks.length > 0 ? 'danger' : undefined} disabled={!signature || signOut.busy} data-testid="confirm-sign-out">
                {signature ? `${person.name} signs out` : 'Draw the signature to sign out'}
              </button>
              <button type="button" className="secondary" onClick={() => setOpen(false)}>
                Cancel: {person.name} stays
              </button>
            </div>
            {signOut.state.status === 'error' && <ErrorMessage error={signOut.state.error} />}
          </form>
        </Dialog>
      )}
    </>
  );
}

function Participants({ state }: { state: CeremonyState }) {
  return (
    <section className="panel" aria-labelledby="participants-title">
      <h2 id="participants-title">Participants ({state.participants.length})</h2>
      {state.participants.length === 0 ? (
        <p className="muted">No one has signed in yet.</p>
      ) : (
        <table className="wide" data-testid="participants">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Organisation</th>
              <th scope="col">Signed in</th>
              <th scope="col">Signed out</th>
            </tr>
          </thead>
          <tbody>
            {state.participants.map((p) => (
              <tr key={p.personId} data-testid="participant">
                <th scope="row">{p.name}</th>
                <td>{p.roles.join(', ')}</td>
                <td>{p.organisation ?? '—'}</td>
                <td>{utc(p.signedInAt)}</td>
                <td>{p.signedOutAt ? utc(p.signedOutAt) : state.status !== 'closed' ? <SignOut state={state} person={p} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Participants and their roles for this ceremony, and the quorum counters. */
export function SignInScreen({ id }: { id: string }) {
  return (
    <CeremonyLoader id={id}>
      {(state) => (
        <>
          <ScreenTitle>Sign-in: {state.title}</ScreenTitle>
          <p>
            <a href={href({ name: 'ceremony', id })}>Go to the ceremony script</a>
          </p>
          <Quorums state={state} />
          {state.status !== 'closed' && <SignInForm state={state} />}
          <Participants state={state} />
        </>
      )}
    </CeremonyLoader>
  );
}
