import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dsRecord } from '../../../core/dnssec/dnskey.js';
import { isHsmError } from '../../../core/hsm/errors.js';
import { rehearsalHsmLabel } from '../../../core/service/hsmProvider.js';
import {
  steps,
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

/** DR 4.3: every HSM holding the KSK failed (the rehearsal deletes HSM1's token before the ceremony). */

test('the lost KSK procedures (4.3.1 A/B/C, 4.3.2 A/B) on SoftHSM2 through the contract', async (t) => {
  const base = await baseWorld(t);
  const original = await (async () => {
    const opened = openWorkspace(base);
    try {
      return await worldKsk(opened);
    } finally {
      await opened.close();
    }
  })();

  await t.test(
    '4.3.1 A reconstructs the KSK from its backup in another token with 5 RKSH shares; the SKR validates with the original public key, and so does the next quarter’s',
    async (t) => {
      const opened = openWorkspace(cloneWorld(t, base));
      try {
        const { state } = await opened.rehearsal.rehearse('4.3.1A');
        assertCompleteAndVerified(opened.root, state);
        assert.equal(state.triage?.procedure, '4.3.1A');
        const reconstruct = stepOfKind(state, 'reconstruct-ksk');
        assert.equal(new Set(reconstruct.quorum?.presented.map((p) => p.personId)).size, 5, 'five distinct RKSHs presented their shares');
        assert.ok(reconstruct.quorum?.presented.every((p) => p.personId.startsWith('rksh-') && !p.byStaff));
        const restored = keyOf(reconstruct.result);
        assert.equal(restored.label, original.label);
        assert.ok(restored.publicKey.equals(original.publicKey), 'the restored key is the original KSK');
        assertSignedBy(await signedSkr(opened, state), original);
        assert.equal(state.hsms.find((h) => h.id === 'HSM2')?.binding?.tokenLabel, rehearsalHsmLabel('HSM2'));
        await opened.close();
        // HSM1's token is gone; the key is in HSM2's token, which is another token.
        await assert.rejects(loginAsCos(opened.root, rehearsalHsmLabel('HSM1')), (e) => isHsmError(e, 'TOKEN_NOT_FOUND'));
        const hsm2 = await loginAsCos(opened.root, rehearsalHsmLabel('HSM2'));
        try {
          const held = await hsm2.findKey(original.label);
          assert.ok(held?.publicKey.equals(original.publicKey), 'HSM2 holds the reconstructed KSK');
          assert.ok((await hsm2.sign(original.label, Buffer.from('probe'))).length > 0, 'and it signs');
        } finally {
          await hsm2.close();
        }
        // The next quarterly ceremony signs with the same KSK, now in HSM2: nothing changed for validators.
        const next = openWorkspace(opened.root);
        try {
          const { state: quarterly } = await next.rehearsal.rehearse('ksr-signing');
          assertCompleteAndVerified(next.root, quarterly);
          assert.equal(quarterly.hsms.find((h) => h.id === 'HSM1')?.binding?.tokenLabel, rehearsalHsmLabel('HSM2'));
          assertSignedBy(await signedSkr(next, quarterly), original);
          assert.equal(quarterly.exceptions.filter((x) => x.check).length, 0, 'the chain to the SKR 4.3.1 A made passes every check');
        } finally {
          await next.close();
        }
      } finally {
        await opened.close();
      }
    },
  );

  for (const [procedure, hsm, keyType, branch] of [
    ['4.3.1B', 'HSM-NEW', 'new', undefined],
    ['4.3.1C', 'HSM-TEMP', 'temporary', undefined],
    ['4.3.2A', 'HSM-NEW', 'temporary', 'cos-absent'],
    ['4.3.2A', 'HSM-NEW', 'temporary', 'cos-present'],
    ['4.3.2B', 'HSM-TEMP', 'temporary', 'cos-absent'],
  ] as const) {
    await t.test(
      `${procedure}${branch ? ` (${branch})` : ''} generates a ${keyType} KSK in ${hsm}, signs the KSR with it and publishes its trust anchor`,
      async (t) => {
        const opened = openWorkspace(cloneWorld(t, base));
        try {
          const { state } = await opened.rehearsal.rehearse(procedure, branch ? { branch } : {});
          assertCompleteAndVerified(opened.root, state);
          assert.equal(state.triage?.procedure, procedure);
          const generated = stepOfKind(state, 'generate-ksk');
          assert.equal(generated.result?.keyType, keyType);
          assert.equal(generated.result?.hsmId, hsm);
          const key = keyOf(generated.result);
          assert.notEqual(key.label, original.label);
          assertSignedBy(await signedSkr(opened, state), key);
          const anchor = await publishedAnchor(opened, state);
          assert.equal(anchor.keyTag, key.keyTag);
          assert.equal(anchor.digest, dsRecord('.', key).digest.toString('hex').toUpperCase(), "the trust anchor's DS is the DS of the KSK that signs the SKR");
          assert.match(anchor.xml, /REHEARSAL/);
          const overridden = state.exceptions.filter((x) => x.check).map((x) => x.check);
          assert.deepEqual(
            overridden.sort(),
            ['KSR-CHAIN-KEYS-HSM', 'KSR-POLICY-SAFETY'],
            'only the checks the disaster excuses were overridden, each by a witnessed exception',
          );
          const declared = state.followUps.opened.map((o) => o.kind).sort();
          if (procedure !== '4.3.1B') assert.ok(declared.includes('extraordinary-ceremony'), 'the follow-up obligations are open');
          if (procedure.startsWith('4.3.2')) {
            assert.ok(!state.participants.some((p) => p.roles.includes('RKSH')), 'no RKSH took part');
            // "Applicable whether or not COs are available": who signed in decided the branch, and with it whose hands hold the credentials.
            assert.deepEqual(
              state.branches.map((b) => [b.stepId, b.branch]),
              [['sign-in', branch]],
            );
            assert.equal(state.triage?.branch, branch, 'triage asked about the Crypto Officers and recorded the branch');
            const activate = steps(state).find((s) => s.action.kind === 'hsm-activate' && s.status === 'completed');
            const init = steps(state).find((s) => s.action.kind === 'hsm-initialize' && s.status === 'completed')?.result as { issued: { holderId: string }[] };
            if (branch === 'cos-present') {
              assert.ok(state.participants.filter((p) => p.roles.includes('CO')).length >= 3, 'the Crypto Officers signed in');
              assert.ok(
                activate?.quorum?.presented.every((p) => !p.byStaff && p.personId.startsWith('co-')),
                'each Crypto Officer presented their own credential',
              );
              assert.equal(
                state.exceptions.filter((x) => x.exceptionId.startsWith('by-staff')).length,
                0,
                'no credential "presented in the holder\'s absence"',
              );
              assert.ok(
                init.issued.some((c) => !c.holderId.startsWith('sealed-')),
                'the Crypto Officers present received their new credentials',
              );
              assert.ok(
                steps(state)
                  .filter((s) => s.id.endsWith('-without-cos'))
                  .every((s) => s.status === 'not-applicable'),
              );
            } else {
              assert.ok(!state.participants.some((p) => p.roles.includes('CO')), 'no Crypto Officer attended');
              assert.ok(
                activate?.quorum?.presented.every((p) => p.byStaff),
                'operator staff presented the credentials',
              );
              assert.ok(
                state.exceptions.filter((x) => x.exceptionId.startsWith('by-staff')).length >= 3,
                'each presentation by staff is a witnessed exception',
              );
              assert.ok(
                init.issued.every((c) => c.holderId.startsWith('sealed-')),
                'every new credential is sealed for distribution',
              );
              assert.ok(
                steps(state)
                  .filter((s) => s.id.endsWith('-with-cos'))
                  .every((s) => s.status === 'not-applicable'),
              );
            }
          }
          await opened.close();
          const token = await loginAsCos(opened.root, rehearsalHsmLabel(hsm));
          try {
            assert.ok((await token.findKey(key.label))?.publicKey.equals(key.publicKey), `${hsm}'s token holds the new key`);
          } finally {
            await token.close();
          }
        } finally {
          await opened.close();
        }
      },
    );
  }
});
