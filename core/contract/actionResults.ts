import { z } from 'zod';
import type { ActionKind } from './actionKinds.js';
import { deadlineSchema, isoTimeSchema, sha256HexSchema } from './ceremonyState.js';

/**
 * What each action kind records as its result (`action.performed.result`, `StepState.result`). The
 * engine validates a result against its kind's schema before it appends it, and whoever reads one
 * (the printed record, the projector, later steps) reads it through `resultOf`, typed: a field
 * renamed in an executor is a type error where it is read, never evidence silently dropped.
 *
 * The log's own schema keeps results as plain JSON (logs already written must keep verifying);
 * these schemas are the app's promise about what it writes now. Objects are strict, as in the log.
 */

const words = z.array(z.string()).length(32);
/** A DS or KSR/SKR digest as shown: hex (the DS digest in upper case, as DNS presents it). */
const hex64 = z.string().regex(/^[0-9a-fA-F]{64}$/);
const id = z.string().min(1);
const ids = z.array(z.string());

/** A KSK as the log and the screen show it: DNSKEY, key tag, DS in hex and PGP words. */
const kskSchema = z.strictObject({
  label: id,
  idHex: z.string(),
  algorithm: z.number().int(),
  algorithmName: z.string(),
  bits: z.number().int(),
  publicKey: z.string(),
  dnskey: z.string(),
  keyTag: z.number().int(),
  ds: z.string(),
  dsDigestHex: hex64,
  dsDigestPgpWords: words,
});

const issuedSchema = z.strictObject({ credentialId: id, holderId: id, holderName: id });

/** An SKR signed at a step, as its summary records it (and store/release carry it on). */
const skrSchema = z.strictObject({
  id,
  sha256: sha256HexSchema,
  pgpWords: words,
  file: z.string(),
  bundles: z.number().int(),
  firstInception: isoTimeSchema,
  lastExpiration: isoTimeSchema,
});
const additionalSkrSchema = z.strictObject({ ...skrSchema.shape, ksrId: id, ksrSha256: sha256HexSchema });

const signedSchema = {
  hsmId: id,
  ksr: z.strictObject({ id, sha256: sha256HexSchema }),
  skr: skrSchema,
  signer: z.strictObject({ label: id, keyTag: z.number().int(), dsDigestHex: hex64 }),
  schema: z.string(),
  overridden: ids,
  signatures: z.strictObject({ fromHsm: z.number().int(), fromJournal: z.number().int() }),
  checks: z.strictObject({ failed: z.number().int(), passed: z.number().int(), skipped: z.number().int() }),
};

const cameraSchema = z.strictObject({ cameras: ids, at: isoTimeSchema });
const activationSchema = z.enum(['native', 'split-pin']);
const reconciled = { reconciledFrom: id.optional() };

