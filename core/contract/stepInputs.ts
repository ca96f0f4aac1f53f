import { z } from 'zod';
import type { ActionKind } from './actionKinds.js';
import { fileRefSchema, isoTimeSchema } from './ceremonyState.js';

/**
 * What the people in the room supply when a step's action is performed (`step.perform`), one shape
 * per action kind. What the script already says (which HSM, which quorum, which key) is never asked
 * again; what happens at the step (serials read aloud, hashes typed, who did what) is.
 *
 * Credentials (CO activation shares and cards, RKSH shares) are handed over one at a time with
 * `step.present` before the step is performed; files the step reads first (the KSR, additional KSRs)
 * are handed over with `step.prepare`, which shows their hashes and the policy checks.
 */

const personId = z.string().min(1);
const text = z.string().trim().min(1);
/** A TEB serial as read aloud and typed. */
const serial = z.string().trim().min(1).max(64);
/** A hash as read aloud: hex (any spacing) or PGP words. */
const typedHash = z.string().trim().min(1);
/** Where files the step writes go (removable media mounted there); default: the ceremony's folder in the workspace. */
const outDir = z.strictObject({ dir: z.string().min(1) }).optional();

export const stepInputSchemas = {
  manual: z.strictObject({ kind: z.literal('manual'), note: text.optional() }),
  notify: z.strictObject({
    kind: z.literal('notify'),
    notified: z
      .array(
        z.strictObject({
          name: text,
          role: text,
          channel: z.enum(['in-person', 'phone', 'email', 'letter', 'secure-message']),
          at: isoTimeSchema.optional(),
          reference: text.optional(),
        }),
      )
      .min(1),
  }),
  'schedule-alternate': z.strictObject({
    kind: z.literal('schedule-alternate'),
    /** What the deadline allows is computed by the engine; a decision against it needs overrideReason (a witnessed exception). */
    decision: z.enum(['alternate-date', 'proceed-now']),
    alternateDate: isoTimeSchema.optional(),
    overrideReason: text.optional(),
  }),
  /** The keys sent by courier; none, with why, when time and circumstances did not permit (the seed's "if time and circumstances permit"). */
  'courier-keys': z.strictObject({
    kind: z.literal('courier-keys'),
    packages: z.array(z.strictObject({ holder: text, tebSerial: serial, courierReference: text })).default([]),
    notPossible: text.optional(),
  }),
  'assess-duration': z.strictObject({
    kind: z.literal('assess-duration'),
    assessment: text,
    sources: z.array(text).min(1),
    /** Until when the additional RRSIGs must cover the zone. */
    coverUntil: isoTimeSchema,
  }),
  'approve-plan': z.strictObject({
    kind: z.literal('approve-plan'),
    plan: text,
    approvals: z.array(z.strictObject({ name: text, role: text, at: isoTimeSchema.optional() })).min(1),
    notified: z.array(z.strictObject({ name: text, role: text })).default([]),
  }),
  'choose-algorithm': z.strictObject({
    kind: z.literal('choose-algorithm'),
    algorithm: z.enum(['RSASHA256', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519']),
    size: z.number().int().optional(),
    rationale: text,
  }),
  'sign-in': z.strictObject({ kind: z.literal('sign-in') }),
  /** Signs out everyone named (default: everyone but the CA and the IW, who stay until the close). */
  'sign-out': z.strictObject({ kind: z.literal('sign-out'), personIds: z.array(personId).optional() }),
  'camera-start': z.strictObject({ kind: z.literal('camera-start'), cameras: z.array(text).default([]) }),
  'camera-stop': z.strictObject({ kind: z.literal('camera-stop'), cameras: z.array(text).default([]) }),
  'clock-check': z.strictObject({ kind: z.literal('clock-check'), referenceTime: isoTimeSchema }),
  'hash-check': z.strictObject({
    kind: z.literal('hash-check'),
    /** The file to hash (the OS image), or its SHA-256 as the app computed it at boot. */
    subject: z.union([z.strictObject({ file: fileRefSchema }), z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/) })]),
    expected: typedHash,
    readBy: personId.optional(),
  }),
  /**
   * One bag, or one per member of the step's quorum (holder: the person id of whose bag it is, or
   * the absent holder's name). expectedSerial: the serial on the delivery manifest, for a step whose
   * expected serial comes from a manifest rather than the custody record.
   */
  'teb-check': z.strictObject({
    kind: z.literal('teb-check'),
    bags: z.array(z.strictObject({ serial, holder: text.optional(), expectedSerial: serial.optional() })).default([]),
    /** No bag to check, and why: only at a step checking couriered bags, when the courier record lists none. */
    none: text.optional(),
  }),
  'teb-seal': z.strictObject({
    kind: z.literal('teb-seal'),
    bags: z.array(z.strictObject({ serial, holder: text.optional(), contents: text.optional() })).min(1),
  }),
  'drill-safe-deposit-box': z.strictObject({
    kind: z.literal('drill-safe-deposit-box'),
    /** The boxes drilled; none when every box needed was opened with its key. despiteKey: why a box is drilled although its key is here. */
    boxes: z
      .array(z.strictObject({ holder: text, reason: text, recovered: z.array(z.strictObject({ serial, contents: text })).min(1), despiteKey: text.optional() }))
      .default([]),
  }),
  'hsm-initialize': z.strictObject({
    kind: z.literal('hsm-initialize'),
    /** The Security Officer PIN of the token (omitted for a rehearsal token: the workspace knows it). */
    soPin: z.string().min(1).optional(),
    /** The holders present who receive their credential now; the others' are sealed for distribution. */
    holders: z.array(personId).default([]),
    /** Native activation: the card ids the HSM issued, in holder order. */
    cards: z.array(z.string().min(1)).optional(),
  }),
  /** Performed once the quorum's credentials were presented (step.present). */
  'hsm-activate': z.strictObject({ kind: z.literal('hsm-activate') }),
  'hsm-deactivate': z.strictObject({ kind: z.literal('hsm-deactivate') }),
  'generate-ksk': z.strictObject({ kind: z.literal('generate-ksk') }),
  /** notPossible: the key cannot be destroyed (HSM unreachable); recorded as an exception the IW signs. */
  'destroy-ksk': z.strictObject({ kind: z.literal('destroy-ksk'), notPossible: z.strictObject({ reason: text, witnessId: personId }).optional() }),
  /** The encrypted backup read from its media; the RKSH shares were presented (step.present). */
  'reconstruct-ksk': z.strictObject({ kind: z.literal('reconstruct-ksk'), backup: fileRefSchema }),
  'backup-ksk': z.strictObject({
    kind: z.literal('backup-ksk'),
    soPin: z.string().min(1).optional(),
    /** The RKSHs present who receive their share now; the others' are sealed for distribution. */
    holders: z.array(personId).default([]),
    out: outDir,
  }),
  /** After step.prepare showed the KSR's hash and checks: the hash read aloud, and the checks overridden (each by a witnessed exception naming it). */
  'sign-ksr': z.strictObject({
    kind: z.literal('sign-ksr'),
    outOfBandHash: typedHash,
    readBy: personId,
    overrides: z.array(z.string()).default([]),
    out: outDir,
  }),
  'sign-additional-ksrs': z.strictObject({
    kind: z.literal('sign-additional-ksrs'),
    /** One per prepared KSR, in the prepared order. */
    outOfBandHashes: z.array(typedHash).min(1),
    readBy: personId,
    overrides: z.array(z.string()).default([]),
    out: outDir,
  }),
  'store-rrsigs': z.strictObject({ kind: z.literal('store-rrsigs'), tebSerial: serial, out: outDir }),
  'release-rrsigs': z.strictObject({ kind: z.literal('release-rrsigs'), receivedBy: personId, out: outDir }),
  'publish-trust-anchor': z.strictObject({ kind: z.literal('publish-trust-anchor'), out: outDir }),
  'replace-hardware': z.strictObject({
    kind: z.literal('replace-hardware'),
    retired: z.array(z.strictObject({ hsm: text, serial: text, disposition: text })).min(1),
  }),
  'distribute-credentials': z.strictObject({
    kind: z.literal('distribute-credentials'),
    handovers: z.array(z.strictObject({ tebSerial: serial, holderName: text, reference: text.optional() })).min(1),
  }),
  'exceptions-review': z.strictObject({ kind: z.literal('exceptions-review') }),
  /** Attestations are signed with attestation.sign / attestation.decline; the step completes when everyone it names has. */
  attestation: z.strictObject({ kind: z.literal('attestation') }),
  export: z.strictObject({ kind: z.literal('export'), out: outDir }),
  'follow-up': z.strictObject({ kind: z.literal('follow-up') }),
  'discharge-follow-up': z.strictObject({
    kind: z.literal('discharge-follow-up'),
    /** The obligations this ceremony fulfilled, each with how; may be empty (none discharged). */
    discharges: z.array(z.strictObject({ obligationId: text, note: text })).default([]),
  }),
} as const satisfies { [K in ActionKind]: z.ZodType<{ kind: K }> };

