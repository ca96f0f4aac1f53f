import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { systemClock } from '../../../core/clock.js';
import { isKskError } from '../../../core/errors.js';
import { openEvidenceStore } from '../../../core/evidence/index.js';
import { Backend } from '../../../core/service/backend.js';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { initializeToken } from '../../../native/index.js';
import { cliPath } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';
import { startTpm2, tpm2Unavailable, type Tpm2Token } from '../../helpers/tpm2.js';
import { useProcessEnv } from '../../helpers/processEnv.js';

/**
 * Whole rehearsal ceremonies on tpm2-pkcs11 (swtpm): the HSMs of the scripts are tokens made with
 * C_InitToken in that module (rehearse --hsm-module), while the stand-in ZSK operator and the audit
 * key that seals each log stay on SoftHSM2.
 */
const skip = tpm2Unavailable() ?? false;
let tpm: Tpm2Token;
before(async () => {
  if (!skip) tpm = await startTpm2();
});
after(() => tpm?.stop());

function cli(args: string[]) {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: tpm.processEnv });
}

test(
  'a KSR signing rehearsal runs on tpm2-pkcs11 to a sealed, verified log that records the profile; a KSK generation, which backs up, is refused before it opens',
  { skip },
  (t) => {
    const root = tempDir(t);
    const run = cli(['rehearse', '--procedure', 'ksr-signing', '--workspace', root, '--hsm-module', tpm.modulePath, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { ceremonies: string[]; ceremonyId: string; status: string };
    assert.equal(result.status, 'closed');
    // The world's first KSK generation, left without its backup act on an HSM that cannot wrap, then two quarterly signings.
    assert.equal(result.ceremonies.length, 3);

    const verified = cli(['log', 'verify', workspaceAt(root).database, '--require-seal', '--json']);
    assert.equal(verified.status, 0, verified.stderr);

    const store = openEvidenceStore(workspaceAt(root).database, systemClock);
    try {
      const bound = store.events(result.ceremonyId, ['hsm.bound']).map((e) => e.payload);
      assert.deepEqual(
        bound.map((b) => [b.hsmId, b.modulePath, b.tokenLabel]),
        [['HSM1', tpm.modulePath, 'REHEARSAL HSM1']],
      );
      const [profiled] = store.events(result.ceremonyId, ['hsm.profiled']).map((e) => e.payload);
      assert.equal(profiled?.module.manufacturer, 'tpm2-software.github.io');
      assert.equal(profiled?.capabilities.find((c) => c.id === 'backup-by-wrapping')?.supported, false);
      assert.equal(profiled?.capabilities.find((c) => c.id === 'sign:RSASHA256')?.supported, true);
      const signatures = store.events(result.ceremonyId, ['hsm.intent']).filter((e) => e.payload.operation === 'sign');
      assert.ok(signatures.length > 0, 'the KSK on the TPM signed the KSR');
      const first = store.events(result.ceremonies[0] as string, ['script.loaded'])[0]?.payload;
      assert.match(first?.title ?? '', /not backed up: HSM1 cannot wrap keys/);
      assert.equal(
        store.events(result.ceremonies[0] as string, ['hsm.intent']).some((e) => e.payload.operation === 'backup'),
        false,
      );
    } finally {
      store.close();
    }

    const pdf = path.join(tempDir(t), 'record.pdf');
    const record = cli(['document', 'record', '--ceremony', result.ceremonyId, '--workspace', root, '--out', pdf]);
    assert.equal(record.status, 0, record.stderr);
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    assert.match(text, /What each HSM can do/);
    assert.match(text, /TPM2\.0 Cryptoki 1\.9/);
    assert.match(text, /restore-from-backup: the token offers no CKM_AES_KEY_WRAP_PAD to unwrap with/);
    assert.match(text, /no Edwards curves/);

    const ceremonies = () => (JSON.parse(cli(['ceremony', 'list', '--workspace', root, '--json']).stdout) as unknown[]).length;
    const before = ceremonies();
    const refused = cli(['rehearse', '--procedure', 'ksk-generation', '--workspace', root]);
    assert.notEqual(refused.status, 0);
    assert.match(
      refused.stderr,
      /The ceremony cannot start: HSM1 \(token "REHEARSAL HSM1", TPM2\.0 Cryptoki 1\.9\) backs the KSK up at step backup-ksk but lacks backup-by-wrapping \(the token offers no CKM_AES_KEY_WRAP_PAD/,
    );
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'a refusal, not a stack trace');
    assert.equal(ceremonies(), before, 'no ceremony was opened');
  },
);

test('an HSM not connected when the ceremony is created is checked when the ceremony first uses it, before it is asked to do anything', { skip }, async (t) => {
  useProcessEnv(t, tpm.env);
  const backend = new Backend({ workspaceDir: tempDir(t), mode: 'rehearsal' });
  t.after(() => backend.close());
  const binding = { modulePath: tpm.modulePath, tokenLabel: 'REHEARSAL LATER', activation: 'split-pin' as const };
  const created = (await backend.call('ceremony.create', { template: 'ksk-generation', bindings: { HSM1: binding } })) as {
    ok: boolean;
    value: { ceremonyId: string };
  };
  assert.equal(created.ok, true, JSON.stringify(created));
  // The HSM is connected on the ceremony day.
  await initializeToken({ modulePath: tpm.modulePath, env: tpm.env, label: 'REHEARSAL LATER', soPin: 'so-later', userPin: 'user-later' });
  const engine = backend.context.engine();
  await assert.rejects(
    engine.liveHsm(created.value.ceremonyId, 'HSM1'),
    (e) =>
      isKskError(e) &&
      e.code === 'POLICY_FAILURE' &&
      /HSM1 \(token "REHEARSAL LATER", TPM2\.0 Cryptoki 1\.9\) backs the KSK up at step backup-ksk but lacks backup-by-wrapping/.test(e.message),
  );
  const store = openEvidenceStore(backend.context.workspace.database, systemClock);
  try {
    const types = store.events(created.value.ceremonyId).map((e) => e.type);
    assert.ok(types.includes('hsm.profiled'), 'what the HSM reported is on record');
    assert.equal(types.includes('hsm.intent'), false, 'nothing was asked of it');
  } finally {
    store.close();
  }
});
