import { z } from 'zod';
import { actionKinds } from './actionKinds.js';

/**
 * The state of a ceremony as the UI, the projector view, the printed record and the bundle composer
 * see it. It is a projection of the ceremony's events in the evidence log (core/ceremony/engine
 * `ceremonyState`): nothing here is stored anywhere else, so after a crash reopening the log gives
 * back exactly this. JSON-safe: times are UTC ISO strings, hashes lower-case hex.
 *
 * The contract imports only zod, so the names of procedures and roles are plain strings here;
 * core/ceremony holds their vocabularies. Action kinds are the contract's own (actionKinds.ts).
 */

export const isoTimeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/, 'a UTC time in ISO 8601, e.g. 2024-01-11T00:00:00.000Z');
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits (SHA-256)');
const json = z.record(z.string(), z.json());

/** A hash as it is shown and read aloud: hex and the 32 PGP words. */
export const hashViewSchema = z.object({ sha256: sha256HexSchema, pgpWords: z.array(z.string()) });
export type HashView = z.infer<typeof hashViewSchema>;

/** A file the caller hands over: a path the privileged side reads, or the bytes themselves. */
export const fileRefSchema = z.union([
  z.strictObject({ path: z.string().min(1, 'a file path is required') }),
  z.strictObject({ name: z.string().min(1), base64: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64') }),
]);
export type FileRef = z.infer<typeof fileRefSchema>;

export const modeSchema = z.enum(['rehearsal', 'production']);
export type CeremonyMode = z.infer<typeof modeSchema>;

// ---- Scripts ------------------------------------------------------------------------------------

/** A step of a script as it is shown: the action's inputs are the script's own (already validated). */
export const scriptStepViewSchema = z.object({
  id: z.string(),
  number: z.string(),
  text: z.string(),
  roles: z.array(z.string()),
  initial: z.boolean(),
  seedStep: z.string().optional(),
  action: z.object({
    kind: z.enum(actionKinds),
    /** "Generate a KSK": the kind's title (core/ceremony/actions.ts actionInfo). */
    title: z.string(),
    /** What the engine records when the step runs. */
    evidence: z.string(),
    inputs: json,
  }),
});
export type ScriptStepView = z.infer<typeof scriptStepViewSchema>;

/** A branch of a script (core/ceremony/branches.ts): decided at a step; `ends` closes the ceremony on it. */
export const branchViewSchema = z.object({ id: z.string(), title: z.string(), decidedAt: z.string(), ends: z.boolean() });
export type BranchView = z.infer<typeof branchViewSchema>;

export const scriptSummarySchema = z.object({
  id: z.string(),
  version: z.string(),
  title: z.string(),
  summary: z.string(),
  /** 4.1.1 ... 4.3.2B, ksr-signing, ksk-generation, extraordinary, rrsig-release. */
  procedure: z.string(),
  disaster: z.enum(['signing', 'compromise', 'lost']).optional(),
  seedReference: z.string().optional(),
  sha256: sha256HexSchema,
});
export type ScriptSummary = z.infer<typeof scriptSummarySchema>;

export const scriptViewSchema = scriptSummarySchema.extend({
  facility: z.string().optional(),
  basedOn: z.object({ id: z.string(), version: z.string(), sha256: sha256HexSchema }).optional(),
  roles: z.array(z.object({ id: z.string(), title: z.string(), description: z.string().optional() })),
  quorums: z.record(z.string(), z.object({ role: z.string(), m: z.number().int(), n: z.number().int(), title: z.string().optional() })),
  hsms: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      location: z.enum(['kmf', 'outside-kmf']),
      provenance: z.enum(['production', 'another', 'new']),
      activation: z.enum(['native', 'split-pin']),
    }),
  ),
  acts: z.array(
    z.object({
      number: z.number().int(),
      title: z.string(),
      phase: z.enum(['preparation', 'ceremony']),
      branch: z.string().optional(),
      steps: z.array(scriptStepViewSchema),
    }),
  ),
  followUps: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), condition: z.string(), seedStep: z.string().optional() })),
  /** Where the DR document says "if ... otherwise": the step that decides each branch; acts name the branch they belong to. */
  branches: z.array(branchViewSchema),
});
export type ScriptView = z.infer<typeof scriptViewSchema>;

// ---- Triage, deadline, current SKR, follow-ups --------------------------------------------------

