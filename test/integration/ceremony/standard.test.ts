import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Rehearsal } from '../../../core/ceremony/engine/rehearsal/rehearse.js';
import { algorithmName } from '../../../core/dnssec/algorithms.js';
import { dsRecord } from '../../../core/dnssec/dnskey.js';
import { rehearsalHsmLabel } from '../../../core/service/hsmProvider.js';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';
import type { ContractEvent } from '../../../core/contract/events.js';
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
} from './world.js';

/** The standard ceremonies: the quarterly KSR signing, the KSK generation, and the extraordinary ceremony a disaster leaves. */

test('the standard ceremonies on SoftHSM2 through the contract', async (t) => {
  const base = await baseWorld(t);
  const opened = openWorkspace(base);
  const world = await Promise.all(
    (await opened.call<{ ceremonyId: string }[]>('ceremony.list', {})).map((c) => opened.call<CeremonyState>('ceremony.state', { ceremonyId: c.ceremonyId })),
  );
  await opened.close();
  const [first, signing] = world as [CeremonyState, CeremonyState];
  const ksk = keyOf(stepOfKind(first, 'generate-ksk').result);

  await t.test("the world's own ceremonies: HSM1 commissioned, a KSK generated and backed up, the first KSR signed", () => {
    assertCompleteAndVerified(base, first);
    assertCompleteAndVerified(base, signing);
    const init = stepOfKind(first, 'hsm-initialize').result as { threshold: number; total: number; issued: { holderId: string }[] };
    assert.deepEqual([init.threshold, init.total], [3, 7]);
    assert.equal(init.issued.filter((c) => !c.holderId.startsWith('sealed-')).length, 4, 'the COs present received their credential, the others are sealed');
  });

  await t.test('ksk-generation generates a KSK in HSM1, backs it up to 7 RKSH shares and writes its trust anchor', async (t) => {
    const run = openWorkspace(cloneWorld(t, base));
    const events: ContractEvent[] = [];
    run.backend.onEvent((e) => events.push(e));
    try {
      const { state } = await run.rehearsal.rehearse('ksk-generation');
      assertCompleteAndVerified(run.root, state);
      const done = events.filter((e) => e.type === 'progress' && e.done).map((e) => (e.type === 'progress' ? e.label : ''));
      assert.ok(done.some((l) => /^Generated K\w+ in HSM1$/.test(l)) && done.some((l) => /^Backed up K\w+$/.test(l)), `progress reported: ${done.join('; ')}`);
      assert.ok(
        events.some((e) => e.type === 'state-changed' && e.topic === 'ceremony' && e.id === state.ceremonyId),
        'every change is announced',
      );
      const key = keyOf(stepOfKind(state, 'generate-ksk').result);
      assert.ok(!key.publicKey.equals(ksk.publicKey));
      const backup = stepOfKind(state, 'backup-ksk').result as { issued: unknown[]; threshold: number; copies: string[]; sha256: string };
      assert.equal(backup.issued.length, 7);
      assert.equal(backup.threshold, 5);
      assert.equal(backup.copies.length, 2);
      assert.ok(state.artifacts.some((a) => a.kind === 'backup' && a.sha256 === backup.sha256));
      const anchor = await publishedAnchor(run, state);
      assert.equal(anchor.digest, dsRecord('.', key).digest.toString('hex').toUpperCase());
      await run.close();
      const hsm1 = await loginAsCos(run.root, rehearsalHsmLabel('HSM1'));
      try {
        assert.ok((await hsm1.findKey(key.label))?.publicKey.equals(key.publicKey));
        assert.ok((await hsm1.findKey(ksk.label))?.publicKey.equals(ksk.publicKey), 'the earlier KSK is still there');
      } finally {
        await hsm1.close();
      }
    } finally {
      await run.close();
    }
  });

  await t.test('ksr-signing signs the next KSR with the current KSK, chained to the current SKR', async (t) => {
    const run = openWorkspace(cloneWorld(t, base));
    try {
      const { state } = await run.rehearsal.rehearse('ksr-signing');
      assertCompleteAndVerified(run.root, state);
      assertSignedBy(await signedSkr(run, state), ksk);
      assert.equal(
        state.currentSkr?.id,
        (stepOfKind(signing, 'sign-ksr').result?.skr as { id: string }).id,
        'the SKR current when it opened is the one the previous signing made',
      );
      const result = stepOfKind(state, 'sign-ksr').result as { checks: { failed: number; passed: number } };
      assert.equal(result.checks.failed, 0);
      const overview = await run.call<{ currentSkr: { id: string } }>('workspace.overview', {});
      assert.equal(overview.currentSkr.id, (stepOfKind(state, 'sign-ksr').result?.skr as { id: string }).id, 'the new SKR is now current');
    } finally {
      await run.close();
    }
  });

  await t.test("ksr-signing with the operator's own ksrsigner.yaml: its schema signs, its switches turn checks off", async (t) => {
    const root = cloneWorld(t, base);
    const policyFile = path.join(root, 'ksrsigner.yaml');
    writeFileSync(
      policyFile,
      `---
keys:
  ksk_current:
    description: the KSK of the rehearsal world
    label: ${ksk.label}
    key_tag: ${ksk.keyTag}
    algorithm: ${algorithmName(ksk.algorithm)}
    valid_from: 2010-07-15T00:00:00+00:00
request_policy:
  check_cycle_length: false
schemas:
  normal:
${Array.from({ length: 9 }, (_, i) => `    ${i + 1}: {publish: ksk_current, sign: ksk_current}\n`).join('')}`,
    );
    const run = openWorkspace(root);
    try {
      const rehearsal = new Rehearsal({
        api: (channel, request) => run.backend.call(channel, request),
        workspace: root,
        clock: run.clock,
        hsms: run.backend.hsm,
        policy: { path: policyFile },
      });
      const { state } = await rehearsal.rehearse('ksr-signing');
      assertCompleteAndVerified(run.root, state);
      assertSignedBy(await signedSkr(run, state), ksk);
      assert.ok(
        state.artifacts.some((a) => a.name === 'signing-policy ksrsigner.yaml'),
        'the policy used is in the log',
      );
      const { events } = await run.call<{ events: { payload: { results: { check: string; status: string; message: string }[] } }[] }>('log.events', {
        ceremonyId: state.ceremonyId,
        types: ['checks.run'],
      });
      const cycle = events.flatMap((e) => e.payload.results).filter((r) => r.check === 'KSR-BUNDLE-CYCLE-DURATION');
      assert.ok(cycle.length > 0);
      for (const r of cycle)
        assert.deepEqual(
          [r.status, r.message],
          ['skipped', 'KSR-BUNDLE-CYCLE-DURATION: skipped: switched off by policy (request_policy.check_cycle_length: false).'],
        );
    } finally {
      await run.close();
    }
  });

  await t.test('the extraordinary ceremony after 4.1.1 pre-publishes a new KSK from a new HSM and discharges the obligations 4.1.1 left', async (t) => {
    const run = openWorkspace(cloneWorld(t, base));
    try {
      const dr = (await run.rehearsal.rehearse('4.1.1')).state;
      const temporary = keyOf(stepOfKind(dr, 'generate-ksk').result);
      const { state } = await run.rehearsal.rehearse('extraordinary');
      assertCompleteAndVerified(run.root, state);
      const key = keyOf(stepOfKind(state, 'generate-ksk').result);
      const skr = await signedSkr(run, state);
      assertSignedBy(skr, temporary);
      assert.ok(
        skr.bundles.at(-1)?.keys.some((k) => k.publicKey.equals(key.publicKey)),
        'the new KSK is pre-published',
      );
      assert.equal((await publishedAnchor(run, state)).keyTag, key.keyTag);
      const discharged = state.followUps.discharged.map((o) => o.kind).sort();
      assert.deepEqual(discharged, ['distribute-credentials', 'extraordinary-ceremony']);
      assert.deepEqual(
        state.followUps.outstanding.map((o) => o.kind),
        ['rfc5011-rollover'],
        'the rollover stays open for the quarterly ceremonies to complete',
      );
    } finally {
      await run.close();
    }
  });
});
