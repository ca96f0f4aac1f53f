import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { signaturePng } from '../../../core/ceremony/engine/rehearsal/png.js';
import { CeremonyDriver } from '../../../core/ceremony/engine/rehearsal/driver.js';
import { RehearsalWorld } from '../../../core/ceremony/engine/rehearsal/world.js';
import { readCurrentSkr } from '../../../core/ceremony/engine/currentSkr.js';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import { nextQuarter, parseQuarter, quarterStart } from '../../../core/dnssec/quarter.js';
import { verifyEvidence } from '../../../core/evidence/verify.js';
import { toPgpWords } from '../../../core/hash/pgpWords.js';
import { sha256 } from '../../../core/hash/sha256.js';
import { Backend } from '../../../core/service/backend.js';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { shared } from '../../helpers/paths.js';
import { softhsmToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';
import { baseWorld, cloneWorld, openWorkspace, steps, type Opened } from './world.js';

/**
 * The engine's rules, through the contract: order, initials, quorums of distinct holders, hash
 * matching before signing, overrides only of excusable checks by a witnessed exception, REHEARSAL
 * kept apart from production, and a state that is the same after a restart.
 */

const stopAt = (stepId: string) => (step: { id: string }) => {
  if (step.id === stepId) throw Object.assign(new Error(`stopped before ${stepId}`), { stop: true });
};

async function runUntil(opened: Opened, ceremonyId: string, stepId: string, ksr: string): Promise<void> {
  const driver = new CeremonyDriver(
    {
      api: (c, r) => opened.backend.call(c, r),
      world: opened.rehearsal.world,
      clock: opened.clock,
      absent: { cos: false, rkshs: false },
      ksrs: { main: ksr },
      beforeStep: stopAt(stepId),
    },
    ceremonyId,
  );
  await assert.rejects(driver.run(), (e: Error & { stop?: boolean }) => e.stop === true);
}

async function refused(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: Error & { code?: string }) => {
    assert.equal(e.code, code, e.message);
    assert.match(e.message, message);
    return true;
  });
}

/** The state without what depends on the moment or on this process (the countdown, open sessions, shares in hand). */
function durable(state: CeremonyState) {
  return {
    ...state,
    deadline: null,
    hsms: state.hsms.map((h) => ({ ...h, sessionOpen: false })),
    acts: state.acts.map((a) => ({ ...a, steps: a.steps.map((s) => ({ ...s, quorum: s.quorum ? { ...s.quorum, held: 0, met: false } : null, needs: [] })) })),
  };
}

