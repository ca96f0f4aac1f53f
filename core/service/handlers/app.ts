import { appInfo } from '../../appInfo.js';
import { describeHash } from '../../hash/match.js';
import { sha256, sha256File } from '../../hash/sha256.js';
import { readFileRef } from '../../ceremony/engine/fileRef.js';
import { checkAirGap } from '../../system/airgap.js';
import { findHsmModules } from '../../system/hsmModules.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';

export function appHandlers(ctx: ServiceContext): {
  'app.status': Handler<'app.status'>;
  'app.startup': Handler<'app.startup'>;
  'app.airGap': Handler<'app.airGap'>;
  'hash.file': Handler<'hash.file'>;
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
    'hash.file': async ({ path }) => {
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
