import { KskError } from '../errors.js';
import type { BranchId } from './branches.js';
import type { DeadlineStatus } from './deadline.js';
import { disasterHeading, drProcedures, procedureLabel, procedureTitle, type Disaster, type DrProcedureId } from './procedures.js';
import { templateIdFor } from './script.js';

/**
 * The decision tree of the DR document (docs/dr-decisions.md, dr-playbooks.md): which disaster, then
 * only the questions that matter for it, lead to what to do now: a procedure (with the branch of it
 * the answers already decide), or no DR procedure yet. The tree is data, so the UI can ask one
 * question at a time (nextQuestion) and the command line can answer them all at once (triage).
 *
 * Time decides first (seed section 1: a disruption "does not include conditions under which
 * operations can resume in sufficient time after a reasonable rescheduling or repair"): where what is
 * missing is people or a facility, and a ceremony can still be convened before the SKR is due, the
 * answer is to reschedule or repair, with the date on which the DR procedure becomes unavoidable.
 * The time is the deadline's (the current SKR, the lead time and the margins of the policy), or an
 * answer when no deadline is known.
 *
 * Where the seed is silent or overlaps, the tree decides, and says so in `interpretation`:
 * - signing, COs and a KMF both available: no DR procedure applies; the quarterly ceremony is held.
 * - signing, neither COs nor a KMF: 4.1.1 (KMFs unavailable) and 4.1.2 B (COs unavailable, no KMF)
 *   both fit; 4.1.2 B is chosen because its follow-up also waits for the COs.
 * - 4.1.2 A and 4.2.2 A weigh the time themselves (their step 2): triage names the procedure and the
 *   branch its step 2 will take (an alternate date ends the ceremony there).
 * - compromise: a compromised KSK is not waited out; only 4.2.2 A's step 2 weighs the time.
 * - lost, RKSHs available but not the COs: 4.3.1 needs both; 4.3.2 (which applies whether or not COs
 *   are available) is the procedure that can be carried out.
 * - lost, no KMF: the backup is not asked about; 4.3.1 C treats it as not available.
 * - prolonged unavailability (4.1.3) is added to what the answers need now, never in its place.
 */

export type QuestionId = 'disaster' | 'prolonged' | 'cosAvailable' | 'kmfAvailable' | 'backupAvailable' | 'rkshsAvailable' | 'timeSufficient';

export interface TriageAnswers {
  disaster?: Disaster;
  prolonged?: boolean;
  cosAvailable?: boolean;
  kmfAvailable?: boolean;
  backupAvailable?: boolean;
  rkshsAvailable?: boolean;
  /** Only when no deadline is known: whether a ceremony can still be convened before the SKR is due. */
  timeSufficient?: boolean;
}

/** What triage knows besides the answers: the deadline of the current SKR, when there is one. */
export interface TriageContext {
  deadline?: DeadlineStatus | null;
}

export interface Question {
  id: QuestionId;
  text: string;
  /** The options, in the order to offer them; yes/no questions have 'yes' and 'no'. */
  options: readonly { value: string; label: string }[];
}

const yesNo = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
] as const;

export const questions: Readonly<Record<QuestionId, Question>> = {
  disaster: {
    id: 'disaster',
    text: 'Which disaster is this?',
    options: [
      { value: 'signing', label: 'KSK signing disaster (4.1): the KSK is intact, but no standard ceremony can produce an SKR in time at either site' },
      { value: 'compromise', label: 'KSK compromise disaster (4.2): the private KSK was exfiltrated or derived' },
      { value: 'lost', label: 'Lost KSK disaster (4.3): every HSM holding the KSK failed; the key is inaccessible' },
    ],
  },
  prolonged: { id: 'prolonged', text: 'Is there a high risk of prolonged unavailability of necessary personnel or facilities?', options: yesNo },
  cosAvailable: { id: 'cosAvailable', text: 'Can the minimum number of Crypto Officers, as defined by the DPS, attend in person?', options: yesNo },
  kmfAvailable: { id: 'kmfAvailable', text: 'Is at least one Key Management Facility available?', options: yesNo },
  backupAvailable: { id: 'backupAvailable', text: 'Is the encrypted KSK backup available?', options: yesNo },
  rkshsAvailable: { id: 'rkshsAvailable', text: 'Are the Recovery Key Share Holders available in person?', options: yesNo },
  timeSufficient: {
    id: 'timeSufficient',
    text: 'Is there sufficient time to reschedule or repair: can a ceremony still be convened (the lead time, 14 days by default) and deliver the SKR to the RZM before it is due? (Loading the current SKR answers this from its last RRSIG.)',
    options: yesNo,
  },
};

