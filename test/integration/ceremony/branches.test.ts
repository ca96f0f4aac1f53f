import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rehearsal } from '../../../core/ceremony/engine/rehearsal/rehearse.js';
import { describeCeremony } from '../../../core/cli/commands/ceremony.js';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import type { StepInput } from '../../../core/contract/stepInputs.js';
import { systemClock } from '../../../core/clock.js';
import { openEvidenceStore } from '../../../core/evidence/store.js';
import { rehearsalHsmLabel } from '../../../core/service/hsmProvider.js';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { assertCompleteAndVerified, baseWorld, cloneWorld, loginAsCos, openWorkspace, stepOfKind, steps, worldKsk, type Opened } from './world.js';

/**
 * The branches the DR document ends or splits: an alternate date closes the ceremony as its own
 * outcome, with nothing signed after the decision; the conditions inside a branch are checked
 * against what the log records (the keys that arrived, the HSMs that held the compromised KSK).
 */

const DAY = 86_400_000;

/** A rehearsal of the opened workspace whose simulated people can be interrupted or led astray. */
function rehearsalOf(
  opened: Opened,
  hooks: { beforeStep?: (step: StepState) => Promise<void>; adjust?: (step: StepState, input: StepInput) => StepInput },
): Rehearsal {
  return new Rehearsal({ api: (c, r) => opened.backend.call(c, r), workspace: opened.root, clock: opened.clock, hsms: opened.backend.hsm, ...hooks });
}

/** No HSM operation, key, SKR or trust anchor after the decision that ended the ceremony. */
function assertNothingAfterTheDecision(root: string, state: CeremonyState): void {
  const store = openEvidenceStore(workspaceAt(root).database, systemClock);
  try {
    const events = store.events(state.ceremonyId);
    const decided = events.findIndex((e) => e.type === 'branch.taken');
    assert.ok(decided > 0, 'the log records the decision');
    const after = events.slice(decided + 1);
    assert.deepEqual(
      after
        .filter((e) => e.type.startsWith('hsm.') || e.type === 'checks.run' || (e.type === 'artifact.stored' && e.payload.kind !== 'signature-image'))
        .map((e) => e.type),
      [],
    );
    const performed = after.flatMap((e) => (e.type === 'action.performed' ? [e.payload.kind] : []));
    assert.deepEqual(performed, ['sign-in', 'follow-up', 'exceptions-review', 'attestation', 'sign-out'], 'after the decision only the record of it is made');
  } finally {
    store.close();
  }
}

