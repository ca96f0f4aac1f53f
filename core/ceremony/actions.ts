import { z } from 'zod';
import { actionKinds, type ActionKind } from '../contract/actionKinds.js';
import { Algorithm, type AlgorithmName } from '../dnssec/algorithms.js';
import { checkNames } from '../dnssec/checkNames.js';
import { parseDuration } from './duration.js';

/**
 * What the app does at a step, and the inputs it needs to do it. Every step of a script carries
 * one action; `manual` is the honest one for work the app cannot perform: the performer confirms it
 * and, where the step says so, the IW initials it. The vocabulary follows dr-playbooks.md (the seed's
 * step kinds) and ceremony.md (the acts of a standard ceremony).
 *
 * Inputs say what the engine needs to know before the ceremony; what happens at the step (serials
 * read, hashes, who presented which credential) is evidence, recorded when the step runs.
 */

/** What a procedure leaves to be done later; see followUps.ts. */
export const followUpKinds = [
  'extraordinary-ceremony',
  'distribute-credentials',
  'replace-safe-deposit-keys',
  'rfc5011-rollover',
  'replace-hardware',
  'release-rrsigs',
  /** The Key Ceremony moved to an alternate date (4.1.2 A, 4.2.2 A step 2): held by the ceremony on that date. */
  'rescheduled-ceremony',
  /** DR 4.1.3 for a prolonged unavailability triage found beside the procedure run now: discharged by a DR 4.1.3 ceremony. */
  'sign-ahead',
] as const;
export const followUpKindSchema = z.enum(followUpKinds);
export type FollowUpKind = z.infer<typeof followUpKindSchema>;

const upperId = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/;
const lowerId = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export const roleIdSchema = z.string().regex(upperId, 'a role id is written in capitals, e.g. CA, IW, SSC1, CO');
export const hsmIdSchema = z.string().regex(upperId, 'an HSM id is written in capitals, e.g. HSM1, HSM-TEMP');
export const quorumIdSchema = z.string().regex(lowerId, 'a quorum id is written in lower case, e.g. co, rksh');
export const followUpIdSchema = z.string().regex(lowerId, 'a follow-up id is written in lower case with dashes, e.g. extraordinary-ceremony');
export const stepIdSchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9]+(?:[.-][A-Za-z0-9]+)*$/, 'a step id is letters and digits joined by dashes or dots, e.g. generate-ksk');
/** Names a kind of TEB in the custody record ("hsm:HSM1", "co-credential:HSM1", "laptop"). */
export const custodySchema = z
  .string()
  .max(64)
  .regex(/^[A-Za-z0-9]+(?:[:._-][A-Za-z0-9]+)*$/, 'a custody name is letters and digits joined by colons, dashes or dots, e.g. hsm:HSM1');
export const textSchema = z.string().trim().min(1, 'must not be empty');
export const durationSchema = z
  .string()
  .refine((s) => parseDuration(s) !== null, 'must be an ISO 8601 duration in weeks, days, hours, minutes or seconds, e.g. P14D or PT36H');

const fromStep = z.strictObject({ fromStep: stepIdSchema });
/** A KSK: the operator's current KSK (as the key registry knows it), or the one a step of this script generated or reconstructed. */
const keyRef = z.union([z.literal('current'), fromStep]);

const algorithmNames = Object.keys(Algorithm) as [AlgorithmName, ...AlgorithmName[]];
/** Curve-based algorithms have one size; RSA's is chosen (2048 to 4096 bits, as DNSSEC practice allows). */
const fixedSize: Partial<Record<AlgorithmName, number>> = { ECDSAP256SHA256: 256, ECDSAP384SHA384: 384, ED25519: 256 };

export const algorithmChoiceSchema = z.strictObject({ algorithm: z.enum(algorithmNames), size: z.int().optional() }).superRefine((value, ctx) => {
  const fixed = fixedSize[value.algorithm];
  if (fixed === undefined) {
    if (value.size === undefined || value.size < 2048 || value.size > 4096 || value.size % 8 !== 0) {
      ctx.addIssue({ code: 'custom', path: ['size'], message: `${value.algorithm} needs a key size in bits, a multiple of 8 from 2048 to 4096` });
    }
  } else if (value.size !== undefined && value.size !== fixed) {
    ctx.addIssue({ code: 'custom', path: ['size'], message: `${value.algorithm} keys are always ${fixed} bits` });
  }
});