/** Each answer as a clause of the reason, citing the seed's own condition. */
const clauses: Record<QuestionId, Record<string, string>> = {
  disaster: { signing: 'a KSK signing disaster (4.1)', compromise: 'a KSK compromise disaster (4.2)', lost: 'a lost KSK disaster (4.3)' },
  prolonged: { yes: 'a high risk of prolonged unavailability of personnel or facilities', no: 'no high risk of prolonged unavailability' },
  cosAvailable: { yes: 'the Crypto Officers can attend in person', no: 'the Crypto Officers cannot attend in person' },
  kmfAvailable: { yes: 'at least one Key Management Facility is available', no: 'no Key Management Facility is available' },
  backupAvailable: { yes: 'the KSK backup is available', no: 'the KSK backup is not available' },
  rkshsAvailable: { yes: 'the Recovery Key Share Holders are available', no: 'the Recovery Key Share Holders are not available' },
  timeSufficient: {
    yes: 'there is sufficient time to reschedule or repair before the SKR is due',
    no: 'there is not sufficient time to reschedule or repair before the SKR is due',
  },
};

export type TriageProcedure = DrProcedureId | 'ksr-signing';

/** What the situation needs now: a procedure (and the branch of it the answers decide), or a reschedule or repair. */
type Leaf =
  | { now: 'procedure'; procedure: TriageProcedure; branch?: BranchId; interpretation?: string }
  | { now: 'reschedule'; what: string; then: string; interpretation?: string };
type Node = Leaf | { ask: QuestionId; branches: Record<string, Node> };

const run = (procedure: TriageProcedure, interpretation?: string, branch?: BranchId): Leaf => ({
  now: 'procedure',
  procedure,
  ...(branch ? { branch } : {}),
  ...(interpretation ? { interpretation } : {}),
});
const reschedule = (what: string, then: string, interpretation?: string): Leaf => ({
  now: 'reschedule',
  what,
  then,
  ...(interpretation ? { interpretation } : {}),
});
const ask = (question: QuestionId, yes: Node, no: Node): Node => ({ ask: question, branches: { yes, no } });
/** Time decides: with sufficient time, reschedule or repair; without, the procedure. */
const unlessTime = (what: string, then: string, otherwise: Node): Node => ask('timeSufficient', reschedule(what, then), otherwise);

const notADisaster =
  'Neither 4.1.1 nor 4.1.2 applies when the Crypto Officers and a Key Management Facility are both available: hold the quarterly KSR signing ceremony, at short notice if need be. If it still cannot be held in time, one of the answers is not really "yes".';
const overlap411 =
  '4.1.1 (Key Management Facilities unavailable) also covers this case; 4.1.2 B is chosen because it is written for unavailable Crypto Officers as well, and its extraordinary ceremony waits for both the facility and the Crypto Officers.';
const stepTwoWeighsTime =
  'The DR document puts the time test inside this procedure (its step 2: "Schedule an alternate date for the Key Ceremony if there is sufficient time before RRSIG expiration, otherwise ..."), so triage names the procedure and the branch its step 2 will take; the schedule-alternate step weighs the deadline again when it is performed.';
