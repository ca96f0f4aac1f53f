import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { systemClock } from '../../clock.js';
import type { AuditKeyPin } from '../../evidence/auditKey.js';
import { algorithmName } from '../../dnssec/algorithms.js';
import { parseSkr } from '../../dnssec/ksrParse.js';
import { verifySkr } from '../../dnssec/verify.js';
import { sealBy } from '../../documents/compose/record.js';
import { isKskError, KskError, messageOf } from '../../errors.js';
import { openDatabase } from '../../evidence/database.js';
import { EvidenceStore } from '../../evidence/store.js';
import { verifyDatabase, type VerifyReport } from '../../evidence/verify.js';
import { sha256Hex } from '../../hash/sha256.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, SUMS_FILE, verifyBundleFiles, type BundleVerification, type Manifest } from '../manifest.js';
import { bundleContents, GENERATOR, LOG_FILE } from './contents.js';

export const bundleChecks = ['manifest', 'log', 'contents', 'seal', 'skr', 'documents'] as const;
export type BundleCheck = (typeof bundleChecks)[number];

export interface BundleProblemReport {
  check: BundleCheck;
  /** The file of the bundle the problem is in; null when it is not one file's. */
  path: string | null;
  message: string;
}

export interface BundleVerdict {
  ok: boolean;
  dir: string;
  ceremonyId: string | null;
  mode: 'REHEARSAL' | 'PRODUCTION' | null;
  message: string;
  checks: { check: BundleCheck; ok: boolean; detail: string }[];
  problems: BundleProblemReport[];
  logHead: { seq: number; hex: string; pgpWords: string[] } | null;
  /** Whether the bundle's log is sealed; null when the log cannot be read. */
  sealed: boolean | null;
  manifestSha256: string | null;
}

export interface VerifyBundleOptions {
  /** Accept a bundle written before its ceremony was sealed (at the script's export step); false by default. */
  allowUnsealed?: boolean;
  /** The audit key the seal must be by (from --audit-key: the paper, never the bundle itself). */
  pin?: AuditKeyPin | null;
}

/** The checks in the order they run, each with what it found. */
class Findings {
  readonly checks: BundleVerdict['checks'] = [];
  readonly problems: BundleProblemReport[] = [];

  record(check: BundleCheck, problems: Omit<BundleProblemReport, 'check'>[], detail: string): void {
    this.problems.push(...problems.map((p) => ({ check, ...p })));
    this.checks.push({ check, ok: problems.length === 0, detail: problems.length === 0 ? detail : (problems[0] as { message: string }).message });
  }
}

function describeFileProblem(p: BundleVerification['problems'][number]): string {
  switch (p.problem) {
    case 'missing':
      return `${p.path} is missing: ${p.detail}.`;
    case 'extra':
      return `${p.path} was added: it is ${p.detail}.`;
    case 'not-a-file':
      return `${p.path} ${p.detail}.`;
    case 'changed':
      return `${p.path} was changed: ${p.detail}.`;
  }
}

/** The manifest and the files, or null when the folder is not a bundle this program wrote. */
async function checkFiles(dir: string, findings: Findings): Promise<BundleVerification | null> {
  let files: BundleVerification;
  try {
    files = await verifyBundleFiles(dir);
  } catch (e) {
    if (isKskError(e) && e.code === 'TAMPERED') {
      findings.record('manifest', [{ path: MANIFEST_FILE, message: e.message }], '');
      return null;
    }
    throw e;
  }
  // The manifest is what every other file is checked against: a change to it is named first.
  const recorded = await manifestHashInSums(dir);
  const manifestChanged = recorded !== null && recorded !== files.manifestSha256 && !files.problems.some((p) => p.path === MANIFEST_FILE);
  const problems = [
    ...(manifestChanged
      ? [{ path: MANIFEST_FILE, message: `${MANIFEST_FILE} was changed: its SHA-256 is ${files.manifestSha256}, ${SUMS_FILE} records ${recorded}.` }]
      : []),
    ...[...files.problems]
      .sort((a, b) => Number(b.path === MANIFEST_FILE) - Number(a.path === MANIFEST_FILE))
      .map((p) => ({ path: p.path, message: describeFileProblem(p) })),
  ];
  findings.record('manifest', problems, `${files.manifest.files.length + 2} files match ${MANIFEST_FILE} (SHA-256 ${files.manifestSha256}) and ${SUMS_FILE}.`);
  return files;
}

