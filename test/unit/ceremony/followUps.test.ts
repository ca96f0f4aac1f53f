import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dischargeObligation, obligationSchema, openObligations, outstanding, unmetCondition } from '../../../core/ceremony/followUps.js';
import { scriptHash } from '../../../core/ceremony/hash.js';
import { loadTemplate } from '../../../core/ceremony/templates.js';

const dr = loadTemplate('dr-4.2.1B');
const extraordinary = loadTemplate('extraordinary');
const ksrSigning = loadTemplate('ksr-signing');
const opened = openObligations(dr, 'follow-up', { ceremonyId: 'C-2024-01', scriptSha256: scriptHash(dr), at: new Date('2024-01-05T10:00:00Z') });

test('a DR ceremony’s follow-up step opens its obligations, each traced to the script and the seed', () => {
  assert.deepEqual(
    opened.map((o) => [o.id, o.kind, o.status]),
    [
      ['C-2024-01/extraordinary-ceremony', 'extraordinary-ceremony', 'open'],
      ['C-2024-01/replace-hardware', 'replace-hardware', 'open'],
      ['C-2024-01/distribute-credentials', 'distribute-credentials', 'open'],
      ['C-2024-01/rfc5011-rollover', 'rfc5011-rollover', 'open'],
    ],
  );
  const first = opened[0];
  assert.ok(first);
  assert.deepEqual(first.origin, {
    ceremonyId: 'C-2024-01',
    scriptId: 'dr-4.2.1B',
    scriptVersion: '1.0',
    scriptSha256: scriptHash(dr),
    procedure: '4.2.1B',
    stepId: 'follow-up',
    followUpId: 'extraordinary-ceremony',
    seedStep: '4.2.1B.6',
  });
  assert.equal(first.condition, 'once the Key Management Facility becomes available');
  for (const o of opened) assert.deepEqual(obligationSchema.parse(JSON.parse(JSON.stringify(o))), o);
  assert.throws(() => openObligations(dr, 'notify', { ceremonyId: 'C', scriptSha256: scriptHash(dr), at: new Date() }), /opens no follow-up obligations/);
});

test('the extraordinary ceremony discharges what it fulfilled; the rollover stays open for the quarterly ceremonies', () => {
  const at = new Date('2024-02-01T12:00:00Z');
  const after = opened.map((o) =>
    o.kind === 'rfc5011-rollover'
      ? o
      : dischargeObligation(o, {
          script: extraordinary,
          stepId: 'discharge-follow-ups',
          ceremonyId: 'C-2024-02',
          at,
          note: 'done at steps 4.1 and 12.1',
          retiredSerials: [],
        }),
  );
  assert.deepEqual(
    outstanding(after).map((o) => o.kind),
    ['rfc5011-rollover'],
  );
  const rollover = after.find((o) => o.kind === 'rfc5011-rollover');
  assert.ok(rollover);
  assert.throws(
    () => dischargeObligation(rollover, { script: extraordinary, stepId: 'discharge-follow-ups', ceremonyId: 'C-2024-02', at, note: 'x', retiredSerials: [] }),
    /cannot discharge a rfc5011-rollover obligation/,
  );
  const done = dischargeObligation(rollover, {
    script: ksrSigning,
    stepId: 'discharge-follow-ups',
    ceremonyId: 'C-2024-07',
    at,
    note: ' old KSK revoked ',
    retiredSerials: [],
  });
  assert.deepEqual(done.discharge, { ceremonyId: 'C-2024-07', stepId: 'discharge-follow-ups', at: '2024-02-01T12:00:00.000Z', note: 'old KSK revoked' });
  assert.deepEqual(obligationSchema.parse(done), done);
  assert.throws(
    () => dischargeObligation(done, { script: ksrSigning, stepId: 'discharge-follow-ups', ceremonyId: 'C-2024-10', at, note: 'again', retiredSerials: [] }),
    (e: Error & { code?: string }) => e.code === 'CONFLICT',
  );
  assert.throws(
    () => dischargeObligation(rollover, { script: ksrSigning, stepId: 'discharge-follow-ups', ceremonyId: 'C', at, note: '  ', retiredSerials: [] }),
    /needs a note/,
  );
});

