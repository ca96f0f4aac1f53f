import { useId } from 'react';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import { withRoles } from '../panels/people.js';

export type PerformerValue = { personId: string } | { name: string; role: string };

/** The performer fields as chosen and typed; `performerOf` reads who performs from them. */
export interface PerformerFields {
  personId: string;
  name: string;
  role: string;
}

export const noPerformer: PerformerFields = { personId: '', name: '', role: '' };

/** Before the ceremony day (a preparation step) nobody has signed in yet, so a name and a role are written instead. */
function byName(state: CeremonyState, step: StepState): boolean {
  return withRoles(state, step.roles).length === 0 && step.phase === 'preparation';
}

/** Who performs, from the fields as they are on screen now (so a submit by Enter sends the last character typed), or null. */
export function performerOf(state: CeremonyState, step: StepState, fields: PerformerFields): PerformerValue | null {
  const candidates = withRoles(state, step.roles);
  if (byName(state, step)) {
    const role = fields.role || step.roles[0] || '';
    return fields.name.trim() && role ? { name: fields.name.trim(), role } : null;
  }
  const chosen = candidates.some((p) => p.personId === fields.personId) ? fields.personId : (candidates[0]?.personId ?? '');
  return chosen ? { personId: chosen } : null;
}

/** Who performs the step: one of those signed in with a role the step names, or a name and a role before the ceremony day. */
export function Performer({
  state,
  step,
  value,
  onChange,
}: {
  state: CeremonyState;
  step: StepState;
  value: PerformerFields;
  onChange: (value: PerformerFields) => void;
}) {
  const id = useId();
  const candidates = withRoles(state, step.roles);
  if (byName(state, step)) {
    return (
      <fieldset>
        <legend>Performed by (before the ceremony day: no one is signed in)</legend>
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={value.name} onChange={(e) => onChange({ ...value, name: e.target.value })} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={value.role || step.roles[0] || ''} onChange={(e) => onChange({ ...value, role: e.target.value })}>
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
  const chosen = performerOf(state, step, value);
  return (
    <div className="field">
      <label htmlFor={`${id}-person`}>Performed by</label>
      <select
        id={`${id}-person`}
        value={chosen && 'personId' in chosen ? chosen.personId : ''}
        onChange={(e) => onChange({ ...value, personId: e.target.value })}
        data-testid="performer"
      >
        {candidates.map((p) => (
          <option key={p.personId} value={p.personId}>
            {p.name} ({p.roles.join(', ')})
          </option>
        ))}
      </select>
    </div>
  );
}