const compromiseNow =
  'A compromised KSK is not waited out: the DR document asks for it to be replaced "as soon as possible" (4.2.1 A step 8) and, apart from 4.2.2 A step 2, sets no time test in the compromise procedures; so this procedure runs now even if a facility could be repaired in time.';
const noCosLost =
  '4.3.1 requires both the Recovery Key Share Holders and the Crypto Officers; without the Crypto Officers no HSM can be activated to reconstruct the backup, so 4.3.2, which applies whether or not the Crypto Officers are available, is the procedure that can be carried out.';
const kmfRepair = 'repair a Key Management Facility (or move to the other one)';
const noKmfNoBackup =
  'Without a Key Management Facility the backup is not asked about: 4.3.1 C, "Key Management Facilities are NOT available (KSK backup is NOT available)", treats it as not available.';

const signingNeeds = (prolonged: boolean): Node =>
  ask(
    'cosAvailable',
    ask('kmfAvailable', prolonged ? run('4.1.3') : run('ksr-signing', notADisaster), unlessTime(kmfRepair, 'the quarterly KSR signing ceremony', run('4.1.1'))),
    ask(
      'kmfAvailable',
      ask('timeSufficient', run('4.1.2A', stepTwoWeighsTime, 'alternate-date'), run('4.1.2A', stepTwoWeighsTime, 'proceed-now')),
      unlessTime(`reschedule with the Crypto Officers and ${kmfRepair}`, 'the quarterly KSR signing ceremony', run('4.1.2B', overlap411)),
    ),
  );

/** 4.3.2 "is applicable whether or not COs are available": the answer chooses the branch of its script. */
const lostWithoutRkshs = (interpretation?: string): Node =>
  ask(
    'kmfAvailable',
    interpretation
      ? run('4.3.2A', interpretation, 'cos-absent')
      : ask('cosAvailable', run('4.3.2A', undefined, 'cos-present'), run('4.3.2A', undefined, 'cos-absent')),
    interpretation
      ? run('4.3.2B', interpretation, 'cos-absent')
      : ask('cosAvailable', run('4.3.2B', undefined, 'cos-present'), run('4.3.2B', undefined, 'cos-absent')),
  );

const tree: Node = {
  ask: 'disaster',
  branches: {
    signing: ask('prolonged', signingNeeds(true), signingNeeds(false)),
    compromise: ask(
      'cosAvailable',
      ask('kmfAvailable', run('4.2.1A'), run('4.2.1B', compromiseNow)),
      ask(
        'kmfAvailable',
        ask('timeSufficient', run('4.2.2A', stepTwoWeighsTime, 'alternate-date'), run('4.2.2A', stepTwoWeighsTime, 'proceed-now')),
        run('4.2.2B', compromiseNow),
      ),
    ),
    lost: ask(
      'rkshsAvailable',
      ask(
        'cosAvailable',
        ask(
          'kmfAvailable',
          ask('backupAvailable', run('4.3.1A'), run('4.3.1B')),
          unlessTime(kmfRepair, 'DR 4.3.1 A or B at that facility', run('4.3.1C', noKmfNoBackup)),
        ),
        unlessTime('reschedule with the Crypto Officers', 'DR 4.3.1 with them', lostWithoutRkshs(noCosLost)),
      ),
      unlessTime('reschedule with the Recovery Key Share Holders', 'DR 4.3.1 with them', lostWithoutRkshs()),
    ),
  },
};

function answerOf(answers: TriageAnswers, question: QuestionId, context: TriageContext): string | undefined {
  if (question === 'timeSufficient' && context.deadline) {
    const fromDeadline = context.deadline.state === 'sufficient';
    if (answers.timeSufficient !== undefined && answers.timeSufficient !== fromDeadline) {
      throw new KskError(
        'BAD_REQUEST',
        `The answer "${answers.timeSufficient ? 'sufficient' : 'not sufficient'} time" contradicts the deadline of the current SKR: ${context.deadline.consequence} Leave the time to the deadline, or load the right SKR.`,
      );
    }
    return fromDeadline ? 'yes' : 'no';
  }
  const value = answers[question];
  if (value === undefined) return undefined;
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
}