test('the engine enforces the script through the contract', async (t) => {
  const base = await baseWorld(t);
  const opened = openWorkspace(cloneWorld(t, base));
  t.after(() => opened.close());
  const quarter = nextQuarter(parseQuarter(opened.rehearsal.world.state.quarter ?? ''));
  opened.clock.advanceTo(new Date((quarterStart(quarter) - 44 * 86400) * 1000));
  const { file: ksr } = await opened.rehearsal.makeKsr(quarter, readCurrentSkr(workspaceAt(opened.root))?.skr);
  const created = await opened.call<CeremonyState>('ceremony.create', { template: 'ksr-signing' });
  const id = created.ceremonyId;
  const ref = (stepId: string) => ({ ceremonyId: id, stepId });

  await t.test('a step out of order needs a reason the IW signs; so does a skipped step', async () => {
    await refused(opened.call('step.start', ref('sign-in')), 'CONFLICT', /is not next: step 1\.1 \(notify\) is not started/);
    await refused(
      opened.call('step.skip', { ...ref('ksr-request'), deviation: { reason: 'the RZM sent it already', witnessId: 'iw' } }),
      'CONFLICT',
      /iw is not signed in/,
    );
    await opened.call('ceremony.signIn', { ceremonyId: id, personId: 'ca', name: 'Ada Administrator', roles: ['CA'] });
    await refused(
      opened.call('step.skip', { ...ref('ksr-request'), deviation: { reason: 'the RZM sent it already', witnessId: 'ca' } }),
      'CONFLICT',
      /not an Internal Witness/,
    );
    await opened.call('ceremony.signIn', { ceremonyId: id, personId: 'iw', name: 'Ines Witness', roles: ['IW'] });
    const skipped = await opened.call<{ state: CeremonyState }>('step.skip', {
      ...ref('ksr-request'),
      deviation: { reason: 'the RZM sent it already', witnessId: 'iw' },
    });
    const step = steps(skipped.state).find((s) => s.id === 'ksr-request');
    assert.equal(step?.status, 'skipped');
    const exception = skipped.state.exceptions.find((x) => x.exceptionId === step?.skipped?.exceptionId);
    assert.deepEqual([exception?.decision, exception?.signedBy], ['the RZM sent it already', ['iw']]);
    assert.equal(skipped.state.currentStepId, 'notify', 'the step before it is still the current one');
  });

  await t.test('quorum: each holder presents their own credential, once; M distinct holders before the HSM is activated', async () => {
    await runUntil(opened, id, 'hsm-activate-HSM1', ksr);
    const world = opened.rehearsal.world;
    const state = await opened.call<CeremonyState>('ceremony.state', { ceremonyId: id });
    const token = state.hsms.find((h) => h.id === 'HSM1')?.binding?.tokenLabel ?? '';
    const creds = world.credentialsOf(world.activationOf(token) ?? '');
    const mine = creds.find((c) => c.holderId === 'co-1');
    const theirs = creds.find((c) => c.holderId === 'co-2');
    assert.ok(mine && theirs);
    await refused(
      opened.call('step.present', { ...ref('hsm-activate-HSM1'), personId: 'co-1', credential: { kind: 'share', text: theirs.sheet } }),
      'CONFLICT',
      /was issued to Chen Officer 2, not to Carla Officer 1/,
    );
    await opened.call('step.present', { ...ref('hsm-activate-HSM1'), personId: 'co-1', credential: { kind: 'share', text: mine.sheet } });
    await refused(
      opened.call('step.present', { ...ref('hsm-activate-HSM1'), personId: 'co-1', credential: { kind: 'share', text: mine.sheet } }),
      'CONFLICT',
      /already been presented/,
    );
    await refused(
      opened.call('step.perform', { ...ref('hsm-activate-HSM1'), performer: { personId: 'ca' }, input: { kind: 'hsm-activate' } }),
      'CONFLICT',
      /1 credential\(s\) presented; HSM1 needs 3 of 7/,
    );
    const after = await opened.call<CeremonyState>('ceremony.state', { ceremonyId: id });
    const quorum = steps(after).find((s) => s.id === 'hsm-activate-HSM1')?.quorum;
    assert.deepEqual([quorum?.presented.length, quorum?.held, quorum?.met], [1, 1, false]);
  });

  await t.test('a manual step is confirmed by its performer and initialled by the IW only', async () => {
    await runUntil(opened, id, 'ksr-media', ksr);
    await refused(opened.call('step.confirm', { ...ref('ksr-media'), performer: { personId: 'iw' } }), 'CONFLICT', /does not perform step/);
    const confirmed = await opened.call<{ state: CeremonyState }>('step.confirm', { ...ref('ksr-media'), performer: { personId: 'rzm' } });
    assert.equal(steps(confirmed.state).find((s) => s.id === 'ksr-media')?.status, 'awaiting-initials');
    await refused(opened.call('step.start', ref('sign-ksr')), 'CONFLICT', /awaiting the IW’s initials/);
    await refused(opened.call('step.initial', { ...ref('ksr-media'), personId: 'ca' }), 'CONFLICT', /not an Internal Witness/);
    const initialled = await opened.call<{ state: CeremonyState }>('step.initial', { ...ref('ksr-media'), personId: 'iw' });
    assert.equal(steps(initialled.state).find((s) => s.id === 'ksr-media')?.status, 'completed');
  });

  await t.test(
    'nothing is signed until the hash read aloud matches; only a check the script lists may be overridden, and never one no disaster excuses',
    async () => {
      await opened.call('step.prepare', { ...ref('sign-ksr'), input: { kind: 'sign-ksr', ksr: { path: ksr } } });
      await refused(
        opened.call('step.perform', {
          ...ref('sign-ksr'),
          performer: { personId: 'ca' },
          input: { kind: 'sign-ksr', outOfBandHash: '00'.repeat(32), readBy: 'rzm' },
        }),
        'POLICY_FAILURE',
        /does not match the hash received out of band \(hex; first difference at byte 1\)/,
      );
      await refused(
        opened.call('exception.record', {
          ceremonyId: id,
          stepId: 'sign-ksr',
          check: 'SKR-VERIFY',
          expected: 'x',
          happened: 'y',
          decision: 'z',
          signedBy: ['iw'],
        }),
        'POLICY_FAILURE',
        /may not override SKR-VERIFY/,
      );
      await refused(
        opened.call('exception.record', {
          ceremonyId: id,
          stepId: 'sign-ksr',
          check: 'KSR-POLICY-SAFETY',
          expected: 'x',
          happened: 'y',
          decision: 'z',
          signedBy: ['iw'],
        }),
        'POLICY_FAILURE',
        /overrides no check/,
      );
      const log = await opened.call<{ events: { type: string; payload: Record<string, unknown> }[] }>('log.events', {
        ceremonyId: id,
        types: ['hash.mismatched', 'hsm.intent', 'action.failed'],
      });
      assert.deepEqual(
        log.events.map((e) => e.type),
        ['hash.mismatched', 'action.failed'],
        'the mismatch and the failed attempt are recorded; the HSM was never asked to sign',
      );
    },
  );

  await t.test('after a restart the state is the same; an HSM activated before it needs its COs again', async () => {
    const before = await opened.call<CeremonyState>('ceremony.state', { ceremonyId: id });
    await opened.close();
    const again = openWorkspace(opened.root);
    t.after(() => again.close());
    const after = await again.call<CeremonyState>('ceremony.state', { ceremonyId: id });
    assert.deepEqual(durable(after), durable(before));
    assert.deepEqual(
      after.hsms.map((h) => [h.id, h.active, h.sessionOpen]),
      [['HSM1', true, false]],
    );
    await refused(
      again.call('step.perform', { ...ref('sign-ksr'), performer: { personId: 'ca' }, input: { kind: 'sign-ksr', outOfBandHash: '00', readBy: 'rzm' } }),
      'CONFLICT',
      /was activated before the app restarted/,
    );
    // An attestation is signed by the people its step asks, each once, over the head they were shown.
    await runUntil(again, id, 'iw-attestation', ksr);
    const attest = { ceremonyId: id, stepId: 'iw-attestation' };
    await refused(again.call('attestation.prepare', { ...attest, personId: 'ca' }), 'CONFLICT', /Ada Administrator is not asked to attest at step \d+\.\d+/);
    const shown = await again.call<{ statement: string; head: { hash: string } }>('attestation.prepare', { ...attest, personId: 'iw' });
    assert.match(shown.statement, /^I attest that this ceremony was performed according to this script/);
    const signature = { ...attest, personId: 'iw', headHashShown: shown.head.hash, signaturePng: signaturePng('Ines Witness').toString('base64') };
    await refused(
      again.call('attestation.sign', { ...signature, signaturePng: Buffer.from('not a picture').toString('base64') }),
      'BAD_REQUEST',
      /The drawn signature is not a PNG picture/,
    );
    await again.call('attestation.sign', signature);
    await refused(again.call('attestation.sign', signature), 'CONFLICT', /Step \d+\.\d+ \(iw-attestation\) is awaiting-initials/);
    // Where everyone attests, each person still attests only once.
    await runUntil(again, id, 'participants-attestation', ksr);
    const everyone = { ceremonyId: id, stepId: 'participants-attestation', personId: 'iw' };
    const head = (await again.call<{ head: { hash: string } }>('attestation.prepare', everyone)).head.hash;
    const once = { ...everyone, headHashShown: head, signaturePng: signaturePng('Ines Witness').toString('base64') };
    await again.call('attestation.sign', once);
    await refused(again.call('attestation.sign', once), 'CONFLICT', /Ines Witness has already attested at step \d+\.\d+/);
    const finished = await new CeremonyDriver(
      { api: (c, r) => again.backend.call(c, r), world: again.rehearsal.world, clock: again.clock, absent: { cos: false, rkshs: false }, ksrs: { main: ksr } },
      id,
    ).run();
    assert.equal(
      finished.attestations.filter((a) => a.personId === 'iw' && a.stepId === 'participants-attestation').length,
      1,
      'the IW attested once where everyone attests',
    );
    assert.equal(finished.status, 'closed');
    assert.ok(finished.exceptions.some((x) => x.exceptionId.startsWith('reactivation') && x.complete));
    assert.equal(verifyEvidence(workspaceAt(again.root).database, { requireSealed: true }).ok, true);
  });
});

