import type { Clock } from '../clock.js';
import type { AuditSealer } from '../ceremony/engine/run.js';
import { KskError } from '../errors.js';
import { auditKeyLabel, hsmSealer, softwareSealer } from '../evidence/seal.js';
import type { Workspace } from '../workspace/workspace.js';
import { openSession, type SessionOptions } from '../../native/index.js';
import { provisionRehearsalToken, rehearsalSessionOptions } from '../../native/rehearsal.js';

/**
 * Where the seal of a closed ceremony is signed: an audit key in an HSM wherever one is available,
 * never a KSK. A rehearsal uses the workspace's rehearsal token; a production laptop names its
 * audit token in KSK_AUDIT_MODULE, KSK_AUDIT_TOKEN and KSK_AUDIT_PIN_ENV (the variable that holds
 * its PIN). Without one, the seal is made with a one-time software key, and says so.
 */
export function auditSealerFor(workspace: Workspace, mode: 'rehearsal' | 'production', clock: Clock, env: NodeJS.ProcessEnv = process.env): AuditSealer {
  async function auditToken(): Promise<SessionOptions | null> {
    if (mode === 'rehearsal') return rehearsalSessionOptions(await provisionRehearsalToken(workspace.root));
    const { KSK_AUDIT_MODULE: modulePath, KSK_AUDIT_TOKEN: tokenLabel, KSK_AUDIT_PIN_ENV: pinVar } = env;
    if (!modulePath || !tokenLabel) return null;
    const pin = pinVar ? env[pinVar] : undefined;
    if (!pin) throw new KskError('HSM_ERROR', `The audit token "${tokenLabel}" is configured but no PIN was given: set KSK_AUDIT_PIN_ENV to the name of a variable that holds it.`);
    return { modulePath, tokenLabel, pin };
  }

  return async (ceremonyId) => {
    const options = await auditToken();
    if (!options) return { sealer: softwareSealer(), release: async () => undefined };
    const session = await openSession({ ...options, clock });
    try {
      const label = auditKeyLabel(ceremonyId);
      if (!(await session.findKey(label))) await session.generateKsk({ algorithm: 'ED25519', label });
      return { sealer: await hsmSealer(session, label), release: () => session.close() };
    } catch (e) {
      await session.close();
      throw e;
    }
  };
}
