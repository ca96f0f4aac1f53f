import { z } from 'zod';

/**
 * The vocabulary of the evidence log: every fact a ceremony records is one of these events. Each
 * stored event is validated against this union when it is appended and again when the log is
 * verified, so the schemas are part of the record's meaning:
 *
 * - never change an existing type incompatibly (logs already written must keep verifying); add a
 *   new type instead, or use `note` with structured `data` for facts not yet modelled;
 * - objects are strict: a field this code does not know is refused, never silently dropped.
 *
 * This module imports only zod, so the contract (and through it the UI) can reuse it.
 */

const text = (max = 4000) => z.string().min(1).max(max);
/** Identifiers the engine chooses (steps, people, credentials, operations): short, printable, no spaces. */
const ident = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, 'an identifier of letters, digits and . _ : / -');
const hashHex = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits (SHA-256)');
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const stepId = ident.optional();

/**
 * A ceremony's id also names its audit key, AUDIT-<id>, which must fit the 32 characters of an HSM
 * key label, and its exported files: so at most 26 plain characters.
 */
export const ceremonyIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,25}$/, 'letters, digits, dot, dash or underscore (at most 26)');

/** The people of a ceremony (ceremony.md "People", DR procedure roles). */
export const roles = [
  'CA',
  'CA2',
  'IW',
  'IW2',
  'SSC',
  'SA',
  'CO',
  'RKSH',
  'TCR',
  'RZM',
  'RKOS',
  'witness',
  'SSC1',
  'SSC2',
  'PMA',
  'EXEC',
  'COMMS',
  'EW',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** A public key as DNSSEC carries it: algorithm number and the DNSKEY public key field in base64. */
export const publicKeySchema = z.strictObject({
  algorithm: z.number().int().min(1).max(255),
  publicKey: base64.min(1),
});

/** The key that seals a ceremony: declared in the closing event, so a replaced seal key is evident. */
export const sealKeySchema = z.strictObject({
  kind: z.enum(['hsm', 'software']),
  /** The HSM label (AUDIT-WORKSPACE, or AUDIT-<ceremony> in older logs); null for a software key. */
  label: z.string().min(1).max(128).nullable(),
  ...publicKeySchema.shape,
});
export type SealKey = z.infer<typeof sealKeySchema>;

export const hsmKeySchema = z.strictObject({
  label: z.string().min(1).max(128),
  idHex: z.string().regex(/^[0-9a-f]*$/),
  ...publicKeySchema.shape,
});

/**
 * HSM operations the log knows. generate-ksk, import-key and restore put a KSK in an HSM: their key
 * can never seal a log.
 */
export const hsmOperations = ['generate-ksk', 'generate-audit-key', 'sign', 'destroy-key', 'backup', 'restore', 'import-key', 'other'] as const;
export const kskOperations: readonly HsmOperation[] = ['generate-ksk', 'import-key', 'restore'];
export type HsmOperation = (typeof hsmOperations)[number];

export const artifactKinds = ['ksr', 'skr', 'trust-anchor', 'backup', 'pdf', 'signature-image', 'script', 'hsm-log', 'photo', 'other'] as const;
export type ArtifactKind = (typeof artifactKinds)[number];

const json = z.record(z.string(), z.json());
/** What a module or token says of itself (C_GetInfo, C_GetTokenInfo): blank-padded fields may be empty. */
const reported = z.string().max(200);
const count = z.number().int().min(0);

/** core/hsm/capabilities.ts HsmProfile, and what the app derived from it. */
const hsmProfileShape = {
  module: z.strictObject({ manufacturer: reported, description: reported, libraryVersion: reported, cryptokiVersion: reported }),
  token: z.strictObject({
    label: reported,
    serial: reported,
    model: reported,
    manufacturer: reported,
    hardwareVersion: reported,
    firmwareVersion: reported,
    minPinLength: count,
    maxPinLength: count,
    rng: z.boolean(),
  }),
  mechanisms: z
    .array(z.strictObject({ name: z.string().min(1).max(64), code: count, minKeySize: count, maxKeySize: count, flags: z.array(z.string().min(1).max(32)) }))
    .max(2000),
  capabilities: z.array(z.strictObject({ id: z.string().min(1).max(64), title: text(200), supported: z.boolean(), detail: text(1000) })),
};

function event<T extends string, S extends z.ZodRawShape>(type: T, payload: S) {
  return z.strictObject({ type: z.literal(type), payload: z.strictObject(payload) });
}

export const eventSchema = z.discriminatedUnion('type', [
  event('ceremony.opened', {
    title: text(200),
    /** What kind of ceremony: ksr-signing, ksk-generation, dr-4.3.1A, ... (the engine's names). */
    kind: ident,
    site: text(200).optional(),
    rehearsal: z.boolean(),
    /** The last sealed ceremony of the workspace (same rehearsal flag) and its head: ceremonies chain too. */
    previousCeremony: z.strictObject({ ceremonyId: ceremonyIdSchema, headHash: hashHex }).nullable(),
    /** The workspace's audit key as pinned at commissioning: it alone may checkpoint and seal this ceremony. */
    auditKey: sealKeySchema.optional(),
  }),
  event('ceremony.closed', { sealKey: sealKeySchema, summary: text().optional() }),

  /** signatureSha256: the signature drawn at sign-in (or sign-out), stored as a signature-image artifact; absent in logs before it was asked for. */
  event('participant.signed-in', {
    personId: ident,
    name: text(200),
    roles: z.array(roleSchema).min(1),
    organisation: text(200).optional(),
    signatureSha256: hashHex.optional(),
  }),
  event('participant.signed-out', { personId: ident, signatureSha256: hashHex.optional() }),

  event('script.loaded', { scriptId: ident, title: text(200), version: text(64).optional(), sha256: hashHex }),
  event('step.started', { stepId: ident, act: text(200).optional(), title: text(500).optional() }),
  event('step.completed', { stepId: ident, result: text().optional() }),
  event('step.skipped', { stepId: ident, reason: text() }),
  /** The IW's (or another participant's) initials on a step; the event's time is the time written beside them. */
  event('initials', { stepId: ident, personId: ident, role: roleSchema }),

  /** A deviation from the script: what was expected, what happened, what was decided and who signed it. */
  event('exception', {
    exceptionId: ident,
    stepId,
    expected: text(),
    happened: text(),
    decision: text().optional(),
    signedBy: z.array(ident),
  }),
  event('exception.resolved', { exceptionId: ident, decision: text(), signedBy: z.array(ident).min(1) }),

  event('hash.shown', { stepId, subject: text(500), sha256: hashHex }),
  event('hash.matched', { stepId, subject: text(500), sha256: hashHex, form: z.enum(['hex', 'words']), readBy: ident.optional() }),
  event('hash.mismatched', {
    stepId,
    subject: text(500),
    sha256: hashHex,
    form: z.enum(['hex', 'words']),
    typedHex: z.string().regex(/^[0-9a-f]*$/),
    firstDifference: z.number().int().min(1),
    readBy: ident.optional(),
  }),

  /** Logged and committed before the HSM is asked to act; hsm.done / hsm.failed after. */
  event('hsm.intent', {
    opId: ident,
    operation: z.enum(hsmOperations),
    stepId,
    hsmId: text(200).optional(),
    label: z.string().min(1).max(128).optional(),
    params: json.optional(),
    /** Set when this repeats an operation that was interrupted or failed: a repeat is always said. */
    retryOf: ident.optional(),
  }),
  event('hsm.done', { opId: ident, key: hsmKeySchema.optional(), result: json.optional() }),
  event('hsm.failed', { opId: ident, error: text() }),
  /**
   * After a crash: what the HSM showed about an operation whose result was never recorded.
   * incomplete: the HSM holds part of what the operation makes (a key without its private half).
   */
  event('hsm.reconciled', {
    opId: ident,
    finding: z.enum(['completed', 'incomplete', 'not-performed', 'unknown']),
    detail: text(),
    key: hsmKeySchema.optional(),
  }),
  event('hsm.identified', {
    hsmId: text(200),
    manufacturer: text(200),
    model: text(200),
    serialNumber: text(200),
    firmware: text(200).optional(),
    tokenLabel: text(200).optional(),
    location: text(200).optional(),
    stepId,
  }),

  /** A TEB's serial read aloud and compared with the one it was sealed with (null: none on record). */
  event('teb.checked', { stepId, purpose: text(200), serialRead: text(64), expectedSerial: text(64).nullable(), matched: z.boolean() }),
  event('teb.sealed', { stepId, purpose: text(200), serial: text(64), contents: z.array(text(500)).min(1) }),
  event('teb.opened', { stepId, purpose: text(200), serial: text(64) }),
  event('teb.handed-over', { stepId, purpose: text(200), serial: text(64), from: text(200), to: text(200), reference: text(500).optional() }),

  /** A quorum set: e.g. the CO cards of one site (3 of 7) or the RKSH shares (5 of 7). */
  event('quorum.defined', { set: ident, threshold: z.number().int().min(1), total: z.number().int().min(1) }),
  event('credential.issued', {
    credentialId: ident,
    kind: z.enum(['co-card', 'rksh-share', 'other']),
    set: ident,
    holderId: ident,
    holderName: text(200),
    tebSerial: text(64).optional(),
    stepId,
  }),
  /**
   * Share sheets a step issued were put on the screen (never in the log: the sheets themselves are
   * secret); sheets.handed-over when the CA confirms every holder has theirs. Shown without the
   * second means the room may have lost them (a restart): the step says so.
   */
  event('sheets.shown', { stepId: ident, credentialIds: z.array(ident).min(1) }),
  event('sheets.handed-over', { stepId: ident, credentialIds: z.array(ident).min(1), confirmedBy: ident }),
  event('credential.presented', { credentialId: ident, personId: ident, stepId }),
  event('credential.retired', { credentialId: ident, reason: text(), stepId }),

  /** Bytes stored in the artifacts table under this SHA-256. */
  event('artifact.stored', {
    sha256: hashHex,
    name: text(255),
    kind: z.enum(artifactKinds),
    mediaType: z.string().regex(/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i, 'a media type such as application/xml'),
    size: z.number().int().min(0),
    stepId,
  }),

  /** logHeadHash: the head of the log when the statement was shown, before the signature was drawn. */
  event('attestation.signed', {
    personId: ident,
    name: text(200),
    role: roleSchema,
    statement: text(),
    logHeadHash: hashHex,
    signatureSha256: hashHex,
  }),
  event('attestation.declined', { personId: ident, name: text(200), role: roleSchema, statement: text(), logHeadHash: hashHex, reason: text() }),

  // ---- The ceremony engine (core/ceremony/engine): what a scripted ceremony adds to the record. ----

  /** The roles a participant holds as the ceremony's script names them (a role the vocabulary above lacks signs in as 'witness'). */
  event('participant.script-roles', { personId: ident, roles: z.array(z.string().regex(/^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/)).min(1) }),
  /** The triage that chose the procedure: the questions asked, their answers, and why. */
  event('triage.recorded', {
    procedure: ident,
    template: ident,
    answers: z.record(z.string(), z.string()),
    questionsAsked: z.array(ident),
    reason: text(),
    interpretation: text().optional(),
    /** reschedule: no DR procedure yet (only its 4.1.3 plan was started); absent in logs before it was recorded (procedure). */
    decision: z.enum(['procedure', 'reschedule']).optional(),
    /** The branch of the script the answers already decided (core/ceremony/branches.ts). */
    branch: ident.optional(),
    /** Prolonged unavailability: DR 4.1.3's plan, carried as a follow-up of this ceremony. */
    plan: ident.optional(),
    /** What to do now, as triage said it, with the dates. */
    next: text().optional(),
  }),
  /**
   * The deadline as the engine computed it from the current SKR at one moment (the ceremony's
   * creation, the start of a step that decides on it): what was decided on it is decided on this.
   */
  event('deadline.assessed', {
    stepId,
    state: z.enum(['sufficient', 'insufficient', 'past-due', 'expired']),
    at: text(64),
    lastExpiration: text(64),
    skrDue: text(64),
    unavoidableAt: text(64),
    alternateWindow: z.strictObject({ earliest: text(64), latest: text(64) }).nullable(),
    leadTime: text(64),
    publicationMargin: text(64),
    consequence: text(),
  }),
  /** A step decided a branch of the script: the outcome, and the steps of the other branches, now not applicable. */
  event('branch.taken', { stepId: ident, branch: ident, outcome: text(), notApplicable: z.array(ident) }),
  /**
   * What an HSM's token can do, read from the module when the ceremony first uses it (beside
   * hsm.identified): its mechanisms with their key sizes and flags, its PIN limits, and the
   * capabilities the app derived from them, so the record shows what the ceremony was run on.
   */
  event('hsm.profiled', { hsmId: ident, ...hsmProfileShape, stepId }),
  /** Which token carries out an HSM the script declares (by id), and how it is activated. */
  event('hsm.bound', {
    hsmId: ident,
    modulePath: text(1000),
    tokenLabel: text(200),
    activation: z.enum(['native', 'split-pin']),
    rehearsal: z.boolean(),
  }),
  /** The SKR the RZM publishes when the ceremony starts (stored as an artifact): the deadline. */
  event('skr.current', {
    sha256: hashHex,
    skrId: text(200),
    bundles: z.number().int().min(1),
    firstInception: text(64),
    lastExpiration: text(64),
    signingKeyTags: z.array(z.number().int().min(0).max(65535)),
    source: text(1000),
  }),
  /** An HSM's activation credentials were created: the quorum set and what checks them later (no secret). */
  event('hsm.commissioned', {
    hsmId: ident,
    tokenLabel: text(200),
    tokenSerial: text(200),
    activation: z.enum(['native', 'split-pin']),
    set: ident,
    stepId,
    record: json,
  }),
  /** The step's action was carried out; result is what it produced (kind-specific). */
  event('action.performed', {
    stepId: ident,
    kind: ident,
    performer: z.strictObject({ personId: ident.optional(), name: text(200), role: text(64) }),
    result: json,
  }),
  event('action.failed', { stepId: ident, kind: ident, error: text() }),
  /** The performer of a manual step says the work was done. */
  event('step.confirmed', {
    stepId: ident,
    performer: z.strictObject({ personId: ident.optional(), name: text(200), role: text(64) }),
    note: text().optional(),
  }),
  /** The policy checks run on a file at a step, each with its result (core/dnssec CheckResult). */
  event('checks.run', {
    stepId: ident,
    subject: text(500),
    sha256: hashHex,
    results: z.array(
      z.strictObject({
        check: ident,
        status: z.enum(['pass', 'fail', 'skipped']),
        message: text(),
        bundle: z.strictObject({ index: z.number().int(), id: text(200) }).optional(),
      }),
    ),
  }),
  /** A departure from the script's order or content, and the exception that allowed it. */
  event('step.deviation', {
    stepId: ident,
    deviation: z.enum(['out-of-order', 'skip', 'check-override', 'reactivation', 'credential-by-staff', 'decision-against-deadline']),
    exceptionId: ident,
    check: ident.optional(),
  }),
  /** A follow-up obligation opened (core/ceremony/followUps.ts Obligation), carried until discharged. */
  event('followup.opened', { obligation: json }),
  event('followup.discharged', { obligationId: text(300), stepId: ident, note: text() }),

  /** A document of the ceremony went to a printer (CUPS' job id) or was written as a PDF to be printed elsewhere. */
  event('document.printed', {
    kind: ident,
    sha256: hashHex,
    pages: z.number().int().min(1),
    printer: text(200).optional(),
    jobId: text(200).optional(),
    file: text(1000).optional(),
    copies: z.number().int().min(1).optional(),
  }),
  event('airgap.warning', { check: text(200), detail: text(), stepId }),
  /**
   * The network as the laptop saw it (interfaces up or down, default routes): when the ceremony
   * opened, at every change while it was open, and when it closed. isolated: nothing but loopback up.
   */
  event('airgap.state', {
    at: z.enum(['open', 'change', 'close']),
    isolated: z.boolean(),
    interfaces: z.array(z.strictObject({ name: text(64), up: z.boolean(), loopback: z.boolean() })).max(64),
    defaultRoutes: z.array(text(200)).max(16),
  }),
  /** Room for what is not modelled yet: a topic and structured data, still validated JSON. */
  event('note', { text: text(), topic: ident.optional(), stepId, data: json.optional() }),
]);

export type EvidenceEvent = z.infer<typeof eventSchema>;
export type EventType = EvidenceEvent['type'];
export type PayloadOf<T extends EventType> = Extract<EvidenceEvent, { type: T }>['payload'];
export const eventTypes: readonly EventType[] = eventSchema.options.map((o) => o.shape.type.value);
