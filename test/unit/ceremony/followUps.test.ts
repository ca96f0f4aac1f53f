import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dischargeObligation, obligationSchema, openObligations, outstanding } from '../../../core/ceremony/followUps.js';
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
  assert.deepEqual(first.origin, { ceremonyId: 'C-2024-01', scriptId: 'dr-4.2.1B', scriptVersion: '1.0', scriptSha256: scriptHash(dr), procedure: '4.2.1B', stepId: 'follow-up', followUpId: 'extraordinary-ceremony', seedStep: '4.2.1B.6' });
  assert.equal(first.condition, 'once the Key Management Facility becomes available');
  for (const o of opened) assert.deepEqual(obligationSchema.parse(JSON.parse(JSON.stringify(o))), o);
  assert.throws(() => openObligations(dr, 'notify', { ceremonyId: 'C', scriptSha256: scriptHash(dr), at: new Date() }), /opens no follow-up obligations/);
});

test('the extraordinary ceremony discharges what it fulfilled; the rollover stays open for the quarterly ceremonies', () => {
  const at = new Date('2024-02-01T12:00:00Z');
  const after = opened.map((o) =>
    o.kind === 'rfc5011-rollover' ? o : dischargeObligation(o, { script: extraordinary, stepId: 'discharge-follow-ups', ceremonyId: 'C-2024-02', at, note: 'done at steps 4.1 and 12.1', retiredSerials: [] }),
  );
  assert.deepEqual(outstanding(after).map((o) => o.kind), ['rfc5011-rollover']);
  const rollover = after.find((o) => o.kind === 'rfc5011-rollover');
  assert.ok(rollover);
  assert.throws(
    () => dischargeObligation(rollover, { script: extraordinary, stepId: 'discharge-follow-ups', ceremonyId: 'C-2024-02', at, note: 'x', retiredSerials: [] }),
    /cannot discharge a rfc5011-rollover obligation/,
  );
  const done = dischargeObligation(rollover, { script: ksrSigning, stepId: 'discharge-follow-ups', ceremonyId: 'C-2024-07', at, note: ' old KSK revoked ', retiredSerials: [] });
  assert.deepEqual(done.discharge, { ceremonyId: 'C-2024-07', stepId: 'discharge-follow-ups', at: '2024-02-01T12:00:00.000Z', note: 'old KSK revoked' });
  assert.deepEqual(obligationSchema.parse(done), done);
  assert.throws(() => dischargeObligation(done, { script: ksrSigning, stepId: 'discharge-follow-ups', ceremonyId: 'C-2024-10', at, note: 'again', retiredSerials: [] }), (e: Error & { code?: string }) => e.code === 'CONFLICT');
  assert.throws(() => dischargeObligation(rollover, { script: ksrSigning, stepId: 'discharge-follow-ups', ceremonyId: 'C', at, note: '  ', retiredSerials: [] }), /needs a note/);
});

test('an obligation record is refused when its status and its discharge disagree', () => {
  const first = opened[0];
  assert.ok(first);
  assert.equal(obligationSchema.safeParse({ ...first, status: 'discharged' }).success, false);
  assert.equal(obligationSchema.safeParse({ ...first, discharge: { ceremonyId: 'C', stepId: 's', at: '2024-01-01T00:00:00Z', note: 'n' } }).success, false);
});

test('outstanding obligations are listed oldest first', () => {
  const later = openObligations(dr, 'follow-up', { ceremonyId: 'C-2023-09', scriptSha256: scriptHash(dr), at: new Date('2023-09-01T00:00:00Z') });
  assert.deepEqual(outstanding([...opened, ...later]).slice(0, 2).map((o) => o.id), ['C-2023-09/distribute-credentials', 'C-2023-09/extraordinary-ceremony']);
});
