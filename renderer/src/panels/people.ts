import type { CeremonyState, ParticipantState } from '../../../core/contract/ceremonyState.js';

/** Participants still in the room (signed in, not signed out). */
export function present(state: CeremonyState): ParticipantState[] {
  return state.participants.filter((p) => p.signedOutAt === null);
}

export function presentByRole(state: CeremonyState): Map<string, ParticipantState[]> {
  const byRole = new Map<string, ParticipantState[]>();
  for (const p of present(state)) for (const role of p.roles) byRole.set(role, [...(byRole.get(role) ?? []), p]);
  return byRole;
}

/** Those present who hold one of the roles, in sign-in order. */
export function withRoles(state: CeremonyState, roles: readonly string[]): ParticipantState[] {
  return present(state).filter((p) => p.roles.some((r) => roles.includes(r)));
}

/** The Internal Witness in the room, if one signed in. */
export function internalWitness(state: CeremonyState): ParticipantState | null {
  return withRoles(state, ['IW'])[0] ?? null;
}

/** The roles that perform a step of the ceremony itself (in the room): who must sign in. */
export function rolesInTheRoom(state: CeremonyState): Set<string> {
  return new Set(state.acts.filter((a) => a.phase === 'ceremony').flatMap((a) => a.steps.flatMap((s) => s.roles)));
}

/** The quorums a step in the room draws on (an activation, a reconstruction, a bag per holder). */
export function quorumsInTheRoom(state: CeremonyState): Set<string> {
  const used = new Set<string>();
  for (const act of state.acts.filter((a) => a.phase === 'ceremony'))
    for (const step of act.steps)
      for (const key of ['quorum', 'perMemberOf']) {
        const id = step.action.inputs[key];
        if (typeof id === 'string') used.add(id);
      }
  return used;
}
