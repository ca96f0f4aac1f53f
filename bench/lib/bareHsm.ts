import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pkcs11js from 'pkcs11js';

import { SOFTHSM_MODULE } from '../../test/helpers/softhsm.js';

export { SOFTHSM_MODULE };
export const BENCH_PIN = '1234';

/**
 * A SoftHSM2 token of a bench's own under dir, labelled BENCH, holding the shared RSA-2048 test key
 * as RSA1 (the golden SKR's KSK). Returns its configuration file and the key's PKCS#8 PEM file.
 */
export function benchToken(dir: string, data: string): { conf: string; env: NodeJS.ProcessEnv; pkcs8: string } {
  const conf = path.join(dir, 'softhsm2.conf');
  mkdirSync(path.join(dir, 'tokens'));
  writeFileSync(conf, `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'BENCH', '--so-pin', BENCH_PIN, '--pin', BENCH_PIN], { env, stdio: 'pipe' });
  const pkcs8 = path.join(dir, 'rsa1.p8.pem');
  writeFileSync(pkcs8, createPrivateKey(readFileSync(path.join(data, 'keys', 'rsa-2048-1.pem'), 'utf8')).export({ type: 'pkcs8', format: 'pem' }));
  execFileSync('softhsm2-util', ['--import', pkcs8, '--token', 'BENCH', '--label', 'RSA1', '--id', '01', '--pin', BENCH_PIN], { env, stdio: 'pipe' });
  return { conf, env, pkcs8 };
}

/**
 * The bare signing baseline: the module loaded in this thread, a logged-in session and RSA1 found,
 * then fn may call sign() as often as it likes; everything is finalised after. One process may
 * initialise SoftHSM2 once, so call this while the app's module host has the module unloaded.
 */
export async function withBareSigner<T>(conf: string, fn: (sign: (data: Buffer) => Buffer) => Promise<T> | T): Promise<T> {
  process.env.SOFTHSM2_CONF = conf;
  const p11 = new pkcs11js.PKCS11();
  p11.load(SOFTHSM_MODULE);
  p11.C_Initialize();
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === 'BENCH') as Buffer;
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    p11.C_Login(session, pkcs11js.CKU_USER, BENCH_PIN);
    p11.C_FindObjectsInit(session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_LABEL, value: 'RSA1' },
    ]);
    const key = p11.C_FindObjects(session, 1)[0] as Buffer;
    p11.C_FindObjectsFinal(session);
    const out = Buffer.alloc(512);
    return await fn((data) => {
      p11.C_SignInit(session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, key);
      return p11.C_Sign(session, data, out);
    });
  } finally {
    p11.C_Finalize();
    p11.close();
  }
}
