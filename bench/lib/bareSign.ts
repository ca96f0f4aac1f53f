import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pkcs11js from 'pkcs11js';

/**
 * The in-run reference for `ksk-ceremony ksr sign`, run as its own process as the command is: a
 * bare script that does the signing operations an SKR needs and nothing else (load the module, log
 * in, find the key, sign each bundle's RRSIG data, check each signature with the public key), with
 * no KSR parsing, no policy and no module host thread. It stands in for IANA's ksrsigner, which
 * cannot be installed here (no PyPI).
 *
 * node dist/bench/lib/bareSign.js MODULE TOKEN PIN LABEL PUBLIC-KEY.pem BLOBS.json
 */
const [modulePath, tokenLabel, pin, keyLabel, publicKeyFile, blobsFile] = process.argv.slice(2) as [string, string, string, string, string, string];
const blobs = (JSON.parse(readFileSync(blobsFile, 'utf8')) as string[]).map((hex) => Buffer.from(hex, 'hex'));
const publicKey = createPublicKey(readFileSync(publicKeyFile, 'utf8'));

const p11 = new pkcs11js.PKCS11();
p11.load(modulePath);
p11.C_Initialize();
try {
  const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === tokenLabel);
  if (!slot) throw new Error(`no token ${tokenLabel}`);
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
  p11.C_Login(session, pkcs11js.CKU_USER, pin);
  p11.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_LABEL, value: keyLabel },
  ]);
  const key = p11.C_FindObjects(session, 1)[0];
  p11.C_FindObjectsFinal(session);
  if (!key) throw new Error(`no key ${keyLabel}`);
  for (const blob of blobs) {
    p11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
    const signature = p11.C_Sign(session, blob, Buffer.alloc(512));
    if (!verify('sha256', blob, publicKey, signature)) throw new Error('a signature does not verify');
  }
  p11.C_Logout(session);
  p11.C_CloseSession(session);
} finally {
  p11.C_Finalize();
  p11.close();
}
