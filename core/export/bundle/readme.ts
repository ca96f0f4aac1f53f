import { procedureName, type CeremonyLog } from '../../documents/compose/ceremonyLog.js';
import { sealBy } from '../../documents/compose/record.js';
import { groupedLines, numberedWordLines } from '../../documents/text.js';
import { toPgpWords } from '../../hash/pgpWords.js';
import { auditKeyFingerprint } from '../../evidence/auditKey.js';
import { MANIFEST_FILE, SUMS_FILE } from '../manifest.js';
import type { RecordingStart } from './chapters.js';
import type { BundleMeta } from './contents.js';

/** What each kind of file in a bundle is, for the auditor (first match wins). */
const descriptions: [RegExp, string][] = [
  [/^README-AUDITOR\.txt$/, 'this file'],
  [/^manifest\.json$/, 'every file of the bundle with its size and SHA-256, and facts about the bundle (meta)'],
  [/^SHA256SUMS$/, 'the same hashes for `sha256sum -c SHA256SUMS`, and the hash of manifest.json'],
  [/^ceremony\.json$/, 'the ceremony: title, kind, mode, times, script, log head, documents and artifacts'],
  [/^log\/ceremony\.sqlite$/, "the ceremony's evidence log (SQLite): its events, artifacts and seal, a consistent snapshot"],
  [/^log\/events\.jsonl$/, "every event's hashed bytes, one a line, in order: the SHA-256 of a line (without its newline) is the event's hash"],
  [/^seal\.json$/, 'the seal: the signed statement over the head of the log, its signature and key'],
  [/^attestations\.json$/, "each participant's attestation (or reason for declining), with the log head they were shown and their drawn signature"],
  [/^chapters\.vtt$/, 'WebVTT chapters: each step of the script at its time in the camera recording'],
  [/^documents\/.*-script\.pdf$/, 'the script as the participants used it on paper, with its hash on every page'],
  [/^documents\/.*-record\.pdf$/, 'the record: the annotated log, with the log head hash on every page and as a QR code'],
  [/^documents\/.*-trust-anchor\.pdf$/, 'the trust-anchor publication sheet'],
  [/^artifacts\/\d+-script-/, 'the script the ceremony followed, as stored in the log (canonical JSON)'],
  [/^artifacts\/\d+-ksr-/, 'a Key Signing Request'],
  [/^artifacts\/\d+-skr-/, 'a Signed Key Response'],
  [/^artifacts\/\d+-trust-anchor-/, 'a trust anchor (root-anchors.xml)'],
  [/^artifacts\/\d+-backup-/, 'an encrypted KSK backup (its key exists only as the RKSH shares, which are never in a bundle)'],
  [/^artifacts\/\d+-signature-image-/, 'a signature drawn on screen'],
  [/^artifacts\//, 'a file the ceremony stored in its log'],
];

/** The audit key the workspace pinned when it was commissioned, as the opening recorded it. */
function auditKeyLines(log: CeremonyLog): string[] {
  const key = log.opened.payload.auditKey;
  if (!key) return ['THE AUDIT KEY: not recorded (a log written before audit keys were pinned).', ''];
  const { hex, pgpWords } = auditKeyFingerprint(key);
  return [
    'THE AUDIT KEY pinned when the workspace was commissioned (the seal must be by it). Its fingerprint',
    'is printed on the cover of the script and the record; take it from the paper, not from here:',
    '',
    ...groupedLines(hex, 4, 8).map((l) => `  ${l}`),
    '',
    ...numberedWordLines(pgpWords, 8).map((l) => `  ${l}`),
    '',
  ];
}

function describe(file: string): string {
  return descriptions.find(([pattern]) => pattern.test(file))?.[1] ?? '';
}

/**
 * README-AUDITOR.txt: what the bundle is, the log head to compare with the signed paper, how to
 * verify it offline, and what each file is. Derived from the log like every other file, so it is
 * the same text on every export.
 */
export function auditorReadme(log: CeremonyLog, bundle: { meta: BundleMeta; files: readonly string[]; recording: RecordingStart | null }): string {
  const { payload } = log.opened;
  const id = log.summary.ceremonyId;
  const rehearsal = payload.rehearsal;
  const head = log.head.hash;
  const all = [...new Set([...bundle.files, 'README-AUDITOR.txt', 'log/ceremony.sqlite', MANIFEST_FILE, SUMS_FILE])].sort();
  const width = Math.max(...all.map((f) => f.length));
  const seal = log.seal;
  const lines = [
    `KSK Ceremony bundle: ${payload.title} (${id})`,
    '',
    seal
      ? 'FINAL bundle: written after the ceremony was closed and sealed. This is the record to verify.'
      : `PARTIAL bundle: written during the ceremony, before its seal, with the log up to event ${log.head.seq}. It is not the final record: verify the bundle named ...-final-bundle, exported after the close.`,
    '',
    ...(rehearsal ? ['REHEARSAL. This bundle records a rehearsal ceremony: nothing in it is production material.', ''] : []),
    `Procedure:  ${procedureName(log.script?.script ?? null, payload.kind)}`,
    `Site:       ${payload.site ?? 'not recorded'}`,
    `Mode:       ${bundle.meta.mode}`,
    `Opened:     ${log.opened.time}`,
    `Closed:     ${log.summary.closedAt ?? 'not closed when this bundle was written'}`,
    `Sealed:     ${seal ? `${seal.statement.sealedAt} by ${sealBy(seal.statement.key)}` : 'NO: the ceremony was not sealed when this bundle was written; it is a partial record'}`,
    `Events:     ${log.events.length}`,
    `Script:     ${log.script ? `${log.script.script.id} version ${log.script.script.version}, SHA-256 ${log.script.sha256}` : 'none loaded'}`,
    `Recording:  ${bundle.recording ? `started ${bundle.recording.time} (${bundle.recording.source === 'given' ? 'as given at export' : "from the script's camera-start step"})` : 'no start time known: no chapter file'}`,
    `Written by: ${bundle.meta.generator}`,
    '',
    `THE LOG HEAD (event ${log.head.seq}${seal ? ', sealed' : ''}). The record the IW signed carries this hash on every page;`,
    'compare it with the paper, in hex or in words, before trusting anything here:',
    '',
    ...groupedLines(head, 4, 8).map((l) => `  ${l}`),
    '',
    ...numberedWordLines(toPgpWords(Buffer.from(head, 'hex')), 8).map((l) => `  ${l}`),
    '',
    ...auditKeyLines(log),
    'HOW TO VERIFY (offline, on any machine with KSK Ceremony installed):',
    '',
    `  ksk-ceremony bundle verify <this folder> --audit-key ${log.opened.payload.auditKey ? '<the fingerprint on the paper>' : 'FINGERPRINT'}`,
    '',
    '(the deb puts ksk-ceremony on the PATH; the AppImage carries it inside: run the AppImage with',
    '--appimage-extract, then squashfs-root/resources/bin/ksk-ceremony)',
    '',
    'checks every file against manifest.json, the hash chain of every event of the log, every artifact',
    'against the hash the log recorded, the seal, the signatures of every SKR, and that every file here',
    'is what the log gives (the PDFs rendered again, byte for byte). It prints the log head in hex and',
    'PGP words and exits 0 when the bundle verifies, 1 when something was changed (naming the first',
    'file or event that differs), 3 when the folder is not a bundle. Without the app:',
    '',
    '  sha256sum -c SHA256SUMS                      every file against the manifest',
    '  ksk-ceremony log verify log/ceremony.sqlite --require-seal',
    '                                               the log alone',
    '',
    'What verification cannot show without the paper: a log rewritten whole, every hash recomputed and',
    'sealed again with a fresh key, is consistent in itself. With --audit-key (the fingerprint from the',
    'paper, not from this file) a seal by any other key is refused; the head, compared with the signed',
    "paper, shows the rest. The log proves what was recorded, in what order, at what time by the app's",
    'clock; not that the clock or the people were right. See docs/evidence.md.',
    '',
    'THE FILES:',
    '',
    ...all.map((f) => `  ${f.padEnd(width)}  ${describe(f)}`),
    '',
  ];
  return lines.join('\n');
}
