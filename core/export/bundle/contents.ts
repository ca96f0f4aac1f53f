import { appInfo } from '../../appInfo.js';
import { eventsOf, readCeremonyLog, type CeremonyLog } from '../../documents/compose/ceremonyLog.js';
import { sealBy } from '../../documents/compose/record.js';
import { renderLogDocument, type CeremonyDocumentKind } from '../../documents/compose/render.js';
import { KskError } from '../../errors.js';
import { canonicalBytes, EVENT_FORMAT_VERSION } from '../../evidence/canonical.js';
import type { EvidenceStore } from '../../evidence/store.js';
import { sealStatementBytes } from '../../evidence/seal.js';
import { toPgpWords } from '../../hash/pgpWords.js';
import { sha256Hex } from '../../hash/sha256.js';
import { MANIFEST_FORMAT, type BundleFile } from '../manifest.js';
import { chaptersOf, recordingStartOf } from './chapters.js';
import { auditorReadme } from './readme.js';

/**
 * What a bundle holds, as a pure function of the ceremony's exported log (and the recording start,
 * when the CA gives it): the export writes exactly this, and verification derives it again from
 * the bundle's own log and compares, so a bundle cannot say anything its log does not.
 */

/** The snapshot of the log, written by the export itself (core/evidence/export.ts). */
export const LOG_FILE = 'log/ceremony.sqlite';
export const GENERATOR = `${appInfo.name} ${appInfo.version}`;

/** What the manifest's meta says of the bundle; strings only, so the manifest's bytes never vary. */
export interface BundleMeta extends Record<string, string> {
  ceremony: string;
  mode: 'REHEARSAL' | 'PRODUCTION';
  sealed: 'yes' | 'no';
  logHeadSeq: string;
  logHead: string;
  generator: string;
}

export interface BundleContents {
  /** Every file but the log itself and the manifest files. */
  files: BundleFile[];
  meta: BundleMeta;
  /** The paths of the PDFs: verification leaves them to the manifest when another version rendered them. */
  documents: string[];
}

const extensions: Record<string, string> = {
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/yaml': 'yaml',
  'application/json': 'json',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'text/plain': 'txt',
};

/**
 * A file name for an artifact that is safe on any stick (FAT too): its place in the log, its kind,
 * and its name reduced to letters, digits, dots, dashes and underscores, with the extension its
 * media type implies.
 */
export function artifactPath(seq: number, kind: string, name: string, mediaType: string): string {
  const ext = extensions[mediaType.toLowerCase()] ?? 'bin';
  let base = name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/[.-]+$/, '')
    .slice(0, 80);
  if (!base.toLowerCase().endsWith(`.${ext}`)) base = `${base || 'file'}.${ext}`;
  return `artifacts/${String(seq).padStart(4, '0')}-${kind}-${base}`;
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

function artifactIndex(
  log: CeremonyLog,
): { path: string; seq: number; time: string; kind: string; name: string; mediaType: string; size: number; sha256: string; stepId: string | null }[] {
  const seen = new Set<string>();
  return eventsOf(log, 'artifact.stored').flatMap((e) => {
    const { sha256, name, kind, mediaType, size, stepId } = e.payload;
    if (seen.has(sha256)) return [];
    seen.add(sha256);
    return [{ path: artifactPath(e.seq, kind, name, mediaType), seq: e.seq, time: e.time, kind, name, mediaType, size, sha256, stepId: stepId ?? null }];
  });
}

function headOf(log: CeremonyLog) {
  return { seq: log.head.seq, hash: log.head.hash, pgpWords: toPgpWords(Buffer.from(log.head.hash, 'hex')) };
}

function ceremonyJson(log: CeremonyLog, artifacts: ReturnType<typeof artifactIndex>, documents: Record<string, string>) {
  const { payload } = log.opened;
  const script = log.script;
  return {
    format: MANIFEST_FORMAT,
    ceremonyId: log.summary.ceremonyId,
    title: payload.title,
    kind: payload.kind,
    site: payload.site ?? null,
    mode: payload.rehearsal ? 'REHEARSAL' : 'PRODUCTION',
    openedAt: log.opened.time,
    closedAt: log.summary.closedAt,
    previousCeremony: payload.previousCeremony,
    script: script ? { id: script.script.id, version: script.script.version, title: script.script.title, sha256: script.sha256 } : null,
    events: log.events.length,
    head: headOf(log),
    sealed: log.seal !== null,
    documents,
    artifacts,
  };
}

