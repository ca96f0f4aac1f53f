import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ceremonyState } from '../../../../core/ceremony/engine/project.js';
import { scriptHash } from '../../../../core/ceremony/hash.js';
import { loadTemplate } from '../../../../core/ceremony/templates.js';
import type { StepState } from '../../../../core/contract/ceremonyState.js';
import { EventList } from './events.js';

const script = loadTemplate('ksr-signing');
const sha = scriptHash(script);

function opened(): EventList {
  return new EventList()
    .add('ceremony.opened', { title: 'KSR signing (REHEARSAL)', kind: 'ksr-signing', rehearsal: true, previousCeremony: null })
    .add('script.loaded', { scriptId: script.id, title: script.title, version: script.version, sha256: sha });
}

function project(list: EventList, extra: Partial<Parameters<typeof ceremonyState>[0]> = {}) {
  return ceremonyState({ events: list.events, script, scriptSha256: sha, now: new Date('2027-06-02T00:00:00Z'), sealed: false, obligations: [], ...extra });
}

const step = (state: ReturnType<typeof project>, id: string) => state.acts.flatMap((a) => a.steps).find((s) => s.id === id) as StepState;
const performer = { personId: 'ca', name: 'Ada', role: 'CA' };

test('a new ceremony is planned, every step pending, the first step current', () => {
  const state = project(opened());
  assert.equal(state.status, 'planned');
  assert.equal(state.mode, 'rehearsal');
  assert.equal(state.currentStepId, 'notify');
  assert.ok(state.acts.flatMap((a) => a.steps).every((s) => s.status === 'pending' && s.needs[0] === 'start'));
  assert.equal(state.script.sha256, sha);
  assert.equal(state.log.events, 2);
});

test('a step moves from started to performed to initialled, and only then completes', () => {
  const list = opened()
    .add('participant.signed-in', { personId: 'iw', name: 'Ines', roles: ['IW'] })
    .add('participant.script-roles', { personId: 'iw', roles: ['IW'] })
    .add('step.started', { stepId: 'cameras-start' });
  assert.equal(step(project(list), 'cameras-start').status, 'in-progress');
  assert.deepEqual(step(project(list), 'cameras-start').needs, ['perform', 'initial']);
  list.add('action.performed', { stepId: 'cameras-start', kind: 'camera-start', performer, result: { cameras: ['c1'] } });
  const performed = step(project(list), 'cameras-start');
  assert.equal(performed.status, 'awaiting-initials');
  assert.deepEqual(performed.needs, ['initial']);
  assert.deepEqual(performed.result, { cameras: ['c1'] });
  list.add('initials', { stepId: 'cameras-start', personId: 'iw', role: 'IW' }).add('step.completed', { stepId: 'cameras-start' });
  const done = step(project(list), 'cameras-start');
  assert.equal(done.status, 'completed');
  assert.equal(done.initials?.name, 'Ines');
  assert.deepEqual(done.needs, []);
  assert.equal(project(list).status, 'in-progress');
});

test('a failed attempt leaves the step in progress with the failure; a skipped step names its exception', () => {
  const list = opened()
    .add('step.started', { stepId: 'notify' })
    .add('action.failed', { stepId: 'notify', kind: 'notify', error: 'the HSM said no' })
    .add('step.skipped', { stepId: 'notify', reason: 'done by phone last week' })
    .add('exception', { exceptionId: 'skip-notify-1', stepId: 'notify', expected: 'notify', happened: 'skipped', decision: 'ok', signedBy: ['iw'] })
    .add('step.deviation', { stepId: 'notify', deviation: 'skip', exceptionId: 'skip-notify-1' });
  const state = project(list);
  const notify = step(state, 'notify');
  assert.equal(notify.status, 'skipped');
  assert.deepEqual(
    notify.failures.map((f) => f.error),
    ['the HSM said no'],
  );
  assert.equal(notify.skipped?.exceptionId, 'skip-notify-1');
  assert.deepEqual(notify.exceptionIds, ['skip-notify-1']);
  assert.equal(state.currentStepId, 'ksr-request');
  assert.equal(state.exceptions[0]?.complete, true);
});

test('an exception is complete only with a decision and a signature; an override names its check', () => {
  const list = opened()
    .add('exception', { exceptionId: 'teb-check-9', stepId: 'laptop-teb-check', expected: 'RH-1', happened: 'RH-2 was read', signedBy: [] })
    .add('exception', { exceptionId: 'override-1', stepId: 'sign-ksr', expected: 'passes', happened: 'fails', decision: 'overridden', signedBy: ['iw'] })
    .add('step.deviation', { stepId: 'sign-ksr', deviation: 'check-override', exceptionId: 'override-1', check: 'KSR-POLICY-SAFETY' });
  let state = project(list);
  assert.deepEqual(
    state.exceptions.map((x) => [x.exceptionId, x.complete, x.check]),
    [
      ['teb-check-9', false, null],
      ['override-1', true, 'KSR-POLICY-SAFETY'],
    ],
  );
  list.add('exception.resolved', { exceptionId: 'teb-check-9', decision: 'first use', signedBy: ['iw'] });
  state = project(list);
  assert.equal(state.exceptions[0]?.complete, true);
  assert.equal(state.exceptions[0]?.decision, 'first use');
});

