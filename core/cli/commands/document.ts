import { existsSync } from 'node:fs';
import { loadTemplate } from '../../ceremony/templates.js';
import { readInputFile, writeFileAtomic } from '../../dnssec/files.js';
import {
  ceremonyDocumentKinds,
  renderCeremonyDocument,
  renderScriptDocument,
  type CeremonyDocumentKind,
  type RenderedPdf,
} from '../../documents/compose/render.js';
import { withWorkspaceLog } from '../../documents/compose/workspaceLog.js';
import type { Paper } from '../../documents/pdf.js';
import { printPdf } from '../../documents/print.js';
import { requireUtc } from '../../documents/text.js';
import { KskError } from '../../errors.js';
import { toPgpWords } from '../../hash/pgpWords.js';
import { parseShareText } from '../../hsm/shares.js';
import { output, parseCommandArgs, requireString, UsageError, workspaceOption, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';

const usage = [
  'ksk-ceremony document script|record|letters|share-sheets|trust-anchor --ceremony ID --out FILE.pdf [--workspace DIR] [--paper A4|LETTER] [--print [--printer NAME]] [--json]',
  '  letters:      [--sender-name NAME --sender-title TITLE --organization ORG [--contact LINE]...] [--reason TEXT] [--date ISO] [--respond-by ISO]',
  '  share-sheets: --share FILE [--share FILE]...   (each the share as printed, one file a share; shares are never in the log)',
  '  before a ceremony exists: ksk-ceremony document script --template ID --title TEXT --site TEXT --date ISO --mode rehearsal|production --out FILE.pdf',
].join('\n');

const options = {
  ceremony: { type: 'string' },
  out: { type: 'string' },
  paper: { type: 'string' },
  print: { type: 'boolean', default: false },
  printer: { type: 'string' },
  template: { type: 'string' },
  title: { type: 'string' },
  site: { type: 'string' },
  date: { type: 'string' },
  mode: { type: 'string' },
  'sender-name': { type: 'string' },
  'sender-title': { type: 'string' },
  organization: { type: 'string' },
  contact: { type: 'string', multiple: true },
  reason: { type: 'string' },
  'respond-by': { type: 'string' },
  share: { type: 'string', multiple: true },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>['values'];

function paperOf(value: string | undefined): Paper | undefined {
  if (value === undefined) return undefined;
  const paper = value.toUpperCase();
  if (paper !== 'A4' && paper !== 'LETTER') throw new UsageError(`--paper is A4 or LETTER, not "${value}".`);
  return paper;
}

function utcOption(value: string | undefined, name: string): string | undefined {
  if (value !== undefined) requireUtc(value, `--${name}`);
  return value;
}

/** The script of a template, for printing before the ceremony is created. */
async function templateScript(values: Values, paper: Paper | undefined): Promise<RenderedPdf> {
  const command = { usage };
  const mode = requireString(values.mode, 'mode', command).toUpperCase();
  if (mode !== 'REHEARSAL' && mode !== 'PRODUCTION') throw new UsageError(`--mode is rehearsal or production, not "${values.mode}".`);
  const date = requireString(values.date, 'date', command);
  requireUtc(date, '--date');
  const template = requireString(values.template, 'template', command);
  const script = loadTemplate(template);
  return renderScriptDocument(script, {
    id: template,
    title: requireString(values.title, 'title', command),
    site: requireString(values.site, 'site', command),
    date,
    procedure: script.seedReference ? `${script.title} (${script.seedReference})` : script.title,
    mode,
    ...(paper ? { paper } : {}),
  });
}

async function fromLog(kind: CeremonyDocumentKind, values: Values, workspace: string, paper: Paper | undefined): Promise<RenderedPdf> {
  const ceremonyId = requireString(values.ceremony, 'ceremony', { usage });
  const sender = values['sender-name']
    ? {
        sender: {
          name: values['sender-name'],
          title: requireString(values['sender-title'], 'sender-title', { usage }),
          organization: requireString(values.organization, 'organization', { usage }),
          contact: values.contact ?? [],
        },
      }
    : {};
  const letters = {
    ...sender,
    ...(values.reason ? { reason: values.reason } : {}),
    ...(values.date ? { date: utcOption(values.date, 'date') as string } : {}),
    ...(values['respond-by'] ? { respondBy: utcOption(values['respond-by'], 'respond-by') as string } : {}),
  };
  const shares = await Promise.all((values.share ?? []).map(async (file) => parseShareText((await readInputFile(file, 'share', 64 * 1024)).toString('utf8'))));
  if (kind === 'share-sheets' && shares.length === 0)
    throw new UsageError('share-sheets needs each share to print, with --share FILE: shares are never in the log.');
  return withWorkspaceLog(workspace, (store) => renderCeremonyDocument(store, ceremonyId, kind, { ...(paper ? { paper } : {}), letters, shares }));
}

export const documentCommand: CommandImpl = {
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, options, this);
    const kind = positionals[0] as CeremonyDocumentKind | undefined;
    if (positionals.length !== 1 || !kind || !ceremonyDocumentKinds.includes(kind)) {
      throw new UsageError(`document takes one kind: ${ceremonyDocumentKinds.join(', ')}.\nusage: ${usage}`);
    }
    const out = requireString(values.out, 'out', this);
    if (existsSync(out)) throw new KskError('CONFLICT', `${out} already exists; choose another --out.`);
    const paper = paperOf(values.paper);
    const doc =
      kind === 'script' && values.template ? await templateScript(values, paper) : await fromLog(kind, values, workspaceOption(values.workspace, io), paper);
    await writeFileAtomic(out, doc.pdf);
    const job =
      values.print || values.printer
        ? await printPdf(doc.pdf, { title: doc.fileName, env: io.env, ...(values.printer ? { printer: values.printer } : {}) })
        : null;
    const pgpWords = toPgpWords(Buffer.from(doc.sha256, 'hex'));
    output(
      io,
      values.json,
      { file: out, kind, pages: doc.pages, bytes: doc.pdf.length, sha256: doc.sha256, pgpWords, pageHash: doc.pageHash, printJob: job?.jobId ?? null },
      () =>
        [
          `${kind} written: ${out} (${doc.pages} page${doc.pages === 1 ? '' : 's'}, ${doc.pdf.length} bytes)`,
          `  SHA-256: ${doc.sha256}`,
          `  words:   ${pgpWords.join(' ')}`,
          ...(doc.pageHash ? [`  on every page, ${doc.pageHash.label}: ${doc.pageHash.hex}`] : []),
          ...(job ? [`  sent to the printer: job ${job.jobId}`] : []),
        ].join('\n'),
    );
    return ExitCode.OK;
  },
};