function sealJson(log: CeremonyLog) {
  if (!log.seal) return null;
  const { statement, signature } = log.seal;
  return {
    statement,
    statementSha256: sha256Hex(sealStatementBytes(statement)),
    signatureBase64: signature.toString('base64'),
    signedBy: sealBy(statement.key),
  };
}

function attestationsJson(log: CeremonyLog, paths: ReadonlyMap<string, string>) {
  return eventsOf(log, 'attestation.signed', 'attestation.declined').map((e) => {
    const { personId, name, role, statement, logHeadHash } = e.payload;
    const common = { seq: e.seq, time: e.time, personId, name, role, statement, logHeadHash };
    return e.type === 'attestation.signed'
      ? { ...common, agreed: true, signatureSha256: e.payload.signatureSha256, signature: paths.get(e.payload.signatureSha256) ?? null }
      : { ...common, agreed: false, reason: e.payload.reason };
  });
}

/** The documents a ceremony's bundle carries: the script and the record always, the trust anchor sheet when one was published. */
function documentKinds(log: CeremonyLog): CeremonyDocumentKind[] {
  const published = eventsOf(log, 'artifact.stored').some((e) => e.payload.kind === 'trust-anchor');
  return ['script', 'record', ...(published ? (['trust-anchor'] as const) : [])];
}

/**
 * Everything a bundle holds but its log: README for the auditor, ceremony.json (what the ceremony
 * is, its head, its documents and artifacts), every event's hashed bytes one a line, the seal, the
 * attestations, the chapters of the recording, the PDFs, and every artifact the log stores.
 */
export async function bundleContents(
  store: EvidenceStore,
  ceremonyId: string,
  options: { recordingStart?: string; generator?: string } = {},
): Promise<BundleContents> {
  const log = readCeremonyLog(store, ceremonyId);
  const artifacts = artifactIndex(log);
  const paths = new Map(artifacts.map((a) => [a.sha256, a.path]));
  const files: BundleFile[] = [];

  const documents: Record<string, string> = {};
  for (const kind of documentKinds(log)) {
    const doc = await renderLogDocument(log, kind);
    documents[kind] = `documents/${doc.fileName}`;
    files.push({ path: documents[kind] as string, bytes: doc.pdf });
  }
  for (const a of artifacts) files.push({ path: a.path, bytes: store.readArtifact(a.sha256) });

  files.push({ path: 'log/events.jsonl', bytes: Buffer.concat(log.events.map((e) => Buffer.concat([eventBytes(e), Buffer.from('\n')]))) });
  files.push({ path: 'ceremony.json', bytes: json(ceremonyJson(log, artifacts, documents)) });
  files.push({ path: 'attestations.json', bytes: json(attestationsJson(log, paths)) });
  const seal = sealJson(log);
  if (seal) files.push({ path: 'seal.json', bytes: json(seal) });
  const recording = recordingStartOf(log, options.recordingStart);
  if (recording) files.push({ path: 'chapters.vtt', bytes: Buffer.from(chaptersOf(log, recording), 'utf8') });

  const meta: BundleMeta = {
    ceremony: ceremonyId,
    mode: log.opened.payload.rehearsal ? 'REHEARSAL' : 'PRODUCTION',
    sealed: log.seal ? 'yes' : 'no',
    logHeadSeq: String(log.head.seq),
    logHead: log.head.hash,
    generator: options.generator ?? GENERATOR,
    ...(recording ? { recordingStart: recording.time, recordingStartSource: recording.source } : {}),
  };
  files.push({ path: 'README-AUDITOR.txt', bytes: Buffer.from(auditorReadme(log, { meta, files: files.map((f) => f.path), recording }), 'utf8') });
  return { files, meta, documents: Object.values(documents) };
}

/**
 * An event's bytes exactly as hashed (its canonical JSON, rebuilt from what the store returns and
 * checked against its hash), so an auditor can hash each line with any tool.
 */
function eventBytes(e: CeremonyLog['events'][number]): Buffer {
  const { ceremonyId, seq, time, prevHash, type, payload } = e;
  const bytes = canonicalBytes({ v: EVENT_FORMAT_VERSION, ceremonyId, seq, time, type, prevHash, payload });
  if (sha256Hex(bytes) !== e.hash) throw new KskError('INTERNAL', `Event ${seq} of ceremony ${ceremonyId} does not rebuild to the bytes it was hashed over.`);
  return bytes;
}