const signInputs = {
  /** The HSM that holds the signing key. */
  hsm: hsmIdSchema,
  signWith: keyRef,
  /** More KSKs to publish in every slot without signing with them (e.g. the next KSK of an RFC 5011 rollover). */
  publish: z.array(fromStep).default([]),
  /** The signing schema: one of the operator's policy file, or one the KSR/SKR layer builds for a DR procedure. */
  schema: textSchema,
  /** Who reads aloud the KSR hash received out of band (the RZM representative). */
  hashReadBy: roleIdSchema,
  /** Checks that may fail here and be overridden, each only by a witnessed exception naming it. */
  overridableChecks: z.array(z.enum(checkNames)).default([]),
};

export const actionInputSchemas = {
  manual: z.strictObject({ record: textSchema.optional() }),
  notify: z.strictObject({
    recipients: z.array(roleIdSchema).min(1),
    channels: z.array(z.enum(['in-person', 'phone', 'email', 'letter', 'secure-message'])).min(1),
    /** Whether the app prints a notification letter for each recipient. */
    letter: z.boolean().default(true),
  }),
  'schedule-alternate': z.strictObject({
    /** The time it takes to convene and hold the ceremony; see deadline.ts. */
    leadTime: durationSchema,
    /** How long before the last RRSIG expires the RZM must have the SKR. */
    publicationMargin: durationSchema,
  }),
  'courier-keys': z.strictObject({ quorum: quorumIdSchema }),
  'assess-duration': z.strictObject({ expertOpinion: z.boolean().default(true) }),
  'approve-plan': z.strictObject({ approvers: z.array(roleIdSchema).min(1), notify: z.array(roleIdSchema).default([]) }),
  'choose-algorithm': z.strictObject({ candidates: z.array(algorithmChoiceSchema).min(1) }),
  'sign-in': z.strictObject({}),
  'sign-out': z.strictObject({}),
  'camera-start': z.strictObject({}),
  'camera-stop': z.strictObject({}),
  'clock-check': z.strictObject({ maxSkewSeconds: z.int().min(1).max(3600) }),
  'hash-check': z.strictObject({ subject: textSchema, expected: z.enum(['previous-ceremony', 'published']) }),
  'teb-check': z.strictObject({
    contents: textSchema,
    custody: custodySchema,
    /** One bag per holder of this quorum's role (each CO's credential, each RKSH's share). */
    perMemberOf: quorumIdSchema.optional(),
    /** Where the expected serial comes from: the app's custody record, a delivery manifest, or a courier's record. */
    expected: z.enum(['custody', 'manifest', 'courier-record']).default('custody'),
  }),
  'teb-seal': z.strictObject({ contents: textSchema, custody: custodySchema, perMemberOf: quorumIdSchema.optional() }),
  'drill-safe-deposit-box': z.strictObject({ quorum: quorumIdSchema, witnesses: z.array(roleIdSchema).min(1) }),
  'hsm-initialize': z.strictObject({
    hsm: hsmIdSchema,
    quorum: quorumIdSchema,
    /** New credentials go to the holders present, or are sealed in TEBs to be distributed later. */
    issueTo: z.enum(['holders', 'sealed-for-distribution']),
  }),
  'hsm-activate': z.strictObject({
    hsm: hsmIdSchema,
    quorum: quorumIdSchema,
    /** Operator staff present credentials whose holders are absent (drilled boxes, couriered keys): each use is a witnessed exception. */
    presentedBy: z.enum(['holders', 'operator-staff']).default('holders'),
  }),
  'hsm-deactivate': z.strictObject({ hsm: hsmIdSchema }),
  'generate-ksk': z.strictObject({
    hsm: hsmIdSchema,
    /** A temporary KSK bridges a disaster until an extraordinary ceremony replaces it. */
    key: z.enum(['new', 'temporary']),
    algorithm: z.union([algorithmChoiceSchema, fromStep]),
    /** Root style: K and the base32 of the generation time, 7 characters. */
    label: z.union([z.literal('root-style'), z.strictObject({ fixed: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/) })]).default('root-style'),
  }),
  'destroy-ksk': z.strictObject({ hsm: hsmIdSchema, key: keyRef, ifPossible: z.boolean() }),
  'reconstruct-ksk': z.strictObject({ hsm: hsmIdSchema, backup: custodySchema, quorum: quorumIdSchema }),
  'backup-ksk': z.strictObject({ hsm: hsmIdSchema, key: fromStep, quorum: quorumIdSchema, copies: z.int().min(1).max(10) }),
  'sign-ksr': z.strictObject(signInputs),
  'sign-additional-ksrs': z.strictObject({ ...signInputs, span: fromStep }),
  'store-rrsigs': z.strictObject({ custody: custodySchema, from: fromStep }),
  'release-rrsigs': z.strictObject({ custody: custodySchema, to: roleIdSchema }),
  'publish-trust-anchor': z.strictObject({ key: fromStep, coordinateWith: z.array(roleIdSchema).default([]) }),
  'replace-hardware': z.strictObject({ retire: textSchema, commission: z.array(hsmIdSchema).default([]) }),
  'distribute-credentials': z.strictObject({
    quorum: quorumIdSchema,
    credential: z.enum(['hsm-activation', 'backup-share', 'safe-deposit-key']),
    hsm: hsmIdSchema.optional(),
  }),
  'exceptions-review': z.strictObject({}),
  /** `all-participants`: every participant initials if they agree, or records why not. */
  attestation: z.strictObject({ by: z.union([z.literal('all-participants'), z.array(roleIdSchema).min(1)]), statement: textSchema }),
  export: z.strictObject({ artifacts: z.array(z.enum(['skr', 'trust-anchor', 'ceremony-record'])).min(1), to: roleIdSchema }),
  'follow-up': z.strictObject({ create: z.array(followUpIdSchema).min(1) }),
  'discharge-follow-up': z.strictObject({ kinds: z.array(followUpKindSchema).min(1) }),
} as const satisfies { [K in ActionKind]: z.ZodType };