type Step = { question: QuestionId; answer: string };
type Walk = { next: Question; path: Step[] } | { leaf: Leaf; path: Step[] };

function walk(answers: TriageAnswers, context: TriageContext): Walk {
  const path: Step[] = [];
  let node = tree;
  while ('ask' in node) {
    const answer = answerOf(answers, node.ask, context);
    if (answer === undefined) return { next: questions[node.ask], path };
    const branch = node.branches[answer];
    if (!branch)
      throw new KskError('BAD_REQUEST', `"${answer}" is not an answer to "${questions[node.ask].text}" (answers: ${Object.keys(node.branches).join(', ')}).`);
    path.push({ question: node.ask, answer });
    node = branch;
  }
  return { leaf: node, path };
}

/** The next question to ask given the answers so far, or null when they lead to a decision. The time is never asked when a deadline is known. */
export function nextQuestion(answers: TriageAnswers, context: TriageContext = {}): Question | null {
  const result = walk(answers, context);
  return 'next' in result ? result.next : null;
}

export interface TriageTime {
  sufficient: boolean;
  /** From the deadline of the current SKR, or the answer given when none is known. */
  source: 'deadline' | 'answer';
  /** When the SKR is due at the RZM: a rescheduled or repaired ceremony must be held by then (null when no deadline is known). */
  holdBy: string | null;
  /** The last moment a ceremony can still be convened: triage again by then, when the DR procedure becomes unavoidable. */
  unavoidableAt: string | null;
}

export interface TriageResult {
  /** procedure: run `procedure` now. reschedule: no DR procedure yet (what to reschedule or repair is in `next`). */
  decision: 'procedure' | 'reschedule';
  /** What to run now, or null when nothing is to be run yet. */
  procedure: TriageProcedure | null;
  /** The branch of the procedure's script the answers already decide (e.g. 4.1.2 A's alternate date), or null. */
  branch: BranchId | null;
  /** Prolonged unavailability: DR 4.1.3's plan to sign ahead, in addition to what is run now. */
  plan: '4.1.3' | null;
  /** "DR 4.2.1 A", "KSR signing ceremony", or "No DR procedure yet". */
  label: string;
  /** The seed's headings for a DR procedure. */
  title: string;
  /** The seed section, e.g. "4.2.1 A", or null. */
  section: string | null;
  /** The shipped template of the ceremony to create now (DR 4.1.3's when only its plan can start), or null when there is none. */
  template: string | null;
  reason: string;
  /** What to do now, in one or two sentences, with the dates. */
  next: string;
  /** Where the seed is silent or overlapping and the app decided; null otherwise. */
  interpretation: string | null;
  /** The time, when it decided (null when the answers never needed it). */
  time: TriageTime | null;
  /** The questions that decided, in the order asked, with their answers: what the log records. */
  questionsAsked: QuestionId[];
  answers: Partial<Record<QuestionId, string>>;
  /** Questions answered that did not matter for this disaster. */
  ignored: QuestionId[];
}

const planSentence =
  ' In addition, DR 4.1.3 for the prolonged unavailability: assess its likely duration, have the plan approved, and have additional KSRs signed ahead at the next ceremony that can be held.';

