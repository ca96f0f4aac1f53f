import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventType, PayloadOf } from '../../../core/evidence/events.js';
import { quorumStatusOf, credentialsOf } from '../../../core/evidence/registers/credentials.js';
import { hsmOperationsOf, kskKeys } from '../../../core/evidence/registers/hsm.js';
import { participantsOf, peopleOf } from '../../../core/evidence/registers/participants.js';
import { attestations, exceptions } from '../../../core/evidence/registers/records.js';
import { interruptedSteps, stepsOf } from '../../../core/evidence/registers/steps.js';
import { expectedTebOf, normalizeSerial, tebsOf } from '../../../core/evidence/registers/tebs.js';
import type { EventSource, StoredEvent } from '../../../core/evidence/stored.js';
import { samplePayloads } from './samples.js';

/** Events as a ceremony would have stored them (hashes are not what registers read). */
function log(ceremonyId: string, entries: [EventType, unknown][], startSeq = 1): StoredEvent[] {
  return entries.map(([type, payload], i) => ({
    ceremonyId,
    seq: startSeq + i,
    time: new Date(Date.UTC(2025, 0, 1, 10, 0, startSeq + i)).toISOString(),
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
    type,
    payload,
  })) as StoredEvent[];
}

const of = <T extends EventType>(events: StoredEvent[], ...types: T[]) => events.filter((e): e is StoredEvent<T> => (types as EventType[]).includes(e.type));

/** An EventSource over events held in memory, all in one non-rehearsal workspace. */
function memorySource(events: StoredEvent[]): EventSource {
  return {
    events: <T extends EventType>(ceremonyId: string, types?: readonly T[]) =>
      events.filter((e) => e.ceremonyId === ceremonyId && (!types || (types as readonly EventType[]).includes(e.type))) as StoredEvent<T>[],
    workspaceEvents: <T extends EventType>(types: readonly T[]) => events.filter((e) => (types as readonly EventType[]).includes(e.type)) as StoredEvent<T>[],
  };
}

const signIn = (personId: string, name: string, roles: PayloadOf<'participant.signed-in'>['roles']) =>
  ['participant.signed-in', { personId, name, roles }] as [EventType, unknown];

test('participants: who is in the ceremony, and who has left', () => {
  const events = log('c1', [
    signIn('ca', 'Carl', ['CA']),
    signIn('iw', 'Ines', ['IW']),
    ['participant.signed-out', { personId: 'ca' }],
    signIn('co1', 'Olga', ['CO', 'TCR']),
  ]);
  const list = participantsOf(of(events, 'participant.signed-in', 'participant.signed-out'));
  assert.deepEqual(
    list.map((p) => [p.personId, p.signedOutAt !== null]),
    [
      ['ca', true],
      ['iw', false],
      ['co1', false],
    ],
  );
  assert.deepEqual(list.find((p) => p.personId === 'co1')?.roles, ['CO', 'TCR']);
});

test('people: every role a person held, across ceremonies, with their latest name', () => {
  const events = [...log('c1', [signIn('p1', 'Ann Old', ['CO'])]), ...log('c2', [signIn('p1', 'Ann New', ['RKSH'])], 5)];
  assert.deepEqual(peopleOf(of(events, 'participant.signed-in', 'participant.signed-out')), [
    { personId: 'p1', name: 'Ann New', roles: ['CO', 'RKSH'], ceremonies: ['c1', 'c2'] },
  ]);
});

test('credentials and live quorum: distinct active cards presented in this ceremony count toward M of N', () => {
  const issue = (id: string, holder: string) =>
    ['credential.issued', { credentialId: id, kind: 'co-card', set: 'co-east', holderId: holder, holderName: holder }] as [EventType, unknown];
  const workspace = log('gen', [
    ['quorum.defined', { set: 'co-east', threshold: 3, total: 4 }],
    issue('card1', 'a'),
    issue('card2', 'b'),
    issue('card3', 'c'),
    issue('card4', 'd'),
    ['credential.retired', { credentialId: 'card4', reason: 'lost' }],
  ]);
  const present = (id: string) => ['credential.presented', { credentialId: id, personId: 'x' }] as [EventType, unknown];
  const here = log('sign', [present('card1'), present('card1'), present('card4'), present('card2')]);
  const [status] = quorumStatusOf(of(workspace, 'quorum.defined', 'credential.issued', 'credential.retired'), of(here, 'credential.presented'));
  assert.deepEqual(status, { set: 'co-east', threshold: 3, total: 4, active: 3, presented: ['card1', 'card2'], met: false });
  const [met] = quorumStatusOf(
    of(workspace, 'quorum.defined', 'credential.issued', 'credential.retired'),
    of([...here, ...log('sign', [present('card3')], 10)], 'credential.presented'),
  );
  assert.equal(met?.met, true);
  const card4 = credentialsOf(of(workspace, 'credential.issued', 'credential.retired')).find((c) => c.credentialId === 'card4');
  assert.equal(card4?.retired?.reason, 'lost');
});