export { actionKinds, type ActionKind };
export type ActionInputs<K extends ActionKind> = z.output<(typeof actionInputSchemas)[K]>;
export type Action = { [K in ActionKind]: { kind: K; inputs: ActionInputs<K> } }[ActionKind];

export const actionSchema = z.discriminatedUnion(
  'kind',
  actionKinds.map((kind) => z.strictObject({ kind: z.literal(kind), inputs: actionInputSchemas[kind] })) as unknown as [
    z.ZodObject<{ kind: z.ZodLiteral<ActionKind>; inputs: z.ZodType }>,
  ],
) as unknown as z.ZodType<Action>;

/** Where a step of each kind may stand: before the ceremony day, in the filmed ceremony, or either. */
export type ActionPhase = 'preparation' | 'ceremony' | 'any';

export interface ActionInfo {
  title: string;
  phase: ActionPhase;
  /** What the engine records when the step runs, for the UI, the printed script and the auditor. */
  evidence: string;
}

export const actionInfo: Readonly<Record<ActionKind, ActionInfo>> = {
  manual: { title: 'Manual step', phase: 'any', evidence: 'the performer’s confirmation and, if asked, a note' },
  notify: { title: 'Notify', phase: 'any', evidence: 'who was notified, when and how; the printed notification letter' },
  'schedule-alternate': {
    title: 'Schedule an alternate date',
    phase: 'preparation',
    evidence: 'the deadline from the current SKR, the decision, the new date',
  },
  'courier-keys': { title: 'Courier keys', phase: 'preparation', evidence: 'TEB serials sent and received, the courier reference, attestations' },
  'assess-duration': { title: 'Assess the duration', phase: 'preparation', evidence: 'the assessment, its sources, and the extended period it implies' },
  'approve-plan': { title: 'Approve the plan', phase: 'preparation', evidence: 'the plan, each approval (who, when), the notifications' },
  'choose-algorithm': { title: 'Choose the algorithm', phase: 'any', evidence: 'the algorithm, the key size and the rationale' },
  'sign-in': { title: 'Sign in', phase: 'ceremony', evidence: 'each participant’s name, role, signature and time' },
  'sign-out': { title: 'Sign out', phase: 'ceremony', evidence: 'each participant’s signature and time' },
  'camera-start': { title: 'Start the cameras', phase: 'ceremony', evidence: 'the time recording started, for indexing the footage' },
  'camera-stop': { title: 'Stop the cameras', phase: 'ceremony', evidence: 'the time recording stopped' },
  'clock-check': { title: 'Check the clock', phase: 'ceremony', evidence: 'the app’s time, the reference UTC time and their difference' },
  'hash-check': { title: 'Check a hash', phase: 'ceremony', evidence: 'the computed SHA-256 (hex and PGP words), the expected value, the result' },
  'teb-check': { title: 'Check a TEB', phase: 'ceremony', evidence: 'the serial read aloud, the expected serial, the state of the bag, the result' },
  'teb-seal': { title: 'Seal a TEB', phase: 'ceremony', evidence: 'the new serial and its contents, which become the custody record' },
  'drill-safe-deposit-box': {
    title: 'Drill a safe deposit box',
    phase: 'ceremony',
    evidence: 'an exception per box, the witnesses, the serials of what was recovered',
  },
  'hsm-initialize': { title: 'Initialise an HSM', phase: 'ceremony', evidence: 'the HSM’s identity, the quorum, the credentials issued and to whom' },
  'hsm-activate': { title: 'Activate an HSM', phase: 'ceremony', evidence: 'the credentials presented and by whom (M distinct holders)' },
  'hsm-deactivate': { title: 'Deactivate an HSM', phase: 'ceremony', evidence: 'the time the HSM was logged out' },
  'generate-ksk': { title: 'Generate a KSK', phase: 'ceremony', evidence: 'the HSM, the label, the DNSKEY, the key tag, the DS in hex and PGP words' },
  'destroy-ksk': { title: 'Destroy a KSK', phase: 'ceremony', evidence: 'the key destroyed and the search proving it gone, or why it was not possible' },
  'reconstruct-ksk': {
    title: 'Reconstruct a KSK',
    phase: 'ceremony',
    evidence: 'the backup’s hash, the shares presented (M of N), the public key matching the recorded one',
  },
  'backup-ksk': { title: 'Back up a KSK', phase: 'ceremony', evidence: 'the backup’s hash, the shares issued and to whom' },
  'sign-ksr': { title: 'Sign the KSR', phase: 'ceremony', evidence: 'the KSR hash matched against the out-of-band hash, every check, the SKR hash' },
  'sign-additional-ksrs': { title: 'Sign additional KSRs', phase: 'ceremony', evidence: 'each KSR and SKR hash and the validity span covered' },
  'store-rrsigs': { title: 'Store RRSIGs', phase: 'ceremony', evidence: 'the SKRs stored, their hashes, the TEB they are sealed in' },
  'release-rrsigs': { title: 'Release RRSIGs', phase: 'ceremony', evidence: 'which SKR was released, to whom, its hash' },
  'publish-trust-anchor': { title: 'Publish the trust anchor', phase: 'ceremony', evidence: 'the trust anchor XML (RFC 9718), the DS, their hashes' },
  'replace-hardware': { title: 'Replace hardware', phase: 'ceremony', evidence: 'HSM serials retired and commissioned, destruction records' },
  'distribute-credentials': { title: 'Distribute credentials', phase: 'ceremony', evidence: 'each credential and TEB serial handed over, and to whom' },
  'exceptions-review': { title: 'Review the exceptions', phase: 'ceremony', evidence: 'the exceptions reviewed and the IW’s confirmation' },
  attestation: { title: 'Attestation', phase: 'ceremony', evidence: 'the statement and each signature, or the reason a participant declined' },
  export: { title: 'Export', phase: 'ceremony', evidence: 'the files written, their hashes, the recipient' },
  'follow-up': { title: 'Record follow-up obligations', phase: 'ceremony', evidence: 'the obligations opened' },
  'discharge-follow-up': { title: 'Discharge follow-up obligations', phase: 'ceremony', evidence: 'the obligations discharged and how' },
};