export const actionResultSchemas = {
  /** A manual step records no action; its confirmation's note shows as its result. */
  manual: z.strictObject({ note: z.string().optional() }),
  notify: z.strictObject({
    notified: z.array(
      z.strictObject({
        name: z.string(),
        role: z.string(),
        channel: z.enum(['in-person', 'phone', 'email', 'letter', 'secure-message']),
        at: isoTimeSchema,
        reference: z.string().optional(),
      }),
    ),
    lettersRequested: z.boolean(),
  }),
  'schedule-alternate': z.strictObject({
    deadline: deadlineSchema,
    rule: z.enum(['alternate-date', 'proceed-now']),
    decision: z.enum(['alternate-date', 'proceed-now']),
    alternateDate: isoTimeSchema.optional(),
    exceptionId: z.string().nullable(),
    branch: z.enum(['alternate-date', 'proceed-now']),
    outcome: z.string(),
  }),
  'courier-keys': z.strictObject({
    packages: z.array(z.strictObject({ holder: z.string(), tebSerial: z.string(), courierReference: z.string() })),
    notPossible: z.string().optional(),
  }),
  'assess-duration': z.strictObject({ assessment: z.string(), sources: ids, coverUntil: isoTimeSchema }),
  'approve-plan': z.strictObject({
    plan: z.string(),
    approvals: z.array(z.strictObject({ name: z.string(), role: z.string(), at: isoTimeSchema })),
    notified: z.array(z.strictObject({ name: z.string(), role: z.string() })),
  }),
  'choose-algorithm': z.strictObject({ algorithm: z.string(), size: z.number().int().optional(), rationale: z.string() }),
  'sign-in': z.strictObject({
    present: z.array(z.strictObject({ personId: id, name: z.string(), roles: ids })),
    missing: ids,
    exceptionId: z.string().nullable(),
    branch: z.enum(['cos-present', 'cos-absent']).optional(),
    outcome: z.string().optional(),
  }),
  'sign-out': z.strictObject({ signedOut: ids, staying: ids }),
  'camera-start': cameraSchema,
  'camera-stop': cameraSchema,
  'clock-check': z.strictObject({
    appTime: isoTimeSchema,
    referenceTime: isoTimeSchema,
    skewSeconds: z.number(),
    maxSkewSeconds: z.number(),
    withinLimit: z.boolean(),
    exceptionId: z.string().nullable(),
  }),
  'hash-check': z.strictObject({ subject: z.string(), hex: sha256HexSchema, pgpWords: words, form: z.enum(['hex', 'words']) }),
  'teb-check': z.strictObject({
    contents: z.string(),
    bags: z.array(
      z.strictObject({ purpose: z.string(), serial: z.string(), expected: z.string().nullable(), matched: z.boolean(), exceptionId: z.string().nullable() }),
    ),
    none: z.string().optional(),
  }),
  'teb-seal': z.strictObject({ bags: z.array(z.strictObject({ purpose: z.string(), serial: z.string(), contents: z.string() })) }),
  'drill-safe-deposit-box': z.strictObject({
    boxes: z.array(z.strictObject({ holder: z.string(), recovered: z.array(z.strictObject({ serial: z.string(), contents: z.string() })), exceptionId: id })),
    openedWithKeys: z.number().int(),
    witnesses: ids,
  }),
  'hsm-initialize': z.strictObject({
    hsmId: id,
    activation: activationSchema,
    set: id,
    commissioningId: z.string().optional(),
    threshold: z.number().int(),
    total: z.number().int(),
    pinCommitment: z.string().optional(),
    issued: z.array(issuedSchema),
    token: z.string(),
  }),
  'hsm-activate': z.strictObject({ hsmId: id, activation: activationSchema, set: id, presented: ids, threshold: z.number().int(), reactivation: z.boolean() }),
  'hsm-deactivate': z.strictObject({ hsmId: id, loggedOut: z.boolean() }),
  /** After a restart the HSM showed the key made: generatedAt and backupByWrapping are then unknown. */
  'generate-ksk': z.strictObject({
    hsmId: id,
    keyType: z.enum(['new', 'temporary']),
    key: kskSchema,
    backupByWrapping: z.boolean().optional(),
    generatedAt: isoTimeSchema.optional(),
    ...reconciled,
  }),
  'destroy-ksk': z.union([
    z.strictObject({ hsmId: id, destroyed: z.literal(false), key: z.strictObject({ label: id }), reason: z.string(), exceptionId: id }),
    z.strictObject({
      hsmId: id,
      destroyed: z.literal(true),
      key: z.strictObject({ label: id, keyTag: z.number().int().nullable() }),
      evidence: z.strictObject({
        label: id,
        idHex: z.string(),
        keyTag: z.number().int().nullable(),
        destroyed: z.strictObject({ privateKey: z.boolean(), publicKey: z.boolean() }),
        remainingObjects: z.number().int(),
        at: isoTimeSchema,
      }),
      searchedAfter: z.string(),
    }),
  ]),
  'reconstruct-ksk': z.strictObject({
    hsmId: id,
    key: kskSchema,
    backupId: z.string().optional(),
    backupSha256: sha256HexSchema.optional(),
    matchesRecordedKey: z.literal(true).optional(),
    testSignatureVerified: z.literal(true).optional(),
    ...reconciled,
  }),
  'backup-ksk': z.strictObject({
    hsmId: id,
    key: z.strictObject({ label: id }),
    backupId: id,
    sha256: sha256HexSchema,
    file: z.string(),
    copies: ids,
    set: id,
    threshold: z.number().int(),
    total: z.number().int(),
    issued: z.array(issuedSchema),
  }),
  'sign-ksr': z.strictObject({ ...signedSchema, current: id }),
  'sign-additional-ksrs': z.strictObject({
    hsmId: id,
    skrs: z.array(additionalSkrSchema),
    coverUntil: isoTimeSchema.nullable(),
    covered: z.boolean(),
    overridden: ids,
  }),
  'store-rrsigs': z.strictObject({ custody: z.string(), tebSerial: z.string(), stored: z.array(additionalSkrSchema) }),
  'release-rrsigs': z.strictObject({ released: additionalSkrSchema, to: id, remaining: z.number().int() }),
  'publish-trust-anchor': z.strictObject({
    key: z.strictObject({ label: id, keyTag: z.number().int() }),
    ds: z.string(),
    digestHex: hex64,
    digestPgpWords: words,
    dnskey: z.string(),
    xml: z.strictObject({ sha256: sha256HexSchema, file: z.string() }),
    matchesSkr: z.enum(['signer', 'published']).nullable(),
    coordinateWith: ids,
  }),
  'replace-hardware': z.strictObject({
    retire: z.string(),
    retired: z.array(z.strictObject({ hsm: z.string(), serial: z.string(), disposition: z.string(), model: z.string(), tokenLabel: z.string().optional() })),
    commission: ids,
  }),
  'distribute-credentials': z.strictObject({
    credential: z.enum(['hsm-activation', 'backup-share', 'safe-deposit-key']),
    handovers: z.array(z.strictObject({ tebSerial: z.string(), holderName: z.string(), reference: z.string().optional() })),
  }),
  'exceptions-review': z.strictObject({ reviewed: ids }),
  attestation: z.strictObject({ signed: ids, declined: ids }),
  export: z.strictObject({
    to: id,
    written: z.array(
      z.union([
        z.strictObject({
          artifact: z.literal('ceremony-record'),
          name: z.string(),
          manifestSha256: sha256HexSchema,
          pgpWords: words,
          file: z.string(),
          logHead: z.strictObject({ seq: z.number().int(), hex: sha256HexSchema }),
        }),
        z.strictObject({ artifact: z.enum(['skr', 'trust-anchor']), name: z.string(), sha256: sha256HexSchema, pgpWords: words, file: z.string() }),
      ]),
    ),
  }),
  'follow-up': z.strictObject({ opened: ids }),
  'discharge-follow-up': z.strictObject({ discharged: ids, stillOpen: ids }),
} satisfies { [K in ActionKind]: z.ZodType };

export type ActionResultOf<K extends ActionKind> = z.output<(typeof actionResultSchemas)[K]>;

/** Checks a result against its kind's schema: before the engine appends it, and whenever a reader takes it from the log. */
export function readResult<K extends ActionKind>(kind: K, result: unknown): ActionResultOf<K> {
  const schema: z.ZodType = actionResultSchemas[kind];
  const parsed = schema.safeParse(result);
  if (!parsed.success)
    throw new Error(`The result of a ${kind} step is not what the app records for one: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
  // The schema of kind K parsed it: its output is ActionResultOf<K> (TypeScript cannot follow the generic index).
  return parsed.data as ActionResultOf<K>;
}
