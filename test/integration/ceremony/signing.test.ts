import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { dsRecord } from '../../../core/dnssec/dnskey.js';
import { parseSkr } from '../../../core/dnssec/ksrParse.js';
import { rehearsalHsmLabel } from '../../../core/service/hsmProvider.js';
import {
  artifact,
  assertCompleteAndVerified,
  assertSignedBy,
  baseWorld,
  cloneWorld,
  keyOf,
  loginAsCos,
  openWorkspace,
  publishedAnchor,
  signedSkr,
  stepOfKind,
  worldKsk,
} from './world.js';

/** DR 4.1: the KSK is intact but no standard ceremony can produce an SKR in time. */

test('the KSK signing disaster procedures (4.1.1, 4.1.2 A/B, 4.1.3) and the release of stored RRSIGs', async (t) => {
  const base = await baseWorld(t);

  for (const [procedure, hsm] of [
    ['4.1.1', 'HSM-TEMP'],
    ['4.1.2B', 'HSM-TEMP'],
  ] as const) {
    await t.test(
      `${procedure} generates a temporary KSK in ${hsm} outside the KMF, signs the KSR with it, publishes its trust anchor and leaves the follow-ups open`,
      async (t) => {
        const opened = openWorkspace(cloneWorld(t, base));
        try {
          const existing = await worldKsk(opened);
          const { state } = await opened.rehearsal.rehearse(procedure);
          assertCompleteAndVerified(opened.root, state);
          const key = keyOf(stepOfKind(state, 'generate-ksk').result);
          assert.equal(stepOfKind(state, 'generate-ksk').result?.keyType, 'temporary');
          assert.ok(!key.publicKey.equals(existing.publicKey));
          assertSignedBy(await signedSkr(opened, state), key);
          const anchor = await publishedAnchor(opened, state);
          assert.equal(anchor.digest, dsRecord('.', key).digest.toString('hex').toUpperCase());
          assert.deepEqual(state.followUps.opened.map((o) => o.kind).sort(), ['distribute-credentials', 'extraordinary-ceremony', 'rfc5011-rollover']);
          assert.ok(state.followUps.outstanding.length >= 3, 'the obligations stay open in the workspace');
          if (procedure === '4.1.2B') {
            const init = stepOfKind(state, 'hsm-initialize').result as { issued: { holderId: string }[] };
            assert.ok(
              init.issued.every((c) => c.holderId.startsWith('sealed-')),
              'with no CO present, every new credential is sealed for distribution',
            );
            assert.ok(state.exceptions.filter((x) => x.exceptionId.startsWith('by-staff')).length >= 3);
          }
          await opened.close();
          const token = await loginAsCos(opened.root, rehearsalHsmLabel(hsm));
          try {
            assert.ok((await token.findKey(key.label))?.publicKey.equals(key.publicKey));
          } finally {
            await token.close();
          }
        } finally {
          await opened.close();
        }
      },
    );
  }

  await t.test('4.1.2 A signs with the existing KSK; the drilled boxes and the staff presenting the credentials are witnessed exceptions', async (t) => {
    const opened = openWorkspace(cloneWorld(t, base));
    try {
      const existing = await worldKsk(opened);
      const { state } = await opened.rehearsal.rehearse('4.1.2A');
      assertCompleteAndVerified(opened.root, state);
      assertSignedBy(await signedSkr(opened, state), existing);
      assert.ok(!state.participants.some((p) => p.roles.includes('CO')), 'no Crypto Officer attended');
      const activate = stepOfKind(state, 'hsm-activate');
      assert.ok(activate.quorum?.presented.every((p) => p.byStaff && p.personId === 'ca'));
      assert.equal(new Set(activate.quorum?.presented.map((p) => p.credentialId)).size, 3, 'three distinct CO credentials');
      assert.deepEqual(
        state.branches.map((b) => [b.stepId, b.branch]),
        [['schedule-alternate', 'proceed-now']],
        'no time for an alternate date: the procedure goes on',
      );
      assert.equal(stepOfKind(state, 'schedule-alternate').result?.decision, 'proceed-now');
      // One Crypto Officer's key came by courier: that box is opened with it, and only the others the quorum needs are drilled.
      const couriered = (stepOfKind(state, 'courier-keys').result?.packages as { holder: string }[]).map((p) => p.holder);
      assert.equal(couriered.length, 1);
      const drilled = state.exceptions.filter((x) => x.exceptionId.startsWith('drill-'));
      assert.equal(drilled.length, 2, 'three credentials are needed: one box opens with its key, two are drilled');
      assert.ok(drilled.every((x) => x.signedBy.includes('iw')));
      assert.ok(
        drilled.every((x) => !x.expected.includes(`box of ${couriered[0]} `)),
        'the box whose key arrived is not drilled',
      );
      assert.equal(stepOfKind(state, 'drill-safe-deposit-box').result?.openedWithKeys, 1);
      assert.equal(state.exceptions.filter((x) => x.check).length, 0, 'the existing KSK overrides no check');
    } finally {
      await opened.close();
    }
  });

  await t.test('4.1.2 A with a high risk of prolonged unavailability runs now and carries DR 4.1.3, which a DR 4.1.3 ceremony discharges', async (t) => {
    const opened = openWorkspace(cloneWorld(t, base));
    try {
      const { state } = await opened.rehearsal.rehearse('4.1.2A', { prolonged: true });
      assertCompleteAndVerified(opened.root, state);
      assert.equal(state.triage?.procedure, '4.1.2A', 'the procedure needed now, not replaced by 4.1.3');
      assert.equal(state.triage?.plan, '4.1.3');
      assert.match(state.triage?.next ?? '', /^Run DR 4\.1\.2 A now .*In addition, DR 4\.1\.3 for the prolonged unavailability/);
      const plan = state.followUps.opened.find((o) => o.kind === 'sign-ahead');
      assert.equal(plan?.id, `${state.ceremonyId}/dr-4.1.3-plan`);
      const ahead = (await opened.rehearsal.rehearse('4.1.3')).state;
      assertCompleteAndVerified(opened.root, ahead);
      assert.deepEqual(
        ahead.followUps.discharged.map((o) => o.id),
        [plan?.id],
        'the DR 4.1.3 ceremony discharges the plan the earlier ceremony carried',
      );
    } finally {
      await opened.close();
    }
  });

  await t.test('4.1.3 signs additional KSRs spanning the extended period, stores them, and rrsig-release hands the next one to the RZM', async (t) => {
    const opened = openWorkspace(cloneWorld(t, base));
    try {
      const existing = await worldKsk(opened);
      const { state } = await opened.rehearsal.rehearse('4.1.3');
      assertCompleteAndVerified(opened.root, state);
      assertSignedBy(await signedSkr(opened, state), existing);
      const additional = stepOfKind(state, 'sign-additional-ksrs').result as {
        skrs: { id: string; sha256: string; lastExpiration: string; firstInception: string }[];
        coverUntil: string;
        covered: boolean;
      };
      assert.equal(additional.skrs.length, 2);
      assert.equal(additional.covered, true, 'the additional SKRs cover the assessed period');
      assert.ok((additional.skrs.at(-1)?.lastExpiration ?? '') >= additional.coverUntil);
      let previousEnd = (stepOfKind(state, 'sign-ksr').result?.skr as { lastExpiration: string }).lastExpiration;
      for (const s of additional.skrs) {
        const skr = parseSkr(await artifact(opened, state.ceremonyId, s.sha256));
        assertSignedBy(skr, existing);
        assert.ok(s.firstInception < previousEnd, `SKR ${s.id} starts before the previous one ends (no gap)`);
        previousEnd = s.lastExpiration;
      }
      const horizon = state.exceptions.filter((x) => x.check === 'KSR-POLICY-SIG-HORIZON');
      assert.equal(horizon.length, 1, 'signatures beyond 180 days are allowed only by a witnessed exception naming KSR-POLICY-SIG-HORIZON');
      const stored = stepOfKind(state, 'store-rrsigs').result as { stored: { file: string; sha256: string }[]; tebSerial: string };
      assert.equal(stored.stored.length, 2);
      for (const f of stored.stored) assert.ok(existsSync(f.file), `${f.file} is stored`);
      assert.deepEqual(
        state.followUps.opened.map((o) => o.kind),
        ['release-rrsigs'],
      );

      const release = (await opened.rehearsal.rehearse('rrsig-release')).state;
      assertCompleteAndVerified(opened.root, release);
      const released = stepOfKind(release, 'release-rrsigs').result as { released: { sha256: string }; remaining: number };
      assert.equal(released.released.sha256, additional.skrs[0]?.sha256, 'the earliest stored SKR is released first');
      assert.equal(released.remaining, 1);
      assert.ok(
        release.followUps.outstanding.some((o) => o.kind === 'release-rrsigs'),
        'the obligation stays open until the last stored SKR is released',
      );
      const tebCheck = stepOfKind(release, 'teb-check');
      assert.ok(
        (tebCheck.result?.bags as { matched: boolean }[]).every((b) => b.matched),
        "the stored SKRs' bag is the one sealed at 4.1.3",
      );
    } finally {
      await opened.close();
    }
  });
});
