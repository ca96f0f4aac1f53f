import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dsRecord } from '../../../core/dnssec/dnskey.js';
import { rehearsalHsmLabel } from '../../../core/service/hsmProvider.js';
import {
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

/** DR 4.2: the private KSK was exfiltrated or derived: it must never sign again. */

test('the KSK compromise procedures (4.2.1 A/B, 4.2.2 A/B) on SoftHSM2 through the contract', async (t) => {
  const base = await baseWorld(t);

  for (const [procedure, hsm, keyType, destroys] of [
    ['4.2.1A', 'HSM2', 'new', true],
    ['4.2.1B', 'HSM-TEMP', 'temporary', false],
    ['4.2.2A', 'HSM-NEW', 'temporary', true],
    ['4.2.2B', 'HSM-TEMP', 'temporary', false],
  ] as const) {
    await t.test(
      `${procedure}: ${destroys ? 'destroys the compromised KSK (gone from its token), ' : ''}generates a ${keyType} KSK in ${hsm}, signs the KSR with it, publishes a trust anchor whose DS matches the SKR's KSK`,
      async (t) => {
        const opened = openWorkspace(cloneWorld(t, base));
        try {
          const compromised = await worldKsk(opened);
          const { state } = await opened.rehearsal.rehearse(procedure);
          assertCompleteAndVerified(opened.root, state);
          assert.equal(state.triage?.procedure, procedure);
          assert.equal(state.script.disaster, 'compromise');

          const generated = stepOfKind(state, 'generate-ksk');
          assert.equal(generated.result?.keyType, keyType);
          assert.equal(generated.result?.hsmId, hsm);
          const key = keyOf(generated.result);
          assert.ok(!key.publicKey.equals(compromised.publicKey));
          const skr = await signedSkr(opened, state);
          assertSignedBy(skr, key);
          assert.ok(
            skr.bundles.every((b) => !b.keys.some((k) => k.publicKey.equals(compromised.publicKey))),
            'the compromised KSK is not in the new SKR',
          );
          const anchor = await publishedAnchor(opened, state);
          const signingKey = skr.bundles[0]?.keys.find((k) => k.flags === 257);
          assert.ok(signingKey);
          assert.equal(anchor.digest, dsRecord('.', signingKey).digest.toString('hex').toUpperCase(), "the trust anchor's DS is the DS of the SKR's KSK");
          assert.equal(anchor.keyTag, key.keyTag);

          if (procedure === '4.2.1A') assert.equal(stepOfKind(state, 'choose-algorithm').result?.algorithm, 'RSASHA256');
          if (procedure.startsWith('4.2.2')) {
            assert.ok(!state.participants.some((p) => p.roles.includes('CO')), 'no Crypto Officer attended');
            assert.ok(
              state.exceptions.some((x) => x.exceptionId.startsWith('by-staff')),
              "operator staff presenting a CO's credential is a witnessed exception",
            );
          }
          if (procedure === '4.2.2A')
            assert.ok(state.exceptions.filter((x) => x.exceptionId.startsWith('drill-')).length >= 3, 'each drilled safe deposit box is an exception');
          await opened.close();

          if (destroys) {
            const destroyed = stepOfKind(state, 'destroy-ksk').result as { destroyed: boolean; key: { label: string } };
            assert.equal(destroyed.destroyed, true);
            assert.equal(destroyed.key.label, compromised.label);
            const hsm1 = await loginAsCos(opened.root, rehearsalHsmLabel('HSM1'));
            try {
              assert.equal(await hsm1.findKey(compromised.label), null, 'the compromised KSK is gone from HSM1');
              assert.ok(!(await hsm1.listKeys()).some((k) => k.label === compromised.label), 'no object of it is left');
            } finally {
              await hsm1.close();
            }
          }
          const token = await loginAsCos(opened.root, rehearsalHsmLabel(hsm));
          try {
            assert.ok((await token.findKey(key.label))?.publicKey.equals(key.publicKey), `${hsm}'s token holds the new KSK`);
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
