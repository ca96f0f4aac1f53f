import { useEffect, useId, useState } from 'react';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import { withRoles } from '../panels/people.js';

export type PerformerValue = { personId: string } | { name: string; role: string };

/**
 * Who performs the step: one of those signed in with a role the step names. Before the ceremony
 * day (a preparation step) nobody has signed in yet, so a name and a role are written instead.
 */
export function Performer({ state, step, onChange }: { state: CeremonyState; step: StepState; onChange: (value: PerformerValue | null) => void }) {
  const id = useId();
  const candidates = withRoles(state, step.roles);
  const [personId, setPersonId] = useState(candidates[0]?.personId ?? '');
  const [name, setName] = useState('');
  const [role, setRole] = useState(step.roles[0] ?? '');
  const byName = candidates.length === 0 && step.phase === 'preparation';
  const chosen = candidates.some((p) => p.personId === personId) ? personId : (candidates[0]?.personId ?? '');

  useEffect(() => {
    if (byName) onChange(name.trim() && role ? { name: name.trim(), role } : null);
    else onChange(chosen ? { personId: chosen } : null);
  }, [byName, name, role, chosen, onChange]);

  if (byName) {
    return (
      <fieldset>
        <legend>Performed by (before the ceremony day: no one is signed in)</legend>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value)}>
            {step.roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
      </fieldset>
    );
  }
  if (candidates.length === 0) {
    return (
      <p className="warning" role="status">
        No one signed in as {step.roles.join(' or ')}, who perform this step. Sign them in first.
      </p>
    );
  }
  return (
    <div className="field">
      <label htmlFor={`${id}-person`}>Performed by</label>
      <select id={`${id}-person`} value={chosen} onChange={(e) => setPersonId(e.target.value)} data-testid="performer">
        {candidates.map((p) => (
          <option key={p.personId} value={p.personId}>
            {p.name} ({p.roles.join(', ')})
          </option>
        ))}
      </select>
    </div>
  );
}
