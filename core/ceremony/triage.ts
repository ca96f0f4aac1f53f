import { KskError } from '../errors.js';
import { disasterHeading, drProcedures, procedureLabel, procedureTitle, type Disaster, type DrProcedureId } from './procedures.js';
import { templateIdFor } from './script.js';

/**
 * The decision tree of the DR document (dr-playbooks.md): which disaster, then only the questions
 * that matter for it, lead to exactly one procedure. The tree is data, so the UI can ask one
 * question at a time (nextQuestion) and the command line can answer them all at once (triage).
 *
 * Where the seed is silent or overlaps, the tree decides, and says so in `interpretation`:
 * - signing, COs and a KMF both available: no DR procedure applies; the quarterly ceremony is held.
 * - signing, neither COs nor a KMF: 4.1.1 (KMFs unavailable) and 4.1.2 B (COs unavailable, no KMF)
 *   both fit; 4.1.2 B is chosen because its follow-up also waits for the COs.
 * - lost, RKSHs available but not the COs: 4.3.1 needs both; the HSM cannot be activated to
 *   reconstruct the backup, so 4.3.2 (which applies whether or not COs are available) is chosen.
 * - lost, no KMF: the backup is not asked about; 4.3.1 C treats it as not available.
 */

export type QuestionId = 'disaster' | 'prolonged' | 'cosAvailable' | 'kmfAvailable' | 'backupAvailable' | 'rkshsAvailable';

export interface TriageAnswers {
  disaster?: Disaster;
  prolonged?: boolean;
  cosAvailable?: boolean;
  kmfAvailable?: boolean;
  backupAvailable?: boolean;
  rkshsAvailable?: boolean;
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
};

/** Each answer as a clause of the reason, citing the seed's own condition. */
const clauses: Record<QuestionId, Record<string, string>> = {
  disaster: { signing: 'a KSK signing disaster (4.1)', compromise: 'a KSK compromise disaster (4.2)', lost: 'a lost KSK disaster (4.3)' },
  prolonged: { yes: 'a high risk of prolonged unavailability of personnel or facilities', no: 'no high risk of prolonged unavailability' },
  cosAvailable: { yes: 'the Crypto Officers can attend in person', no: 'the Crypto Officers cannot attend in person' },
  kmfAvailable: { yes: 'at least one Key Management Facility is available', no: 'no Key Management Facility is available' },
  backupAvailable: { yes: 'the KSK backup is available', no: 'the KSK backup is not available' },
  rkshsAvailable: { yes: 'the Recovery Key Share Holders are available', no: 'the Recovery Key Share Holders are not available' },
};

export type TriageProcedure = DrProcedureId | 'ksr-signing';

type Leaf = { procedure: TriageProcedure; interpretation?: string };
type Node = Leaf | { ask: QuestionId; branches: Record<string, Node> };

const leaf = (procedure: TriageProcedure, interpretation?: string): Leaf => (interpretation ? { procedure, interpretation } : { procedure });
const ask = (question: QuestionId, yes: Node, no: Node): Node => ({ ask: question, branches: { yes, no } });

const notADisaster =
  'Neither 4.1.1 nor 4.1.2 applies when the Crypto Officers and a Key Management Facility are both available: hold the quarterly KSR signing ceremony, at short notice if need be. If it still cannot be held in time, one of the answers is not really "yes".';
const overlap411 =
  '4.1.1 (Key Management Facilities unavailable) also covers this case; 4.1.2 B is chosen because it is written for unavailable Crypto Officers as well, and its extraordinary ceremony waits for both the facility and the Crypto Officers.';
const noCosLost =
  '4.3.1 requires both the Recovery Key Share Holders and the Crypto Officers; without the Crypto Officers no HSM can be activated to reconstruct the backup, so 4.3.2, which applies whether or not the Crypto Officers are available, is the procedure that can be carried out.';

