import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ceremonyIdSchema, eventSchema, eventTypes, type EventType } from '../../../core/evidence/events.js';
import { samplePayloads } from './samples.js';

test('every event type of the vocabulary has a valid sample', () => {
  assert.deepEqual(Object.keys(samplePayloads).sort(), [...eventTypes].sort());
  for (const type of eventTypes) {
    const parsed = eventSchema.safeParse({ type, payload: samplePayloads[type] });
    assert.ok(parsed.success, `${type}: ${parsed.success ? '' : parsed.error.message}`);
  }
});

test('a field the vocabulary does not know is refused, not dropped', () => {
  for (const type of eventTypes) {
    const parsed = eventSchema.safeParse({ type, payload: { ...samplePayloads[type], surprise: 1 } });
    assert.equal(parsed.success, false, `${type} accepted an unknown field`);
  }
});

test('an unknown event type is refused', () => {
  assert.equal(eventSchema.safeParse({ type: 'ceremony.rewritten', payload: {} }).success, false);
});

const invalid: [EventType, Record<string, unknown>, string][] = [
  ['hash.shown', { subject: 'KSR', sha256: 'ABCD' }, 'a hash in uppercase and short'],
  ['participant.signed-in', { personId: 'p1', name: 'P', roles: [] }, 'a participant without a role'],
  ['participant.signed-in', { personId: 'p1', name: 'P', roles: ['king'] }, 'a role the ceremony does not have'],
  ['initials', { stepId: 'with space', personId: 'p1', role: 'IW' }, 'an identifier with a space'],
  ['note', { text: 'x', data: { when: Number.NaN } }, 'data that JSON cannot carry'],
  ['artifact.stored', { sha256: 'c'.repeat(64), name: 'a', kind: 'ksr', mediaType: 'xml', size: 1 }, 'a media type without a subtype'],
  ['hsm.intent', { opId: 'o', operation: 'format-token' }, 'an HSM operation the log does not know'],
];

for (const [type, payload, what] of invalid) {
  test(`the vocabulary refuses ${what}`, () => {
    assert.equal(eventSchema.safeParse({ type, payload }).success, false);
  });
}

test('a ceremony id fits an HSM label as AUDIT-<id> (32 characters) and a file name', () => {
  assert.equal(ceremonyIdSchema.safeParse('2025-Q1.east_KSK-49').success, true);
  assert.equal(ceremonyIdSchema.safeParse('a'.repeat(26)).success, true);
  assert.equal(ceremonyIdSchema.safeParse('a'.repeat(27)).success, false);
  assert.equal(ceremonyIdSchema.safeParse('../etc').success, false);
  assert.equal(ceremonyIdSchema.safeParse('').success, false);
});
