import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drProcedureIds, drProcedures, type Disaster } from '../../../core/ceremony/procedures.js';
import { isTemplateId } from '../../../core/ceremony/templates.js';
import { nextQuestion, questions, triage, type QuestionId, type TriageAnswers, type TriageProcedure } from '../../../core/ceremony/triage.js';

/**
 * The decision table of dr-playbooks.md, row by row ('any' where the seed does not split). Three
 * rows differ from the table where the seed is silent or overlaps, as triage.ts documents: 4.1.1
 * is "any COs" in the table but COs unavailable with no KMF is 4.1.2 B; signing with COs and a KMF
 * is no disaster; lost with RKSHs but no COs falls to 4.3.2.
 */
type Cell = boolean | 'any';
interface Row {
  procedure: TriageProcedure;
  disaster: Disaster;
  prolonged: Cell;
  cos: Cell;
  kmf: Cell;
  backup: Cell;
  rkshs: Cell;
}

const any = 'any';
const table: Row[] = [
  { procedure: '4.1.1', disaster: 'signing', prolonged: false, cos: true, kmf: false, backup: any, rkshs: any },
  { procedure: '4.1.2A', disaster: 'signing', prolonged: false, cos: false, kmf: true, backup: any, rkshs: any },
  { procedure: '4.1.2B', disaster: 'signing', prolonged: false, cos: false, kmf: false, backup: any, rkshs: any },
  { procedure: '4.1.3', disaster: 'signing', prolonged: true, cos: any, kmf: any, backup: any, rkshs: any },
  { procedure: 'ksr-signing', disaster: 'signing', prolonged: false, cos: true, kmf: true, backup: any, rkshs: any },
  { procedure: '4.2.1A', disaster: 'compromise', prolonged: any, cos: true, kmf: true, backup: any, rkshs: any },
  { procedure: '4.2.1B', disaster: 'compromise', prolonged: any, cos: true, kmf: false, backup: any, rkshs: any },
  { procedure: '4.2.2A', disaster: 'compromise', prolonged: any, cos: false, kmf: true, backup: any, rkshs: any },
  { procedure: '4.2.2B', disaster: 'compromise', prolonged: any, cos: false, kmf: false, backup: any, rkshs: any },
  { procedure: '4.3.1A', disaster: 'lost', prolonged: any, cos: true, kmf: true, backup: true, rkshs: true },
  { procedure: '4.3.1B', disaster: 'lost', prolonged: any, cos: true, kmf: true, backup: false, rkshs: true },
  { procedure: '4.3.1C', disaster: 'lost', prolonged: any, cos: true, kmf: false, backup: any, rkshs: true },
  { procedure: '4.3.2A', disaster: 'lost', prolonged: any, cos: any, kmf: true, backup: any, rkshs: false },
  { procedure: '4.3.2B', disaster: 'lost', prolonged: any, cos: any, kmf: false, backup: any, rkshs: false },
  { procedure: '4.3.2A', disaster: 'lost', prolonged: any, cos: false, kmf: true, backup: any, rkshs: true },
  { procedure: '4.3.2B', disaster: 'lost', prolonged: any, cos: false, kmf: false, backup: any, rkshs: true },
];

const fields: [keyof Omit<Row, 'procedure' | 'disaster'>, keyof TriageAnswers][] = [
  ['prolonged', 'prolonged'],
  ['cos', 'cosAvailable'],
  ['kmf', 'kmfAvailable'],
  ['backup', 'backupAvailable'],
  ['rkshs', 'rkshsAvailable'],
];

function* everyCombination(): Generator<Required<TriageAnswers>> {
  for (const disaster of ['signing', 'compromise', 'lost'] as const) {
    for (let bits = 0; bits < 32; bits++) {
      const [prolonged, cosAvailable, kmfAvailable, backupAvailable, rkshsAvailable] = [0, 1, 2, 3, 4].map((i) => Boolean(bits & (1 << i))) as boolean[];
      yield { disaster, prolonged, cosAvailable, kmfAvailable, backupAvailable, rkshsAvailable } as Required<TriageAnswers>;
    }
  }
}

const matches = (row: Row, a: Required<TriageAnswers>) => row.disaster === a.disaster && fields.every(([cell, answer]) => row[cell] === any || row[cell] === a[answer]);