test('a quorum step counts distinct credentials presented, and is met only while the engine holds M of them', () => {
  const list = opened().add('step.started', { stepId: 'hsm-activate-HSM1' });
  for (const [credentialId, personId] of [
    ['co:ab:1', 'co-1'],
    ['co:ab:2', 'co-2'],
    ['co:ab:2', 'co-2'],
    ['co:ab:3', 'co-3'],
  ]) {
    list.add('credential.presented', { credentialId: credentialId as string, personId: personId as string, stepId: 'hsm-activate-HSM1' });
  }
  const logged = step(project(list), 'hsm-activate-HSM1').quorum;
  assert.deepEqual([logged?.set, logged?.m, logged?.n, logged?.presented.length, logged?.met], ['co:ab', 3, 7, 3, false]);
  const held = step(project(list, { held: new Map([['hsm-activate-HSM1', 3]]) }), 'hsm-activate-HSM1');
  assert.equal(held.quorum?.met, true);
  assert.deepEqual(held.needs, ['perform', 'initial']);
});

test('an HSM is active from its activation to its deactivation; an operation without an outcome is interrupted', () => {
  const list = opened()
    .add('hsm.bound', { hsmId: 'HSM1', modulePath: '/m.so', tokenLabel: 'REHEARSAL HSM1', activation: 'split-pin', rehearsal: true })
    .add('action.performed', { stepId: 'hsm-activate-HSM1', kind: 'hsm-activate', performer, result: { hsmId: 'HSM1' } })
    .add('step.started', { stepId: 'sign-ksr' })
    .add('hsm.intent', { opId: 'op-1', operation: 'sign', stepId: 'sign-ksr', hsmId: 'HSM1', label: 'Kaaaaaa' });
  let state = project(list, { liveHsms: new Set(['HSM1']) });
  assert.deepEqual(
    state.hsms.map((h) => [h.id, h.active, h.sessionOpen, h.binding?.tokenLabel]),
    [['HSM1', true, true, 'REHEARSAL HSM1']],
  );
  assert.deepEqual(
    state.interrupted.map((op) => [op.opId, op.operation, op.stepId]),
    [['op-1', 'sign', 'sign-ksr']],
  );
  assert.equal(step(state, 'sign-ksr').needs[0], 'reconcile');
  list
    .add('hsm.reconciled', { opId: 'op-1', finding: 'unknown', detail: 'a signature leaves no trace' })
    .add('action.performed', { stepId: 'hsm-deactivate-HSM1', kind: 'hsm-deactivate', performer, result: { hsmId: 'HSM1' } });
  state = project(list);
  assert.deepEqual(state.interrupted, []);
  assert.equal(state.hsms[0]?.active, false);
  assert.deepEqual(step(state, 'sign-ksr').needs, ['prepare', 'perform', 'initial'], 'its KSR has not been handed over yet');
});

test('attestations belong to the attestation step in progress when they were made', () => {
  const list = opened()
    .add('participant.signed-in', { personId: 'iw', name: 'Ines', roles: ['IW'] })
    .add('step.started', { stepId: 'iw-attestation' })
    .add('attestation.signed', {
      personId: 'iw',
      name: 'Ines',
      role: 'IW',
      statement: 'I attest',
      logHeadHash: 'a'.repeat(64),
      signatureSha256: 'b'.repeat(64),
    });
  const state = project(list);
  assert.equal(state.attestations[0]?.stepId, 'iw-attestation');
  assert.deepEqual(step(state, 'iw-attestation').needs, ['initial'], 'everyone the step asks has attested');
});

test('the triage the log records and the current SKR give the procedure and the countdown', () => {
  const list = opened()
    .add('triage.recorded', {
      procedure: 'ksr-signing',
      template: 'ksr-signing',
      answers: { disaster: 'signing', prolonged: 'no', cosAvailable: 'yes', kmfAvailable: 'yes' },
      questionsAsked: ['disaster', 'prolonged', 'cosAvailable', 'kmfAvailable'],
      reason: 'recorded reason',
    })
    .add('skr.current', {
      sha256: 'c'.repeat(64),
      skrId: 'rehearsal-2027Q2',
      bundles: 9,
      firstInception: '2027-04-01T00:00:00Z',
      lastExpiration: '2027-07-11T00:00:00.000Z',
      signingKeyTags: [1234],
      source: 'file',
    });
  const state = project(list);
  assert.equal(state.triage?.label, 'KSR signing ceremony');
  assert.equal(state.triage?.reason, 'recorded reason');
  assert.equal(state.currentSkr?.rehearsal, true);
  assert.equal(state.deadline?.lastExpiration, '2027-07-11T00:00:00.000Z');
  assert.equal(state.deadline?.state, 'sufficient');
});