const tree: Node = {
  ask: 'disaster',
  branches: {
    signing: ask(
      'prolonged',
      leaf('4.1.3'),
      ask('cosAvailable', ask('kmfAvailable', leaf('ksr-signing', notADisaster), leaf('4.1.1')), ask('kmfAvailable', leaf('4.1.2A'), leaf('4.1.2B', overlap411))),
    ),
    compromise: ask('cosAvailable', ask('kmfAvailable', leaf('4.2.1A'), leaf('4.2.1B')), ask('kmfAvailable', leaf('4.2.2A'), leaf('4.2.2B'))),
    lost: ask(
      'rkshsAvailable',
      ask('cosAvailable', ask('kmfAvailable', ask('backupAvailable', leaf('4.3.1A'), leaf('4.3.1B')), leaf('4.3.1C')), ask('kmfAvailable', leaf('4.3.2A', noCosLost), leaf('4.3.2B', noCosLost))),
      ask('kmfAvailable', leaf('4.3.2A'), leaf('4.3.2B')),
    ),
  },
};

function answerOf(answers: TriageAnswers, question: QuestionId): string | undefined {
  const value = answers[question];
  if (value === undefined) return undefined;
  return typeof value === 'boolean' ? (value ? 'yes' : 'no') : value;
}

type Walk = { next: Question; path: { question: QuestionId; answer: string }[] } | { leaf: Leaf; path: { question: QuestionId; answer: string }[] };

function walk(answers: TriageAnswers): Walk {
  const path: { question: QuestionId; answer: string }[] = [];
  let node = tree;
  while ('ask' in node) {
    const answer = answerOf(answers, node.ask);
    if (answer === undefined) return { next: questions[node.ask], path };
    const branch = node.branches[answer];
    if (!branch) throw new KskError('BAD_REQUEST', `"${answer}" is not an answer to "${questions[node.ask].text}" (answers: ${Object.keys(node.branches).join(', ')}).`);
    path.push({ question: node.ask, answer });
    node = branch;
  }
  return { leaf: node, path };
}

/** The next question to ask given the answers so far, or null when they lead to a procedure. */
export function nextQuestion(answers: TriageAnswers): Question | null {
  const result = walk(answers);
  return 'next' in result ? result.next : null;
}

export interface TriageResult {
  procedure: TriageProcedure;
  /** "DR 4.2.1 A", or "KSR signing ceremony". */
  label: string;
  /** The seed's headings for a DR procedure. */
  title: string;
  /** The seed section, e.g. "4.2.1 A", or null for the standard ceremony. */
  section: string | null;
  /** The shipped template that carries it out. */
  template: string;
  reason: string;
  /** Where the seed is silent or overlapping and the app decided; null otherwise. */
  interpretation: string | null;
  /** The questions that decided, in the order asked, with their answers: what the log records. */
  questionsAsked: QuestionId[];
  answers: Partial<Record<QuestionId, string>>;
  /** Questions answered that did not matter for this disaster. */
  ignored: QuestionId[];
}

/** The procedure the answers lead to; every question that matters must be answered. */
export function triage(answers: TriageAnswers): TriageResult {
  const result = walk(answers);
  if ('next' in result) throw new KskError('BAD_REQUEST', `Triage needs an answer to: ${result.next.text}`);
  const { leaf: decided, path } = result;
  const asked = path.map((p) => p.question);
  const recorded = Object.fromEntries(path.map((p) => [p.question, p.answer]));
  const ignored = (Object.keys(questions) as QuestionId[]).filter((q) => answers[q] !== undefined && !asked.includes(q));
  const because = path.map((p) => clauses[p.question][p.answer]).join('; ');
  const common = { template: templateIdFor(decided.procedure), interpretation: decided.interpretation ?? null, questionsAsked: asked, answers: recorded, ignored };
  if (decided.procedure === 'ksr-signing') {
    return { procedure: 'ksr-signing', label: 'KSR signing ceremony', title: 'Quarterly KSR signing ceremony', section: null, reason: `${capitalise(because)}: no DR procedure applies.`, ...common };
  }
  const dr = drProcedures[decided.procedure];
  const section = `${dr.section}${dr.variant ? ` ${dr.variant}` : ''}`;
  const heading = disasterHeading(dr.disaster);
  return {
    procedure: dr.id,
    label: procedureLabel(dr.id),
    title: procedureTitle(dr.id),
    section,
    reason: `${capitalise(because)}: section ${section} of the DR procedure (${heading.heading}: ${dr.headings.section}${dr.headings.variant ? `; ${dr.headings.variant}` : ''}).`,
    ...common,
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
