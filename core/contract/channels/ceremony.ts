import { z } from 'zod';
import { channel } from '../channel.js';
import {
  ceremonyStateSchema,
  ceremonySummarySchema,
  checkResultSchema,
  fileRefSchema,
  hashViewSchema,
  hsmBindingSchema,
  modeSchema,
  sha256HexSchema,
  triageAnswersSchema,
} from '../ceremonyState.js';
import { credentialInputSchema, prepareInputSchema, stepInputSchema } from '../stepInputs.js';

/**
 * Running a ceremony. Every request names the ceremony; every change is appended to the evidence
 * log before the answer is sent, and the answer carries the new state (a projection of the log),
 * so the UI never keeps a state of its own. Each change also emits
 * `{type: 'state-changed', topic: 'ceremony', id: ceremonyId}`; long HSM work emits `progress`
 * events (operationId = the HSM operation's id in the log).
 *
 * Errors: NOT_FOUND (no such ceremony or step), CONFLICT (the step is not in a state that allows
 * it, the ceremony is closed, an HSM operation awaits reconciliation), BAD_REQUEST (the input does
 * not fit the step), POLICY_FAILURE (a check failed, a hash did not match: nothing was done),
 * HSM_ERROR, STORAGE_ERROR.
 */

const ceremonyId = z.string().min(1, 'a ceremony id is required');
const stepId = z.string().min(1, 'a step id is required');
const personId = z.string().min(1, 'a person id is required');
const ref = { ceremonyId };
const stepRef = { ceremonyId, stepId };

/** Who performed: a signed-in participant; for a preparation step (before the ceremony day), a name and a role will do. */
const performerSchema = z.union([z.strictObject({ personId }), z.strictObject({ name: z.string().trim().min(1), role: z.string().min(1) })]);

/** What a state-changing call answers: the new state, and what the step produced, if anything. */
const changeSchema = z.object({
  state: ceremonyStateSchema,
  /** Kind-specific outcome of the call (the key generated, the SKR written, the shares issued ...). */
  outcome: z.record(z.string(), z.json()).nullable(),
});

/** A deviation from the script's order: allowed only with a reason and the IW's signature, recorded as an exception. */
const deviationSchema = z.strictObject({ reason: z.string().trim().min(1), witnessId: personId });

