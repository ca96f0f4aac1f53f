import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifySignature } from '../../../core/dnssec/algorithms.js';
import { capabilitiesOf, signingMethod, Mechanism } from '../../../core/hsm/capabilities.js';
import { isHsmError } from '../../../core/hsm/errors.js';
import { initToken, softhsmConfig, softhsmToken } from '../../helpers/softhsm.js';
import { sessionOn } from './session.js';

test('SoftHSM2 profile: every KSK algorithm, RSA up to 4096 bits, backup by wrapping and restore', async (t) => {
  const session = await sessionOn(t, softhsmToken(t));
  const profile = await session.profile();
  assert.match(profile.module.manufacturer, /SoftHSM/);
  const capabilities = capabilitiesOf(profile);
  assert.deepEqual(
    capabilities.filter((c) => !c.supported).map((c) => c.id),
    [],
  );
  assert.match(capabilities.find((c) => c.id === 'generate:RSASHA256')?.detail ?? '', /2048, 3072, 4096 bits/);
  assert.deepEqual(signingMethod(profile, 'RSASHA256'), { mechanism: Mechanism.CKM_SHA256_RSA_PKCS, input: 'message' });
});

test('a token without CKM_SHA256_RSA_PKCS signs RSASHA256 through raw CKM_RSA_PKCS over the DigestInfo, and cannot back up', async (t) => {
  // SoftHSM2 restricted to two mechanisms, as an HSM that hashes nothing itself.
  const config = softhsmConfig(t, { mechanisms: ['CKM_RSA_PKCS_KEY_PAIR_GEN', 'CKM_RSA_PKCS'] });
  const token = initToken(config, 'RAWRSA');
  const session = await sessionOn(t, token);
  const profile = await session.profile();
  assert.deepEqual(signingMethod(profile, 'RSASHA256'), { mechanism: Mechanism.CKM_RSA_PKCS, input: 'sha256-digest-info' });
  assert.match(capabilitiesOf(profile).find((c) => c.id === 'sign:RSASHA256')?.detail ?? '', /CKM_RSA_PKCS over the DigestInfo of a SHA-256 digest/);
  const ksk = await session.generateKsk({ algorithm: 'RSASHA256', label: 'Krawrsa' });
  assert.equal(ksk.backupByWrapping, false, 'no CKM_AES_KEY_WRAP_PAD: the key is made non-extractable');
  assert.equal(ksk.attributes.extractable, false);
  const data = Buffer.from('the same PKCS#1 v1.5 signature as CKM_SHA256_RSA_PKCS makes');
  assert.equal(verifySignature(8, ksk.key.publicKey, data, await session.sign('Krawrsa', data)), true);
  await assert.rejects(
    session.backupKey('Krawrsa', { soPin: token.soPin, userPin: token.userPin }),
    (e) => isHsmError(e, 'MECHANISM_NOT_SUPPORTED') && /cannot backup-by-wrapping: the token offers no CKM_AES_KEY_WRAP_PAD/.test(e.message),
  );
});
