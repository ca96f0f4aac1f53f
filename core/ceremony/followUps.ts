import { z } from 'zod';
import { utcIso } from '../clock.js';
import { KskError } from '../errors.js';
import { followUpKindSchema } from './actions.js';
import { findStep, type FollowUpDeclaration, type Script, type Step } from './script.js';

/**
 * Follow-up obligations: what a procedure leaves to be done once circumstances allow ("once a KMF
 * becomes available, schedule an extraordinary Key Ceremony ..."). A script declares them; its
 * follow-up step opens them when the ceremony runs; they are carried into every later ceremony until
 * a discharge-follow-up step of a ceremony that did the work discharges them.
 */
const isoTime = z.iso.datetime();

/** An HSM an obligation names by its identity in the log: a compromised HSM to retire. */
export const hsmSubjectSchema = z.strictObject({
  hsmId: z.string().min(1),
  serialNumber: z.string().min(1),
  model: z.string().min(1),
  tokenLabel: z.string().min(1).optional(),
  /** Why it is named, e.g. "held the compromised KSK Kabcdef (key tag 20326)". */
  reason: z.string().min(1),
});
export type HsmSubject = z.infer<typeof hsmSubjectSchema>;

export const obligationSchema = z
  .strictObject({
    /** `<ceremony id>/<follow-up id>`: one obligation per declared follow-up per ceremony. */
    id: z.string().min(3),
    kind: followUpKindSchema,
    title: z.string().min(1),
    condition: z.string().min(1),
    origin: z.strictObject({
      ceremonyId: z.string().min(1),
      scriptId: z.string().min(1),
      scriptVersion: z.string().min(1),
      scriptSha256: z.string().regex(/^[0-9a-f]{64}$/),
      procedure: z.string().min(1),
      stepId: z.string().min(1),
      followUpId: z.string().min(1),
      seedStep: z.string().optional(),
    }),
    openedAt: isoTime,
    /** What the ceremony that opened it decided, where it says more than the script can (e.g. "Rescheduled to <date>: ..."). */
    detail: z.string().min(1).optional(),
    /** The HSMs that must be retired before a replace-hardware obligation is discharged. */
    subjects: z.array(hsmSubjectSchema).optional(),
    status: z.enum(['open', 'discharged']),
    discharge: z.strictObject({ ceremonyId: z.string().min(1), stepId: z.string().min(1), at: isoTime, note: z.string().min(1) }).optional(),
  })
  .refine((o) => (o.status === 'discharged') === (o.discharge !== undefined), {
    message: 'a discharged obligation records its discharge, an open one none',
    path: ['discharge'],
  });
export type Obligation = z.infer<typeof obligationSchema>;

function stepById(script: Script, stepId: string): Step {
  const step = findStep(script, stepId);
  if (!step) throw new KskError('NOT_FOUND', `Script ${script.id} has no step "${stepId}".`);
  return step;
}

/** What triage added beside the script's own follow-ups: DR 4.1.3 for a prolonged unavailability. */
const signAhead: FollowUpDeclaration = {
  id: 'dr-4.1.3-plan',
  kind: 'sign-ahead',
  title: 'DR 4.1.3: assess the duration of the impairment, have the plan approved, and sign additional KSRs ahead to span it',
  condition:
    'now: triage found a high risk of prolonged unavailability of necessary personnel or facilities; the additional KSRs are signed at the next ceremony that can be held',
};

export interface OpenContext {
  ceremonyId: string;
  scriptSha256: string;
  at: Date;
  /** Triage's plan for a prolonged unavailability, opened beside the script's own follow-ups. */
  plan?: '4.1.3' | null;
  /** The compromised HSMs a replace-hardware obligation names (from the registers). */
  compromised?: readonly HsmSubject[];
  /** The outcome of the branch that ended the ceremony, carried by a rescheduled-ceremony obligation. */
  outcome?: string | null;
}