test('the branches of the DR procedures, rehearsed on SoftHSM2 through the contract', async (t) => {
  const base = await baseWorld(t);

  await t.test(
    '4.1.2 A alternate date: the ceremony ends with the decision, as its own outcome; the follow-up is carried and discharged on that date',
    async (t) => {
      const opened = openWorkspace(cloneWorld(t, base));
      try {
        const { state } = await opened.rehearsal.rehearse('4.1.2A', { branch: 'alternate-date' });
        assertCompleteAndVerified(opened.root, state);
        assertNothingAfterTheDecision(opened.root, state);
        assert.equal(state.triage?.branch, 'alternate-date', 'triage weighed the time and named the branch');
        const decision = stepOfKind(state, 'schedule-alternate');
        assert.equal(decision.result?.decision, 'alternate-date');
        assert.match(state.outcome ?? '', new RegExp(`^Rescheduled to ${String(decision.result?.alternateDate).replace(/[.]/g, '\\.')}`));
        const done = steps(state)
          .filter((s) => s.status === 'completed')
          .map((s) => s.id);
        assert.deepEqual(done, [
          'notify',
          'schedule-alternate',
          'alternate-sign-in',
          'alternate-follow-up',
          'alternate-exceptions-review',
          'alternate-attestation',
          'alternate-sign-out',
        ]);
        assert.equal(stepOfKind(state, 'sign-ksr').status, 'not-applicable', 'no KSR is signed');
        assert.deepEqual(
          state.attestations.map((a) => [a.role, a.signed]),
          [['IW', true]],
          'the IW attests the decision',
        );
        const [carried] = state.followUps.opened;
        assert.equal(carried?.kind, 'rescheduled-ceremony');
        assert.equal(carried?.detail, state.outcome);

        // The deadline shown is the one the decision was made on: the clock moving on does not change a closed ceremony.
        const recorded = state.deadlineRecorded;
        assert.equal(recorded?.stepId, 'schedule-alternate');
        assert.equal(recorded?.state, 'sufficient');
        opened.clock.advanceTo(new Date(opened.clock.now().getTime() + 30 * DAY));
        const later = await opened.call<CeremonyState>('ceremony.state', { ceremonyId: state.ceremonyId });
        assert.deepEqual({ ...later.deadline, stepId: 'schedule-alternate' }, recorded);
        assert.match(describeCeremony(later), /left as recorded at .*, when it was decided\); SKR due at the RZM by /);
        assert.match(
          describeCeremony(later),
          /follow-ups opened by this ceremony:\n {2}.*\/rescheduled-ceremony: Hold the Key Ceremony on the alternate date.*\n.*OPEN: on the alternate date/,
        );

        const next = (await opened.rehearsal.rehearse('ksr-signing')).state;
        assertCompleteAndVerified(opened.root, next);
        assert.deepEqual(
          next.followUps.discharged.map((o) => o.id),
          [carried?.id],
          'the quarterly ceremony held on the alternate date discharges it',
        );
        assert.match(describeCeremony(next), /follow-ups discharged by this ceremony:\n {2}.*rescheduled-ceremony.*\n.*discharged by /);
      } finally {
        await opened.close();
      }
    },
  );

  await t.test(
    '4.2.2 A alternate date: the compromised KSK stays until DR 4.2.1 A, held with the Crypto Officers, destroys it and discharges the follow-up',
    async (t) => {
      const opened = openWorkspace(cloneWorld(t, base));
      try {
        const compromised = await worldKsk(opened);
        const { state } = await opened.rehearsal.rehearse('4.2.2A', { branch: 'alternate-date' });
        assertCompleteAndVerified(opened.root, state);
        assertNothingAfterTheDecision(opened.root, state);
        assert.equal(stepOfKind(state, 'destroy-ksk').status, 'not-applicable');
        assert.equal(stepOfKind(state, 'generate-ksk').status, 'not-applicable');
        await opened.close();
        const hsm1 = await loginAsCos(opened.root, rehearsalHsmLabel('HSM1'));
        try {
          assert.ok(await hsm1.findKey(compromised.label), 'nothing was done to the KSK on the alternate-date branch');
        } finally {
          await hsm1.close();
        }
        const again = openWorkspace(opened.root);
        try {
          const next = (await again.rehearsal.rehearse('4.2.1A')).state;
          assertCompleteAndVerified(again.root, next);
          assert.deepEqual(
            next.followUps.discharged.map((o) => o.kind),
            ['rescheduled-ceremony'],
          );
          assert.equal(stepOfKind(next, 'destroy-ksk').result?.destroyed, true);
        } finally {
          await again.close();
        }
      } finally {
        await opened.close();
      }
    },
  );

  await t.test('4.1.2 A, every key couriered: no box is drilled, and drilling a box whose key is here is refused unless the CA says why', async (t) => {
    const opened = openWorkspace(cloneWorld(t, base));
    const refusals: string[] = [];
    try {
      const rehearsal = rehearsalOf(opened, {
        async beforeStep(step) {
          if (step.id !== 'drill-boxes' || refusals.length > 0) return;
          const state = await opened.call<CeremonyState>('ceremony.state', { ceremonyId: rehearsal.world.state.running?.ceremonyId ?? '' });
          const holder = (stepOfKind(state, 'courier-keys').result?.packages as { holder: string }[])[0]?.holder as string;
          const box = { holder, reason: 'the Crypto Officer cannot attend', recovered: [{ serial: 'RH-999999', contents: 'Crypto Officer credential' }] };
          await assert.rejects(
            opened.call('step.perform', {
              ceremonyId: state.ceremonyId,
              stepId: step.id,
              performer: { personId: 'ca' },
              input: { kind: 'drill-safe-deposit-box', boxes: [box] },
            }),
            (e: Error) =>
              refusals.push(e.message) > 0 &&
              new RegExp(`The key of ${holder}'s safe deposit box is here \\(TEB RH-\\d+, checked and opened at this ceremony\\)`).test(e.message),
          );
        },
      });
      const { state } = await rehearsal.rehearse('4.1.2A', { branch: 'keys-couriered' });
      assertCompleteAndVerified(opened.root, state);
      assert.equal(refusals.length, 1);
      assert.equal((stepOfKind(state, 'courier-keys').result?.packages as unknown[]).length, 3, 'the quorum’s keys were sent');
      assert.deepEqual(stepOfKind(state, 'drill-safe-deposit-box').result?.boxes, [], 'no box was drilled');
      assert.equal(state.exceptions.filter((x) => x.exceptionId.startsWith('drill-')).length, 0);
      assert.ok(
        stepOfKind(state, 'drill-safe-deposit-box').failures.some((f) => `step.perform: ${f.error}` === refusals[0]),
        'the refusal is in the log',
      );
    } finally {
      await opened.close();
    }
  });

  await t.test('4.1.2 A, no key could be sent: the courier step says why, and fewer boxes than the quorum needs are refused', async (t) => {
    const opened = openWorkspace(cloneWorld(t, base));
    let refused = '';
    try {
      const rehearsal = rehearsalOf(opened, {
        async beforeStep(step) {
          if (step.id !== 'drill-boxes' || refused) return;
          const ceremonyId = rehearsal.world.state.running?.ceremonyId ?? '';
          await assert.rejects(
            opened.call('step.perform', { ceremonyId, stepId: step.id, performer: { personId: 'ca' }, input: { kind: 'drill-safe-deposit-box', boxes: [] } }),
            (e: Error) => {
              refused = e.message;
              return /The quorum needs 3 Crypto Officer credentials: 0 boxes open with their keys and 0 are drilled/.test(e.message);
            },
          );
        },
      });
      const { state } = await rehearsal.rehearse('4.1.2A', { branch: 'boxes-drilled' });
      assertCompleteAndVerified(opened.root, state);
      assert.ok(refused);
      assert.match(String(stepOfKind(state, 'courier-keys').result?.notPossible), /could not send their keys/);
      assert.deepEqual(stepOfKind(state, 'teb-check') && steps(state).find((s) => s.id === 'couriered-keys-check')?.result?.bags, []);
      assert.equal(state.exceptions.filter((x) => x.exceptionId.startsWith('drill-')).length, 3);
    } finally {
      await opened.close();
    }
  });

  await t.test(
    '4.2.1 B: the follow-up names the HSM that held the compromised KSK; an extraordinary ceremony retiring another HSM leaves it open, by name',
    async (t) => {
      const opened = openWorkspace(cloneWorld(t, base));
      let afterDr: string;
      let subject: { hsmId: string; serialNumber: string; model: string; tokenLabel?: string; reason: string };
      try {
        const compromised = await worldKsk(opened);
        const { state } = await opened.rehearsal.rehearse('4.2.1B');
        assertCompleteAndVerified(opened.root, state);
        const obligation = state.followUps.opened.find((o) => o.kind === 'replace-hardware');
        assert.equal(obligation?.subjects?.length, 1);
        subject = obligation?.subjects?.[0] as typeof subject;
        assert.equal(subject.hsmId, 'HSM1');
        assert.equal(subject.tokenLabel, rehearsalHsmLabel('HSM1'));
        assert.match(
          subject.reason,
          new RegExp(`held the compromised KSK ${compromised.label} \\(key tag ${compromised.keyTag}; generate-ksk at ceremony ksk-generation-`),
        );
        afterDr = opened.root;
      } finally {
        await opened.close();
      }

      await t.test('retiring HSM-TEMP instead of HSM1 discharges the rest and keeps "replace all compromised HSMs" open, naming HSM1', async (t) => {
        const wrong = openWorkspace(cloneWorld(t, afterDr));
        const refusals: string[] = [];
        let current: CeremonyState | undefined;
        try {
          const rehearsal = rehearsalOf(wrong, {
            adjust(step, input) {
              if (input.kind !== 'replace-hardware') return input;
              const temp = current?.hsms.find((h) => h.id === 'HSM-TEMP');
              return {
                kind: 'replace-hardware',
                retired: [{ hsm: 'HSM-TEMP', serial: temp?.identity?.serialNumber ?? '', disposition: `retired by mistake at step ${step.number}` }],
              };
            },
            async beforeStep(step) {
              const ceremonyId = rehearsal.world.state.running?.ceremonyId ?? '';
              current = await wrong.call<CeremonyState>('ceremony.state', { ceremonyId });
              const perform = (input: StepInput) => wrong.call('step.perform', { ceremonyId, stepId: step.id, performer: { personId: 'ca' }, input });
              const refused = (pattern: RegExp) => (e: Error) => refusals.push(e.message) > 0 && pattern.test(e.message);
              if (step.action.kind === 'replace-hardware' && step.status === 'pending') {
                await assert.rejects(
                  perform({ kind: 'replace-hardware', retired: [{ hsm: 'HSM9', serial: 'NOT-A-SERIAL', disposition: 'x' }] }),
                  refused(/No HSM with serial number NOT-A-SERIAL is in the record/),
                );
              }
              if (step.action.kind === 'discharge-follow-up' && step.status === 'pending') {
                const open = current.followUps.outstanding.find((o) => o.kind === 'replace-hardware');
                await assert.rejects(
                  perform({ kind: 'discharge-follow-up', discharges: [{ obligationId: open?.id ?? '', note: 'replaced' }] }),
                  refused(
                    new RegExp(
                      `stays open: HSM1 \\(${subject.model}, serial ${subject.serialNumber}, token ${subject.tokenLabel}\\), which held the compromised KSK .* is not retired in this ceremony`,
                    ),
                  ),
                );
              }
            },
          });
          const { state } = await rehearsal.rehearse('extraordinary');
          assertCompleteAndVerified(wrong.root, state);
          assert.equal(refusals.length, 2, refusals.join('\n'));
          assert.deepEqual(state.followUps.discharged.map((o) => o.kind).sort(), ['distribute-credentials', 'extraordinary-ceremony']);
          const still = state.followUps.outstanding.find((o) => o.kind === 'replace-hardware');
          assert.ok(still, 'the obligation stays open');
          assert.match(still.unmet ?? '', new RegExp(`^HSM1 \\(${subject.model}, serial ${subject.serialNumber}`));
          assert.match(describeCeremony(state), new RegExp(`not done by this ceremony: HSM1 .*serial ${subject.serialNumber}.* is not retired`));
          const retired = stepOfKind(state, 'replace-hardware').result?.retired as { serial: string }[];
          assert.notEqual(retired[0]?.serial, subject.serialNumber);
        } finally {
          await wrong.close();
        }
      });

      await t.test('retiring HSM1, as the obligation names it, discharges it', async (t) => {
        const right = openWorkspace(cloneWorld(t, afterDr));
        try {
          const { state } = await right.rehearsal.rehearse('extraordinary');
          assertCompleteAndVerified(right.root, state);
          assert.deepEqual(state.followUps.discharged.map((o) => o.kind).sort(), ['distribute-credentials', 'extraordinary-ceremony', 'replace-hardware']);
          assert.deepEqual(
            (stepOfKind(state, 'replace-hardware').result?.retired as { serial: string }[]).map((r) => r.serial),
            [subject.serialNumber],
          );
          assert.equal(state.followUps.outstanding.filter((o) => o.kind === 'replace-hardware').length, 0);
        } finally {
          await right.close();
        }
      });
    },
  );
});
