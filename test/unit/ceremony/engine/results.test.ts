import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionKinds } from '../../../../core/contract/actionKinds.js';
import { actionResultSchemas, readResult } from '../../../../core/contract/actionResults.js';

const clockCheck = {
  appTime: '2027-01-01T00:00:01.000Z',
  referenceTime: '2027-01-01T00:00:00.000Z',
  skewSeconds: 1,
  maxSkewSeconds: 5,
  withinLimit: true,
  exceptionId: null,
};

test('every action kind has a result schema, and only those kinds', () => {
  assert.deepEqual(Object.keys(actionResultSchemas).sort(), [...actionKinds].sort());
});

test('a result is read typed when it is what its kind records', () => {
  assert.equal(readResult('clock-check', clockCheck).skewSeconds, 1);
  assert.deepEqual(readResult('attestation', { signed: ['iw'], declined: [] }), { signed: ['iw'], declined: [] });
});

test('a result under another name, with a field it does not record, or of another kind is refused, naming the kind and the field', () => {
  const { skewSeconds: _skew, ...renamed } = clockCheck;
  assert.throws(() => readResult('clock-check', { ...renamed, skew: 1 }), /result of a clock-check step is not what the app records for one: .*skewSeconds/);
  assert.throws(() => readResult('clock-check', { ...clockCheck, extra: true }), /extra/);
  assert.throws(() => readResult('attestation', clockCheck), /attestation/);
  assert.throws(() => readResult('hash-check', { subject: 'OS image', hex: 'ab'.repeat(32), pgpWords: ['aardvark'], form: 'hex' }), /pgpWords/);
});
