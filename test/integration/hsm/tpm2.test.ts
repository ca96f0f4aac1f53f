import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fixedClock } from '../../../core/clock.js';
import { verifySignature } from '../../../core/dnssec/algorithms.js';
import { capabilitiesOf } from '../../../core/hsm/capabilities.js';
import { isHsmError } from '../../../core/hsm/errors.js';
import { activateWithShares, commissionSplitPinOnToken } from '../../../core/hsm/quorum.js';
import type { Share } from '../../../core/hsm/shares.js';
import { describeModule, initializeToken, openSession, type HsmSession } from '../../../native/index.js';
import { cliPath } from '../../helpers/paths.js';
import type { HsmTokens } from '../../../core/contract/channels/app.js';
import { Backend } from '../../../core/service/backend.js';
import { tempDir } from '../../helpers/tmp.js';
import { startTpm2, tpm2Unavailable, type Tpm2Token } from '../../helpers/tpm2.js';
import { useProcessEnv } from '../../helpers/processEnv.js';

/**
 * The HSM layer on tpm2-pkcs11 (swtpm), an implementation that shares no code with SoftHSM2: it
 * sets key usage itself, makes RSA keys of at most 3072 bits, has no Edwards curves and cannot wrap
 * keys. One TPM for the file (starting one takes seconds); each test its own keys.
 */
const skip = tpm2Unavailable() ?? false;
const clock = fixedClock('2026-07-01T10:00:00Z');
let tpm: Tpm2Token;

before(async () => {
  if (!skip) tpm = await startTpm2();
});
after(() => tpm?.stop());

/** A session on the token, logged in with pin unless it is null. */
async function session(t: { after(fn: () => Promise<void>): void }, pin: string | null = tpm.userPin, tokenLabel = tpm.label): Promise<HsmSession> {
  const s = await openSession({ modulePath: tpm.modulePath, tokenLabel, ...(pin !== null ? { pin } : {}), env: tpm.env, clock });
  t.after(() => s.close());
  return s;
}

test('the profile says what tpm2-pkcs11 can do: RSA 2048 and 3072, P-256 and P-384, no Ed25519, no key wrapping', { skip }, async () => {
  const module = await describeModule({ modulePath: tpm.modulePath, env: tpm.env, profiles: true });
  assert.equal(module.manufacturer, 'tpm2-software.github.io');
  const slot = module.slots.find((s) => s.token?.label === tpm.label);
  const profile = slot?.profile;
  assert.ok(profile, 'an initialised token has a profile');
  assert.equal(profile.module.libraryVersion, module.libraryVersion);
  const supported = Object.fromEntries(capabilitiesOf(profile).map((c) => [c.id, c.supported]));
  assert.deepEqual(supported, {
    'generate:RSASHA256': true,
    'sign:RSASHA256': true,
    'generate:ECDSAP256SHA256': true,
    'sign:ECDSAP256SHA256': true,
    'generate:ECDSAP384SHA384': true,
    'sign:ECDSAP384SHA384': true,
    'generate:ED25519': false,
    'sign:ED25519': false,
    'backup-by-wrapping': false,
    'restore-from-backup': false,
    'split-pin-activation': true,
  });
  const rsa = capabilitiesOf(profile).find((c) => c.id === 'generate:RSASHA256');
  assert.match(rsa?.detail ?? '', /^CKM_RSA_PKCS_KEY_PAIR_GEN, 2048, 3072 bits/);
  // The empty slot the module always offers has no profile: there is no token to describe.
  assert.ok(module.slots.some((s) => s.token && !s.token.initialized && s.profile === null));

  // hsm list names what the token cannot do, as a refusal would.
  const listed = spawnSync(process.execPath, [cliPath, 'hsm', 'list', '--module', tpm.modulePath], { encoding: 'utf8', env: tpm.processEnv });
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, /module \S+libtpm2_pkcs11\.so: tpm2-software\.github\.io TPM2\.0 Cryptoki, library 1\.9, Cryptoki 2\.40/);
  assert.match(
    listed.stdout,
    / {4}can: generate:RSASHA256, sign:RSASHA256, generate:ECDSAP256SHA256, sign:ECDSAP256SHA256, generate:ECDSAP384SHA384, sign:ECDSAP384SHA384, split-pin-activation\n/,
  );
  assert.match(listed.stdout, /\n {6}generate:ED25519: the token offers no CKM_EC_EDWARDS_KEY_PAIR_GEN/);
  assert.match(listed.stdout, /\n {6}backup-by-wrapping: the token offers no CKM_AES_KEY_WRAP_PAD/);
  assert.match(listed.stdout, /\n {6}restore-from-backup: /);
});

