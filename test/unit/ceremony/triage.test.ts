import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadlineStatus } from '../../../core/ceremony/deadline.js';
import { drProcedureIds, drProcedures, type Disaster } from '../../../core/ceremony/procedures.js';
import { isTemplateId } from '../../../core/ceremony/templates.js';
import { nextQuestion, questions, triage, type QuestionId, type TriageAnswers, type TriageProcedure } from '../../../core/ceremony/triage.js';

/** The decision table itself is checked against docs/dr-decisions.md in decisionTable.test.ts; these are the tree's other rules. */
function* everyCombination(): Generator<Required<TriageAnswers>> {
  for (const disaster of ['signing', 'compromise', 'lost'] as const) {
    for (let bits = 0; bits < 64; bits++) {
      const [prolonged, cosAvailable, kmfAvailable, backupAvailable, rkshsAvailable, timeSufficient] = [0, 1, 2, 3, 4, 5].map((i) =>
        Boolean(bits & (1 << i)),
      ) as boolean[];
      yield { disaster, prolonged, cosAvailable, kmfAvailable, backupAvailable, rkshsAvailable, timeSufficient } as Required<TriageAnswers>;
    }
  }
}

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
    if (result.procedure) reached.set(result.procedure, result);
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
    assert.ok(isTemplateId(result.template ?? ''));
  }
  assert.equal(reached.get('ksr-signing')?.template, 'ksr-signing');
});

test('an answer outside a question’s options is refused, naming the question', () => {
  assert.throws(
    () => triage({ disaster: 'flood' as Disaster }),
    /"flood" is not an answer to "Which disaster is this\?" \(answers: signing, compromise, lost\)/,
  );
});

test('with time to reschedule or repair, no DR procedure yet: the dates by which to hold the ceremony and to triage again', () => {
  const deadline = deadlineStatus(new Date('2030-06-30T00:00:00Z'), new Date('2030-05-01T00:00:00Z'));
  const result = triage({ disaster: 'signing', prolonged: false, cosAvailable: true, kmfAvailable: false }, { deadline });
  assert.equal(result.decision, 'reschedule');
  assert.equal(result.label, 'No DR procedure yet');
  assert.equal(result.template, null);
  assert.equal(
    result.next,
    'No DR procedure yet: repair a Key Management Facility (or move to the other one) so that the quarterly KSR signing ceremony is held by 2030-06-28T00:00:00.000Z. Triage again by 2030-06-14T00:00:00.000Z: if it is not settled by then, a ceremony can no longer be convened in time and the DR procedure becomes unavoidable.',
  );
  assert.deepEqual(result.time, { sufficient: true, source: 'deadline', holdBy: '2030-06-28T00:00:00.000Z', unavoidableAt: '2030-06-14T00:00:00.000Z' });
  assert.equal(
    nextQuestion({ disaster: 'signing', prolonged: false, cosAvailable: true, kmfAvailable: false }, { deadline }),
    null,
    'the deadline answers the time: it is never asked',
  );
  assert.equal(
    nextQuestion({ disaster: 'signing', prolonged: false, cosAvailable: true, kmfAvailable: false })?.id,
    'timeSufficient',
    'without a deadline the time is asked',
  );
});

test('prolonged unavailability adds DR 4.1.3 to what is needed now and never replaces it (COs and KMF unavailable, 6 days left)', () => {
  const deadline = deadlineStatus(new Date('2030-06-06T00:00:00Z'), new Date('2030-05-31T00:00:00Z'));
  const result = triage({ disaster: 'signing', prolonged: true, cosAvailable: false, kmfAvailable: false }, { deadline });
  assert.equal(result.procedure, '4.1.2B');
  assert.equal(result.plan, '4.1.3');
  assert.equal(result.template, 'dr-4.1.2B');
  assert.deepEqual(result.ignored, []);
  assert.match(
    result.next,
    /^Run DR 4\.1\.2 B now \(the DR procedure became unavoidable at 2030-05-21T00:00:00\.000Z\)\. In addition, DR 4\.1\.3 for the prolonged unavailability/,
  );
  const ahead = triage({ disaster: 'signing', prolonged: true, cosAvailable: true, kmfAvailable: true });
  assert.equal(ahead.procedure, '4.1.3', 'with the COs and a KMF available, DR 4.1.3 itself signs the current KSR and the additional ones');
  assert.equal(ahead.plan, null);
  const only = triage({ disaster: 'signing', prolonged: true, cosAvailable: false, kmfAvailable: false, timeSufficient: true });
  assert.equal(only.decision, 'reschedule');
  assert.equal(only.template, 'dr-4.1.3', 'with time to reschedule, the ceremony to start now is DR 4.1.3, for its plan');
});