test('TEBs: the serial expected at a ceremony is the one sealed at the last; an opened bag expects none', () => {
  const sealed = (serial: string) => ['teb.sealed', { purpose: 'CO1 card', serial, contents: ['CO1 card'] }] as [EventType, unknown];
  const first = log('q1', [sealed('AA 100'), ['teb.sealed', { purpose: 'HSM1', serial: 'HH1', contents: ['HSM1'] }]]);
  const second = log(
    'q2',
    [
      ['teb.checked', { purpose: 'CO1 card', serialRead: 'aa100', expectedSerial: 'AA 100', matched: true }],
      ['teb.opened', { purpose: 'CO1 card', serial: 'AA100' }],
      sealed('AA-101'),
    ],
    10,
  );
  const tebEvents = of([...first, ...second], 'teb.sealed', 'teb.opened', 'teb.checked', 'teb.handed-over');
  assert.equal(expectedTebOf(of(first, 'teb.sealed', 'teb.opened'), 'CO1 card')?.serial, 'AA 100');
  assert.deepEqual(expectedTebOf(tebEvents, 'CO1 card'), { ceremonyId: 'q2', seq: 12, time: second[2]?.time, serial: 'AA-101' });
  assert.equal(expectedTebOf(tebEvents.slice(0, -1), 'CO1 card'), null, 'opened and not resealed');
  assert.equal(expectedTebOf(tebEvents, 'HSM2'), null);
  const bag = tebsOf(tebEvents).find((b) => b.serial === 'AA 100');
  assert.equal(bag?.state, 'opened');
  assert.deepEqual(
    bag?.history.map((h) => h.type),
    ['teb.sealed', 'teb.checked', 'teb.opened'],
  );
  assert.equal(normalizeSerial(' aa-10 0 '), 'AA100');
});

test('HSM operations: an intent without an outcome is the interrupted one', () => {
  const events = log('c1', [
    ['hsm.intent', { opId: 'op1', operation: 'generate-ksk', label: 'Kaaaaaa' }],
    ['hsm.done', { opId: 'op1', key: { label: 'Kaaaaaa', idHex: '01', algorithm: 13, publicKey: 'AAAA' } }],
    ['hsm.intent', { opId: 'op2', operation: 'sign', label: 'Kaaaaaa' }],
    ['hsm.failed', { opId: 'op2', error: 'CKR_DEVICE_ERROR' }],
    ['hsm.intent', { opId: 'op3', operation: 'sign', label: 'Kaaaaaa', retryOf: 'op2' }],
  ]);
  const ops = hsmOperationsOf(of(events, 'hsm.intent', 'hsm.done', 'hsm.failed', 'hsm.reconciled'));
  assert.deepEqual(
    ops.map((o) => [o.opId, o.outcome?.type ?? null]),
    [
      ['op1', 'hsm.done'],
      ['op2', 'hsm.failed'],
      ['op3', null],
    ],
  );
  assert.equal(ops[2]?.retryOf, 'op2');
  assert.deepEqual(
    kskKeys(memorySource(events), { rehearsal: false }).map((k) => k.label),
    ['Kaaaaaa'],
  );
});

test('exceptions carry their resolution; attestations their signature or the reason for declining', () => {
  const events = log('c1', [
    ['exception', samplePayloads.exception],
    ['exception.resolved', samplePayloads['exception.resolved']],
    ['attestation.signed', samplePayloads['attestation.signed']],
    ['attestation.declined', samplePayloads['attestation.declined']],
  ]);
  const source = memorySource(events);
  const [x] = exceptions(source, 'c1');
  assert.equal(x?.decision, samplePayloads['exception.resolved'].decision);
  assert.deepEqual(x?.signedBy, ['iw-ines']);
  assert.deepEqual(
    attestations(source, 'c1').map((a) => (a.signed ? a.signatureSha256 : a.reason)),
    [samplePayloads['attestation.signed'].signatureSha256, samplePayloads['attestation.declined'].reason],
  );
});

test('steps: one started and never completed nor skipped is where the ceremony was interrupted', () => {
  const events = log('c1', [
    ['step.started', { stepId: 's1', title: 'Sign in' }],
    ['step.completed', { stepId: 's1' }],
    ['step.started', { stepId: 's2' }],
    ['step.skipped', { stepId: 's3', reason: 'not needed' }],
    ['step.started', { stepId: 's4' }],
  ]);
  const list = stepsOf(of(events, 'step.started', 'step.completed', 'step.skipped'));
  assert.deepEqual(
    list.map((s) => [s.stepId, s.started?.seq ?? null, s.ended?.type ?? null]),
    [
      ['s1', 1, 'step.completed'],
      ['s2', 3, null],
      ['s3', null, 'step.skipped'],
      ['s4', 5, null],
    ],
  );
  assert.deepEqual(
    interruptedSteps(memorySource(events), 'c1').map((s) => s.stepId),
    ['s2', 's4'],
  );
});
