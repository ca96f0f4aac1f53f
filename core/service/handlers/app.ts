import { appInfo } from '../../appInfo.js';
import { messageOf } from '../../errors.js';
import { capabilitiesOf } from '../../hsm/capabilities.js';
import { describeModule } from '../../../native/index.js';
import { rehearsalModuleEnv } from '../../../native/rehearsal.js';
import { describeHash } from '../../hash/match.js';
import { sha256, sha256File } from '../../hash/sha256.js';
import { readFileRef } from '../../ceremony/engine/fileRef.js';
import { checkAirGap } from '../../system/airgap.js';
import { requireAllowedPath } from '../../system/fileAccess.js';
import { findHsmModules, presentModulePaths } from '../../system/hsmModules.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';

export function appHandlers(ctx: ServiceContext): {
  'app.status': Handler<'app.status'>;
  'app.startup': Handler<'app.startup'>;
  'app.airGap': Handler<'app.airGap'>;
  'hash.file': Handler<'hash.file'>;
  'hsm.tokens': Handler<'hsm.tokens'>;
  'hash.describe': Handler<'hash.describe'>;
} {
  return {
    'app.status': () => ({
      appName: appInfo.name,
      version: appInfo.version,
      mode: ctx.mode,
      workspace: ctx.workspace.root,
      databasePath: ctx.workspace.database,
      hsmModules: findHsmModules(ctx.modulePaths),
      airGap: checkAirGap(ctx.clock),
    }),
    'app.startup': () => ctx.startup(),
    'app.airGap': () => {
      const report = checkAirGap(ctx.clock);
      ctx.emit({ type: 'air-gap', isolated: report.isolated, warnings: report.warnings });
      return report;
    },
    'hsm.tokens': async () => {
      const modules = [];
      for (const modulePath of presentModulePaths(ctx.modulePaths)) {
        // A rehearsal's SoftHSM2 is the workspace's tokens; every other module reads its own configuration.
        const env = ctx.mode === 'rehearsal' && modulePath.includes('softhsm') ? rehearsalModuleEnv(ctx.workspace) : undefined;
        try {
          const m = await describeModule({ modulePath, ...(env ? { env } : {}), profiles: true });
          const tokens = m.slots.flatMap((s) =>
            s.token?.initialized && s.profile
              ? [
                  {
                    slotId: s.id,
                    label: s.token.label,
                    serial: s.token.serial,
                    model: s.token.model,
                    manufacturer: s.token.manufacturer,
                    capabilities: capabilitiesOf(s.profile),
                  },
                ]
              : [],
          );
          modules.push({ path: modulePath, library: `${m.manufacturer} ${m.description} ${m.libraryVersion}`, error: null, tokens });
        } catch (e) {
          modules.push({ path: modulePath, library: null, error: messageOf(e), tokens: [] });
        }
      }
      return { modules };
    },
    'hash.file': async ({ path }) => {
      requireAllowedPath(path, 'file');
      const { digest, size } = await sha256File(path);
      const { hex, pgpWords } = describeHash(digest);
      return { path, size, sha256: hex, pgpWords };
    },
    'hash.describe': ({ subject }) => {
      const digest = 'sha256' in subject ? Buffer.from(subject.sha256, 'hex') : sha256(readFileRef(subject, 'file to hash').bytes);
      const { hex, pgpWords } = describeHash(digest);
      return { sha256: hex, pgpWords };
    },
  };
}
