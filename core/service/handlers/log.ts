import type { logChannels } from '../../contract/channels/log.js';
import { KskError } from '../../errors.js';
import { verifyEvidence } from '../../evidence/verify.js';
import { verificationCheckpoints, workspacePin } from '../../workspace/config.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';

type LogHandlers = { [C in keyof typeof logChannels]: Handler<C> };

export function logHandlers(ctx: ServiceContext): LogHandlers {
  const store = () => ctx.engine().deps.store;
  return {
    'log.events': ({ ceremonyId, types, afterSeq, limit }) => {
      const head = store().head(ceremonyId);
      if (!head) throw new KskError('NOT_FOUND', `No ceremony "${ceremonyId}" in this workspace.`);
      const events = store()
        .events(ceremonyId)
        .filter((e) => e.seq > afterSeq && (!types || types.includes(e.type)))
        .slice(0, limit)
        .map((e) => ({ seq: e.seq, time: e.time, type: e.type, payload: e.payload as unknown as Record<string, never>, prevHash: e.prevHash, hash: e.hash }));
      return { events, head: { seq: head.seq, hash: head.hash } };
    },
    'log.verify': ({ requireSeal }) => {
      store();
      const report = verifyEvidence(ctx.workspace.database, {
        requireSealed: requireSeal,
        pin: workspacePin(ctx.workspace.root),
        checkpoints: verificationCheckpoints(ctx.workspace.database, ctx.workspace.root, []),
      });
      return {
        ok: report.ok,
        events: report.events,
        message: report.message,
        firstBadCeremonyId: report.firstBadCeremonyId ?? null,
        firstBadSeq: report.firstBadSeq ?? null,
        problems: report.problems.map((p) => ({ check: p.check, ceremonyId: p.ceremonyId, seq: p.seq, message: p.message })),
        ceremonies: report.ceremonies.map((c) => ({ ceremonyId: c.ceremonyId, events: c.events, headHash: c.head?.hash ?? null, sealed: c.sealed })),
      };
    },
    'artifact.read': ({ ceremonyId, sha256 }) => {
      const recorded = store()
        .events(ceremonyId, ['artifact.stored'])
        .find((e) => e.payload.sha256 === sha256);
      if (!recorded) throw new KskError('NOT_FOUND', `Ceremony ${ceremonyId} stored no artifact with SHA-256 ${sha256}.`);
      const bytes = store().readArtifact(sha256);
      return {
        name: recorded.payload.name,
        kind: recorded.payload.kind,
        mediaType: recorded.payload.mediaType,
        size: bytes.length,
        base64: bytes.toString('base64'),
      };
    },
  };
}
