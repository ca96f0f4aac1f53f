import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KskError, messageOf } from '../core/errors.js';
import { knownModulePaths } from '../core/system/hsmModules.js';
import { openWorkspace, type Workspace } from '../core/workspace/workspace.js';
import { describeModule, initializeToken, type SessionOptions } from './index.js';

export const REHEARSAL_TOKEN_LABEL = 'REHEARSAL';

/**
 * What the app needs to open the rehearsal token. The PINs sit in the workspace in clear: this is
 * a SoftHSM2 token for rehearsals and tests only, it never holds a production key, and its file
 * says so.
 */
const rehearsalFileSchema = z.object({
  warning: z.string(),
  tokenLabel: z.string(),
  modulePath: z.string(),
  softhsmConf: z.string(),
  soPin: z.string(),
  userPin: z.string(),
  serial: z.string(),
});
export type RehearsalToken = z.infer<typeof rehearsalFileSchema>;

function writeFileAtomic(file: string, content: string, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function findSoftHsmModule(): string {
  const found = knownModulePaths.find((p) => p.includes('softhsm') && existsSync(p));
  if (!found)
    throw new KskError(
      'NOT_FOUND',
      `SoftHSM2 is not installed (looked for ${knownModulePaths.filter((p) => p.includes('softhsm')).join(', ')}); install the softhsm2 package for rehearsals.`,
    );
  return found;
}

export function rehearsalFile(ws: Workspace): string {
  return path.join(ws.root, 'rehearsal-token.json');
}

/** Session options for the rehearsal token (openSession(rehearsalSessionOptions(t)) logs in). */
export function rehearsalSessionOptions(token: RehearsalToken): SessionOptions {
  return { modulePath: token.modulePath, tokenLabel: token.tokenLabel, pin: token.userPin, env: { SOFTHSM2_CONF: token.softhsmConf } };
}

/** The environment SoftHSM2 initialises in for the workspace: its configuration (tokens in workspace/tokens), written once. */
export function rehearsalModuleEnv(ws: Workspace): { SOFTHSM2_CONF: string } {
  if (!existsSync(ws.softhsmConf)) {
    writeFileAtomic(
      ws.softhsmConf,
      `# SoftHSM2 configuration of the rehearsal token (ksk-ceremony)\ndirectories.tokendir = ${ws.tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
      0o600,
    );
  }
  return { SOFTHSM2_CONF: ws.softhsmConf };
}

/**
 * Provisions the workspace's rehearsal token, labelled REHEARSAL, once: a SoftHSM2 configuration
 * pointing at workspace/tokens, an initialised token with random PINs, and rehearsal-token.json.
 * Run again, it returns what is there; it never re-initialises a token.
 */
export async function provisionRehearsalToken(workspaceDir: string, modulePath = findSoftHsmModule()): Promise<RehearsalToken> {
  const ws = openWorkspace(workspaceDir);
  const file = rehearsalFile(ws);
  if (existsSync(file)) {
    try {
      return rehearsalFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (e) {
      throw new KskError('STORAGE_ERROR', `${file} is damaged (${messageOf(e)}); remove it and ${ws.tokens} to provision a new rehearsal token.`);
    }
  }
  const env = rehearsalModuleEnv(ws);
  const module = await describeModule({ modulePath, env });
  if (module.slots.some((s) => s.token?.initialized && s.token.label === REHEARSAL_TOKEN_LABEL)) {
    throw new KskError(
      'STORAGE_ERROR',
      `The rehearsal token exists in ${ws.tokens} but ${file} with its PINs is gone; remove ${ws.tokens} to provision a new one.`,
    );
  }
  const soPin = randomBytes(12).toString('hex');
  const userPin = randomBytes(12).toString('hex');
  const token = await initializeToken({ modulePath, env, label: REHEARSAL_TOKEN_LABEL, soPin, userPin });
  const record: RehearsalToken = {
    warning: 'REHEARSAL ONLY: a SoftHSM2 token whose PINs are stored here in clear. Never generate or import a production key in it.',
    tokenLabel: REHEARSAL_TOKEN_LABEL,
    modulePath,
    softhsmConf: ws.softhsmConf,
    soPin,
    userPin,
    serial: token.serial,
  };
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, 0o600);
  return record;
}
