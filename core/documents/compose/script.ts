import { actTitle } from '../../ceremony/branches.js';
import { scriptHash } from '../../ceremony/hash.js';
import { participantRoles, type Script, type Step } from '../../ceremony/script.js';
import type { CeremonyInfo, ScriptDocumentInput } from '../types.js';

export interface ScriptDocumentOptions {
  /** Names known ahead, by the script's role id (e.g. { CA: 'Ada Administrator' }); rows stay blank for pen otherwise. */
  names?: Readonly<Record<string, string>>;
}

/** What is printed in a step's Activity cell: its text and, for a DR step, the section it carries out. */
function activity(step: Step): string {
  return step.seedStep ? `${step.text}\n(DR ${step.seedStep})` : step.text;
}

/**
 * The sign-in rows: one per role that performs a step of the ceremony, and as many rows as the
 * quorum needs for a role that acts as a quorum (3 CO rows for 3 of 7).
 */
function signInRows(script: Script, options: ScriptDocumentOptions): ScriptDocumentInput['participants'] {
  const quorumSize = new Map<string, number>();
  for (const q of Object.values(script.quorums)) quorumSize.set(q.role, Math.max(quorumSize.get(q.role) ?? 0, q.m));
  return participantRoles(script).flatMap((role) => {
    const count = quorumSize.get(role);
    if (count === undefined) {
      const name = options.names?.[role];
      return [{ role, ...(name ? { name } : {}) }];
    }
    return Array.from({ length: count }, (_, i) => ({ role: `${role} ${i + 1}` }));
  });
}

/** Every statement the script has people attest, once per role that signs it. */
function attestations(script: Script, options: ScriptDocumentOptions): ScriptDocumentInput['attestations'] {
  const out: ScriptDocumentInput['attestations'] = [];
  const seen = new Set<string>();
  const everyone = participantRoles(script);
  for (const act of script.acts) {
    for (const step of act.steps) {
      if (step.action.kind !== 'attestation') continue;
      const { by, statement } = step.action.inputs;
      for (const role of by === 'all-participants' ? everyone : by) {
        const key = `${role}\u0000${statement}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const name = options.names?.[role];
        out.push({ role, statement, ...(name ? { name } : {}) });
      }
    }
  }
  return out;
}

/**
 * The script as the participants will use it on paper, from a script alone: a template, an
 * adapted script, or the one a ceremony stored in its log. So the script can be printed ahead of
 * the ceremony, before anything is logged; its hash is the one the log records when it is loaded.
 */
export function scriptDocumentInput(script: Script, ceremony: CeremonyInfo, options: ScriptDocumentOptions = {}): ScriptDocumentInput {
  const adapted = script.basedOn ? `, adapted from ${script.basedOn.id} version ${script.basedOn.version}` : '';
  return {
    ceremony,
    scriptHash: scriptHash(script),
    scriptVersion: `${script.title}: ${script.id} version ${script.version}${adapted}${script.facility ? ` for ${script.facility}` : ''}`,
    participants: signInRows(script, options),
    acts: script.acts.map((act) => ({
      number: String(act.number),
      title: actTitle(script, act),
      ...(act.phase === 'preparation' ? { summary: 'Preparation, before the ceremony day: not filmed.' } : {}),
      steps: act.steps.map((step) => ({ number: step.number, role: step.roles.join(', '), activity: activity(step) })),
    })),
    attestations: attestations(script, options),
  };
}
