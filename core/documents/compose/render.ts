import type { Script } from '../../ceremony/script.js';
import { KskError } from '../../errors.js';
import type { EvidenceStore } from '../../evidence/store.js';
import { sha256Hex } from '../../hash/sha256.js';
import type { Share } from '../../hsm/shares.js';
import { renderLetterPdf } from '../letters.js';
import { pdfPageCount, type Paper } from '../pdf.js';
import { renderRecordPdf } from '../record.js';
import { renderScriptPdf } from '../script.js';
import { renderShareSheetPdf } from '../shareSheets.js';
import { renderTrustAnchorSheetPdf } from '../trustAnchorSheet.js';
import type { CeremonyInfo } from '../types.js';
import { ceremonyInfoOf, readCeremonyLog, type CeremonyLog } from './ceremonyLog.js';
import { lettersInputOf, type LettersOptions } from './letters.js';
import { recordInputOf } from './record.js';
import { scriptDocumentInput } from './script.js';
import { shareSheetsInputOf } from './shareSheets.js';
import { trustAnchorSheetInputOf } from './trustAnchor.js';

export const ceremonyDocumentKinds = ['script', 'record', 'letters', 'share-sheets', 'trust-anchor'] as const;
export type CeremonyDocumentKind = (typeof ceremonyDocumentKinds)[number];

export interface RenderedPdf {
  kind: CeremonyDocumentKind;
  /** e.g. "KSK-R55-record.pdf". */
  fileName: string;
  pdf: Buffer;
  sha256: string;
  pages: number;
  /** The hash at the foot of every page, if the document has one. */
  pageHash: { label: string; hex: string } | null;
}

export interface RenderOptions {
  paper?: Paper;
  letters?: LettersOptions;
  /** For share sheets: the shares, which the log never holds. */
  shares?: readonly Share[];
}

function rendered(kind: CeremonyDocumentKind, id: string, pdf: Buffer, pageHash: RenderedPdf['pageHash']): RenderedPdf {
  return { kind, fileName: `${id}-${kind}.pdf`, pdf, sha256: sha256Hex(pdf), pages: pdfPageCount(pdf), pageHash };
}

/** The script's PDF from a script alone (a template or an adapted script), before any ceremony is logged. */
export async function renderScriptDocument(script: Script, ceremony: CeremonyInfo): Promise<RenderedPdf> {
  const input = scriptDocumentInput(script, ceremony);
  return rendered('script', ceremony.id, await renderScriptPdf(input), { label: 'Script SHA-256', hex: input.scriptHash });
}

/**
 * One document of a ceremony, composed from its log and rendered. The same log gives the same
 * bytes: the bundle carries these PDFs, and its verification renders them again to compare.
 */
export async function renderCeremonyDocument(
  store: EvidenceStore,
  ceremonyId: string,
  kind: CeremonyDocumentKind,
  options: RenderOptions = {},
): Promise<RenderedPdf> {
  return renderLogDocument(readCeremonyLog(store, ceremonyId), kind, options);
}

/** One document of a ceremony already read from the log (several documents, one reading). */
export async function renderLogDocument(log: CeremonyLog, kind: CeremonyDocumentKind, options: RenderOptions = {}): Promise<RenderedPdf> {
  const { paper } = options;
  const id = log.summary.ceremonyId;
  switch (kind) {
    case 'script':
      if (!log.script) throw new KskError('CONFLICT', `Ceremony ${id} has loaded no script yet: print the script from its template.`);
      return renderScriptDocument(log.script.script, ceremonyInfoOf(log, paper));
    case 'record': {
      const input = recordInputOf(log, paper);
      return rendered(kind, id, await renderRecordPdf(input), { label: `Log head hash (event ${input.logHead.sequence})`, hex: input.logHead.hex });
    }
    case 'letters':
      return rendered(kind, id, await renderLetterPdf(lettersInputOf(log, { ...options.letters, ...(paper ? { paper } : {}) })), null);
    case 'share-sheets':
      return rendered(kind, id, await renderShareSheetPdf(shareSheetsInputOf(log, options.shares ?? [], paper)), null);
    case 'trust-anchor': {
      const input = trustAnchorSheetInputOf(log, paper);
      return rendered(kind, id, await renderTrustAnchorSheetPdf(input), { label: 'root-anchors.xml SHA-256', hex: sha256Hex(Buffer.from(input.xml, 'utf8')) });
    }
  }
}
