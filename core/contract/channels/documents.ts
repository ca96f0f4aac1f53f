import { z } from 'zod';
import { channel } from '../channel.js';

/**
 * Printed documents, the USB bundle and its offline audit. Every document is composed from the
 * evidence log (or, for the script before a ceremony exists, from a template) and rendered by the
 * privileged side: the UI receives the PDF's bytes to preview, never builds one. The same log gives
 * the same bytes, so `sha256` identifies a document.
 */

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits (SHA-256)');
const utc = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/, 'a UTC time such as 2025-01-01T12:00:00.000Z');

export const documentKinds = ['script', 'record', 'letters', 'share-sheets', 'trust-anchor'] as const;
export const documentKindSchema = z.enum(documentKinds);
export type DocumentKind = z.infer<typeof documentKindSchema>;

export const paperSchema = z.enum(['LETTER', 'A4']);

/** Who signs the notification letters and why the ceremony is called (not in the log: the CA says). */
export const letterOptionsSchema = z.object({
  sender: z
    .object({
      name: z.string().min(1),
      title: z.string().min(1),
      organization: z.string().min(1),
      contact: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  /** Why the ceremony is called; the script's summary when absent. */
  reason: z.string().min(1).optional(),
  /** The date on the letters; the time the ceremony was opened in the log when absent. */
  date: utc.optional(),
  respondBy: utc.optional(),
  /** Recipients named by the CA; by default the holders of CO and RKSH credentials the log has on record. */
  recipients: z
    .array(z.object({ name: z.string().min(1), role: z.enum(['CO', 'RKSH']), address: z.array(z.string().min(1)).optional() }))
    .min(1)
    .optional(),
});
export type LetterOptions = z.input<typeof letterOptionsSchema>;

export const documentRequestSchema = z.object({
  ceremonyId: z.string().min(1),
  kind: documentKindSchema,
  paper: paperSchema.optional(),
  /** kind 'letters' only. */
  letters: letterOptionsSchema.optional(),
  /**
   * kind 'share-sheets' only: the shares to print, each as the numbered lines of its sheet (the text
   * `parseShareText` reads). Shares are never in the log, so they must be given; their holders,
   * M of N and set come from the log.
   */
  shares: z.array(z.string().min(1)).optional(),
});
export type DocumentRequest = z.input<typeof documentRequestSchema>;

export const renderedDocumentSchema = z.object({
  kind: documentKindSchema,
  /** A file name for saving it, e.g. "KSK-R55-record.pdf". */
  fileName: z.string(),
  pdfBase64: z.string(),
  sha256: hashHex,
  bytes: z.number().int().nonnegative(),
  pages: z.number().int().positive(),
  /** The hash printed at the foot of every page (script hash, log head, XML hash), if any. */
  pageHash: z.object({ label: z.string(), hex: hashHex }).nullable(),
});
export type RenderedDocument = z.infer<typeof renderedDocumentSchema>;

/** The script of a ceremony not yet created: a shipped template, for printing ahead. */
export const templateScriptRequestSchema = z.object({
  templateId: z.string().min(1),
  title: z.string().min(1),
  site: z.string().min(1),
  /** When the ceremony will be held, UTC; also the PDF's pinned date. */
  date: utc,
  mode: z.enum(['REHEARSAL', 'PRODUCTION']),
  paper: paperSchema.optional(),
});

export const printerSchema = z.object({ name: z.string(), enabled: z.boolean(), status: z.string() });

/** Where a document is printed: a CUPS printer, or a PDF file in a folder (a stick) when the room has no printer. */
export const printDestinationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cups'), printer: z.string().min(1) }),
  z.strictObject({ kind: z.literal('pdf'), dir: z.string().min(1) }),
]);

export const removableMediumSchema = z.object({
  mountPoint: z.string(),
  device: z.string(),
  fsType: z.string(),
  readOnly: z.boolean(),
  freeBytes: z.number().nonnegative(),
  totalBytes: z.number().nonnegative(),
});
export type RemovableMediumInfo = z.infer<typeof removableMediumSchema>;

export const logHeadSchema = z.object({ seq: z.number().int().positive(), hex: hashHex, pgpWords: z.array(z.string()).length(32) });

