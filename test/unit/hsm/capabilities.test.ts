import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hsmNeeds, unmetNeeds } from '../../../core/ceremony/hsmNeeds.js';
import { loadTemplate } from '../../../core/ceremony/templates.js';
import { capabilitiesOf, Mechanism, rsaSizesOf, signingMethod, type HsmProfile, type MechanismFlag } from '../../../core/hsm/capabilities.js';

/** A profile as a module would report it: mechanisms by name with their key-size range and flags. */
function profile(mechanisms: [keyof typeof Mechanism, number, number, MechanismFlag[]][], token: Partial<HsmProfile['token']> = {}): HsmProfile {
  return {
    module: { manufacturer: 'Test', description: 'Test module', libraryVersion: '1.0', cryptokiVersion: '2.40' },
    token: {
      label: 'T',
      serial: '1',
      model: 'm',
      manufacturer: 'Test',
      hardwareVersion: '1.0',
      firmwareVersion: '1.0',
      minPinLength: 4,
      maxPinLength: 255,
      rng: true,
      ...token,
    },
    mechanisms: mechanisms.map(([name, min, max, flags]) => ({ name, code: Mechanism[name], minKeySize: min, maxKeySize: max, flags })),
  };
}

const tpmLike = profile([
  ['CKM_RSA_PKCS_KEY_PAIR_GEN', 1024, 3072, ['hw', 'generate-key-pair']],
  ['CKM_RSA_PKCS', 1024, 3072, ['hw', 'sign', 'verify', 'encrypt', 'decrypt']],
  ['CKM_SHA256_RSA_PKCS', 1024, 3072, ['hw', 'sign', 'verify']],
  ['CKM_EC_KEY_PAIR_GEN', 192, 638, ['hw', 'generate-key-pair']],
  ['CKM_ECDSA', 192, 638, ['hw', 'sign', 'verify']],
]);

test('capabilities follow the mechanism list: RSA sizes within the range, curves within the EC range, no wrapping without CKM_AES_KEY_WRAP_PAD', () => {
  assert.deepEqual(rsaSizesOf(tpmLike), [2048, 3072]);
  const supported = Object.fromEntries(capabilitiesOf(tpmLike).map((c) => [c.id, c.supported]));
  assert.equal(supported['generate:ECDSAP384SHA384'], true);
  assert.equal(supported['generate:ED25519'], false);
  assert.equal(supported['backup-by-wrapping'], false);
  // EC sizes given in bytes (as some modules do) still admit P-256 and, here, not P-384.
  const bytes = profile([
    ['CKM_EC_KEY_PAIR_GEN', 32, 32, ['generate-key-pair']],
    ['CKM_ECDSA', 32, 32, ['sign']],
  ]);
  assert.deepEqual(
    capabilitiesOf(bytes)
      .filter((c) => c.id.startsWith('generate:EC'))
      .map((c) => [c.id, c.supported]),
    [
      ['generate:ECDSAP256SHA256', true],
      ['generate:ECDSAP384SHA384', false],
    ],
  );
});

test('the signing mechanism is chosen from the profile, a mechanism without the sign flag does not count', () => {
  assert.deepEqual(signingMethod(tpmLike, 'RSASHA256'), { mechanism: Mechanism.CKM_SHA256_RSA_PKCS, input: 'message' });
  const raw = profile([
    ['CKM_SHA256_RSA_PKCS', 2048, 4096, ['verify']],
    ['CKM_RSA_PKCS', 2048, 4096, ['sign']],
  ]);
  assert.deepEqual(signingMethod(raw, 'RSASHA256'), { mechanism: Mechanism.CKM_RSA_PKCS, input: 'sha256-digest-info' });
  const hashing = profile([['CKM_ECDSA_SHA384', 384, 384, ['sign']]]);
  assert.deepEqual(signingMethod(hashing, 'ECDSAP384SHA384'), { mechanism: Mechanism.CKM_ECDSA_SHA384, input: 'message' });
  assert.equal(signingMethod(hashing, 'ED25519'), null);
});

test('split-PIN activation needs a token that takes a 32-character PIN', () => {
  const short = profile([], { maxPinLength: 16 });
  const c = capabilitiesOf(short).find((x) => x.id === 'split-pin-activation');
  assert.equal(c?.supported, false);
  assert.match(c?.detail ?? '', /takes user PINs of 4 to 16 characters, not the 32/);
});

test('what a script needs of its HSMs is named per step; a choice of algorithm is met by any candidate the token has', () => {
  const script = loadTemplate('ksk-generation');
  const needs = hsmNeeds(script, { currentKsk: null, activation: new Map([['HSM1', 'split-pin']]) });
  assert.deepEqual(
    needs.map((n) => [n.hsmId, n.stepId]),
    [
      ['HSM1', 'generate-ksk'],
      ['HSM1', 'backup-ksk'],
    ],
  );
  const unmet = unmetNeeds(needs, new Map([['HSM1', tpmLike]]));
  assert.equal(unmet.length, 1, 'RSA-2048 or ECDSA meet the generation; only the backup is missing');
  assert.match(
    unmet[0] ?? '',
    /^HSM1 \(token "T", Test module 1\.0\) backs the KSK up at step backup-ksk but lacks backup-by-wrapping \(the token offers no CKM_AES_KEY_WRAP_PAD/,
  );

  const signing = hsmNeeds(loadTemplate('ksr-signing'), { currentKsk: 'ED25519', activation: new Map() });
  assert.match(
    unmetNeeds(signing, new Map([['HSM1', tpmLike]]))[0] ?? '',
    /signs the KSR at step sign-ksr but lacks sign:ED25519 \(the token signs with no CKM_EDDSA\)/,
  );
  assert.deepEqual(unmetNeeds(hsmNeeds(loadTemplate('ksr-signing'), { currentKsk: 'RSASHA256', activation: new Map() }), new Map([['HSM1', tpmLike]])), []);
});
