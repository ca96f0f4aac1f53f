import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.js';
import type { AuditSealer } from '../ceremony/engine/run.js';
import { publicKeyRdataFromKeyObject } from '../dnssec/algorithms.js';
import { KskError } from '../errors.js';
import { hsmSealer, type Sealer } from '../evidence/seal.js';
import { readRegularFileSync } from '../system/inputFiles.js';
import { pinAuditKey } from '../workspace/config.js';
import type { Workspace } from '../workspace/workspace.js';
import { openSession, type SessionOptions } from '../../native/index.js';
import { provisionRehearsalToken, rehearsalSessionOptions } from '../../native/rehearsal.js';

/** The workspace's one audit key in its HSM: it seals every ceremony and signs every checkpoint. */
export const WORKSPACE_AUDIT_KEY_LABEL = 'AUDIT-WORKSPACE';
/** Without an audit token: a software key kept in the workspace (owner-only), pinned like any. */
const SOFTWARE_AUDIT_KEY_FILE = 'audit-key.pem';

/**
 * Where seals and checkpoints are signed: the workspace's audit key in an HSM wherever one is
 * available, never a KSK. A rehearsal uses the workspace's rehearsal token; a production laptop
 * names its audit token in KSK_AUDIT_MODULE, KSK_AUDIT_TOKEN and KSK_AUDIT_PIN_ENV (the variable
 * that holds its PIN). Without one, a software key kept in the workspace signs (weaker: whoever
 * copies the workspace can sign with it; docs/evidence.md says so). The first use commissions the
 * workspace: the key is made and pinned in workspace.json; every later use must be that key.
 */
export function auditSealerFor(workspace: Workspace, mode: 'rehearsal' | 'production', clock: Clock, env: NodeJS.ProcessEnv = process.env): AuditSealer {
  async function auditToken(): Promise<SessionOptions | null> {
    if (mode === 'rehearsal') return rehearsalSessionOptions(await provisionRehearsalToken(workspace.root));
    const { KSK_AUDIT_MODULE: modulePath, KSK_AUDIT_TOKEN: tokenLabel, KSK_AUDIT_PIN_ENV: pinVar } = env;
    if (!modulePath || !tokenLabel) return null;
    if (!pinVar)
      throw new KskError(
        'HSM_ERROR',
        `The audit token "${tokenLabel}" is configured but KSK_AUDIT_PIN_ENV is not set: set it to the name of the variable that holds the PIN.`,
      );
    const pin = env[pinVar];
    if (pin === undefined) throw new KskError('HSM_ERROR', `The audit token's PIN variable ${pinVar} (named by KSK_AUDIT_PIN_ENV) is not set.`);
    if (pin === '') throw new KskError('HSM_ERROR', `The audit token's PIN variable ${pinVar} (named by KSK_AUDIT_PIN_ENV) is set but empty.`);
    return { modulePath, tokenLabel, pin };
  }

  async function open(): Promise<{ sealer: Sealer; close(): Promise<void> }> {
    const options = await auditToken();
    if (!options) {
      const sealer = softwareAuditKey(workspace);
      await pinAuditKey(workspace.root, sealer.key, clock.now());
      return { sealer, close: async () => undefined };
    }
    const session = await openSession({ ...options, clock });
    try {
      const label = WORKSPACE_AUDIT_KEY_LABEL;
      if (!(await session.findKey(label))) await session.generateKsk({ algorithm: 'ED25519', label });
      const sealer = await hsmSealer(session, label);
      await pinAuditKey(workspace.root, sealer.key, clock.now());
      return { sealer, close: () => session.close() };
    } catch (e) {
      await session.close();
      throw e;
    }
  }

  // One audit session serves every checkpoint and seal until the backend closes (a checkpoint comes
  // at every act boundary and HSM operation; logging in to the token each time would double a rehearsal).
  let held: Promise<{ sealer: Sealer; close(): Promise<void> }> | null = null;
  const sealerFor: AuditSealer = async () => {
    held ??= open().catch((e: unknown) => {
      held = null;
      throw e;
    });
    return { sealer: (await held).sealer, release: async () => undefined };
  };
  sealerFor.close = async () => {
    const was = held;
    held = null;
    if (was) await (await was.catch(() => ({ close: async () => undefined }))).close();
  };
  return sealerFor;
}

function softwareAuditKey(workspace: Workspace): Sealer {
  const file = path.join(workspace.root, SOFTWARE_AUDIT_KEY_FILE);
  if (!existsSync(file)) writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  const privateKey = createPrivateKey(readRegularFileSync(file, 'software audit key', 64 * 1024));
  const { algorithm, publicKey } = publicKeyRdataFromKeyObject(createPublicKey(privateKey));
  return { key: { kind: 'software', label: null, algorithm, publicKey: publicKey.toString('base64') }, sign: async (data) => sign(null, data, privateKey) };
}
