import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from './tmp.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface TestToken {
  /** The SOFTHSM2_CONF of this test only; set it in the environment of anything that loads the module. */
  conf: string;
  tokenDir: string;
  label: string;
  soPin: string;
  userPin: string;
  env: NodeJS.ProcessEnv;
}

/**
 * A SoftHSM2 configuration with its own token folder, so tests never share a token; `mechanisms`
 * restricts its tokens to those, as an HSM that lacks the others.
 */
export function softhsmConfig(
  t: Pick<TestContext, 'after'>,
  options: { mechanisms?: readonly string[] } = {},
): { conf: string; tokenDir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, 'ksk-softhsm-');
  const tokenDir = path.join(dir, 'tokens');
  mkdirSync(tokenDir);
  const conf = path.join(dir, 'softhsm2.conf');
  const mechanisms = options.mechanisms ? `slots.mechanisms = ${options.mechanisms.join(',')}\n` : '';
  writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n${mechanisms}`);
  return { conf, tokenDir, env: { ...process.env, SOFTHSM2_CONF: conf } };
}

/** Initialises one more token in a configuration (softhsm2-util picks the next free slot). */
export function initToken(config: { conf: string; tokenDir: string; env: NodeJS.ProcessEnv }, label: string, userPin = '1234', soPin = '5678'): TestToken {
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', userPin], { env: config.env, stdio: 'pipe' });
  return { ...config, label, soPin, userPin };
}

export function softhsmToken(t: Pick<TestContext, 'after'>, label = 'TEST', userPin = '1234', soPin = '5678'): TestToken {
  return initToken(softhsmConfig(t), label, userPin, soPin);
}