/** The hash SHA256SUMS records for manifest.json, if it can be read. */
async function manifestHashInSums(dir: string): Promise<string | null> {
  const text = await readFile(path.join(dir, SUMS_FILE), 'utf8').catch(() => '');
  return new RegExp(`^([0-9a-f]{64})  ${MANIFEST_FILE.replace('.', '\\.')}$`, 'm').exec(text)?.[1] ?? null;
}

function requireBundleMeta(manifest: Manifest, dir: string): { ceremony: string; generator: string } {
  const { ceremony, generator } = manifest.meta;
  if (!ceremony || !generator || !manifest.files.some((f) => f.path === LOG_FILE)) {
    throw new KskError('BAD_INPUT_FILE', `${dir} has a manifest, but not of a ceremony bundle (${MANIFEST_FORMAT}): it names no ceremony or no ${LOG_FILE}.`);
  }
  return { ceremony, generator };
}

/** The log's chain, artifacts and seal, as `ksk-ceremony log verify` checks them. */
function checkLog(copy: string, ceremonyId: string, findings: Findings, options: VerifyBundleOptions): VerifyReport | null {
  let report: VerifyReport;
  try {
    const db = openDatabase(copy, { readonly: true });
    try {
      report = verifyDatabase(db, LOG_FILE, { requireSealed: false, pin: options.pin ?? null });
    } finally {
      db.close();
    }
  } catch (e) {
    findings.record('log', [{ path: LOG_FILE, message: `${LOG_FILE} is not an evidence log that can be read: ${messageOf(e)}` }], '');
    return null;
  }
  const others = report.ceremonies.filter((c) => c.ceremonyId !== ceremonyId);
  const problems = report.ok ? [] : [{ path: LOG_FILE, message: `${LOG_FILE}: ${report.message}` }];
  if (others.length > 0)
    problems.push({ path: LOG_FILE, message: `${LOG_FILE} holds ceremonies the manifest does not name (${others.map((c) => c.ceremonyId).join(', ')}).` });
  const own = report.ceremonies.find((c) => c.ceremonyId === ceremonyId);
  if (!own) problems.push({ path: LOG_FILE, message: `${LOG_FILE} does not hold ceremony ${ceremonyId}, which the manifest names.` });
  findings.record('log', problems, `${report.events} events verify in their hash chain, with ${report.artifacts} artifacts.`);

  const seal = own?.seal;
  const sealProblems =
    report.ok && own && !seal && !options.allowUnsealed
      ? [
          {
            path: LOG_FILE,
            message: `Ceremony ${ceremonyId} was not sealed when this bundle was written: it is a partial record (written during the ceremony). Verify the bundle exported after its close.`,
          },
        ]
      : [];
  const pinned = seal
    ? seal.pinned === null
      ? `audit key ${seal.fingerprint.hex} NOT pinned (pass --audit-key with the fingerprint on the paper)`
      : `audit key ${seal.fingerprint.hex}, pinned by ${options.pin?.source}`
    : '';
  const detail = seal
    ? `sealed ${seal.sealedAt} by ${sealBy(seal.key)} (${algorithmName(seal.key.algorithm) ?? seal.key.algorithm}), covering events 1 to ${seal.headSeq}; ${pinned}.`
    : 'not sealed (accepted as a partial record).';
  if (report.ok) findings.record('seal', sealProblems, detail);
  return report;
}

/**
 * Everything the bundle holds is what its log gives: derives the bundle again from the log and
 * compares it, file by file, with the manifest (the files themselves were compared with the
 * manifest already). PDFs rendered by another version of the program may differ in their bytes
 * without any change in the log; they are then left to the manifest, and the check says so.
 */
