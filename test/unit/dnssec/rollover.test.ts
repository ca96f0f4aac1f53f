import assert from 'node:assert/strict';
import { test } from 'node:test';
import { standardSchemas } from '../../../core/dnssec/policy.js';
import { planRollover } from '../../../core/dnssec/rollover.js';

test('the earliest RFC 5011 rollover: pre-publish, roll after the add hold-down, revoke, remove after the remove hold-down', () => {
  const plan = planRollover({ currentKsk: 'ksk_current', newKsk: 'ksk_next', prePublishQuarter: '2027Q2' });
  assert.equal(plan.ok, true);
  assert.deepEqual(
    plan.steps.map((s) => [s.quarter, s.schemaName]),
    [
      ['2027Q2', 'pre-publish'],
      ['2027Q3', 'rollover'],
      ['2027Q4', 'revoke'],
      ['2028Q1', 'normal'],
    ],
  );
  assert.deepEqual(plan.steps[0]?.schema, standardSchemas('ksk_current', 'ksk_next')['pre-publish']);
  assert.deepEqual(
    plan.steps[1]?.constraints.map((c) => [c.effectiveFrom, c.allowedFrom]),
    [['2027-07-11T00:00:00.000Z', '2027-05-11T00:00:00.000Z']],
  );
  assert.deepEqual(
    plan.steps[2]?.constraints.map((c) => [c.effectiveFrom, c.allowedFrom]),
    [
      ['2027-10-11T00:00:00.000Z', '2027-07-22T00:00:00.000Z'],
      ['2027-12-20T00:00:00.000Z', '2027-11-10T00:00:00.000Z'],
    ],
  );
  assert.deepEqual(plan.steps[3]?.schema.slots[0], { publish: ['ksk_next'], revoke: [], sign: ['ksk_next'] });
  assert.equal(plan.milestones[0]?.at, '2027-04-11T00:00:00.000Z');
});

test("the root's 2017-2019 rollover, replayed: KSK-2017 published 2017-07-11, signing 2018-10-11, KSK-2010 revoked 2019-01-11", () => {
  const plan = planRollover({ currentKsk: 'ksk_current', newKsk: 'ksk_next', prePublishQuarter: '2017Q3', rolloverQuarter: '2018Q4' });
  assert.deepEqual(
    plan.steps.map((s) => `${s.quarter} ${s.schemaName}`),
    ['2017Q3 pre-publish', '2017Q4 publish+', '2018Q1 publish+', '2018Q2 publish+', '2018Q3 publish+', '2018Q4 rollover', '2019Q1 revoke', '2019Q2 normal'],
  );
  const at = Object.fromEntries(plan.milestones.map((m) => [m.what, m.at]));
  assert.equal(at['ksk_next first published (pre-publish)'], '2017-07-11T00:00:00.000Z');
  assert.equal(at['ksk_next starts signing (rollover)'], '2018-10-11T00:00:00.000Z');
  assert.equal(at['ksk_current published revoked'], '2019-01-11T00:00:00.000Z');
});

test('a step that comes too early for a hold-down is marked, with the date it becomes allowed', () => {
  const plan = planRollover({ currentKsk: 'a', newKsk: 'b', prePublishQuarter: '2027Q2', removeHoldDownDays: 75 });
  assert.equal(plan.ok, false);
  const revoke = plan.steps.find((s) => s.schemaName === 'revoke');
  const late = revoke?.constraints.find((c) => !c.ok);
  assert.match(late?.what ?? '', /removed only after the remove hold-down \(75 days\)/);
  assert.equal(late?.allowedFrom, '2027-12-25T00:00:00.000Z');
  assert.throws(
    () => planRollover({ currentKsk: 'a', newKsk: 'b', prePublishQuarter: '2027Q2', rolloverQuarter: '2027Q1' }),
    /must come after the pre-publish quarter/,
  );
  assert.throws(() => planRollover({ currentKsk: 'a', newKsk: 'b', prePublishQuarter: '2027Q5' }), /not a quarter such as 2027Q2/);
});
