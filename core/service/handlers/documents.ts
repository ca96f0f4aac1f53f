import { loadTemplate } from '../../ceremony/templates.js';
import type { ValidRequestOf } from '../../contract/api.js';
import type { documentsChannels, RenderedDocument } from '../../contract/channels/documents.js';
import type { RenderedPdf } from '../../documents/compose/render.js';
import { writePdfInto } from '../../documents/pdfFile.js';
import { KskError } from '../../errors.js';
import { readSettings, writeSettings } from '../../workspace/settings.js';
import { parseShareText } from '../../hsm/shares.js';
import type { ServiceContext } from '../context.js';
import type { Handler } from '../dispatch.js';
import { requireAllowedPath } from '../../system/fileAccess.js';
import { workspacePin } from '../../workspace/config.js';

type DocumentsHandlers = { [C in keyof typeof documentsChannels]: Handler<C> };

// The PDF and bundle stack (pdfkit, fonts, QR codes, the bundle writer) is most of what the backend
// would load at start: each handler imports what it uses when it is first called, so the home
// screen does not wait for it.
const rendering = () => import('../../documents/compose/render.js');
const workspaceLog = () => import('../../documents/compose/workspaceLog.js');
const printing = () => import('../../documents/print.js');

function view(doc: RenderedPdf): RenderedDocument {
  return {
    kind: doc.kind,
    fileName: doc.fileName,
    pdfBase64: doc.pdf.toString('base64'),
    sha256: doc.sha256,
    bytes: doc.pdf.length,
    pages: doc.pages,
    pageHash: doc.pageHash,
  };
}

async function render(ctx: ServiceContext, request: ValidRequestOf<'documents.render'>): Promise<RenderedPdf> {
  const { ceremonyId, kind, paper, letters } = request;
  const shares = (request.shares ?? []).map((text) => parseShareText(text));
  const [{ renderCeremonyDocument }, { withWorkspaceLog }] = await Promise.all([rendering(), workspaceLog()]);
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
      const [{ renderScriptDocument }, { procedureName }] = await Promise.all([rendering(), import('../../documents/compose/ceremonyLog.js')]);
      return view(
        await renderScriptDocument(script, {
          id: templateId,
          title,
          site,
          date,
          mode,
          procedure: procedureName(script, script.procedure),
          ...(paper ? { paper } : {}),
        }),
      );
    },
    'documents.print': async ({ destination, copies, ...request }) => {
      const target = destination ?? readSettings(ctx.workspace).print ?? null;
      if (target?.kind === 'pdf' && request.kind === 'share-sheets') {
        throw new KskError('BAD_REQUEST', 'Share sheets are never written to a file: print them on a printer, or hand each holder theirs from the screen.');
      }
      const doc = await render(ctx, request);
      let printed: { jobId: string | null; printer: string | null; file: string | null };
      if (target?.kind === 'pdf') {
        printed = { jobId: null, printer: null, file: await writePdfInto(target.dir, doc.fileName, doc.pdf) };
      } else {
        const { printPdf } = await printing();
        const { jobId } = await printPdf(doc.pdf, { title: doc.fileName, ...(target ? { printer: target.printer } : {}), ...(copies ? { copies } : {}) });
        // CUPS names a job after its printer ("Office-12"): the default printer's name, when none was chosen.
        printed = { jobId, printer: target?.printer ?? jobId.replace(/-\d+$/, ''), file: null };
      }
      if (destination) writeSettings(ctx.workspace, { print: destination });
      const recorded = await ctx.engine().recordPrinted(request.ceremonyId, {
        kind: doc.kind,
        sha256: doc.sha256,
        pages: doc.pages,
        ...(printed.printer ? { printer: printed.printer } : {}),
        ...(printed.jobId ? { jobId: printed.jobId } : {}),
        ...(printed.file ? { file: printed.file } : {}),
        ...(copies ? { copies } : {}),
      });
      return { ...printed, sha256: doc.sha256, pages: doc.pages, recorded };
    },
    'documents.printers': async () => {
      const chosen = readSettings(ctx.workspace).print ?? null;
      try {
        return { ...(await (await printing()).listPrinters()), chosen, cups: null };
      } catch (e) {
        // No CUPS here (not installed, not running): the room can still print to a PDF on the stick.
        if (e instanceof KskError && e.code === 'NOT_FOUND') return { printers: [], defaultPrinter: null, chosen, cups: e.message };
        throw e;
      }
    },
    'export.media': async () => ({ media: await (await import('../../export/media.js')).findRemovableMedia() }),
    'export.bundle': async ({ ceremonyId, to, recordingStart, replace, operationId }) => {
      requireAllowedPath(to, 'export folder');
      const id = operationId ?? `export:${ceremonyId}`;
      const progress = (label: string, fraction: number | null, done = false) => ctx.emit({ type: 'progress', operationId: id, label, fraction, done });
      try {
        const { exportBundle } = await import('../../export/bundle/export.js');
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
    'export.verify': async ({ dir, allowUnsealed }) => {
      requireAllowedPath(dir, 'bundle folder');
      return (await import('../../export/bundle/verify.js')).verifyBundle(dir, { allowUnsealed, pin: workspacePin(ctx.workspace.root) });
    },
  };
}