/** What an input names elsewhere in the script; validate.ts checks each one exists (and, for steps, comes earlier). */
export type Reference =
  | { to: 'role' | 'quorum' | 'hsm' | 'follow-up'; path: (string | number)[]; id: string }
  | { to: 'step'; path: (string | number)[]; id: string; kinds: readonly ActionKind[] };

const keySources = ['generate-ksk', 'reconstruct-ksk'] as const;

type RefFn<K extends ActionKind> = (inputs: ActionInputs<K>) => Reference[];

const hsm = (id: string): Reference => ({ to: 'hsm', path: ['hsm'], id });
const quorum = (id: string, field = 'quorum'): Reference => ({ to: 'quorum', path: [field], id });
const roles = (ids: readonly string[], field: string): Reference[] => ids.map((id, i) => ({ to: 'role', path: [field, i], id }));
const step = (path: (string | number)[], ref: { fromStep: string }, kinds: readonly ActionKind[]): Reference => ({
  to: 'step',
  path: [...path, 'fromStep'],
  id: ref.fromStep,
  kinds,
});
const key = (field: string, ref: 'current' | { fromStep: string }): Reference[] => (ref === 'current' ? [] : [step([field], ref, keySources)]);

const signRefs = (i: ActionInputs<'sign-ksr'>): Reference[] => [
  hsm(i.hsm),
  ...key('signWith', i.signWith),
  ...i.publish.map((ref, n) => step(['publish', n], ref, keySources)),
  { to: 'role', path: ['hashReadBy'], id: i.hashReadBy },
];