export const triageAnswersSchema = z.strictObject({
  disaster: z.enum(['signing', 'compromise', 'lost']).optional(),
  prolonged: z.boolean().optional(),
  cosAvailable: z.boolean().optional(),
  kmfAvailable: z.boolean().optional(),
  backupAvailable: z.boolean().optional(),
  rkshsAvailable: z.boolean().optional(),
  /** Only when no deadline is known (no current SKR): whether a ceremony can still be convened before the SKR is due. */
  timeSufficient: z.boolean().optional(),
});
export type TriageAnswers = z.infer<typeof triageAnswersSchema>;

export const questionIdSchema = z.enum(['disaster', 'prolonged', 'cosAvailable', 'kmfAvailable', 'backupAvailable', 'rkshsAvailable', 'timeSufficient']);

export const triageQuestionSchema = z.object({
  id: questionIdSchema,
  text: z.string(),
  options: z.array(z.object({ value: z.string(), label: z.string() })),
});

export const triageResultSchema = z.object({
  /** procedure: run `procedure` now; reschedule: no DR procedure yet (reschedule or repair, `next` says by when). */
  decision: z.enum(['procedure', 'reschedule']),
  /** A DR procedure id (4.1.1 ... 4.3.2B) or 'ksr-signing'; null when no procedure is run yet. */
  procedure: z.string().nullable(),
  /** The branch of the procedure's script the answers already decide (alternate-date, proceed-now, cos-present, cos-absent). */
  branch: z.string().nullable(),
  /** Prolonged unavailability: DR 4.1.3's plan, in addition to what is run now. */
  plan: z.literal('4.1.3').nullable(),
  label: z.string(),
  title: z.string(),
  section: z.string().nullable(),
  /** The template of the ceremony to create now, or null when there is none. */
  template: z.string().nullable(),
  reason: z.string(),
  /** What to do now, with the dates. */
  next: z.string(),
  interpretation: z.string().nullable(),
  /** The time, when it decided: sufficient or not, from the deadline or an answer, and the dates that follow. */
  time: z
    .object({ sufficient: z.boolean(), source: z.enum(['deadline', 'answer']), holdBy: isoTimeSchema.nullable(), unavoidableAt: isoTimeSchema.nullable() })
    .nullable(),
  questionsAsked: z.array(questionIdSchema),
  answers: z.record(z.string(), z.string()),
  ignored: z.array(questionIdSchema),
});
export type TriageResultView = z.infer<typeof triageResultSchema>;

export const deadlineSchema = z.object({
  state: z.enum(['sufficient', 'insufficient', 'past-due', 'expired']),
  now: isoTimeSchema,
  /** The expiry of the last RRSIG of the current SKR: the countdown's end. */
  lastExpiration: isoTimeSchema,
  /** lastExpiration − publication margin: when the RZM must have the SKR. */
  skrDue: isoTimeSchema,
  /** skrDue − lead time: the last moment a ceremony can still be convened in time; from then on the DR procedure is unavoidable. */
  unavoidableAt: isoTimeSchema,
  remainingMs: z.number(),
  countdown: z.string(),
  alternateWindow: z.object({ earliest: isoTimeSchema, latest: isoTimeSchema }).nullable(),
  policy: z.object({ leadTime: z.string(), publicationMargin: z.string() }),
  consequence: z.string(),
});
export type DeadlineView = z.infer<typeof deadlineSchema>;

/** The SKR the RZM publishes now, as loaded into the workspace (or produced by its last signing). */
export const currentSkrSchema = z.object({
  id: z.string(),
  /** True for an SKR whose id starts with "rehearsal-": never production output. */
  rehearsal: z.boolean(),
  bundles: z.number().int(),
  firstInception: isoTimeSchema,
  lastExpiration: isoTimeSchema,
  /** Key tags of the KSKs that sign it. */
  signingKeyTags: z.array(z.number().int()),
  hash: hashViewSchema,
  loadedAt: isoTimeSchema,
  /** Where it came from: the file it was loaded from, or the ceremony and step that signed it. */
  source: z.string(),
});
export type CurrentSkrView = z.infer<typeof currentSkrSchema>;

