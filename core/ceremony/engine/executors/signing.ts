import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { readResult, type ActionResultOf } from '../../../contract/actionResults.js';
import type { CheckResultView, PrepareInput, StepInputOf } from '../../../contract/index.js';
import { checkKsr, checkSignedSkr, failuresOf, type CheckResult } from '../../../dnssec/checks.js';
import { dsRecord, type Dnskey } from '../../../dnssec/dnskey.js';
import { skrToXml } from '../../../dnssec/ksrWrite.js';
import { parseKsr, parseSkr } from '../../../dnssec/ksrParse.js';
import type { Ksr, Skr } from '../../../dnssec/model.js';
import { definePolicy, kskKeyFromHsm, rootKskPolicy, standardSchemas, uniformSchema, type Schema, type SigningPolicy } from '../../../dnssec/policy.js';
import { parseSigningPolicy } from '../../../dnssec/policyYaml.js';
import { isRehearsalKsr } from '../../../dnssec/rehearsal.js';
import { signKsr } from '../../../dnssec/sign.js';
import { isoTime, toUtcSeconds } from '../../../dnssec/time.js';
import { trustAnchorEntries, trustAnchorXml } from '../../../dnssec/trustAnchor.js';
import { lastExpiration } from '../../../dnssec/verify.js';
import { KskError } from '../../../errors.js';
import { runHsmOperation } from '../../../evidence/hsmOperations.js';
import { describeHash, matchHash } from '../../../hash/match.js';
import { sha256 } from '../../../hash/sha256.js';
import type { HsmKey, KeySigner } from '../../../hsm/port.js';
import type { CheckName } from '../../../dnssec/checkNames.js';
import { neverOverridable } from '../../checks.js';
import { isDrProcedureId } from '../../procedures.js';
import { examineSkr, setCurrentSkr } from '../currentSkr.js';
import { readFileRef } from '../fileRef.js';
import { writeOutput } from '../outputs.js';
import type { Execution, Json, StepRun } from '../run.js';
import { SignatureJournal } from '../signatureJournal.js';
import { keyNamed, retryOf } from './keys.js';

/**
 * Signing: the KSR's hash is shown in hex and PGP words and must match the hash received out of
 * band before anything is signed; every policy check runs and is recorded with its result; a check
 * fails the step unless the script lists it as overridable for this disaster and an exception the
 * IW signed names it. The SKR is verified in software before it is written. Also the trust anchor
 * (whose DS must be the SKR's signing KSK's), the storage and release of SKRs signed ahead (4.1.3),
 * and handing files to the people who take them.
 */

type SignInputs = {
  hsm: string;
  signWith: 'current' | { fromStep: string };
  publish: { fromStep: string }[];
  schema: string;
  hashReadBy: string;
  overridableChecks: CheckName[];
};

const MAX_KSR_BYTES = 10 * 1024 * 1024;

function signInputs(run: StepRun): SignInputs {
  return run.step.action.inputs as SignInputs;
}