const referenceFns: { [K in ActionKind]?: RefFn<K> } = {
  notify: (i) => roles(i.recipients, 'recipients'),
  'courier-keys': (i) => [quorum(i.quorum)],
  'approve-plan': (i) => [...roles(i.approvers, 'approvers'), ...roles(i.notify, 'notify')],
  'teb-check': (i) => (i.perMemberOf ? [quorum(i.perMemberOf, 'perMemberOf')] : []),
  'teb-seal': (i) => (i.perMemberOf ? [quorum(i.perMemberOf, 'perMemberOf')] : []),
  'drill-safe-deposit-box': (i) => [quorum(i.quorum), ...roles(i.witnesses, 'witnesses')],
  'hsm-initialize': (i) => [hsm(i.hsm), quorum(i.quorum)],
  'hsm-activate': (i) => [hsm(i.hsm), quorum(i.quorum)],
  'hsm-deactivate': (i) => [hsm(i.hsm)],
  'generate-ksk': (i) => [hsm(i.hsm), ...('fromStep' in i.algorithm ? [step(['algorithm'], i.algorithm, ['choose-algorithm'])] : [])],
  'destroy-ksk': (i) => [hsm(i.hsm), ...key('key', i.key)],
  'reconstruct-ksk': (i) => [hsm(i.hsm), quorum(i.quorum)],
  'backup-ksk': (i) => [hsm(i.hsm), step(['key'], i.key, ['generate-ksk']), quorum(i.quorum)],
  'sign-ksr': signRefs,
  'sign-additional-ksrs': (i) => [...signRefs(i), step(['span'], i.span, ['assess-duration'])],
  'store-rrsigs': (i) => [step(['from'], i.from, ['sign-additional-ksrs'])],
  'release-rrsigs': (i) => [{ to: 'role', path: ['to'], id: i.to }],
  'publish-trust-anchor': (i) => [step(['key'], i.key, keySources), ...roles(i.coordinateWith, 'coordinateWith')],
  'replace-hardware': (i) => i.commission.map((id, n) => ({ to: 'hsm', path: ['commission', n], id })),
  'distribute-credentials': (i) => [quorum(i.quorum), ...(i.hsm ? [hsm(i.hsm)] : [])],
  attestation: (i) => (i.by === 'all-participants' ? [] : roles(i.by, 'by')),
  export: (i) => [{ to: 'role', path: ['to'], id: i.to }],
  'follow-up': (i) => i.create.map((id, n) => ({ to: 'follow-up', path: ['create', n], id })),
};

/** Every reference an action's inputs make, with its path below `inputs`. */
export function actionReferences(action: Action): Reference[] {
  const fn = referenceFns[action.kind] as ((inputs: unknown) => Reference[]) | undefined;
  return fn ? fn(action.inputs) : [];
}

const activeHsmKinds: ReadonlySet<ActionKind> = new Set([
  'hsm-deactivate',
  'generate-ksk',
  'destroy-ksk',
  'reconstruct-ksk',
  'backup-ksk',
  'sign-ksr',
  'sign-additional-ksrs',
]);

/** The HSM a step works on, which must be active (activated and not yet deactivated) when it runs; null if none. */
export function activeHsmOf(action: Action): string | null {
  return activeHsmKinds.has(action.kind) && 'hsm' in action.inputs && typeof action.inputs.hsm === 'string' ? action.inputs.hsm : null;
}