test('rehearsal and production are kept apart', async (t) => {
  await t.test('a rehearsal refuses a token that is not a rehearsal token, and a KSR that is not a rehearsal KSR', async (t) => {
    const base = await baseWorld(t);
    const opened = openWorkspace(cloneWorld(t, base));
    t.after(() => opened.close());
    await refused(
      opened.call('ceremony.create', {
        template: 'ksr-signing',
        bindings: { HSM1: { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'KSK', activation: 'split-pin' } },
      }),
      'POLICY_FAILURE',
      /A rehearsal runs on rehearsal tokens only/,
    );
    // The operator's ksrsigner.yaml is read when the ceremony is created: a typo stops it before it opens.
    const before = (await opened.call<unknown[]>('ceremony.list', {})).length;
    const typo = Buffer.from('request_policy:\n  num_bundles: 9\n  aproved_algorithms: [RSASHA256]\n').toString('base64');
    await refused(
      opened.call('ceremony.create', { template: 'ksr-signing', policy: { name: 'ksrsigner.yaml', base64: typo } }),
      'BAD_INPUT_FILE',
      /ksrsigner\.yaml line 3: .*aproved_algorithms/,
    );
    await refused(
      opened.call('ceremony.create', { template: 'ksr-signing', policy: { path: '/nonexistent/ksrsigner.yaml' } }),
      'NOT_FOUND',
      /No signing policy at \/nonexistent\/ksrsigner\.yaml/,
    );
    assert.equal((await opened.call<unknown[]>('ceremony.list', {})).length, before, 'no ceremony was opened');
    const created = await opened.call<CeremonyState>('ceremony.create', { template: 'ksr-signing' });
    await opened.call('ceremony.signIn', { ceremonyId: created.ceremonyId, personId: 'iw', name: 'Ines Witness', roles: ['IW'] });
    await opened.call('step.start', { ceremonyId: created.ceremonyId, stepId: 'sign-ksr', deviation: { reason: 'testing the KSR check', witnessId: 'iw' } });
    await refused(
      opened.call('step.prepare', {
        ceremonyId: created.ceremonyId,
        stepId: 'sign-ksr',
        input: { kind: 'sign-ksr', ksr: { path: shared('ksr', 'ksr-root-2018-q1-0-d_to_e.xml') } },
      }),
      'POLICY_FAILURE',
      /is not a rehearsal KSR/,
    );
    const state = await opened.call<CeremonyState>('ceremony.state', { ceremonyId: created.ceremonyId });
    assert.ok(steps(state).find((s) => s.id === 'sign-ksr')?.outOfOrder, 'the out-of-order start is recorded with its exception');
    assert.ok(state.exceptions.some((x) => x.exceptionId.startsWith('out-of-order') && x.signedBy.includes('iw')));
  });

  await t.test('production refuses a rehearsal token, a rehearsal SKR and a rehearsal KSR', async (t) => {
    const rehearsal = await baseWorld(t);
    const token = softhsmToken(t, 'KSK-PROD');
    // An air-gapped laptop, whatever this machine's network: the air gap has a test of its own (airgap.test.ts).
    const isolated = {
      checkedAt: new Date().toISOString(),
      isolated: true,
      interfaces: [{ name: 'lo', up: true, loopback: true, addresses: [] }],
      defaultRoutes: [],
      warnings: [],
    };
    const backend = new Backend({ workspaceDir: tempDir(t, 'ksk-prod-'), mode: 'production' }, { network: () => isolated });
    t.after(() => backend.close());
    const call = async (channel: string, request: unknown) => {
      const envelope = await backend.call(channel, request);
      if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), { code: envelope.error.code });
      return envelope.value as CeremonyState;
    };
    const module = '/usr/lib/softhsm/libsofthsm2.so';
    await refused(
      call('ceremony.create', { template: 'ksr-signing', bindings: { HSM1: { modulePath: module, tokenLabel: 'REHEARSAL HSM1', activation: 'split-pin' } } }),
      'POLICY_FAILURE',
      /rehearsal token; a production ceremony refuses it/,
    );
    await refused(call('ceremony.create', { template: 'ksr-signing' }), 'BAD_REQUEST', /Bind HSM1/);
    await refused(
      call('workspace.loadCurrentSkr', { file: { path: path.join(rehearsal, 'current-skr.xml') } }),
      'POLICY_FAILURE',
      /rehearsal SKR: a production workspace refuses it/,
    );
    const created = await call('ceremony.create', {
      template: 'ksr-signing',
      bindings: { HSM1: { modulePath: module, tokenLabel: token.label, activation: 'split-pin' } },
    });
    assert.equal(created.mode, 'production');
    assert.equal(created.hsms[0]?.binding?.rehearsal, false);
    await call('ceremony.signIn', { ceremonyId: created.ceremonyId, personId: 'iw', name: 'Ines Witness', roles: ['IW'] });
    await call('step.start', { ceremonyId: created.ceremonyId, stepId: 'sign-ksr', deviation: { reason: 'testing the KSR check', witnessId: 'iw' } });
    const world = RehearsalWorld.open(rehearsal);
    const ksr = readFileSync(world.ksrFile(world.state.quarter ?? '') ?? '');
    await refused(
      call('step.prepare', {
        ceremonyId: created.ceremonyId,
        stepId: 'sign-ksr',
        input: { kind: 'sign-ksr', ksr: { name: 'rehearsal.xml', base64: ksr.toString('base64') } },
      }),
      'POLICY_FAILURE',
      /is a rehearsal KSR .*: a production ceremony never signs one/,
    );
  });
});

