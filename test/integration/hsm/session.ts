import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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
  execFileSync('softhsm2-util', ['--import', pkcs8, '--token', token.label, '--label', label, '--id', idHex, '--pin', token.userPin], { env: token.env, stdio: 'pipe' });
}