export const ceremonyChannels = {
  /** Every ceremony of the workspace, oldest first (any mode; each says its own). */
  'ceremony.list': channel(z.object({}), z.array(ceremonySummarySchema)),

  /**
   * Opens a new ceremony in the log: from a template id (or an operator's script file), or from
   * triage answers (recorded in the log; their procedure's template is used unless a script is
   * given, which must then carry out that procedure). Binds each HSM the script declares to a
   * token; in a rehearsal workspace, omitted bindings get their own SoftHSM2 token in the
   * workspace. Records the current SKR of the workspace (the deadline). A production ceremony
   * refuses a rehearsal token.
   */
  'ceremony.create': channel(
    z.strictObject({
      template: z.string().min(1).optional(),
      script: fileRefSchema.optional(),
      triage: triageAnswersSchema.optional(),
      /** Defaults to a readable id made from the procedure and the date; at most 26 characters. */
      ceremonyId: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,25}$/, 'letters, digits, dot, dash or underscore (at most 26)')
        .optional(),
      title: z.string().trim().min(1).max(200).optional(),
      site: z.string().trim().min(1).max(200).optional(),
      /** Must equal the workspace's mode when given (a rehearsal workspace runs rehearsals only). */
      mode: modeSchema.optional(),
      bindings: z.record(z.string(), hsmBindingSchema.pick({ modulePath: true, tokenLabel: true, activation: true })).default({}),
      /** The operator's ksrsigner.yaml (keys, schemas, checks); DR procedures build their schema from the keys in the HSM. */
      policy: fileRefSchema.optional(),
    }),
    ceremonyStateSchema,
  ),

  /** The whole state of one ceremony, projected from its log. */
  'ceremony.state': channel(z.strictObject(ref), ceremonyStateSchema),

  /**
   * After a crash or a restart: asks each HSM what became of every operation whose outcome the log
   * lacks and records the finding (completed: the key is there; incomplete; not-performed; unknown
   * for a signature). A completed generation or restore completes its step's action without
   * repeating it. Returns what was found.
   */
  'ceremony.resume': channel(
    z.strictObject(ref),
    z.object({
      state: ceremonyStateSchema,
      reconciled: z.array(z.object({ opId: z.string(), operation: z.string(), stepId: z.string().optional(), finding: z.string(), detail: z.string() })),
    }),
  ),

  /** A participant signs in (name, roles as the script names them); a person id is made from the name if not given. */
  'ceremony.signIn': channel(
    z.strictObject({
      ceremonyId,
      personId: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/)
        .optional(),
      name: z.string().trim().min(1).max(200),
      roles: z.array(z.string().min(1)).min(1),
      organisation: z.string().trim().min(1).max(200).optional(),
      /** The signature drawn at sign-in (PNG, base64), as the paper script's sign-in sheet asks. */
      signaturePng: z.string().min(1).optional(),
    }),
    changeSchema,
  ),
  /** A participant signs out, with the signature drawn at sign-out. */
  'ceremony.signOut': channel(z.strictObject({ ceremonyId, personId, signaturePng: z.string().min(1).optional() }), changeSchema),

  /**
   * Starts a step. The next step in script order starts plainly; any other (out of order) needs a
   * deviation, recorded as an exception the IW signs. Prepare, present, perform and confirm start
   * the next step themselves, so calling this first is optional for it.
   */
  'step.start': channel(z.strictObject({ ...stepRef, deviation: deviationSchema.optional() }), changeSchema),

  /** Reads the files a step works on and shows what must be matched: the KSR hash in hex and words, and every policy check with its result. */
  'step.prepare': channel(
    z.strictObject({ ...stepRef, input: prepareInputSchema }),
    z.object({
      state: ceremonyStateSchema,
      files: z.array(z.object({ name: z.string(), id: z.string(), hash: hashViewSchema, coverage: z.object({ from: z.string(), to: z.string() }).optional() })),
      checks: z.array(checkResultSchema),
      /** The failing checks this step may override, each only by a witnessed exception naming it; any other failure stops the step. */
      overridable: z.array(z.string()),
    }),
  ),

  /** Hands over one credential at a quorum step (hsm-activate, reconstruct-ksk); the step is performed once M distinct holders have presented. */
  'step.present': channel(z.strictObject({ ...stepRef, personId, credential: credentialInputSchema }), changeSchema),

  /** Performs the step's action with what the people in the room supply; one input shape per action kind. */
  'step.perform': channel(z.strictObject({ ...stepRef, performer: performerSchema, input: stepInputSchema }), changeSchema),

  /** The performer confirms a manual step (the work the app cannot do was done). */
  'step.confirm': channel(z.strictObject({ ...stepRef, performer: performerSchema, note: z.string().trim().min(1).optional() }), changeSchema),

  /** The IW initials a performed step; the step completes. */
  'step.initial': channel(z.strictObject({ ...stepRef, personId }), changeSchema),

  /**
   * The share sheets a step issued, as long as the backend holds them: from the perform until the
   * CA confirms every holder has theirs (a reload of the page shows them again). Empty after a
   * restart of the app: the step's state then says they were shown and not confirmed handed over.
   */
  'step.sheets': channel(
    z.strictObject(stepRef),
    z.object({ sheets: z.array(z.object({ credentialId: z.string(), holderId: z.string(), holderName: z.string(), sheet: z.string() })) }),
  ),
  /** The CA (personId) confirms every holder has their sheet: recorded in the log; the backend forgets the sheets. */
  'step.sheetsHandedOver': channel(z.strictObject({ ...stepRef, personId }), changeSchema),

  /** Skips a step: an exception with the reason, signed by the IW. */
  'step.skip': channel(z.strictObject({ ...stepRef, deviation: deviationSchema }), changeSchema),

  /**
   * Records an exception: what the script expected, what happened, what was decided, who signed.
   * `check` names the policy check it overrides (sign steps accept only overrides recorded so, and
   * never of a check no disaster excuses).
   */
  'exception.record': channel(
    z.strictObject({
      ceremonyId,
      stepId: stepId.optional(),
      expected: z.string().trim().min(1),
      happened: z.string().trim().min(1),
      decision: z.string().trim().min(1).optional(),
      signedBy: z.array(personId),
      check: z.string().min(1).optional(),
    }),
    changeSchema,
  ),
  'exception.resolve': channel(
    z.strictObject({ ceremonyId, exceptionId: z.string().min(1), decision: z.string().trim().min(1), signedBy: z.array(personId).min(1) }),
    changeSchema,
  ),

  /** The statement to show before someone attests, with the log head it is bound to (show both, then sign). */
  'attestation.prepare': channel(
    z.strictObject({ ...stepRef, personId }),
    z.object({
      statement: z.string(),
      name: z.string(),
      role: z.string(),
      head: z.object({ seq: z.number().int(), hash: sha256HexSchema, pgpWords: z.array(z.string()) }),
    }),
  ),
  /** Signs: the drawn signature (PNG) is stored; refused if the log moved on since the head was shown. */
  'attestation.sign': channel(z.strictObject({ ...stepRef, personId, headHashShown: sha256HexSchema, signaturePng: z.string().min(1) }), changeSchema),
  'attestation.decline': channel(z.strictObject({ ...stepRef, personId, headHashShown: sha256HexSchema, reason: z.string().trim().min(1) }), changeSchema),

  /**
   * Closes and seals the ceremony: every step completed or skipped, every exception complete.
   * Remaining participants are signed out. The seal is made by the ceremony's audit key where the
   * HSM has one, otherwise by a one-time software key; the answer gives the sealed head in hex and words.
   */
  'ceremony.close': channel(
    z.strictObject({ ceremonyId, summary: z.string().trim().min(1).optional() }),
    z.object({
      state: ceremonyStateSchema,
      seal: z.object({ headSeq: z.number().int(), head: hashViewSchema, keyKind: z.enum(['hsm', 'software']), keyLabel: z.string().nullable() }),
    }),
  ),
};