test('a long operation runs once: two Sign requests at the same moment sign the KSR once, the second is refused', async (t) => {
  const opened = openWorkspace(cloneWorld(t, await baseWorld(t)));
  t.after(() => opened.close());
  const quarter = nextQuarter(parseQuarter(opened.rehearsal.world.state.quarter ?? ''));
  opened.clock.advanceTo(new Date((quarterStart(quarter) - 44 * 86400) * 1000));
  const { file: ksr } = await opened.rehearsal.makeKsr(quarter, readCurrentSkr(workspaceAt(opened.root))?.skr);
  const { ceremonyId } = await opened.call<CeremonyState>('ceremony.create', { template: 'ksr-signing' });
  await runUntil(opened, ceremonyId, 'sign-ksr', ksr);
  const ref = { ceremonyId, stepId: 'sign-ksr' };
  await opened.call('step.start', ref);
  await opened.call('step.prepare', { ...ref, input: { kind: 'sign-ksr', ksr: { path: ksr } } });
  const skrs = async () => (await opened.call<CeremonyState>('ceremony.state', { ceremonyId })).artifacts.filter((a) => a.kind === 'skr').length;
  const before = await skrs();
  const sign = () =>
    opened.call('step.perform', {
      ...ref,
      performer: { personId: 'ca' },
      input: { kind: 'sign-ksr', outOfBandHash: toPgpWords(sha256(readFileSync(ksr))).join(' '), readBy: 'rzm' },
    });
  const [first, second] = await Promise.allSettled([sign(), sign()]);
  assert.equal(first.status, 'fulfilled');
  assert.equal(second.status, 'rejected');
  assert.equal((second.reason as { code?: string }).code, 'CONFLICT', String(second.reason));
  assert.equal(await skrs(), before + 1, 'one SKR was written');
  const signed = await opened.call<{ events: unknown[] }>('log.events', { ceremonyId, types: ['action.performed'] });
  assert.equal(signed.events.filter((e) => (e as { payload: { stepId: string } }).payload.stepId === 'sign-ksr').length, 1, 'the step was performed once');
});
