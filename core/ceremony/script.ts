import { z } from 'zod';
import { actionSchema, followUpIdSchema, followUpKindSchema, hsmIdSchema, quorumIdSchema, roleIdSchema, stepIdSchema, textSchema } from './actions.js';
import { branchIdSchema, branchSchema } from './branches.js';
import { disasters, drProcedureIds, isDrProcedureId } from './procedures.js';

/**
 * A ceremony script: acts of numbered steps, each performed by named roles, initialled by the IW
 * where it says so, and carrying the action the app performs. This is the resolved form: a plain,
 * complete document (no includes, no defaults left to apply) whose canonical JSON is hashed
 * (hash.ts) and stored in the log, so the script a ceremony followed can always be shown exactly.
 * Templates and operators' adaptations are written in YAML and resolved into it by load.ts.
 */

export const scriptFormat = 'ksk-ceremony-script/1';

/** The ceremonies that are not disaster recovery. 'rrsig-release' hands a stored SKR to the RZM (DR 4.1.3 step 7). */
export const standardProcedures = ['ksr-signing', 'ksk-generation', 'extraordinary', 'rrsig-release'] as const;
export const procedureKinds = [...drProcedureIds, ...standardProcedures] as const;
export const procedureKindSchema = z.enum(procedureKinds);
export type ProcedureKind = z.infer<typeof procedureKindSchema>;

/** The shipped template of a procedure: dr-4.2.1A for DR 4.2.1 A, ksr-signing for the quarterly ceremony. */
export function templateIdFor(procedure: ProcedureKind): string {
  return isDrProcedureId(procedure) ? `dr-${procedure}` : procedure;
}

/** Preparation happens before the ceremony day (not filmed, no IW initials by default); the ceremony is in the room, filmed. */
export const phases = ['preparation', 'ceremony'] as const;

export const seedStepSchema = z.string().regex(/^4\.[1-3]\.[1-3][ABC]?\.[1-9][0-9]?$/, 'a seed step is written like 4.2.1A.4 (procedure, then step number)');

export const roleSchema = z.strictObject({ id: roleIdSchema, title: textSchema, description: textSchema.optional() });
export type Role = z.infer<typeof roleSchema>;

/** M of the N holders of a role's credentials must be present to act (e.g. 3 of 7 Crypto Officers). */
export const quorumSchema = z.strictObject({ role: roleIdSchema, m: z.int().min(1), n: z.int().min(1).max(100), title: textSchema.optional() });
export type Quorum = z.infer<typeof quorumSchema>;

/** An HSM the script uses, as the operator's facility knows it; its identity (serial, slot) is evidence. */
export const hsmSchema = z.strictObject({
  id: hsmIdSchema,
  title: textSchema,
  location: z.enum(['kmf', 'outside-kmf']),
  /** production: holds the operator's KSK; another: a different HSM already owned; new: factory-new, commissioned here. */
  provenance: z.enum(['production', 'another', 'new']),
  /** native: the HSM's own M-of-N credentials; split-pin: one PIN split into shares (Shamir) held by the quorum. */
  activation: z.enum(['native', 'split-pin']),
});

export const followUpSchema = z.strictObject({
  id: followUpIdSchema,
  kind: followUpKindSchema,
  title: textSchema,
  /** When it can be done, in the seed's words where it has them ("once a KMF becomes available"). */
  condition: textSchema,
  seedStep: seedStepSchema.optional(),
});
export type FollowUpDeclaration = z.infer<typeof followUpSchema>;

export const stepSchema = z.strictObject({
  /** Stable and unique in the script: the log and the exceptions refer to it. */
  id: stepIdSchema,
  /** "act.step", e.g. "3.4", as printed and read aloud. */
  number: z.string().regex(/^[1-9][0-9]*\.[1-9][0-9]*$/),
  text: textSchema,
  roles: z.array(roleIdSchema).min(1),
  /** Whether the IW must initial the step before it counts as done. */
  initial: z.boolean(),
  /** The DR procedure step this one carries out (in whole or part), e.g. "4.2.1A.4". */
  seedStep: seedStepSchema.optional(),
  action: actionSchema,
});
export type Step = z.infer<typeof stepSchema>;

export const actSchema = z.strictObject({
  number: z.int().min(1),
  title: textSchema,
  phase: z.enum(phases),
  /** Only on this branch of the script (branches.ts); an act without one applies on every branch. */
  branch: branchIdSchema.optional(),
  steps: z.array(stepSchema).min(1, 'an act needs at least one step'),
});
export type Act = z.infer<typeof actSchema>;

export const scriptSchema = z.strictObject({
  format: z.literal(scriptFormat),
  id: z.string().regex(/^[a-z0-9]+(?:[.-][a-zA-Z0-9]+)*$/, 'a script id is lower case with dashes or dots, e.g. dr-4.2.1A or my-ksr-signing'),
  /** The operator's revision of this script: bump it with every change. */
  version: z.string().regex(/^[0-9]+(?:\.[0-9]+){0,2}$/, 'a version is one to three numbers joined by dots, e.g. 1 or 1.2'),
  title: textSchema,
  /** What the script is for and when to use it. */
  summary: textSchema,
  procedure: procedureKindSchema,
  /** Only for a DR procedure, and equal to its disaster. */
  disaster: z.enum(disasters).optional(),
  /** Only for a DR procedure: the section of the seed document it carries out. */
  seedReference: textSchema.optional(),
  /** The facility the operator adapted the script to. */
  facility: textSchema.optional(),
  /** The template an adaptation started from, so an auditor can compare the two. */
  basedOn: z.strictObject({ id: textSchema, version: textSchema, sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
  roles: z.array(roleSchema).min(1),
  quorums: z.record(quorumIdSchema, quorumSchema),
  hsms: z.array(hsmSchema),
  acts: z.array(actSchema).min(1, 'a script needs at least one act'),
  followUps: z.array(followUpSchema),
  /** Where the DR document says "if ... otherwise": the step that decides, and the acts of each branch. Absent in a script without branches. */
  branches: z.array(branchSchema).optional(),
});
export type Script = z.infer<typeof scriptSchema>;

/** Every step in order, with its act. */
export function* scriptSteps(script: Script): Generator<{ act: Act; step: Step; actIndex: number; stepIndex: number }> {
  for (const [actIndex, act] of script.acts.entries()) for (const [stepIndex, step] of act.steps.entries()) yield { act, step, actIndex, stepIndex };
}

/** The roles that perform at least one step of the ceremony itself (of those that apply, when given): who must sign in. */
export function participantRoles(script: Script, applies: (step: Step) => boolean = () => true): string[] {
  const used = new Set<string>();
  for (const { act, step } of scriptSteps(script)) if (act.phase === 'ceremony' && applies(step)) for (const role of step.roles) used.add(role);
  return script.roles.map((r) => r.id).filter((id) => used.has(id));
}

export function findStep(script: Script, stepId: string): Step | undefined {
  for (const { step } of scriptSteps(script)) if (step.id === stepId) return step;
  return undefined;
}