test('an obligation record is refused when its status and its discharge disagree', () => {
  const first = opened[0];
  assert.ok(first);
  assert.equal(obligationSchema.safeParse({ ...first, status: 'discharged' }).success, false);
  assert.equal(obligationSchema.safeParse({ ...first, discharge: { ceremonyId: 'C', stepId: 's', at: '2024-01-01T00:00:00Z', note: 'n' } }).success, false);
});

test('outstanding obligations are listed oldest first', () => {
  const later = openObligations(dr, 'follow-up', { ceremonyId: 'C-2023-09', scriptSha256: scriptHash(dr), at: new Date('2023-09-01T00:00:00Z') });
  assert.deepEqual(
    outstanding([...opened, ...later])
      .slice(0, 2)
      .map((o) => o.id),
    ['C-2023-09/distribute-credentials', 'C-2023-09/extraordinary-ceremony'],
  );
});

test('a replace-hardware obligation names the compromised HSMs; it is discharged only by a ceremony that retired each of them, and the refusal names what is left', () => {
  const hsm1 = {
    hsmId: 'HSM1',
    serialNumber: 'a1b2c3',
    model: 'SoftHSM v2',
    tokenLabel: 'REHEARSAL HSM1',
    reason: 'held the compromised KSK Kabcdef (key tag 20326)',
  };
  const [replace] = openObligations(dr, 'follow-up', {
    ceremonyId: 'C-2024-01',
    scriptSha256: scriptHash(dr),
    at: new Date('2024-01-05T10:00:00Z'),
    compromised: [hsm1],
  }).filter((o) => o.kind === 'replace-hardware');
  assert.ok(replace);
  assert.deepEqual(replace.subjects, [hsm1]);
  assert.deepEqual(obligationSchema.parse(JSON.parse(JSON.stringify(replace))), replace);
  assert.equal(unmetCondition(replace, { retiredSerials: ['a1b2c3'] }), null);
  assert.equal(
    unmetCondition(replace, { retiredSerials: ['ffff'] }),
    'HSM1 (SoftHSM v2, serial a1b2c3, token REHEARSAL HSM1), which held the compromised KSK Kabcdef (key tag 20326) is not retired',
  );
  const ctx = { script: extraordinary, stepId: 'discharge-follow-ups', ceremonyId: 'C-2024-02', at: new Date('2024-02-01T00:00:00Z'), note: 'replaced' };
  assert.throws(
    () => dischargeObligation(replace, { ...ctx, retiredSerials: ['ffff'] }),
    /stays open: HSM1 \(SoftHSM v2, serial a1b2c3.* is not retired in this ceremony/,
  );
  assert.equal(dischargeObligation(replace, { ...ctx, retiredSerials: ['ffff', 'a1b2c3'] }).status, 'discharged');
  const other = opened.find((o) => o.kind === 'extraordinary-ceremony');
  assert.ok(other && unmetCondition(other, { retiredSerials: [] }) === null, 'only replace-hardware obligations name HSMs');
});

test('triage’s DR 4.1.3 plan is opened beside the procedure’s own follow-ups, never by 4.1.3 itself; an alternate date carries its outcome', () => {
  const dr411 = loadTemplate('dr-4.1.1');
  const withPlan = openObligations(dr411, 'follow-up', { ceremonyId: 'C', scriptSha256: scriptHash(dr411), at: new Date(), plan: '4.1.3' });
  const plan = withPlan.find((o) => o.kind === 'sign-ahead');
  assert.equal(plan?.id, 'C/dr-4.1.3-plan');
  assert.match(plan?.title ?? '', /^DR 4\.1\.3: /);
  const dr413 = loadTemplate('dr-4.1.3');
  assert.ok(
    !openObligations(dr413, 'follow-up', { ceremonyId: 'C', scriptSha256: scriptHash(dr413), at: new Date(), plan: '4.1.3' }).some(
      (o) => o.kind === 'sign-ahead',
    ),
  );
  const dr412 = loadTemplate('dr-4.1.2A');
  const [rescheduled] = openObligations(dr412, 'alternate-follow-up', {
    ceremonyId: 'C',
    scriptSha256: scriptHash(dr412),
    at: new Date(),
    outcome: 'Rescheduled to 2027-07-02T01:00:00.000Z',
  });
  assert.equal(rescheduled?.kind, 'rescheduled-ceremony');
  assert.equal(rescheduled?.detail, 'Rescheduled to 2027-07-02T01:00:00.000Z');
});