for (const [algorithm, label] of [
  ['RSASHA256', 'Ktpmrsa'],
  ['ECDSAP256SHA256', 'Ktpmecd'],
] as const) {
  test(
    `an ${algorithm} KSK is generated on tpm2-pkcs11: private, sensitive, never extractable, sign-only, read back; it signs and is destroyed`,
    { skip },
    async (t) => {
      const s = await session(t);
      const ksk = await s.generateKsk({ algorithm, label });
      assert.equal(ksk.algorithmName, algorithm);
      assert.equal(ksk.backupByWrapping, false, 'the token cannot wrap: the key is made non-extractable');
      const a = ksk.attributes;
      assert.deepEqual([a.token, a.private, a.sensitive, a.extractable, a.sign], [true, true, true, false, true]);
      assert.equal(a.neverExtractable, true);
      assert.equal(a.alwaysSensitive, true);
      assert.equal(a.local, true);
      assert.notEqual(a.decrypt, true);
      assert.notEqual(a.unwrap, true);
      assert.notEqual(a.derive, true);
      const [listed] = (await s.listKeys()).filter((k) => k.label === label);
      assert.deepEqual(listed?.attributes, a, 'listing reads the same attributes back');
      assert.equal(listed?.keyTag, ksk.summary.keyTag);
      const data = Buffer.from('a KSR bundle, as far as the HSM knows');
      const signature = await s.sign(label, data);
      assert.equal(verifySignature(ksk.key.algorithm, ksk.key.publicKey, data, signature), true);
      const gone = await s.destroyKey(label);
      assert.equal(gone.remainingObjects, 0);
      assert.equal(await s.findKey(label), null);
    },
  );
}

test('what tpm2-pkcs11 cannot do is refused by name before the token is asked: Ed25519, RSA-4096, a backup by wrapping', { skip }, async (t) => {
  const s = await session(t);
  const before = (await s.listKeys()).length;
  await assert.rejects(
    s.generateKsk({ algorithm: 'ED25519', label: 'Ktpmed1' }),
    (e) => isHsmError(e, 'MECHANISM_NOT_SUPPORTED') && /lacks generate:ED25519 \(the token offers no CKM_EC_EDWARDS_KEY_PAIR_GEN/.test(e.message),
  );
  await assert.rejects(
    s.generateKsk({ algorithm: 'RSASHA256', rsaBits: 4096, label: 'Ktpm4k1' }),
    (e) => isHsmError(e, 'MECHANISM_NOT_SUPPORTED') && /generates RSA KSKs of 2048 or 3072 bits, not 4096/.test(e.message),
  );
  await s.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Ktpmbak' });
  await assert.rejects(
    s.backupKey('Ktpmbak', { soPin: tpm.soPin, userPin: tpm.userPin, threshold: 2, total: 3 }),
    (e) => isHsmError(e, 'MECHANISM_NOT_SUPPORTED') && /cannot backup-by-wrapping: the token offers no CKM_AES_KEY_WRAP_PAD/.test(e.message),
  );
  assert.equal((await s.listKeys()).length, before + 1, 'nothing was created by the refused operations');
  assert.equal((await s.identity()).loggedIn, true, 'the refused backup never logged the user out');
  await s.destroyKey('Ktpmbak');
});

test('a token made with C_InitToken on tpm2-pkcs11 is commissioned for split-PIN activation and 2 of 3 shares log in', { skip }, async (t) => {
  const made = await initializeToken({ modulePath: tpm.modulePath, env: tpm.env, label: 'TPM KSK-HSM', soPin: 'so-secret', userPin: 'first-pin' });
  assert.equal(made.userPinInitialized, true);
  const s = await session(t, null, 'TPM KSK-HSM');
  const { record, shares } = await commissionSplitPinOnToken(s, { soPin: 'so-secret', threshold: 2, total: 3, clock });
  await s.logout();
  await assert.rejects(openSession({ modulePath: tpm.modulePath, tokenLabel: 'TPM KSK-HSM', pin: 'first-pin', env: tpm.env }), (e) =>
    isHsmError(e, 'PIN_INCORRECT'),
  );
  const [first, second, third] = shares as [Share, Share, Share];
  await activateWithShares(s, record, [first, third], clock);
  assert.equal((await s.identity()).loggedIn, true);
  await s.writeShare(second);
  const [read] = await s.readShares();
  assert.deepEqual(read?.data, second.data, 'a share is stored on and read back from the token as a private data object');
});

test("the status screen's hsm.tokens channel lists the tpm2-pkcs11 token with what it cannot do", { skip }, async (t) => {
  // The module reads its store and TCTI from the process environment, as it would in the app.
  useProcessEnv(t, tpm.env);
  const backend = new Backend({ workspaceDir: tempDir(t), mode: 'rehearsal', modulePaths: [tpm.modulePath] });
  t.after(() => backend.close());
  const answer = (await backend.call('hsm.tokens', {})) as { ok: true; value: HsmTokens };
  assert.equal(answer.ok, true, JSON.stringify(answer));
  const module = answer.value.modules.find((m) => m.path === tpm.modulePath);
  assert.equal(module?.library, 'tpm2-software.github.io TPM2.0 Cryptoki 1.9');
  const token = module?.tokens.find((x) => x.label === tpm.label);
  assert.deepEqual(
    token?.capabilities.filter((c) => !c.supported).map((c) => c.id),
    ['generate:ED25519', 'sign:ED25519', 'backup-by-wrapping', 'restore-from-backup'],
  );
});