export type StepInputKind = ActionKind;
export const stepInputKinds = Object.keys(stepInputSchemas) as StepInputKind[];

type AnyStepInputSchema = (typeof stepInputSchemas)[StepInputKind];
export const stepInputSchema = z.discriminatedUnion('kind', Object.values(stepInputSchemas) as [AnyStepInputSchema, ...AnyStepInputSchema[]]);
export type StepInput = z.input<typeof stepInputSchema>;
export type ValidStepInput = z.output<typeof stepInputSchema>;
export type StepInputOf<K extends StepInputKind> = z.output<(typeof stepInputSchemas)[K]>;
/** A step input of kind K as a caller gives it (defaults may be left out). */
export type StepInputGiven<K extends StepInputKind> = z.input<(typeof stepInputSchemas)[K]>;

/** Files a step reads before it is performed (step.prepare). */
export const prepareInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sign-ksr'), ksr: fileRefSchema }),
  /** The additional KSRs in the order of the periods they cover. */
  z.strictObject({ kind: z.literal('sign-additional-ksrs'), ksrs: z.array(fileRefSchema).min(1) }),
]);
export type PrepareInput = z.input<typeof prepareInputSchema>;

/** A credential handed over at a quorum step: a share (typed lines or read from the holder's token) or a card id. */
export const credentialInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('share'), text: z.string().min(1) }),
  z.strictObject({ kind: z.literal('card'), credentialId: z.string().min(1) }),
]);
export type CredentialInput = z.input<typeof credentialInputSchema>;
