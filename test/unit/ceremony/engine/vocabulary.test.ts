import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executors } from '../../../../core/ceremony/engine/executors/index.js';
import { answersFor } from '../../../../core/ceremony/engine/rehearsal/rehearse.js';
import { actionKinds } from '../../../../core/ceremony/actions.js';
import { drProcedureIds } from '../../../../core/ceremony/procedures.js';
import { questions, triage } from '../../../../core/ceremony/triage.js';
import { questionIdSchema } from '../../../../core/contract/ceremonyState.js';
import { stepInputKinds } from '../../../../core/contract/stepInputs.js';

test("the contract's step inputs and the engine's executors cover exactly the script's action kinds", () => {
  assert.deepEqual([...stepInputKinds].sort(), [...actionKinds].sort());
  assert.deepEqual(Object.keys(executors).sort(), [...actionKinds].sort());
});

test("the contract's triage questions are the decision tree's", () => {
  assert.deepEqual([...questionIdSchema.options].sort(), Object.keys(questions).sort());
});

test('a rehearsal finds the triage answers that lead to each DR procedure, asking only its branch', () => {
  for (const id of drProcedureIds) {
    const answers = answersFor(id);
    const result = triage(answers);
    assert.equal(result.procedure, id);
    assert.deepEqual(Object.keys(answers).sort(), [...result.questionsAsked].sort(), `${id}: only the questions asked are answered`);
  }
});
