import { useEffect, useId, useState } from 'react';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { useAction } from '../api.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { ScreenTitle } from '../components/ScreenTitle.js';
import { utc } from '../format.js';
import { CeremonyLoader } from '../panels/CeremonyLoader.js';
import { useKnownPeople } from '../panels/knownPeople.js';
import { present, presentByRole, quorumsInTheRoom, rolesInTheRoom } from '../panels/people.js';
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
        {state.quorums.filter((q) => used.has(q.id)).map((q) => {
          const count = present.get(q.role)?.length ?? 0;
          const missing = Math.max(0, q.m - count);
          return (
            <li key={q.id} data-testid={`quorum-${q.id}`}>
              <span className="big">
                {q.title ?? q.role}: {count} of {q.m} needed signed in
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
  const known = useKnownPeople(state.ceremonyId).filter((k) => !present(state).some((p) => p.personId === k.personId));
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
          .run({ ceremonyId: state.ceremonyId, name, roles, ...(personId.trim() ? { personId: personId.trim() } : {}), ...(organisation.trim() ? { organisation: organisation.trim() } : {}) })
          .then((r) => {
            if (r?.ok) {
              choose('');
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
      </fieldset>
      <button type="submit" disabled={signIn.busy || !name.trim() || roles.length === 0}>
        {signIn.busy ? 'Signing in…' : 'Sign in'}
      </button>
      {signIn.state.status === 'error' && <ErrorMessage error={signIn.state.error} />}
    </form>
  );
}

function Participants({ state }: { state: CeremonyState }) {
  const signOut = useAction('ceremony.signOut');
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
                <td>
                  {p.signedOutAt ? (
                    utc(p.signedOutAt)
                  ) : state.status !== 'closed' ? (
                    <button type="button" className="secondary" disabled={signOut.busy} onClick={() => void signOut.run({ ceremonyId: state.ceremonyId, personId: p.personId })}>
                      Sign out {p.name}
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {signOut.state.status === 'error' && <ErrorMessage error={signOut.state.error} />}
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