/** The obligations a script's follow-up step opens when a ceremony completes it. */
export function openObligations(script: Script, stepId: string, ctx: OpenContext): Obligation[] {
  const step = stepById(script, stepId);
  if (step.action.kind !== 'follow-up') throw new KskError('BAD_REQUEST', `Step ${step.number} (${step.id}) of ${script.id} opens no follow-up obligations.`);
  const declarations = step.action.inputs.create.map((followUpId) => {
    const declared = script.followUps.find((f) => f.id === followUpId);
    if (!declared) throw new KskError('BAD_REQUEST', `Script ${script.id} declares no follow-up "${followUpId}".`);
    return declared;
  });
  if (ctx.plan === '4.1.3' && script.procedure !== '4.1.3') declarations.push(signAhead);
  return declarations.map((declared) => {
    const followUpId = declared.id;
    const subjects = declared.kind === 'replace-hardware' && ctx.compromised && ctx.compromised.length > 0 ? { subjects: [...ctx.compromised] } : {};
    const detail = declared.kind === 'rescheduled-ceremony' && ctx.outcome ? { detail: ctx.outcome } : {};
    return {
      id: `${ctx.ceremonyId}/${followUpId}`,
      kind: declared.kind,
      title: declared.title,
      condition: declared.condition,
      origin: {
        ceremonyId: ctx.ceremonyId,
        scriptId: script.id,
        scriptVersion: script.version,
        scriptSha256: ctx.scriptSha256,
        procedure: script.procedure,
        stepId: step.id,
        followUpId,
        ...(declared.seedStep ? { seedStep: declared.seedStep } : {}),
      },
      openedAt: utcIso(ctx.at),
      ...detail,
      ...subjects,
      status: 'open',
    };
  });
}

/**
 * What still keeps an obligation open after a ceremony that would discharge it, checked against
 * what that ceremony recorded: a compromised HSM it names and the ceremony did not retire. Null
 * when nothing does.
 */
export function unmetCondition(obligation: Obligation, done: { retiredSerials: readonly string[] }): string | null {
  if (obligation.kind !== 'replace-hardware' || !obligation.subjects) return null;
  const left = obligation.subjects.filter((h) => !done.retiredSerials.includes(h.serialNumber));
  if (left.length === 0) return null;
  return `${left.map((h) => `${h.hsmId} (${h.model}, serial ${h.serialNumber}${h.tokenLabel ? `, token ${h.tokenLabel}` : ''}), which ${h.reason}`).join('; ')} ${left.length === 1 ? 'is' : 'are'} not retired`;
}

/** Marks an open obligation discharged by a discharge-follow-up step whose kinds include it. */
export function dischargeObligation(
  obligation: Obligation,
  ctx: { script: Script; stepId: string; ceremonyId: string; at: Date; note: string; retiredSerials: readonly string[] },
): Obligation {
  if (obligation.status !== 'open')
    throw new KskError('CONFLICT', `Obligation ${obligation.id} was already discharged by ceremony ${obligation.discharge?.ceremonyId}.`);
  const step = stepById(ctx.script, ctx.stepId);
  if (step.action.kind !== 'discharge-follow-up' || !step.action.inputs.kinds.includes(obligation.kind)) {
    throw new KskError('BAD_REQUEST', `Step ${step.number} (${step.id}) of ${ctx.script.id} cannot discharge a ${obligation.kind} obligation.`);
  }
  if (ctx.note.trim() === '') throw new KskError('BAD_REQUEST', `Discharging ${obligation.id} needs a note saying how it was done.`);
  const unmet = unmetCondition(obligation, ctx);
  if (unmet)
    throw new KskError(
      'POLICY_FAILURE',
      `Obligation ${obligation.id} (${obligation.title}) stays open: ${unmet} in this ceremony. Retire ${obligation.subjects && obligation.subjects.length > 1 ? 'them' : 'it'} at the replace-hardware step first.`,
    );
  return { ...obligation, status: 'discharged', discharge: { ceremonyId: ctx.ceremonyId, stepId: step.id, at: utcIso(ctx.at), note: ctx.note.trim() } };
}

/** The obligations still open, oldest first. */
export function outstanding(obligations: readonly Obligation[]): Obligation[] {
  return obligations.filter((o) => o.status === 'open').sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}
