import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { openSession, type HsmSession, type SessionOptions } from '../../../native/index.js';
import { SOFTHSM_MODULE, type TestToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';

/** A session on a test token, closed (and the module finalised) when the test ends. */
export async function sessionOn(t: Pick<TestContext, 'after'>, token: TestToken, extra: Partial<SessionOptions> = {}): Promise<HsmSession> {
  const session = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.userPin, env: { SOFTHSM2_CONF: token.conf }, ...extra });
  t.after(() => session.close());
  return session;
}

/** softhsm2-util --import of a PEM private key (it reads PKCS#8 only, so a PKCS#1 file is converted first). */
export function importPem(t: Pick<TestContext, 'after'>, token: TestToken, pemFile: string, label: string, idHex = '01'): void {
  const pkcs8 = path.join(tempDir(t), 'key.p8.pem');
  writeFileSync(pkcs8, createPrivateKey(readFileSync(pemFile, 'utf8')).export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  execFileSync('softhsm2-util', ['--import', pkcs8, '--token', token.label, '--label', label, '--id', idHex, '--pin', token.userPin], {
    env: token.env,
    stdio: 'pipe',
  });
}

/** opensc's pkcs11-tool on the test token: the view of another PKCS#11 client. */
export function pkcs11Tool(token: TestToken, args: string[]): string {
  return execFileSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', token.label, ...args], { env: token.env, encoding: 'utf8', stdio: 'pipe' });
}

/**
 * Sets CKF_USER_PIN_LOCKED in a SoftHSM2 token file, as a real HSM does after too many wrong PINs
 * (SoftHSM2 itself never locks). The flags are the CK_ULONG attribute 0x8000534B of token.object.
 */
export function lockUserPin(token: TestToken): void {
  for (const dir of readdirSync(token.tokenDir)) {
    const file = path.join(token.tokenDir, dir, 'token.object');
    const bytes = readFileSync(file);
    const marker = Buffer.from('000000008000534b0000000000000002', 'hex');
    const at = bytes.indexOf(marker);
    if (at < 0) continue;
    const label = bytes.subarray(32, 64).toString('latin1').trimEnd();
    if (label !== token.label) continue;
    const value = at + marker.length;
    bytes.writeBigUInt64BE(bytes.readBigUInt64BE(value) | 0x40000n, value);
    writeFileSync(file, bytes);
    return;
  }
  throw new Error(`no token.object for ${token.label} in ${token.tokenDir}`);
}