function loadKsr(run: StepRun, bytes: Buffer, name: string): Ksr {
  let ksr: Ksr;
  try {
    ksr = parseKsr(bytes);
  } catch (e) {
    throw new KskError(e instanceof KskError ? e.code : 'BAD_INPUT_FILE', `${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!run.rehearsal && isRehearsalKsr(ksr))
    throw new KskError('POLICY_FAILURE', `${name} is a rehearsal KSR (${ksr.id}): a production ceremony never signs one.`);
  if (run.rehearsal && !isRehearsalKsr(ksr)) {
    throw new KskError(
      'POLICY_FAILURE',
      `${name} is not a rehearsal KSR (${ksr.id}): a rehearsal signs only KSRs whose id starts "rehearsal-", so that nothing it produces can pass for production output.`,
    );
  }
  return ksr;
}

/** The operator's signing policy, if the ceremony was created with one. */
function operatorPolicy(run: StepRun): SigningPolicy | null {
  const stored = run.deps.store
    .events(run.ceremonyId, ['artifact.stored'])
    .find((e) => e.payload.kind === 'other' && e.payload.name.startsWith('signing-policy '));
  return stored
    ? parseSigningPolicy(run.deps.store.readArtifact(stored.payload.sha256).toString('utf8'), stored.payload.name.slice('signing-policy '.length))
    : null;
}

function hsmKeyOf(key: { label: string; dnskey: Dnskey }): HsmKey {
  return { label: key.label, idHex: '', algorithm: key.dnskey.algorithm as HsmKey['algorithm'], publicKey: key.dnskey.publicKey };
}

/**
 * The policy and schema a sign step uses: the operator's, when their policy file defines the
 * script's schema; otherwise built from the keys the script names (the signing KSK and those it
 * publishes) with the operator's (or IANA's default) request policy and the root's KSK policy.
 */
function signingPolicy(run: StepRun, i: SignInputs): { policy: SigningPolicy; schema: Schema; signer: { label: string; dnskey: Dnskey }; published: HsmKey[] } {
  const signer = keyNamed(run, i.signWith);
  const published = i.publish.map((ref) => keyNamed(run, ref));
  const base = operatorPolicy(run);
  const own = base?.schemas[i.schema];
  if (base && own) return { policy: base, schema: own, signer, published: published.map(hsmKeyOf) };
  const names = published.map((_, n) => `publish-${n + 1}`);
  const schema =
    i.schema === 'normal'
      ? uniformSchema('normal', { publish: ['ksk', ...names], sign: ['ksk'] })
      : names[0]
        ? standardSchemas('ksk', names[0])[i.schema]
        : undefined;
  if (!schema)
    throw new KskError(
      'BAD_REQUEST',
      `The schema "${i.schema}" is neither in the operator's signing policy nor one the app builds from the keys this step names.`,
    );
  const keys = [
    kskKeyFromHsm('ksk', hsmKeyOf(signer), { validFrom: 0 }),
    ...published.map((k, n) => kskKeyFromHsm(names[n] as string, hsmKeyOf(k), { validFrom: 0 })),
  ];
  const policy = definePolicy({
    keys,
    schemas: [schema],
    ...(base ? { requestPolicy: base.requestPolicy, responsePolicy: base.responsePolicy, checkSwitches: base.checkSwitches } : {}),
    kskPolicy: base ? { ...rootKskPolicy(), ttl: base.kskPolicy.ttl, signersName: base.kskPolicy.signersName } : rootKskPolicy(),
  });
  return { policy, schema, signer, published: published.map(hsmKeyOf) };
}

/**
 * What the checks and the signer see: the signing HSM, and the public halves of the keys the step
 * only publishes (generated in another HSM, e.g. the new KSK of an RFC 5011 rollover), as the log
 * recorded them. Only the HSM signs.
 */
function keysFor(hsm: KeySigner, published: readonly HsmKey[]): KeySigner {
  return {
    findKey: async (label) => (await hsm.findKey(label)) ?? published.find((k) => k.label === label) ?? null,
    sign: (label, data) => hsm.sign(label, data),
  };
}

/** The SKR current when the ceremony opened: SKR(n-1) of its first signing. */
function ceremonyCurrentSkr(run: StepRun): Skr | undefined {
  const current = run.deps.store.events(run.ceremonyId, ['skr.current'])[0];
  return current ? parseSkr(run.deps.store.readArtifact(current.payload.sha256)) : undefined;
}

function checkView(results: readonly CheckResult[], file?: number): CheckResultView[] {
  return results.map((r) => ({ ...r, ...(file !== undefined ? { file } : {}) }));
}

function recordChecks(run: StepRun, subject: string, sha: string, results: readonly CheckResult[]): void {
  run.append('checks.run', {
    stepId: run.step.id,
    subject,
    sha256: sha,
    results: results.map((r) => ({ check: r.check, status: r.status, message: r.message, ...(r.bundle ? { bundle: r.bundle } : {}) })),
  });
}

/** The failing checks this step may override (listed by the script and excusable by a disaster). */
function overridable(i: SignInputs, results: readonly CheckResult[]): string[] {
  return [...new Set(failuresOf(results).map((r) => r.check))].filter(
    (c) => i.overridableChecks.includes(c as CheckName) && !neverOverridable.has(c as CheckName),
  );
}

/** Refuses to go on while a check fails that is not overridden by a witnessed exception naming it. */
function requireOverrides(run: StepRun, i: SignInputs, results: readonly CheckResult[], listed: readonly string[]): string[] {
  const failing = [...new Set(failuresOf(results).map((r) => r.check))];
  const recorded = new Set(
    run.deps.store
      .events(run.ceremonyId, ['step.deviation'])
      .filter((e) => e.payload.stepId === run.step.id && e.payload.deviation === 'check-override')
      .map((e) => e.payload.check),
  );
  const problems = failing.flatMap((check) => {
    if (neverOverridable.has(check as CheckName)) return [`${check} failed, and no disaster excuses it`];
    if (!i.overridableChecks.includes(check as CheckName)) return [`${check} failed; step ${run.step.number} may not override it`];
    if (!recorded.has(check)) return [`${check} failed; overriding it needs an exception naming it, signed by the IW`];
    if (!listed.includes(check)) return [`${check} failed; confirm its override (overrides: [${check}])`];
    return [];
  });
  if (problems.length > 0) {
    const first = failuresOf(results).find((r) => problems[0]?.startsWith(r.check));
    throw new KskError('POLICY_FAILURE', `Nothing was signed: ${problems.join('; ')}.${first ? ` (${first.message})` : ''}`);
  }
  return failing;
}

function preparedKsrs(run: StepRun): { sha256: string; name: string }[] {
  const note = run.deps.store
    .events(run.ceremonyId, ['note'])
    .filter((e) => e.payload.stepId === run.step.id && e.payload.topic === 'prepared')
    .at(-1);
  const files = (note?.payload.data?.files ?? null) as { sha256: string; name: string }[] | null;
  if (!files) throw new KskError('CONFLICT', `Step ${run.step.number} has no KSR yet: hand it over first (step.prepare).`);
  return files;
}

export async function prepareSign(run: StepRun, input: PrepareInput): Promise<Json> {
  const i = signInputs(run);
  const refs = input.kind === 'sign-ksr' ? [input.ksr] : input.ksrs;
  const live = run.sessions.live(run.ceremonyId, i.hsm);
  const hsm = live?.loggedIn ? live.session : undefined;
  const files: Json[] = [];
  const checks: CheckResultView[] = [];
  const overridableFailures = new Set<string>();
  let previous = input.kind === 'sign-ksr' ? ceremonyCurrentSkr(run) : undefined;
  const prepared: { sha256: string; name: string }[] = [];
  for (const [n, ref] of refs.entries()) {
    const { bytes, name } = readFileRef(ref, 'KSR', MAX_KSR_BYTES);
    const ksr = loadKsr(run, bytes, name);
    const stored = run.storeArtifact({ name: run.fileName(name), kind: 'ksr', mediaType: 'application/xml', bytes });
    const sha = stored.payload.sha256;
    run.append('hash.shown', { stepId: run.step.id, subject: `KSR ${ksr.id}`, sha256: sha });
    const { policy, schema, published } = signingPolicy(run, i);
    const results = await checkKsr(ksr, {
      policy,
      schema,
      now: run.deps.clock.now(),
      ...(hsm ? { hsm: keysFor(hsm, published) } : {}),
      ...(previous ? { previousSkr: previous } : {}),
    });
    recordChecks(run, `KSR ${ksr.id} as handed over${hsm ? '' : ' (before the HSM was active)'}`, sha, results);
    checks.push(...checkView(results, n));
    for (const c of overridable(i, results)) overridableFailures.add(c);
    const first = Math.min(...ksr.bundles.map((b) => b.inception));
    const last = Math.max(...ksr.bundles.map((b) => b.expiration));
    files.push({
      name,
      id: ksr.id,
      hash: { sha256: sha, pgpWords: describeHash(Buffer.from(sha, 'hex')).pgpWords },
      coverage: { from: isoTime(first), to: isoTime(last) },
    });
    prepared.push({ sha256: sha, name });
    // Additional KSRs are checked against each other here; against the SKRs signed before them when they are signed.
    previous = undefined;
  }
  run.append('note', {
    stepId: run.step.id,
    topic: 'prepared',
    text: `${prepared.length} KSR(s) handed over for step ${run.step.number}`,
    data: { files: prepared },
  });
  return { files, checks, overridable: [...overridableFailures] };
}

/** Checks, signs (through the journal), checks the SKR again, stores and writes it. */
async function signOne(
  run: StepRun,
  i: SignInputs,
  ksr: Ksr,
  ksrSha: string,
  previous: Skr | undefined,
  overrides: readonly string[],
  out: { dir: string } | undefined,
) {
  const live = run.activeHsm(i.hsm);
  const { policy, schema, signer, published } = signingPolicy(run, i);
  const keys = keysFor(live.session, published);
  const inHsm = await live.session.findKey(signer.label);
  if (!inHsm || !inHsm.publicKey.equals(signer.dnskey.publicKey))
    throw new KskError('POLICY_FAILURE', `${i.hsm} does not hold the signing KSK ${signer.label} with the public key the log records.`);
  const now = run.deps.clock.now();
  const before = await checkKsr(ksr, { policy, schema, now, hsm: keys, ...(previous ? { previousSkr: previous } : {}) });
  recordChecks(run, `KSR ${ksr.id} before signing`, ksrSha, before);
  const overridden = requireOverrides(run, i, before, overrides);
  const journal = new SignatureJournal(path.join(run.outputDir(), 'journal', `${run.step.id}-${ksrSha.slice(0, 16)}.jsonl`), keys);
  const retry = retryOf(run, 'sign');
  // The journal only ever completes a signing the log says was started: signatures on disk with no
  // such operation in the log mean the log lost events (or the journal is from elsewhere).
  if (journal.size > 0 && retry.retryOf === undefined) {
    throw new KskError(
      'TAMPERED',
      `The signature journal ${journal.file} holds ${journal.size} signature(s) for step ${run.step.number}, but the log records no signing operation at this step: the journal disagrees with the log, which lost events. Nothing was signed; verify the log (ksk-ceremony log verify).`,
    );
  }
  const opId = run.opId('sign');
  const total = ksr.bundles.length;
  const { result: skr } = await runHsmOperation(
    run.deps.store,
    run.ceremonyId,
    {
      opId,
      operation: 'sign',
      stepId: run.step.id,
      hsmId: i.hsm,
      label: signer.label,
      params: { ksrId: ksr.id, ksrSha256: ksrSha, schema: schema.name, bundles: total },
      ...retry,
    },
    () =>
      signKsr(ksr, { policy, schema, signer: journal, onProgress: (done, all) => run.progress(opId, `Signing KSR ${ksr.id} in ${i.hsm}`, done / all, false) }),
    (s) => ({ result: { skrId: s.id, fromHsm: journal.fromHsm, fromJournal: journal.fromJournal } }),
  );
  run.progress(opId, `Signed KSR ${ksr.id}`, 1, true);
  const after = await checkSignedSkr(skr, { policy, ...(previous ? { previousSkr: previous } : {}) });
  const bytes = Buffer.from(skrToXml(skr));
  const sha = sha256(bytes).toString('hex');
  recordChecks(run, `SKR ${skr.id} after signing`, sha, after);
  const overriddenAfter = requireOverrides(run, i, after, overrides);
  const name = run.fileName(`skr-${skr.id}.xml`);
  run.storeArtifact({ name, kind: 'skr', mediaType: 'application/xml', bytes });
  run.append('hash.shown', { stepId: run.step.id, subject: `SKR ${skr.id}`, sha256: sha });
  const file = await writeOutput(run, out, null, name, bytes);
  const dnskey = signer.dnskey;
  return {
    skr,
    bytes,
    summary: {
      ksr: { id: ksr.id, sha256: ksrSha },
      skr: {
        id: skr.id,
        sha256: sha,
        pgpWords: describeHash(Buffer.from(sha, 'hex')).pgpWords,
        file,
        bundles: skr.bundles.length,
        firstInception: isoTime(Math.min(...skr.bundles.map((b) => b.inception))),
        lastExpiration: lastExpiration(skr),
      },
      signer: { label: signer.label, keyTag: dsRecord('.', dnskey).keyTag, dsDigestHex: dsRecord('.', dnskey).digest.toString('hex').toUpperCase() },
      schema: schema.name,
      overridden: [...new Set([...overridden, ...overriddenAfter])],
      signatures: { fromHsm: journal.fromHsm, fromJournal: journal.fromJournal },
      checks: {
        failed: failuresOf(before).length,
        passed: before.filter((r) => r.status === 'pass').length,
        skipped: before.filter((r) => r.status === 'skipped').length,
      },
    },
  };
}

function matchOutOfBand(run: StepRun, sha: string, subject: string, typed: string, readBy: string): void {
  const i = signInputs(run);
  const reader = run.state.participants.find((p) => p.personId === readBy && p.signedOutAt === null);
  if (!reader) throw new KskError('CONFLICT', `${readBy} is not signed in: the hash is read aloud by someone present.`);
  if (!reader.roles.includes(i.hashReadBy))
    throw new KskError('CONFLICT', `The hash received out of band is read by the ${i.hashReadBy}; ${reader.name} is not one.`);
  const match = matchHash(Buffer.from(sha, 'hex'), typed);
  if (!match.matches) {
    run.append('hash.mismatched', {
      stepId: run.step.id,
      subject,
      sha256: sha,
      form: match.form,
      typedHex: match.typedHex,
      firstDifference: match.firstDifference ?? 1,
      readBy,
    });
    throw new KskError(
      'POLICY_FAILURE',
      `The ${subject}'s SHA-256 does not match the hash received out of band (${match.form}; first difference at byte ${match.firstDifference}). Nothing was signed.`,
    );
  }
  run.append('hash.matched', { stepId: run.step.id, subject, sha256: sha, form: match.form, readBy });
}

export async function signKsrStep(run: StepRun, input: StepInputOf<'sign-ksr'>): Promise<Execution<'sign-ksr'>> {
  const i = signInputs(run);
  const [prepared] = preparedKsrs(run);
  if (!prepared) throw new KskError('CONFLICT', `Step ${run.step.number} has no KSR yet.`);
  const ksr = loadKsr(run, run.deps.store.readArtifact(prepared.sha256), prepared.name);
  run.activeHsm(i.hsm);
  matchOutOfBand(run, prepared.sha256, `KSR ${ksr.id}`, input.outOfBandHash, input.readBy);
  const signed = await signOne(run, i, ksr, prepared.sha256, ceremonyCurrentSkr(run), input.overrides, input.out);
  const skrSummary = signed.summary.skr;
  await setCurrentSkr(run.deps.workspace, examineSkr(signed.bytes, `ceremony ${run.ceremonyId}, step ${run.step.number}`, run.deps.clock.now().toISOString()));
  return { result: { hsmId: i.hsm, ...signed.summary, current: skrSummary.id } };
}

export async function signAdditionalKsrs(run: StepRun, input: StepInputOf<'sign-additional-ksrs'>): Promise<Execution<'sign-additional-ksrs'>> {
  const i = signInputs(run) as SignInputs & { span: { fromStep: string } };
  const prepared = preparedKsrs(run);
  if (input.outOfBandHashes.length !== prepared.length)
    throw new KskError('BAD_REQUEST', `${prepared.length} additional KSR(s) were handed over; ${input.outOfBandHashes.length} out-of-band hash(es) were read.`);
  const ksrs = prepared.map((p) => ({ ...p, ksr: loadKsr(run, run.deps.store.readArtifact(p.sha256), p.name) }));
  run.activeHsm(i.hsm);
  ksrs.forEach((k, n) => matchOutOfBand(run, k.sha256, `KSR ${k.ksr.id}`, input.outOfBandHashes[n] as string, input.readBy));
  let previous = lastSkrOfCeremony(run) ?? ceremonyCurrentSkr(run);
  const skrs = [];
  const overridden = new Set<string>();
  for (const k of ksrs) {
    const signed = await signOne(run, i, k.ksr, k.sha256, previous, input.overrides, input.out);
    skrs.push({ ...signed.summary.skr, ksrId: k.ksr.id, ksrSha256: k.sha256 });
    signed.summary.overridden.forEach((c) => overridden.add(c));
    previous = signed.skr;
  }
  const coverUntil = readResult('assess-duration', run.resultOf(i.span.fromStep)).coverUntil;
  const reaches = skrs.at(-1)?.lastExpiration ?? '';
  return { result: { hsmId: i.hsm, skrs, coverUntil, covered: coverUntil !== null && reaches >= coverUntil, overridden: [...overridden] } };
}

/** The last SKR a sign-ksr step of this ceremony produced: what additional KSRs chain to. */
function lastSkrOfCeremony(run: StepRun): Skr | undefined {
  const signStep = run.script.acts.flatMap((a) => a.steps).find((s) => s.action.kind === 'sign-ksr');
  if (!signStep) return undefined;
  const view = run.state.acts.flatMap((a) => a.steps).find((s) => s.id === signStep.id);
  return view?.result ? parseSkr(run.deps.store.readArtifact(readResult('sign-ksr', view.result).skr.sha256)) : undefined;
}

export async function storeRrsigs(run: StepRun, input: StepInputOf<'store-rrsigs'>): Promise<Execution<'store-rrsigs'>> {
  const i = run.step.action.inputs as { custody: string; from: { fromStep: string } };
  const signed = readResult('sign-additional-ksrs', run.resultOf(i.from.fromStep)).skrs;
  if (signed.length === 0) throw new KskError('CONFLICT', `Step ${i.from.fromStep} signed no SKR to store.`);
  const stored = [];
  for (const s of signed) {
    const name = run.fileName(`skr-${s.id}.xml`);
    const file = await writeOutput(run, input.out, path.join('custody', i.custody), name, run.deps.store.readArtifact(s.sha256));
    stored.push({ ...s, file });
  }
  run.append('teb.sealed', {
    stepId: run.step.id,
    purpose: i.custody,
    serial: input.tebSerial,
    contents: stored.map((s) => `SKR ${s.id} (SHA-256 ${s.sha256}), valid from ${s.firstInception} to ${s.lastExpiration}`),
  });
  return { result: { custody: i.custody, tebSerial: input.tebSerial, stored } };
}

type StoredSkr = ActionResultOf<'store-rrsigs'>['stored'][number];

/** SKRs stored by 4.1.3 (workspace-wide, this mode) and not yet released, earliest first. */
export function storedSkrs(run: StepRun): StoredSkr[] {
  const performed = run.deps.store.workspaceEvents(['action.performed'], { rehearsal: run.rehearsal });
  const stored = performed.filter((e) => e.payload.kind === 'store-rrsigs').flatMap((e) => readResult('store-rrsigs', e.payload.result).stored);
  const released = new Set(
    performed.filter((e) => e.payload.kind === 'release-rrsigs').map((e) => readResult('release-rrsigs', e.payload.result).released.sha256),
  );
  return stored.filter((s) => !released.has(s.sha256)).sort((a, b) => a.firstInception.localeCompare(b.firstInception));
}

export async function releaseRrsigs(run: StepRun, input: StepInputOf<'release-rrsigs'>): Promise<Execution<'release-rrsigs'>> {
  const i = run.step.action.inputs as { custody: string; to: string };
  const receiver = run.state.participants.find((p) => p.personId === input.receivedBy && p.signedOutAt === null);
  if (!receiver?.roles.includes(i.to)) throw new KskError('CONFLICT', `The stored SKR goes to the ${i.to}; ${input.receivedBy} is not one signed in.`);
  const [due, ...rest] = storedSkrs(run);
  if (!due) throw new KskError('CONFLICT', 'No stored SKR remains to be released.');
  const bytes = run.deps.store.readArtifact(due.sha256);
  const name = run.fileName(`skr-${due.id}.xml`);
  run.storeArtifact({ name, kind: 'skr', mediaType: 'application/xml', bytes });
  run.append('hash.shown', { stepId: run.step.id, subject: `SKR ${due.id}`, sha256: due.sha256 });
  const file = await writeOutput(run, input.out, null, name, bytes);
  return { result: { released: { ...due, file }, to: receiver.personId, remaining: rest.length } };
}

export async function publishTrustAnchor(run: StepRun, input: StepInputOf<'publish-trust-anchor'>): Promise<Execution<'publish-trust-anchor'>> {
  const i = run.step.action.inputs as { key: { fromStep: string }; coordinateWith: string[] };
  const key = keyNamed(run, i.key);
  const anchors = [{ id: key.label, dnskey: key.dnskey, validFrom: toUtcSeconds(run.deps.clock.now()) }];
  const xml = trustAnchorXml(
    anchors,
    run.rehearsal ? { id: `rehearsal-${randomUUID()}`, source: 'REHEARSAL: not a production trust anchor (ksk-ceremony rehearsal workspace)' } : {},
  );
  const [entry] = trustAnchorEntries(anchors);
  if (!entry) throw new KskError('INTERNAL', 'No trust anchor entry was made.');
  // The anchor must agree with the SKR of this ceremony: its key is published there (by the last
  // bundle, for a pre-publication) and, in a disaster procedure, it is the key that signs every bundle.
  const signed = lastSkrOfCeremony(run);
  let matchesSkr: 'signer' | 'published' | null = null;
  if (signed) {
    const last = signed.bundles[signed.bundles.length - 1];
    const published = last?.keys.some((k) => k.publicKey.equals(key.dnskey.publicKey) && k.algorithm === key.dnskey.algorithm) ?? false;
    const signs = signed.bundles.every((b) => b.signatures.some((sig) => sig.keyIdentifier === key.label && sig.keyTag === entry.keyTag));
    if (!published)
      throw new KskError(
        'POLICY_FAILURE',
        `The trust anchor's key ${key.label} (DS ${entry.digestHex}) is not published in the last bundle of this ceremony's SKR ${signed.id}: nothing was published.`,
      );
    if (isDrProcedureId(run.script.procedure) && !signs) {
      throw new KskError(
        'POLICY_FAILURE',
        `The trust anchor's DS (${entry.digestHex}) is not the DS of the KSK that signs this ceremony's SKR ${signed.id}: nothing was published.`,
      );
    }
    matchesSkr = signs ? 'signer' : 'published';
  }
  const bytes = Buffer.from(xml);
  const name = run.fileName('root-anchors.xml');
  const stored = run.storeArtifact({ name, kind: 'trust-anchor', mediaType: 'application/xml', bytes });
  run.append('hash.shown', { stepId: run.step.id, subject: 'trust anchor root-anchors.xml', sha256: stored.payload.sha256 });
  const file = await writeOutput(run, input.out, null, name, bytes);
  return {
    result: {
      key: { label: key.label, keyTag: entry.keyTag },
      ds: entry.dsSha256,
      digestHex: entry.digestHex,
      digestPgpWords: entry.digestPgpWords,
      dnskey: entry.dnskey,
      xml: { sha256: stored.payload.sha256, file },
      matchesSkr,
      coordinateWith: i.coordinateWith,
    },
  };
}

/** Hands the SKR or the trust anchor to whoever takes it, or writes the ceremony record (the bundle so far). */
export async function exportFiles(run: StepRun, input: StepInputOf<'export'>): Promise<Execution<'export'>> {
  const i = run.step.action.inputs as { artifacts: ('skr' | 'trust-anchor' | 'ceremony-record')[]; to: string };
  const artifacts = run.deps.store.events(run.ceremonyId, ['artifact.stored']).filter((e) => e.payload.stepId !== undefined);
  const written: ActionResultOf<'export'>['written'] = [];
  for (const what of i.artifacts) {
    if (what === 'ceremony-record') {
      // The record so far, before the seal: a partial bundle that says so; the sealed one is exported after the close.
      const to = input.out?.dir ?? path.join(run.outputDir(), 'export');
      mkdirSync(to, { recursive: true });
      // The bundle writer brings the PDF stack: loaded at this step, not when the backend starts.
      const { exportBundle } = await import('../../../export/bundle/export.js');
      const bundle = await exportBundle({ workspace: run.deps.workspace, ceremonyId: run.ceremonyId, to, replace: true });
      const { pgpWords } = describeHash(Buffer.from(bundle.manifestSha256, 'hex'));
      written.push({
        artifact: what,
        name: path.basename(bundle.path),
        manifestSha256: bundle.manifestSha256,
        pgpWords,
        file: bundle.path,
        logHead: { seq: bundle.logHead.seq, hex: bundle.logHead.hex },
      });
      continue;
    }
    const latest = artifacts.filter((e) => e.payload.kind === what).at(-1);
    if (!latest) throw new KskError('CONFLICT', `This ceremony has produced no ${what} to export yet.`);
    const file = await writeOutput(run, input.out, 'export', latest.payload.name, run.deps.store.readArtifact(latest.payload.sha256));
    written.push({
      artifact: what,
      name: latest.payload.name,
      sha256: latest.payload.sha256,
      pgpWords: describeHash(Buffer.from(latest.payload.sha256, 'hex')).pgpWords,
      file,
    });
  }
  return { result: { to: i.to, written } };
}