test('a decision takes a branch: the other branch’s steps are not applicable, count as done, and the ending outcome is the ceremony’s; a closed ceremony keeps the deadline it decided on', () => {
  const dr = loadTemplate('dr-4.1.2A');
  const drSha = scriptHash(dr);
  const assessed = {
    stepId: 'schedule-alternate',
    state: 'sufficient' as const,
    at: '2027-06-01T00:00:00.000Z',
    lastExpiration: '2027-07-11T00:00:00.000Z',
    skrDue: '2027-07-09T00:00:00.000Z',
    unavoidableAt: '2027-06-25T00:00:00.000Z',
    alternateWindow: { earliest: '2027-06-15T00:00:00.000Z', latest: '2027-07-09T00:00:00.000Z' },
    leadTime: 'P14D',
    publicationMargin: 'P2D',
    consequence: 'There is sufficient time to schedule an alternate date.',
  };
  const proceed = dr.acts.filter((a) => a.branch === 'proceed-now').flatMap((a) => a.steps.map((s) => s.id));
  const list = new EventList()
    .add('ceremony.opened', { title: 'DR 4.1.2 A', kind: '4.1.2A', rehearsal: true, previousCeremony: null })
    .add('script.loaded', { scriptId: dr.id, title: dr.title, version: dr.version, sha256: drSha })
    // A triage recorded before the time was a question: it is shown as recorded, never decided again.
    .add('triage.recorded', {
      procedure: '4.1.2A',
      template: 'dr-4.1.2A',
      answers: { disaster: 'signing', prolonged: 'no', cosAvailable: 'no', kmfAvailable: 'yes' },
      questionsAsked: ['disaster', 'prolonged', 'cosAvailable', 'kmfAvailable'],
      reason: 'recorded reason',
    })
    .add('skr.current', {
      sha256: 'a'.repeat(64),
      skrId: 'rehearsal-x',
      bundles: 9,
      firstInception: '2027-04-01T00:00:00.000Z',
      lastExpiration: '2027-07-11T00:00:00.000Z',
      signingKeyTags: [1],
      source: 'x',
    })
    .add('step.started', { stepId: 'schedule-alternate' })
    .add('deadline.assessed', assessed)
    .add('action.performed', {
      stepId: 'schedule-alternate',
      kind: 'schedule-alternate',
      performer,
      result: { decision: 'alternate-date', branch: 'alternate-date' },
    })
    .add('branch.taken', {
      stepId: 'schedule-alternate',
      branch: 'alternate-date',
      outcome: 'Rescheduled to 2027-06-20T00:00:00.000Z',
      notApplicable: proceed,
    });
  const run = (extra: Partial<Parameters<typeof ceremonyState>[0]> = {}) =>
    ceremonyState({ events: list.events, script: dr, scriptSha256: drSha, now: new Date('2027-08-01T00:00:00Z'), sealed: false, obligations: [], ...extra });
  const state = run();
  assert.equal(state.triage?.label, 'DR 4.1.2 A');
  assert.equal(state.triage?.reason, 'recorded reason');
  assert.equal(state.triage?.time, null);
  const signKsr = state.acts.flatMap((a) => a.steps).find((s) => s.action.kind === 'sign-ksr') as StepState;
  assert.equal(signKsr.status, 'not-applicable');
  assert.deepEqual(signKsr.needs, []);
  assert.deepEqual(signKsr.notApplicable, {
    at: signKsr.notApplicable?.at,
    branch: 'proceed-now',
    decidedAt: 'schedule-alternate',
    outcome: 'Rescheduled to 2027-06-20T00:00:00.000Z',
  });
  assert.equal(state.outcome, 'Rescheduled to 2027-06-20T00:00:00.000Z');
  assert.equal(state.currentStepId, 'notify', 'the notify step, never started, is still to do');
  assert.deepEqual(state.acts.find((a) => a.steps.some((s) => s.id === 'alternate-sign-in'))?.branchTitle?.startsWith('An alternate date is scheduled'), true);
  assert.deepEqual(state.acts.flatMap((a) => a.steps).find((s) => s.id === 'schedule-alternate')?.decides, ['alternate-date', 'proceed-now']);
  assert.equal(state.deadline?.state, 'expired', 'while open, the countdown is today’s');
  list.add('ceremony.closed', { sealKey: { kind: 'software', label: null, algorithm: 15, publicKey: 'AAAA' } });
  const closed = run();
  assert.equal(closed.deadline?.state, 'sufficient', 'once closed, the deadline as it stood when decided');
  assert.equal(closed.deadline?.now, '2027-06-01T00:00:00.000Z');
  assert.equal(closed.deadline?.countdown, '40 days 00:00:00 left');
});