/** What the answers (and the deadline) lead to; every question that matters must be answered. */
export function triage(answers: TriageAnswers, context: TriageContext = {}): TriageResult {
  const result = walk(answers, context);
  if ('next' in result) throw new KskError('BAD_REQUEST', `Triage needs an answer to: ${result.next.text}`);
  const { leaf: decided, path } = result;
  const asked = path.map((p) => p.question);
  const recorded = Object.fromEntries(path.map((p) => [p.question, p.answer]));
  const given = (Object.keys(questions) as QuestionId[]).filter((q) => answers[q] !== undefined);
  const ignored = given.filter((q) => !asked.includes(q));
  const because = capitalise(path.map((p) => clauses[p.question][p.answer]).join('; '));
  const deadline = context.deadline ?? null;
  const time: TriageTime | null = asked.includes('timeSufficient')
    ? {
        sufficient: recorded.timeSufficient === 'yes',
        source: deadline ? 'deadline' : 'answer',
        holdBy: deadline?.skrDue ?? null,
        unavoidableAt: deadline?.unavoidableAt ?? null,
      }
    : null;
  const plan =
    answers.disaster === 'signing' && recorded.prolonged === 'yes' && !(decided.now === 'procedure' && decided.procedure === '4.1.3') ? '4.1.3' : null;
  const common = { questionsAsked: asked, answers: recorded, ignored, time, plan, interpretation: decided.interpretation ?? null } as const;

  if (decided.now === 'reschedule') {
    const by = time?.holdBy ? ` so that ${decided.then} is held by ${time.holdBy}` : ` so that ${decided.then} is held before the SKR is due`;
    const again = time?.unavoidableAt
      ? ` Triage again by ${time.unavoidableAt}: if it is not settled by then, a ceremony can no longer be convened in time and the DR procedure becomes unavoidable.`
      : ' The deadline is unknown (no current SKR): load the current SKR to know by when to triage again.';
    return {
      decision: 'reschedule',
      procedure: null,
      branch: null,
      label: 'No DR procedure yet',
      title: 'Reschedule or repair: the DR document does not apply while operations can resume in sufficient time',
      section: null,
      template: plan ? templateIdFor('4.1.3') : null,
      reason: `${because}: the DR document does not apply yet (section 1: a disruption "does not include conditions under which operations can resume in sufficient time after a reasonable rescheduling or repair").`,
      next: `No DR procedure yet: ${decided.what}${by}.${again}${plan ? planSentence : ''}`,
      ...common,
    };
  }
  const when = time && !time.sufficient && time.unavoidableAt ? ` (the DR procedure became unavoidable at ${time.unavoidableAt})` : '';
  const branchNote =
    decided.branch === 'alternate-date'
      ? ` Its step 2 schedules an alternate date${time?.holdBy ? ` by ${time.holdBy}` : ''}, and the ceremony ends there.`
      : decided.branch === 'proceed-now'
        ? ' Its step 2 finds no time for an alternate date: the procedure continues.'
        : decided.branch === 'cos-present'
          ? ' With the Crypto Officers present, their credentials activate the new HSM.'
          : decided.branch === 'cos-absent'
            ? ' Without the Crypto Officers, operator staff present the new HSM’s credentials as witnessed exceptions.'
            : '';
  if (decided.procedure === 'ksr-signing') {
    return {
      decision: 'procedure',
      procedure: 'ksr-signing',
      branch: null,
      label: 'KSR signing ceremony',
      title: 'Quarterly KSR signing ceremony',
      section: null,
      template: templateIdFor('ksr-signing'),
      reason: `${because}: no DR procedure applies.`,
      next: `Hold the quarterly KSR signing ceremony${deadline ? ` so that the SKR reaches the RZM by ${deadline.skrDue}` : ''}.${plan ? planSentence : ''}`,
      ...common,
    };
  }
  const dr = drProcedures[decided.procedure];
  const section = `${dr.section}${dr.variant ? ` ${dr.variant}` : ''}`;
  const heading = disasterHeading(dr.disaster);
  return {
    decision: 'procedure',
    procedure: dr.id,
    branch: decided.branch ?? null,
    label: procedureLabel(dr.id),
    title: procedureTitle(dr.id),
    section,
    template: templateIdFor(dr.id),
    reason: `${because}: section ${section} of the DR procedure (${heading.heading}: ${dr.headings.section}${dr.headings.variant ? `; ${dr.headings.variant}` : ''}).`,
    next: `Run ${procedureLabel(dr.id)} now${when}.${branchNote}${plan ? planSentence : ''}`,
    ...common,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
