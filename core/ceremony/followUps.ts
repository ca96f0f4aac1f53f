import { z } from 'zod';
import { utcIso } from '../clock.js';
import { KskError } from '../errors.js';
import { followUpKindSchema } from './actions.js';
import { findStep, type Script, type Step } from './script.js';

/**
 * Follow-up obligations: what a procedure leaves to be done once circumstances allow ("once a KMF
 * becomes available, schedule an extraordinary Key Ceremony ..."). A script declares them; its
 * follow-up step opens them when the ceremony runs; they are carried into every later ceremony until
 * a discharge-follow-up step of a ceremony that did the work discharges them.
 */
const isoTime = z.iso.datetime();

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
    status: z.enum(['open', 'discharged']),
    discharge: z.strictObject({ ceremonyId: z.string().min(1), stepId: z.string().min(1), at: isoTime, note: z.string().min(1) }).optional(),
  })
  .refine((o) => (o.status === 'discharged') === (o.discharge !== undefined), { message: 'a discharged obligation records its discharge, an open one none', path: ['discharge'] });
export type Obligation = z.infer<typeof obligationSchema>;

function stepById(script: Script, stepId: string): Step {
  const step = findStep(script, stepId);
  if (!step) throw new KskError('NOT_FOUND', `Script ${script.id} has no step "${stepId}".`);
  return step;
}

/** The obligations a script's follow-up step opens when a ceremony completes it. */
export function openObligations(script: Script, stepId: string, ctx: { ceremonyId: string; scriptSha256: string; at: Date }): Obligation[] {
  const step = stepById(script, stepId);
  if (step.action.kind !== 'follow-up') throw new KskError('BAD_REQUEST', `Step ${step.number} (${step.id}) of ${script.id} opens no follow-up obligations.`);
  return step.action.inputs.create.map((followUpId) => {
    const declared = script.followUps.find((f) => f.id === followUpId);
    if (!declared) throw new KskError('BAD_REQUEST', `Script ${script.id} declares no follow-up "${followUpId}".`);
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
      status: 'open',
    };
  });
}

/** Marks an open obligation discharged by a discharge-follow-up step whose kinds include it. */
export function dischargeObligation(
  obligation: Obligation,
  ctx: { script: Script; stepId: string; ceremonyId: string; at: Date; note: string },
): Obligation {
  if (obligation.status !== 'open') throw new KskError('CONFLICT', `Obligation ${obligation.id} was already discharged by ceremony ${obligation.discharge?.ceremonyId}.`);
  const step = stepById(ctx.script, ctx.stepId);
  if (step.action.kind !== 'discharge-follow-up' || !step.action.inputs.kinds.includes(obligation.kind)) {
    throw new KskError('BAD_REQUEST', `Step ${step.number} (${step.id}) of ${ctx.script.id} cannot discharge a ${obligation.kind} obligation.`);
  }
  if (ctx.note.trim() === '') throw new KskError('BAD_REQUEST', `Discharging ${obligation.id} needs a note saying how it was done.`);
  return { ...obligation, status: 'discharged', discharge: { ceremonyId: ctx.ceremonyId, stepId: step.id, at: utcIso(ctx.at), note: ctx.note.trim() } };
}

/** The obligations still open, oldest first. */
export function outstanding(obligations: readonly Obligation[]): Obligation[] {
  return obligations.filter((o) => o.status === 'open').sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}
