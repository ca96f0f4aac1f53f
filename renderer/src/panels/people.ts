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