export const obligationViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  condition: z.string(),
  origin: z.object({
    ceremonyId: z.string(),
    scriptId: z.string(),
    procedure: z.string(),
    stepId: z.string(),
    followUpId: z.string(),
    seedStep: z.string().optional(),
  }),
  openedAt: isoTimeSchema,
  /** What the opening ceremony decided, where it says more than the script (e.g. "Rescheduled to <date>"). */
  detail: z.string().optional(),
  /** The HSMs a replace-hardware obligation names (the compromised ones), which must be retired before it is discharged. */
  subjects: z
    .array(z.object({ hsmId: z.string(), serialNumber: z.string(), model: z.string(), tokenLabel: z.string().optional(), reason: z.string() }))
    .optional(),
  status: z.enum(['open', 'discharged']),
  discharge: z.object({ ceremonyId: z.string(), stepId: z.string(), at: isoTimeSchema, note: z.string() }).optional(),
  /** In a ceremony's state: what this ceremony has not done that the obligation needs (e.g. a compromised HSM not retired), if anything. */
  unmet: z.string().optional(),
});
export type ObligationView = z.infer<typeof obligationViewSchema>;

/** One KSR/SKR policy check as IANA's tool names it, with its result (core/dnssec CheckResult). */
export const checkResultSchema = z.object({
  check: z.string(),
  status: z.enum(['pass', 'fail', 'skipped']),
  ok: z.boolean(),
  bundle: z.object({ index: z.number().int(), id: z.string() }).optional(),
  message: z.string(),
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** Which prepared file it concerns (index in step.prepare's files), for steps that read several. */
  file: z.number().int().optional(),
});
export type CheckResultView = z.infer<typeof checkResultSchema>;

// ---- The ceremony -------------------------------------------------------------------------------

export const personRefSchema = z.object({ personId: z.string(), name: z.string(), role: z.string() });
export type PersonRef = z.infer<typeof personRefSchema>;

/**
 * pending: not started. in-progress: started, its action not yet performed (or confirmed).
 * awaiting-initials: performed, the IW has not yet initialled. completed, skipped: done.
 * not-applicable: on a branch of the script that a decision did not take (see `notApplicable`).
 * A failed attempt leaves the step in progress with the failure in `failures`.
 */
export const stepStatusSchema = z.enum(['pending', 'in-progress', 'awaiting-initials', 'completed', 'skipped', 'not-applicable']);
export type StepStatus = z.infer<typeof stepStatusSchema>;

export const quorumProgressSchema = z.object({
  /** The quorum's id in the script ('co', 'rksh'). */
  quorum: z.string(),
  /** The credential set in the log (e.g. "co:HSM2:3f9a..."), once one is known. */
  set: z.string().nullable(),
  m: z.number().int(),
  n: z.number().int(),
  /** Distinct credentials presented at this step, in order, with who presented them. */
  presented: z.array(z.object({ credentialId: z.string(), personId: z.string(), at: isoTimeSchema, byStaff: z.boolean() })),
  /**
   * Of those, how many the engine still holds in memory (split-PIN and RKSH shares are never
   * written to the log: after a restart they must be presented again). Filled in by the engine.
   */
  held: z.number().int(),
  met: z.boolean(),
});
export type QuorumProgress = z.infer<typeof quorumProgressSchema>;

export const stepStateSchema = scriptStepViewSchema.extend({
  act: z.number().int(),
  phase: z.enum(['preparation', 'ceremony']),
  status: stepStatusSchema,
  startedAt: isoTimeSchema.nullable(),
  /** When the action succeeded or the performer confirmed the manual work. */
  performedAt: isoTimeSchema.nullable(),
  completedAt: isoTimeSchema.nullable(),
  skipped: z.object({ at: isoTimeSchema, reason: z.string(), exceptionId: z.string().nullable() }).nullable(),
  /** On the branch `branch`, which the decision at step `decidedAt` did not take. */
  notApplicable: z.object({ at: isoTimeSchema, branch: z.string(), decidedAt: z.string(), outcome: z.string() }).nullable(),
  performer: personRefSchema.nullable(),
  initials: z.object({ personId: z.string(), name: z.string(), at: isoTimeSchema }).nullable(),
  /** What the action recorded (kind-specific: DNSKEY and DS of a generated key, SKR hash, ...). */
  result: json.nullable(),
  failures: z.array(z.object({ at: isoTimeSchema, error: z.string() })),
  /** Started while an earlier step was not done: the exception that allowed it. */
  outOfOrder: z.object({ exceptionId: z.string() }).nullable(),
  exceptionIds: z.array(z.string()),
  /** The hashes the app showed at this step (the KSR's while it waits for the hash read aloud, the SKR's), latest last. */
  shown: z.array(hashViewSchema.extend({ subject: z.string() })),
  /** What is still needed for the step to complete, in order: 'start', 'prepare', 'present', 'perform', 'confirm', 'initial', 'attest', 'reconcile'. */
  needs: z.array(z.string()),
  quorum: quorumProgressSchema.nullable(),
  /** The branches this step decides between (it cannot be skipped); empty for a step that decides none. */
  decides: z.array(z.string()),
  /**
   * Share sheets this step issued on screen: to whom, whether the CA confirmed every holder has
   * theirs, and whether the backend still holds them (false after a restart: if not handed over,
   * they are lost). Null for a step that issues none.
   */
  sheets: z
    .object({
      shownAt: isoTimeSchema,
      holders: z.array(z.object({ credentialId: z.string(), holderId: z.string(), holderName: z.string() })),
      handedOver: z.object({ at: isoTimeSchema, personId: z.string() }).nullable(),
      held: z.boolean(),
    })
    .nullable(),
});
export type StepState = z.infer<typeof stepStateSchema>;

export const hsmBindingSchema = z.object({
  modulePath: z.string(),
  tokenLabel: z.string(),
  /** How its Crypto Officers activate it here; a rehearsal token (SoftHSM2) has no protected path, so split-pin. */
  activation: z.enum(['native', 'split-pin']),
  rehearsal: z.boolean(),
});
export type HsmBinding = z.infer<typeof hsmBindingSchema>;

export const hsmStateSchema = z.object({
  id: z.string(),
  title: z.string(),
  location: z.enum(['kmf', 'outside-kmf']),
  provenance: z.enum(['production', 'another', 'new']),
  binding: hsmBindingSchema.nullable(),
  /** As the HSM identified itself when it was first used in this ceremony. */
  identity: z.object({ manufacturer: z.string(), model: z.string(), serialNumber: z.string(), tokenLabel: z.string().optional() }).nullable(),
  active: z.boolean(),
  /**
   * Whether this process holds a logged-in session with it. False while `active` is true means the
   * app restarted since the activation: the COs present their credentials again at its activation
   * step (recorded as an exception).
   */
  sessionOpen: z.boolean(),
  /** KSK labels this ceremony generated, restored or destroyed in it. */
  keys: z.array(z.object({ label: z.string(), keyTag: z.number().int().nullable(), event: z.enum(['generated', 'restored', 'destroyed', 'found']) })),
});
export type HsmState = z.infer<typeof hsmStateSchema>;

export const participantStateSchema = z.object({
  personId: z.string(),
  name: z.string(),
  /** The script's role ids (CA, IW, CO, ...). */
  roles: z.array(z.string()),
  organisation: z.string().optional(),
  signedInAt: isoTimeSchema,
  signedOutAt: isoTimeSchema.nullable(),
});
export type ParticipantState = z.infer<typeof participantStateSchema>;

export const exceptionStateSchema = z.object({
  exceptionId: z.string(),
  stepId: z.string().optional(),
  expected: z.string(),
  happened: z.string(),
  decision: z.string().nullable(),
  signedBy: z.array(z.string()),
  /** The policy check this exception overrides, when it names one. */
  check: z.string().nullable(),
  at: isoTimeSchema,
  seq: z.number().int(),
  /** Has a decision and at least one signature: the review at the close requires every exception complete. */
  complete: z.boolean(),
});
export type ExceptionState = z.infer<typeof exceptionStateSchema>;

export const attestationStateSchema = z.object({
  stepId: z.string().nullable(),
  personId: z.string(),
  name: z.string(),
  role: z.string(),
  statement: z.string(),
  logHeadHash: sha256HexSchema,
  signed: z.boolean(),
  signatureSha256: sha256HexSchema.optional(),
  reason: z.string().optional(),
  at: isoTimeSchema,
});
export type AttestationStateView = z.infer<typeof attestationStateSchema>;

export const artifactStateSchema = z.object({
  sha256: sha256HexSchema,
  name: z.string(),
  kind: z.string(),
  mediaType: z.string(),
  size: z.number().int(),
  stepId: z.string().optional(),
  at: isoTimeSchema,
});
export type ArtifactState = z.infer<typeof artifactStateSchema>;

export const logHeadSchema = z.object({ seq: z.number().int(), hash: sha256HexSchema, pgpWords: z.array(z.string()), type: z.string() });

export const ceremonyStatusSchema = z.enum(['planned', 'in-progress', 'closed']);

export const ceremonySummarySchema = z.object({
  ceremonyId: z.string(),
  title: z.string(),
  /** The procedure: ksr-signing, ksk-generation, 4.3.1A, ... */
  procedure: z.string(),
  scriptId: z.string(),
  mode: modeSchema,
  site: z.string().optional(),
  status: ceremonyStatusSchema,
  openedAt: isoTimeSchema,
  closedAt: isoTimeSchema.nullable(),
  stepsDone: z.number().int(),
  stepsTotal: z.number().int(),
  /** How a branch that ended it closed the ceremony (e.g. "Rescheduled to ..."), or null. */
  outcome: z.string().nullable(),
  head: logHeadSchema,
  sealed: z.boolean(),
});
export type CeremonySummaryView = z.infer<typeof ceremonySummarySchema>;

export const ceremonyStateSchema = z.object({
  ceremonyId: z.string(),
  title: z.string(),
  mode: modeSchema,
  site: z.string().optional(),
  status: ceremonyStatusSchema,
  openedAt: isoTimeSchema,
  closedAt: isoTimeSchema.nullable(),
  script: scriptSummarySchema,
  /** The triage that chose this procedure, as recorded in the log; null for a ceremony made from a template. */
  triage: triageResultSchema.nullable(),
  /** The SKR that was current when the ceremony was created. */
  currentSkr: currentSkrSchema.nullable(),
  /** The countdown to its last RRSIG: now while the ceremony is open; once closed, the deadline as it stood when decided (`deadlineRecorded`). */
  deadline: deadlineSchema.nullable(),
  /** The deadline as the engine last recorded it (at creation, or when a step that decides on it started): what the decisions were made on. */
  deadlineRecorded: deadlineSchema.extend({ stepId: z.string().nullable() }).nullable(),
  /** The decisions the script's branches took, in order; `outcome` is the ending one's (e.g. "Rescheduled to ..."), or null. */
  branches: z.array(z.object({ stepId: z.string(), branch: z.string(), title: z.string(), outcome: z.string(), ends: z.boolean(), at: isoTimeSchema })),
  outcome: z.string().nullable(),
  roles: z.array(z.object({ id: z.string(), title: z.string() })),
  participants: z.array(participantStateSchema),
  quorums: z.array(z.object({ id: z.string(), role: z.string(), m: z.number().int(), n: z.number().int(), title: z.string().optional() })),
  hsms: z.array(hsmStateSchema),
  /** branch, branchTitle: the branch an act belongs to (it applies only if its decision takes it). */
  acts: z.array(
    z.object({
      number: z.number().int(),
      title: z.string(),
      phase: z.enum(['preparation', 'ceremony']),
      branch: z.string().optional(),
      branchTitle: z.string().optional(),
      steps: z.array(stepStateSchema),
    }),
  ),
  /** The first step in script order that is neither completed, skipped nor not applicable; null when all are. */
  currentStepId: z.string().nullable(),
  exceptions: z.array(exceptionStateSchema),
  attestations: z.array(attestationStateSchema),
  artifacts: z.array(artifactStateSchema),
  followUps: z.object({
    /** Opened by this ceremony. */
    opened: z.array(obligationViewSchema),
    /** Discharged by this ceremony. */
    discharged: z.array(obligationViewSchema),
    /** Still open in the workspace (same mode), this ceremony's included. */
    outstanding: z.array(obligationViewSchema),
  }),
  /** HSM operations whose outcome the log lacks (a crash): ceremony.resume reconciles them with the HSM. */
  interrupted: z.array(
    z.object({ opId: z.string(), operation: z.string(), stepId: z.string().optional(), label: z.string().optional(), since: isoTimeSchema }),
  ),
  log: z.object({
    head: logHeadSchema,
    events: z.number().int(),
    sealed: z.boolean(),
    /** The newest checkpoint witnessed outside the log (signed by the audit key): what the IW initials on paper. */
    checkpoint: z.object({ seq: z.number().int(), hash: sha256HexSchema, at: isoTimeSchema, reason: z.string() }).nullable().optional(),
  }),
});
export type CeremonyState = z.infer<typeof ceremonyStateSchema>;