test('every combination of answers leads to exactly the procedure of the decision table', () => {
  let count = 0;
  for (const answers of everyCombination()) {
    const rows = table.filter((row) => matches(row, answers));
    assert.equal(rows.length, 1, `exactly one row of the table for ${JSON.stringify(answers)}`);
    assert.equal(triage(answers).procedure, rows[0]?.procedure, JSON.stringify(answers));
    count++;
  }
  assert.equal(count, 96);
});

test('only the questions that mattered are asked and recorded; the others change nothing', () => {
  for (const answers of everyCombination()) {
    const result = triage(answers);
    const asked = new Set(result.questionsAsked);
    for (const q of Object.keys(questions) as QuestionId[]) {
      if (asked.has(q)) {
        const value = answers[q];
        assert.equal(result.answers[q], typeof value === 'boolean' ? (value ? 'yes' : 'no') : value);
        const without = { ...answers, [q]: undefined };
        assert.equal(nextQuestion(without)?.id, q, `without ${q}, it is the question asked next`);
        assert.throws(() => triage(without), /Triage needs an answer to/);
      } else {
        assert.ok(result.ignored.includes(q));
        assert.equal(triage({ ...answers, [q]: undefined }).procedure, result.procedure);
        if (q !== 'disaster') assert.equal(triage({ ...answers, [q]: !answers[q] }).procedure, result.procedure, `${q} does not matter here`);
      }
    }
  }
});

test('the wizard asks one question at a time, exactly the questions that matter, in order', () => {
  for (const answers of everyCombination()) {
    const given: TriageAnswers = {};
    const asked: QuestionId[] = [];
    for (let q = nextQuestion(given); q; q = nextQuestion(given)) {
      assert.ok(!asked.includes(q.id));
      asked.push(q.id);
      Object.assign(given, { [q.id]: answers[q.id] });
    }
    const result = triage(given);
    assert.deepEqual(asked, result.questionsAsked);
    assert.deepEqual(result.ignored, []);
    assert.equal(result.procedure, triage(answers).procedure);
  }
  assert.equal(nextQuestion({})?.id, 'disaster');
});

test('every procedure is reachable and named with its seed section and its template', () => {
  const reached = new Map<TriageProcedure, ReturnType<typeof triage>>();
  for (const answers of everyCombination()) {
    const result = triage(answers);
    reached.set(result.procedure, result);
  }
  assert.deepEqual([...reached.keys()].sort(), [...drProcedureIds, 'ksr-signing'].sort());
  for (const id of drProcedureIds) {
    const result = reached.get(id);
    const { section, variant, headings } = drProcedures[id];
    const cited = `${section}${variant ? ` ${variant}` : ''}`;
    assert.ok(result);
    assert.equal(result.section, cited);
    assert.equal(result.label, `DR ${cited}`);
    assert.match(result.reason, new RegExp(`section ${cited.replace(/\./g, '\\.')} of the DR procedure`));
    assert.ok(result.reason.includes(headings.section));
    assert.equal(result.template, `dr-${id}`);
    assert.ok(isTemplateId(result.template));
  }
  assert.equal(reached.get('ksr-signing')?.template, 'ksr-signing');
});

test('the app explains itself exactly where the seed is silent or overlaps', () => {
  const explained = new Set<string>();
  for (const answers of everyCombination()) {
    const result = triage(answers);
    if (result.interpretation) explained.add(`${answers.disaster} ${result.questionsAsked.map((q) => `${q}=${result.answers[q]}`).join(' ')} -> ${result.procedure}`);
  }
  assert.deepEqual([...explained].sort(), [
    'lost disaster=lost rkshsAvailable=yes cosAvailable=no kmfAvailable=no -> 4.3.2B',
    'lost disaster=lost rkshsAvailable=yes cosAvailable=no kmfAvailable=yes -> 4.3.2A',
    'signing disaster=signing prolonged=no cosAvailable=no kmfAvailable=no -> 4.1.2B',
    'signing disaster=signing prolonged=no cosAvailable=yes kmfAvailable=yes -> ksr-signing',
  ]);
});

test('an answer outside a question’s options is refused, naming the question', () => {
  assert.throws(() => triage({ disaster: 'flood' as Disaster }), /"flood" is not an answer to "Which disaster is this\?" \(answers: signing, compromise, lost\)/);
});
