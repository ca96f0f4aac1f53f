import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../core/clock.js';
import { openEvidenceStore } from '../../../core/evidence/store.js';
import { rehearsalHsmLabel } from '../../../core/service/hsmProvider.js';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { cliPath } from '../../helpers/paths.js';
import { removeUnnamedArtifacts } from '../evidence/forgery.js';
import { applyTamper } from '../evidence/tampering.js';
import { assertCompleteAndVerified, baseWorld, cloneWorld, loginAsCos, openWorkspace, stepOfKind, steps } from './world.js';
import type { CeremonyState } from '../../../core/contract/ceremonyState.js';

/**
 * A crash in the middle of a key generation or a signing step: the process is killed with SIGKILL
 * while the HSM works, a new process resumes the rehearsal, and the ceremony goes on without the
 * HSM operation being done again and without losing the step.
 */

const child = fileURLToPath(new URL('./crashChild.js', import.meta.url));

function crash(root: string, procedure: string, at: 'generate' | 'sign'): void {
  const killed = spawnSync(process.execPath, [child, root, procedure, at], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(killed.signal, 'SIGKILL', `the child was killed in the middle of the ${at} (status ${killed.status}): ${killed.stderr}${killed.stdout}`);
}

function crashThenResume(root: string, procedure: string, at: 'generate' | 'sign'): void {
  crash(root, procedure, at);
  const resumed = spawnSync(process.execPath, [cliPath, 'rehearse', '--resume', '--workspace', root, '--json'], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(resumed.status, 0, `rehearse --resume: ${resumed.stderr}`);
}

function logOf(root: string, ceremonyId: string) {
  const store = openEvidenceStore(workspaceAt(root).database, systemClock);
  try {
    return store.events(ceremonyId);
  } finally {
    store.close();
  }
}

async function lastCeremony(root: string): Promise<CeremonyState> {
  const opened = openWorkspace(root);
  try {
    const list = await opened.call<{ ceremonyId: string }[]>('ceremony.list', {});
    return await opened.call<CeremonyState>('ceremony.state', { ceremonyId: list.at(-1)?.ceremonyId });
  } finally {
    await opened.close();
  }
}

test('a crash in the middle of an HSM operation', async (t) => {
  const base = await baseWorld(t);

  await t.test('during a key generation: the key the HSM made is found and recorded, never made twice; the step completes', async (t) => {
    const root = cloneWorld(t, base);
    crashThenResume(root, 'ksk-generation', 'generate');
    const state = await lastCeremony(root);
    assert.equal(state.script.procedure, 'ksk-generation');
    assertCompleteAndVerified(root, state);
    const events = logOf(root, state.ceremonyId);
    const intents = events.filter((e) => e.type === 'hsm.intent' && e.payload.operation === 'generate-ksk');
    assert.equal(intents.length, 1, 'the key was generated once: no second attempt');
    const opId = intents[0]?.type === 'hsm.intent' ? intents[0].payload.opId : '';
    const reconciled = events.find((e) => e.type === 'hsm.reconciled' && e.payload.opId === opId);
    assert.ok(reconciled?.type === 'hsm.reconciled' && reconciled.payload.finding === 'completed', 'the interrupted generation is reconciled as completed');
    assert.ok(!events.some((e) => e.type === 'hsm.done' && e.payload.opId === opId), 'the interrupted operation has no done event, only its reconciliation');
    const generate = stepOfKind(state, 'generate-ksk');
    assert.equal(generate.result?.reconciledFrom, opId);
    assert.ok(generate.initials, 'the step was initialled after the restart');
    assert.ok(
      state.exceptions.some((x) => x.exceptionId.startsWith('reactivation')),
      'the COs presenting their credentials again is an exception',
    );
    const label = (generate.result?.key as { label: string }).label;
    const hsm1 = await loginAsCos(root, rehearsalHsmLabel('HSM1'));
    try {
      const keys = await hsm1.listKeys();
      assert.equal(keys.filter((k) => k.label === label).length, 1, 'the key exists exactly once');
      assert.equal(keys.filter((k) => k.hasPrivateKey).length, 2, 'HSM1 holds the first KSK and this one, nothing more');
    } finally {
      await hsm1.close();
    }
  });

  await t.test('during a signing: the signatures made before the crash are not asked of the HSM again; the step completes', async (t) => {
    const root = cloneWorld(t, base);
    crashThenResume(root, 'ksr-signing', 'sign');
    const state = await lastCeremony(root);
    assert.equal(state.script.procedure, 'ksr-signing');
    assertCompleteAndVerified(root, state);
    const events = logOf(root, state.ceremonyId);
    const intents = events.flatMap((e) => (e.type === 'hsm.intent' && e.payload.operation === 'sign' ? [e.payload] : []));
    assert.equal(intents.length, 2, 'one interrupted signing and its retry');
    assert.equal(intents[1]?.retryOf, intents[0]?.opId, 'the retry says which operation it repeats');
    const reconciled = events.find((e) => e.type === 'hsm.reconciled' && e.payload.opId === intents[0]?.opId);
    assert.ok(reconciled?.type === 'hsm.reconciled' && reconciled.payload.finding === 'unknown');
    const result = stepOfKind(state, 'sign-ksr').result as { signatures: { fromHsm: number; fromJournal: number }; skr: { bundles: number } };
    assert.equal(result.signatures.fromJournal, 3, 'the three signatures made before the crash came from the journal');
    assert.equal(result.signatures.fromHsm + result.signatures.fromJournal, result.skr.bundles, 'every bundle signed exactly once by the HSM');
    assert.equal(steps(state).filter((s) => s.id === 'sign-ksr' && s.status === 'completed').length, 1);
  });

  await t.test(
    'a tail cut after the crash (or a lost -wal) is named against the newest checkpoint: resume refuses, verify fails, the journal is not used to heal it',
    async (t) => {
      const root = cloneWorld(t, base);
      crash(root, 'ksr-signing', 'sign');
      const db = new Database(workspaceAt(root).database);
      const ceremonyId = db.prepare('SELECT ceremony_id FROM events WHERE seq = 1 ORDER BY time DESC LIMIT 1').pluck().get() as string;
      const head = db.prepare('SELECT max(seq) FROM events WHERE ceremony_id = ?').pluck().get(ceremonyId) as number;
      applyTamper(db, {
        kind: 'cut the tail',
        detail: '',
        expect: { ceremonyId, seq: null },
        apply: (d) => {
          d.prepare('DELETE FROM events WHERE ceremony_id = ? AND seq > ?').run(ceremonyId, head - 6);
          removeUnnamedArtifacts(d);
        },
      });
      db.close();
      const verified = spawnSync(process.execPath, [cliPath, 'log', 'verify', workspaceAt(root).database], { encoding: 'utf8' });
      assert.equal(verified.status, 1, verified.stdout);
      assert.match(
        verified.stdout,
        new RegExp(
          `The log of ceremony ${ceremonyId} ends at event ${head - 6}, but the checkpoint of \\S+ \\(before HSM operation sign \\(\\S+\\)\\) witnessed event \\d+ with hash [0-9a-f]{64}: events ${head - 5} to \\d+ were lost`,
        ),
      );
      const resumed = spawnSync(process.execPath, [cliPath, 'rehearse', '--resume', '--workspace', root], { encoding: 'utf8', timeout: 240_000 });
      assert.equal(resumed.status, 1, `resume went on from a cut log: ${resumed.stdout}`);
      assert.match(resumed.stderr, /were lost \(the tail was cut, or the -wal file was lost\)\. The ceremony cannot go on from this log/);
      assert.doesNotMatch(resumed.stderr, /internal error/);
      // Even with the checkpoints gone too, the signing step does not take the signatures the journal kept for an operation the log no longer has.
      rmSync(path.join(root, 'checkpoints.jsonl'));
      const healed = spawnSync(process.execPath, [cliPath, 'rehearse', '--resume', '--workspace', root], { encoding: 'utf8', timeout: 240_000 });
      assert.notEqual(healed.status, 0, `the journal healed a cut log: ${healed.stdout}`);
      assert.match(
        healed.stderr,
        /The signature journal \S+ holds 3 signature\(s\) for step [\d.]+, but the log records no signing operation at this step: the journal disagrees with the log/,
      );
    },
  );
});
