import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/paths.js';
import { SOFTHSM_MODULE, softhsmToken } from '../../helpers/softhsm.js';
import { pkcs11Tool, sessionOn } from './session.js';

/**
 * What a crash leaves on a token — two halves under one label, a public half the app cannot read —
 * must still be listed (an inventory hides nothing) and destroyable, while signing refuses it.
 */
test('the inventory lists keys sharing a label and unreadable halves; destruction removes an unreadable key', async (t) => {
  const token = softhsmToken(t);
  for (const id of ['0a', '0b'])
    pkcs11Tool(token, ['--login', '--pin', token.userPin, '--keypairgen', '--key-type', 'EC:prime256v1', '--label', 'DUP', '--id', id]);

  // A public half whose point is empty, created by another PKCS#11 client (a child process, so this
  // one never loads the module twice): what SoftHSM keeps of a key pair generation cut short.
  const createBroken = `
    const pkcs11js = require('pkcs11js');
    const p = new pkcs11js.PKCS11();
    p.load(${JSON.stringify(SOFTHSM_MODULE)});
    p.C_Initialize();
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trim() === ${JSON.stringify(token.label)});
    const h = p.C_OpenSession(slot, pkcs11js.CKF_RW_SESSION | pkcs11js.CKF_SERIAL_SESSION);
    p.C_Login(h, pkcs11js.CKU_USER, ${JSON.stringify(token.userPin)});
    p.C_CreateObject(h, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_EC },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: 'BROKEN' },
      { type: pkcs11js.CKA_ID, value: Buffer.from('0c', 'hex') },
      { type: pkcs11js.CKA_EC_PARAMS, value: Buffer.from('06082a8648ce3d030107', 'hex') },
      { type: pkcs11js.CKA_EC_POINT, value: Buffer.from('0400', 'hex') },
    ]);
    p.C_Finalize();`;
  execFileSync(process.execPath, ['-e', createBroken], { env: token.env, cwd: repoRoot, stdio: 'pipe' });

  const session = await sessionOn(t, token);
  const inventory = await session.listKeys();
  const dup = inventory.filter((k) => k.label === 'DUP');
  assert.equal(dup.filter((k) => k.hasPrivateKey).length, 2, 'both private halves labelled DUP are listed');
  assert.equal(dup.filter((k) => k.hasPublicKey && !k.hasPrivateKey).length, 2, 'and both public halves');
  const broken = inventory.find((k) => k.label === 'BROKEN');
  assert.ok(broken, 'the unreadable public half is listed');
  assert.equal(broken.publicKey, null);
  assert.equal(broken.keyTag, null);

  await assert.rejects(session.sign('DUP', Buffer.from('x')), /2 private keys labelled "DUP"/);
  const evidence = await session.destroyKey('BROKEN');
  assert.deepEqual(evidence.destroyed, { privateKey: false, publicKey: true });
  assert.equal(evidence.remainingObjects, 0);
  assert.equal(
    (await session.listKeys()).some((k) => k.label === 'BROKEN'),
    false,
  );
});
