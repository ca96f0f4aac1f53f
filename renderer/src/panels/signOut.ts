import type { CeremonyState, ParticipantState } from '../../../core/contract/ceremonyState.js';
import { present } from './people.js';

/**
 * What a participant's leaving blocks, in sentences for the confirmation: the IW's initials and
 * signatures, a quorum that falls below M for a step still to come, a role no one else holds for a
 * step still to come. Empty when the ceremony goes on without them.
 */
export function signOutBlocks(state: CeremonyState, person: ParticipantState): string[] {
  if (state.status === 'closed') return [];
  const others = present(state).filter((p) => p.personId !== person.personId);
  const toCome = state.acts
    .filter((a) => a.phase === 'ceremony')
    .flatMap((a) => a.steps)
    .filter((s) => s.status === 'pending' || s.status === 'in-progress' || s.status === 'awaiting-initials');
  const named = (steps: typeof toCome) =>
    steps
      .slice(0, 4)
      .map((s) => `${s.number} (${s.action.title})`)
      .join(', ') + (steps.length > 4 ? ` and ${steps.length - 4} more` : '');
  const blocks: string[] = [];
  if (person.roles.includes('IW') && !others.some((p) => p.roles.includes('IW') || p.roles.includes('IW2'))) {
    blocks.push(
      `${person.name} is the only Internal Witness signed in: until an IW signs in again, no step can be initialled and no exception or deviation signed, so the ceremony cannot go on.`,
    );
  }
  for (const q of state.quorums.filter((x) => person.roles.includes(x.role))) {
    const left = others.filter((p) => p.roles.includes(q.role)).length;
    const needing = toCome.filter((s) => s.action.inputs.quorum === q.id || s.action.inputs.perMemberOf === q.id);
    if (needing.length > 0 && left < q.m)
      blocks.push(`Only ${left} ${q.role} would remain of the ${q.m} needed (${q.title ?? `quorum ${q.id}`}) for step ${named(needing)}.`);
  }
  for (const role of person.roles.filter((r) => r !== 'IW' && !state.quorums.some((q) => q.role === r))) {
    if (others.some((p) => p.roles.includes(role))) continue;
    const needing = toCome.filter((s) => s.roles.includes(role));
    if (needing.length > 0) blocks.push(`No one else is signed in as ${role}, who performs step ${named(needing)}.`);
  }
  return blocks;
}