export const exportRequestSchema = z.object({
  ceremonyId: z.string().min(1),
  /** The folder to write into: a medium's mount point from export.media, or a folder the CA chose. */
  to: z.string().min(1),
  /**
   * When the camera recording started, UTC, for the chapter file; the ceremony's camera-start step
   * when absent.
   */
  recordingStart: utc.optional(),
  /** Replace a bundle of the same name already there (only once the new one is verified). */
  replace: z.boolean().default(false),
  /** The id of the 'progress' events this export emits; "export:<ceremonyId>" when absent. */
  operationId: z.string().min(1).optional(),
});
export type ExportRequest = z.input<typeof exportRequestSchema>;

export const exportResultSchema = z.object({
  /** The bundle folder, complete and verified. */
  path: z.string(),
  manifestSha256: hashHex,
  files: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  ceremonyId: z.string(),
  mode: z.enum(['REHEARSAL', 'PRODUCTION']),
  /** False for a bundle written during the ceremony (its export step): a partial record. */
  sealed: z.boolean(),
  /** The head of the ceremony's log (the sealed head once sealed): what the signed paper carries. */
  logHead: logHeadSchema,
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const bundleCheckNames = ['manifest', 'log', 'contents', 'seal', 'skr', 'documents'] as const;

export const bundleVerdictSchema = z.object({
  ok: z.boolean(),
  dir: z.string(),
  ceremonyId: z.string().nullable(),
  mode: z.enum(['REHEARSAL', 'PRODUCTION']).nullable(),
  /** One sentence: valid, or the first problem. */
  message: z.string(),
  /** Each check in order, with what it found. */
  checks: z.array(z.object({ check: z.enum(bundleCheckNames), ok: z.boolean(), detail: z.string() })),
  /** Every problem, each naming its file (path) or event. */
  problems: z.array(z.object({ check: z.enum(bundleCheckNames), path: z.string().nullable(), message: z.string() })),
  /** The log head as the bundle's log has it: compare it with the signed paper. Null when the log cannot be read. */
  logHead: logHeadSchema.nullable(),
  /** Whether the bundle's log is sealed (false: a partial record written during the ceremony); null when it cannot be read. */
  sealed: z.boolean().nullable(),
  manifestSha256: hashHex.nullable(),
});
export type BundleVerdictInfo = z.infer<typeof bundleVerdictSchema>;

export const documentsChannels = {
  /** Renders one document of a ceremony from the log. */
  'documents.render': channel(documentRequestSchema, renderedDocumentSchema),
  /** Renders the script of a shipped template before any ceremony exists (to print ahead). */
  'documents.renderTemplateScript': channel(templateScriptRequestSchema, renderedDocumentSchema),
  /**
   * Renders a document and prints it: to the destination given, else the one chosen last in this
   * workspace, else CUPS' default printer. A destination given is remembered for the workspace.
   * A PDF destination writes the file into the folder (never for share sheets: secrets are not
   * written to files). While the ceremony is open the log records what was printed where, with
   * CUPS' job id (`recorded`); a sealed ceremony takes no more events.
   */
  'documents.print': channel(
    documentRequestSchema.extend({ destination: printDestinationSchema.optional(), copies: z.number().int().min(1).max(99).optional() }),
    z.object({
      jobId: z.string().nullable(),
      printer: z.string().nullable(),
      /** The PDF written, for a PDF destination. */
      file: z.string().nullable(),
      sha256: hashHex,
      pages: z.number().int().positive(),
      recorded: z.boolean(),
    }),
  ),
  /** The printers CUPS knows (lpstat), its default, and the destination this workspace chose last. */
  'documents.printers': channel(
    z.object({}),
    z.object({
      printers: z.array(printerSchema),
      defaultPrinter: z.string().nullable(),
      chosen: printDestinationSchema.nullable(),
      cups: z.string().nullable(),
    }),
  ),
  /** The removable media mounted now (under /media and /run/media), with free space and read-only flag. */
  'export.media': channel(z.object({}), z.object({ media: z.array(removableMediumSchema) })),
  /**
   * Exports a sealed ceremony's bundle to a folder: written under a temporary name, fsynced, read
   * back, verified, then renamed into place. Emits 'progress' events (operationId) while it runs.
   */
  'export.bundle': channel(exportRequestSchema, exportResultSchema),
  /** Verifies a bundle folder offline, as `ksk-ceremony bundle verify DIR` does. */
  'export.verify': channel(z.object({ dir: z.string().min(1), allowUnsealed: z.boolean().default(false) }), bundleVerdictSchema),
};