async function checkContents(store: EvidenceStore, ceremonyId: string, manifest: Manifest, findings: Findings): Promise<void> {
  const { recordingStart, recordingStartSource, generator } = manifest.meta;
  // A start time given at export is not in the log: it is taken from the manifest, and printed as given.
  const given = recordingStart && recordingStartSource === 'given' ? { recordingStart } : {};
  const derived = await bundleContents(store, ceremonyId, { ...given, ...(generator ? { generator } : {}) });
  const listed = new Map(manifest.files.map((f) => [f.path, f.sha256]));
  const sameVersion = generator === GENERATOR;
  const documents = new Set(derived.documents);
  const contents: Omit<BundleProblemReport, 'check'>[] = [];
  const rendered: Omit<BundleProblemReport, 'check'>[] = [];
  for (const file of derived.files) {
    const sha = listed.get(file.path);
    listed.delete(file.path);
    const into = documents.has(file.path) ? rendered : contents;
    if (documents.has(file.path) && !sameVersion) continue;
    if (sha === undefined) into.push({ path: file.path, message: `${file.path} is missing from the manifest, though the log gives it.` });
    else if (sha !== sha256Hex(file.bytes as Uint8Array)) {
      into.push({
        path: file.path,
        message: `${file.path} is not what the log gives${documents.has(file.path) ? ' (rendered again from the log, its bytes differ)' : ''}: it was changed after the export.`,
      });
    }
  }
  listed.delete(LOG_FILE);
  for (const [extra] of listed)
    if (!(documents.has(extra) && !sameVersion))
      contents.push({ path: extra, message: `${extra} is not a file the log gives: it was added after the export.` });
  for (const [key, value] of Object.entries(derived.meta)) {
    if (manifest.meta[key] !== value)
      contents.push({ path: MANIFEST_FILE, message: `The manifest says ${key} "${manifest.meta[key] ?? ''}", but the log gives "${value}".` });
  }
  findings.record(
    'contents',
    contents,
    `every file is what the log gives: ${derived.files.length - derived.documents.length} files, the artifacts byte for byte.`,
  );
  findings.record(
    'documents',
    rendered,
    sameVersion
      ? `${derived.documents.length} PDFs rendered again from the log are the same, byte for byte.`
      : `written by ${generator}, this is ${GENERATOR}: the PDFs were not rendered again (the manifest still covers their bytes).`,
  );
}

/** Every SKR of the ceremony: each signature of each bundle verifies with the key the SKR publishes. */
function checkSkrs(store: EvidenceStore, ceremonyId: string, paths: ReadonlyMap<string, string>, findings: Findings): void {
  const skrs = store.events(ceremonyId, ['artifact.stored']).filter((e) => e.payload.kind === 'skr');
  const problems: Omit<BundleProblemReport, 'check'>[] = [];
  const details: string[] = [];
  for (const e of skrs) {
    const file = paths.get(e.payload.sha256) ?? e.payload.name;
    try {
      const verdict = verifySkr(parseSkr(store.readArtifact(e.payload.sha256)));
      const signatures = verdict.bundles.flatMap((b) => b.signatures);
      const tags = [...new Set(signatures.map((s) => s.keyTag))].join(', ');
      details.push(`${file}: ${verdict.bundles.length} bundles, ${signatures.length} signatures by key tag ${tags}`);
      const bad = verdict.bundles.find((b) => !b.ok);
      if (bad) {
        const sig = bad.signatures.find((s) => !s.ok);
        problems.push({
          path: file,
          message: `${file}: bundle ${bad.index + 1} (${bad.id}) does not verify: ${sig ? `the signature by ${sig.keyIdentifier} (key tag ${sig.keyTag}): ${sig.reason}` : bad.problems.join('; ')}.`,
        });
      }
    } catch (err) {
      problems.push({ path: file, message: `${file} cannot be read as an SKR: ${messageOf(err)}` });
    }
  }
  findings.record('skr', problems, skrs.length === 0 ? 'the ceremony stored no SKR.' : `every signature verifies. ${details.join('; ')}.`);
}

