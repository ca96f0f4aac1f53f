import assert from 'node:assert/strict';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isHsmError, type HsmErrorReason } from '../../../core/hsm/errors.js';
import { openSession } from '../../../native/index.js';
import { initToken, SOFTHSM_MODULE, softhsmConfig, softhsmToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';
import { lockUserPin, sessionOn } from './session.js';

const reason = (r: HsmErrorReason, message?: RegExp) => (e: unknown) => {
  assert.ok(isHsmError(e), `expected an HsmError, got ${String(e)}`);
  assert.equal(e.reason, r, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

test('a module path with no file is MODULE_NOT_FOUND', async () => {
  await assert.rejects(
    openSession({ modulePath: '/nonexistent/libpkcs11.so', tokenLabel: 'X' }),
    reason('MODULE_NOT_FOUND', /There is no PKCS#11 module at \/nonexistent\/libpkcs11\.so/),
  );
});

test('a file that is not a PKCS#11 library is NOT_PKCS11_MODULE, whether it is no library at all or a library without C_GetFunctionList', async (t) => {
  const text = path.join(tempDir(t), 'fake.so');
  writeFileSync(text, 'not a shared object');
  await assert.rejects(openSession({ modulePath: text, tokenLabel: 'X' }), reason('NOT_PKCS11_MODULE', /fake\.so is not a PKCS#11 module/));
  const zlib = '/usr/lib/x86_64-linux-gnu/libz.so.1';
  if (existsSync(zlib)) await assert.rejects(openSession({ modulePath: zlib, tokenLabel: 'X' }), reason('NOT_PKCS11_MODULE'));
});

test('a module with no token in any slot is NO_TOKEN', async (t) => {
  const opensc = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
  if (!existsSync(opensc)) return t.skip('opensc-pkcs11.so is not installed');
  await assert.rejects(openSession({ modulePath: opensc, tokenLabel: 'KSK' }), reason('NO_TOKEN', /No token is present/));
});

test('a token that was never initialised is TOKEN_NOT_INITIALIZED; a wrong label lists the tokens there are', async (t) => {
  const config = softhsmConfig(t);
  await assert.rejects(
    openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: 'KSK', env: { SOFTHSM2_CONF: config.conf } }),
    reason('TOKEN_NOT_INITIALIZED', /none initialised/),
  );
  initToken(config, 'HSM-A');
  await assert.rejects(
    openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: 'HSM-B', env: { SOFTHSM2_CONF: config.conf } }),
    reason('TOKEN_NOT_FOUND', /No token is labelled "HSM-B"; the module has "HSM-A"/),
  );
});

test('a wrong PIN is PIN_INCORRECT, and the token shows the failed attempt', async (t) => {
  const token = softhsmToken(t);
  await assert.rejects(
    openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: token.label, pin: '0000', env: { SOFTHSM2_CONF: token.conf } }),
    reason('PIN_INCORRECT', /CKR_PIN_INCORRECT.*a few more wrong PINs lock the token/),
  );
  const session = await sessionOn(t, token, { pin: undefined });
  assert.equal((await session.identity()).token.userPinCountLow, true);
});

test('a locked PIN is PIN_LOCKED and no login is attempted', async (t) => {
  const token = softhsmToken(t);
  lockUserPin(token);
  await assert.rejects(
    openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.userPin, env: { SOFTHSM2_CONF: token.conf } }),
    reason('PIN_LOCKED', /locked; only its Security Officer can unlock it\. No login was attempted/),
  );
  const session = await sessionOn(t, token, { pin: undefined });
  const identity = await session.identity();
  assert.equal(identity.token.userPinLocked, true);
  assert.equal(identity.token.userPinCountLow, false, 'no wrong PIN was sent');
});

test('an algorithm the token cannot do is MECHANISM_NOT_SUPPORTED, checked before anything is created', async (t) => {
  // A token offering RSA only, like an HSM without Edwards curves.
  const config = softhsmConfig(t, { mechanisms: ['CKM_RSA_PKCS_KEY_PAIR_GEN', 'CKM_SHA256_RSA_PKCS'] });
  const token = initToken(config, 'RSAONLY');
  const session = await sessionOn(t, token);
  await assert.rejects(
    session.generateKsk({ algorithm: 'ED25519', label: 'Ked1' }),
    reason('MECHANISM_NOT_SUPPORTED', /cannot make an ED25519 KSK; it lacks generate:ED25519 \(the token offers no CKM_EC_EDWARDS_KEY_PAIR_GEN/),
  );
  await assert.rejects(
    session.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Kec1' }),
    reason('MECHANISM_NOT_SUPPORTED', /it lacks generate:ECDSAP256SHA256 \(the token offers no CKM_EC_KEY_PAIR_GEN\) and sign:ECDSAP256SHA256/),
  );
  assert.deepEqual(await session.listKeys(), []);
  const rsa = await session.generateKsk({ algorithm: 'RSASHA256', label: 'Krsa1' });
  assert.equal(rsa.key.algorithm, 8);
});

test('a removed token is TOKEN_REMOVED on every call, never an empty answer', async (t) => {
  const token = softhsmToken(t);
  const session = await sessionOn(t, token);
  await session.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Kremove' });
  assert.equal((await session.sign('Kremove', Buffer.from('before'))).length, 64);
  renameSync(token.tokenDir, `${token.tokenDir}.gone`);
  await assert.rejects(session.sign('Kremove', Buffer.from('after')), reason('TOKEN_REMOVED', /no longer answers/));
  await assert.rejects(session.listKeys(), reason('TOKEN_REMOVED'));
  await assert.rejects(session.findKey('Kremove'), reason('TOKEN_REMOVED'));
  await assert.rejects(session.destroyKey('Kremove'), reason('TOKEN_REMOVED'));
});

test('operations that need a login say so; a closed session says so', async (t) => {
  const token = softhsmToken(t);
  const session = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: token.label, env: { SOFTHSM2_CONF: token.conf } });
  await assert.rejects(session.generateKsk({ algorithm: 'ED25519' }), reason('NOT_LOGGED_IN'));
  await assert.rejects(session.destroyKey('Kx'), reason('NOT_LOGGED_IN'));
  await assert.rejects(session.login(), reason('NOT_LOGGED_IN', /needs a PIN: it has no protected authentication path/));
  await session.login(token.userPin);
  assert.equal((await session.identity()).loggedIn, true);
  await session.close();
  await assert.rejects(session.listKeys(), reason('SESSION_CLOSED'));
});

test('a second configuration for a module already open is MODULE_BUSY until the first closes', async (t) => {
  const a = softhsmToken(t, 'A');
  const b = softhsmToken(t, 'B');
  const first = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: 'A', pin: a.userPin, env: { SOFTHSM2_CONF: a.conf } });
  await assert.rejects(
    openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: 'B', pin: b.userPin, env: { SOFTHSM2_CONF: b.conf } }),
    reason('MODULE_BUSY', /already open with another configuration/),
  );
  await first.close();
  const second = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: 'B', pin: b.userPin, env: { SOFTHSM2_CONF: b.conf } });
  assert.equal((await second.identity()).token.label, 'B');
  await second.close();
});
