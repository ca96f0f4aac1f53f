import { loadTemplate } from '../../ceremony/templates.js';
import type { ValidRequestOf } from '../../contract/api.js';
import type { documentsChannels, RenderedDocument } from '../../contract/channels/documents.js';
import { procedureName } from '../../documents/compose/ceremonyLog.js';
import { renderCeremonyDocument, renderScriptDocument, type RenderedPdf } from '../../documents/compose/render.js';
import { withWorkspaceLog } from '../../documents/compose/workspaceLog.js';
import { listPrinters, printPdf } from '../../documents/print.js';
import { exportBundle } from '../../export/bundle/export.js';
import { verifyBundle } from '../../export/bundle/verify.js';
import { findRemovableMedia } from '../../export/media.js';
import { parseShareText } from '../../hsm/shares.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';
import { requireAllowedPath } from '../../system/fileAccess.js';

type DocumentsHandlers = { [C in keyof typeof documentsChannels]: Handler<C> };

function view(doc: RenderedPdf): RenderedDocument {
  return { kind: doc.kind, fileName: doc.fileName, pdfBase64: doc.pdf.toString('base64'), sha256: doc.sha256, bytes: doc.pdf.length, pages: doc.pages, pageHash: doc.pageHash };
}

function render(ctx: ServiceContext, request: ValidRequestOf<'documents.render'>): Promise<RenderedPdf> {
  const { ceremonyId, kind, paper, letters } = request;
  const shares = (request.shares ?? []).map((text) => parseShareText(text));
  return withWorkspaceLog(ctx.workspace.root, (store) =>
    renderCeremonyDocument(store, ceremonyId, kind, {
      ...(paper ? { paper } : {}),
      ...(letters ? { letters } : {}),
      shares,
    }),
  );
}

export function documentsHandlers(ctx: ServiceContext): DocumentsHandlers {
  return {
    'documents.render': async (request) => view(await render(ctx, request)),
    'documents.renderTemplateScript': async ({ templateId, title, site, date, mode, paper }) => {
      const script = loadTemplate(templateId);
      return view(await renderScriptDocument(script, { id: templateId, title, site, date, mode, procedure: procedureName(script, script.procedure), ...(paper ? { paper } : {}) }));
    },
    'documents.print': async ({ printer, copies, ...request }) => {
      const doc = await render(ctx, request);
      const { jobId } = await printPdf(doc.pdf, { title: doc.fileName, ...(printer ? { printer } : {}), ...(copies ? { copies } : {}) });
      return { jobId, printer: printer ?? null, sha256: doc.sha256, pages: doc.pages };
    },
    'documents.printers': () => listPrinters(),
    'export.media': async () => ({ media: await findRemovableMedia() }),
    'export.bundle': async ({ ceremonyId, to, recordingStart, replace, operationId }) => {
      requireAllowedPath(to, 'export folder');
      const id = operationId ?? `export:${ceremonyId}`;
      const progress = (label: string, fraction: number | null, done = false) => ctx.emit({ type: 'progress', operationId: id, label, fraction, done });
      try {
        const result = await exportBundle({
          workspace: ctx.workspace,
          ceremonyId,
          to,
          replace,
          ...(recordingStart ? { recordingStart } : {}),
          onProgress: ({ label, fraction }) => progress(label, fraction),
        });
        progress('The bundle is written and verified', 1, true);
        return result;
      } catch (e) {
        progress('The export failed', null, true);
        throw e;
      }
    },
    'export.verify': ({ dir, allowUnsealed }) => {
      requireAllowedPath(dir, 'bundle folder');
      return verifyBundle(dir, { allowUnsealed });
    },
  };
}