/**
 * Verifies a bundle offline: the files against the manifest; the log's hash chain, artifacts and
 * seal; every file against what the log gives (the PDFs rendered again); every SKR's signatures.
 * Trusts nothing in the bundle but hashes and signatures, and writes nothing to it (the log is
 * read from a private copy). A folder that is not a bundle is a KskError (NOT_FOUND or
 * BAD_INPUT_FILE); a bundle that fails is a verdict naming the first problem.
 */
export async function verifyBundle(dir: string, options: VerifyBundleOptions = {}): Promise<BundleVerdict> {
  const root = path.resolve(dir);
  if (!existsSync(root)) throw new KskError('NOT_FOUND', `There is no folder ${root}.`);
  const findings = new Findings();
  const files = await checkFiles(root, findings);
  let ceremonyId: string | null = null;
  let mode: BundleVerdict['mode'] = null;
  let logHead: BundleVerdict['logHead'] = null;
  let sealed: boolean | null = null;
  if (files) {
    const meta = requireBundleMeta(files.manifest, root);
    ceremonyId = meta.ceremony;
    mode = files.manifest.meta.mode === 'PRODUCTION' || files.manifest.meta.mode === 'REHEARSAL' ? files.manifest.meta.mode : null;
    const scratch = mkdtempSync(path.join(os.tmpdir(), 'ksk-bundle-verify-'));
    try {
      const copy = path.join(scratch, 'ceremony.sqlite');
      if (!existsSync(path.join(root, LOG_FILE))) {
        findings.record('log', [{ path: LOG_FILE, message: `${LOG_FILE} is missing: the bundle has no log to verify.` }], '');
      } else {
        copyFileSync(path.join(root, LOG_FILE), copy);
        const report = checkLog(copy, ceremonyId, findings, options);
        const own = report?.ceremonies.find((c) => c.ceremonyId === ceremonyId);
        if (report?.ok && own?.head) {
          logHead = { seq: own.head.seq, hex: own.head.hash, pgpWords: own.head.pgpWords };
          sealed = own.sealed;
          await checkAgainstLog(copy, ceremonyId, files.manifest, findings);
        }
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return verdictOf(root, findings, { ceremonyId, mode, logHead, sealed, manifestSha256: files?.manifestSha256 ?? null });
}

async function checkAgainstLog(copy: string, ceremonyId: string, manifest: Manifest, findings: Findings): Promise<void> {
  const store = EvidenceStore.openReadOnly(copy, systemClock);
  try {
    await checkContents(store, ceremonyId, manifest, findings);
    const ceremony = manifest.files.filter((f) => f.path.startsWith('artifacts/'));
    const paths = new Map(
      store.events(ceremonyId, ['artifact.stored']).map((e) => [e.payload.sha256, ceremony.find((f) => f.sha256 === e.payload.sha256)?.path ?? e.payload.name]),
    );
    checkSkrs(store, ceremonyId, paths, findings);
  } catch (e) {
    // The log verified, so a failure to read it here is the program's, not the bundle's.
    throw isKskError(e) ? e : new KskError('INTERNAL', `The bundle's log verified but could not be read back: ${messageOf(e)}`);
  } finally {
    store.close();
  }
}

function verdictOf(
  dir: string,
  findings: Findings,
  facts: Pick<BundleVerdict, 'ceremonyId' | 'mode' | 'logHead' | 'sealed' | 'manifestSha256'>,
): BundleVerdict {
  for (const check of bundleChecks) {
    if (!findings.checks.some((c) => c.check === check)) findings.checks.push({ check, ok: false, detail: 'not checked: an earlier check failed.' });
  }
  const first = findings.problems[0];
  const head = facts.logHead;
  const ok = !first && head !== null;
  const message = !ok
    ? `The bundle does not verify: ${first?.message ?? 'its log could not be checked.'}`
    : facts.sealed
      ? `The bundle of ceremony ${facts.ceremonyId} verifies. Its log head (event ${head.seq}) is ${head.hex}; compare it with the signed record.`
      : `The partial bundle of ceremony ${facts.ceremonyId}, written before its seal, verifies as far as it goes: its log ends at event ${head.seq} (${head.hex}). It is not the final record.`;
  return { ok, dir, ...facts, message, checks: findings.checks, problems: findings.problems };
}
