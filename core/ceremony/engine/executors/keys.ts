import { algorithmName, keySizeBits } from '../../../dnssec/algorithms.js';
import { KSK_FLAGS, summarizeKsk, type Dnskey } from '../../../dnssec/dnskey.js';
import { parseSkr } from '../../../dnssec/ksrParse.js';
import { isKsk, isRevoked } from '../../../dnssec/model.js';
import type { ActionResultOf } from '../../../contract/actionResults.js';
import type { StepInputOf } from '../../../contract/stepInputs.js';
import { KskError } from '../../../errors.js';
import type { HsmOperationRecord } from '../../../evidence/registers/hsm.js';
import { kskKeys } from '../../../evidence/registers/hsm.js';
import { keyRecord, runHsmOperation } from '../../../evidence/hsmOperations.js';
import { backupHash, parseBackup, serializeBackup } from '../../../hsm/backup.js';
import { rootStyleLabel } from '../../../hsm/label.js';
import type { HsmKey, KskAlgorithm } from '../../../hsm/port.js';
import { withRebuiltPin } from '../../../hsm/quorum.js';
import { checkShareSet, shareSheet } from '../../../hsm/shares.js';
import { readFileRef } from '../fileRef.js';
import { writeOutput } from '../outputs.js';
import type { Execution, Json, Performer, StepRun } from '../run.js';

/**
 * Key operations: every one goes through the log's intent/done machinery (runHsmOperation), so a
 * crash between asking the HSM and recording its answer is found and reconciled on resume, never
 * repeated silently. Keys are recorded with their DNSKEY, key tag and DS (hex and PGP words).
 */

type Inputs = Record<string, unknown> & { hsm: string };
const inputs = (run: StepRun) => run.step.action.inputs as Inputs;

/** What the log and the screen show of a KSK. */
export function keyResult(key: HsmKey): ActionResultOf<'generate-ksk'>['key'] {
  const dnskey: Dnskey = { flags: KSK_FLAGS, protocol: 3, algorithm: key.algorithm, publicKey: key.publicKey };
  const summary = summarizeKsk('.', 172800, dnskey);
  return {
    label: key.label,
    idHex: key.idHex,
    algorithm: key.algorithm,
    algorithmName: algorithmName(key.algorithm) ?? String(key.algorithm),
    bits: keySizeBits(key.algorithm, key.publicKey),
    publicKey: key.publicKey.toString('base64'),
    ...summary,
  };
}

/** A key as an earlier step recorded it, back as an HsmKey. */
export function keyFromResult(result: Json, what: string): HsmKey {
  const key = result.key as { label?: unknown; idHex?: unknown; algorithm?: unknown; publicKey?: unknown } | undefined;
  if (!key || typeof key.label !== 'string' || typeof key.algorithm !== 'number' || typeof key.publicKey !== 'string') {
    throw new KskError('INTERNAL', `${what} recorded no key.`);
  }
  return {
    label: key.label,
    idHex: typeof key.idHex === 'string' ? key.idHex : '',
    algorithm: key.algorithm as HsmKey['algorithm'],
    publicKey: Buffer.from(key.publicKey, 'base64'),
  };
}

/**
 * The operator's current KSK: the one that signs the last bundle of the SKR current when the
 * ceremony opened; before any SKR exists (the first signing after a KSK generation), the KSK the
 * log last recorded as generated, imported or restored.
 */
export function currentKsk(run: StepRun): { label: string; dnskey: Dnskey } {
  const current = run.deps.store.events(run.ceremonyId, ['skr.current'])[0];
  if (!current) {
    const latest = kskKeys(run.deps.store, { rehearsal: run.rehearsal }).at(-1);
    if (!latest) throw new KskError('CONFLICT', 'The workspace has no current SKR and its log records no KSK: there is no current KSK to use.');
    return { label: latest.label, dnskey: { flags: KSK_FLAGS, protocol: 3, algorithm: latest.algorithm, publicKey: Buffer.from(latest.publicKey, 'base64') } };
  }
  const skr = parseSkr(run.deps.store.readArtifact(current.payload.sha256));
  const last = skr.bundles[skr.bundles.length - 1];
  for (const sig of last?.signatures ?? []) {
    const key = last?.keys.find((k) => k.keyIdentifier === sig.keyIdentifier && k.keyTag === sig.keyTag);
    if (key && isKsk(key) && !isRevoked(key)) return { label: key.keyIdentifier, dnskey: key };
  }
  throw new KskError('BAD_INPUT_FILE', `The current SKR ${skr.id} has no KSK signature in its last bundle.`);
}

/** The key a sign or destroy step names: the current KSK, or the one an earlier step generated or reconstructed. */
export function keyNamed(run: StepRun, ref: unknown): { label: string; dnskey: Dnskey } {
  if (ref === 'current') return currentKsk(run);
  const from = (ref as { fromStep: string }).fromStep;
  const key = keyFromResult(run.resultOf(from), `Step ${from}`);
  return { label: key.label, dnskey: { flags: KSK_FLAGS, protocol: 3, algorithm: key.algorithm, publicKey: key.publicKey } };
}

function progressOf(run: StepRun, opId: string, label: string) {
  run.progress(opId, label, null, false);
  return { onProgress: (p: { stage: string; fraction: number | null }) => run.progress(opId, `${label}: ${p.stage}`, p.fraction, false) };
}

/** The id of the last unfinished attempt of this step's operation, which a new attempt repeats (retryOf). */
export function retryOf(run: StepRun, operation: string): { retryOf?: string } {
  const previous = run.deps.store
    .events(run.ceremonyId, ['hsm.intent'])
    .filter((e) => e.payload.stepId === run.step.id && e.payload.operation === operation)
    .at(-1);
  return previous ? { retryOf: previous.payload.opId } : {};
}

export async function generateKsk(run: StepRun): Promise<Execution<'generate-ksk'>> {
  const i = inputs(run) as Inputs & {
    key: 'new' | 'temporary';
    algorithm: { algorithm: KskAlgorithm; size?: number } | { fromStep: string };
    label: 'root-style' | { fixed: string };
  };
  const live = run.activeHsm(i.hsm);
  const chosen = 'fromStep' in i.algorithm ? (run.resultOf(i.algorithm.fromStep) as { algorithm: KskAlgorithm; size?: number }) : i.algorithm;
  const label = i.label === 'root-style' ? rootStyleLabel(run.deps.clock.now()) : i.label.fixed;
  if (await live.session.findKey(label))
    throw new KskError(
      'CONFLICT',
      `${i.hsm} already holds a key labelled ${label}; wait a few seconds (a root-style label changes every 4 s) or fix another label.`,
    );
  const opId = run.opId('generate-ksk');
  const { result: generated } = await runHsmOperation(
    run.deps.store,
    run.ceremonyId,
    {
      opId,
      operation: 'generate-ksk',
      stepId: run.step.id,
      hsmId: i.hsm,
      label,
      params: { algorithm: chosen.algorithm, ...(chosen.size ? { bits: chosen.size } : {}), key: i.key },
      ...retryOf(run, 'generate-ksk'),
    },
    () =>
      live.session.generateKsk(
        { algorithm: chosen.algorithm, label, ...(chosen.size && chosen.algorithm === 'RSASHA256' ? { rsaBits: chosen.size } : {}) },
        progressOf(run, opId, `Generating the ${i.key} KSK in ${i.hsm}`),
      ),
    (g) => ({ key: keyRecord(g.key), result: { keyTag: g.summary.keyTag, backupByWrapping: g.backupByWrapping, durationMs: g.durationMs } }),
  );
  run.progress(opId, `Generated ${label} in ${i.hsm}`, 1, true);
  return {
    result: { hsmId: i.hsm, keyType: i.key, key: keyResult(generated.key), backupByWrapping: generated.backupByWrapping, generatedAt: generated.generatedAt },
  };
}

/**
 * After a restart: the HSM shows the key an interrupted generation or restore made, so the step's
 * action is complete without doing it again. Returns what to record, or null for other operations.
 */
export function resultFromReconciled(
  run: StepRun,
  op: HsmOperationRecord,
  key: { label: string; idHex: string; algorithm: number; publicKey: string },
): { result: ActionResultOf<'generate-ksk' | 'reconstruct-ksk'>; performer: Performer } | null {
  const hsmKey: HsmKey = {
    label: key.label,
    idHex: key.idHex,
    algorithm: key.algorithm as HsmKey['algorithm'],
    publicKey: Buffer.from(key.publicKey, 'base64'),
  };
  const performer = { name: 'the app, reconciling after a restart', role: run.step.roles[0] as string };
  const hsmId = inputs(run).hsm;
  if (op.operation === 'generate-ksk' && run.step.action.kind === 'generate-ksk') {
    return { performer, result: { hsmId, keyType: run.step.action.inputs.key, key: keyResult(hsmKey), reconciledFrom: op.opId } };
  }
  if (op.operation === 'restore' && run.step.action.kind === 'reconstruct-ksk') {
    return { performer, result: { hsmId, key: keyResult(hsmKey), reconciledFrom: op.opId } };
  }
  return null;
}

export async function destroyKsk(run: StepRun, input: StepInputOf<'destroy-ksk'>): Promise<Execution<'destroy-ksk'>> {
  const i = inputs(run) as Inputs & { key: unknown; ifPossible: boolean };
  const target = keyNamed(run, i.key);
  if (input.notPossible) {
    if (!i.ifPossible) throw new KskError('POLICY_FAILURE', `Step ${run.step.number} must destroy ${target.label}; the script allows no exception.`);
    const exceptionId = `destroy-not-possible-${run.step.id}`;
    run.append('exception', {
      exceptionId,
      stepId: run.step.id,
      expected: `the KSK ${target.label} is destroyed in ${i.hsm}`,
      happened: `it could not be destroyed: ${input.notPossible.reason}`,
      decision: 'recorded as not possible, as the procedure allows ("if possible")',
      signedBy: [input.notPossible.witnessId],
    });
    return { result: { hsmId: i.hsm, destroyed: false, key: { label: target.label }, reason: input.notPossible.reason, exceptionId } };
  }
  const live = run.activeHsm(i.hsm);
  const held = await live.session.findKey(target.label);
  if (!held)
    throw new KskError(
      'NOT_FOUND',
      `${i.hsm} holds no key labelled ${target.label}: nothing to destroy. If it is gone for another reason, record that (notPossible) with the IW.`,
    );
  if (!held.publicKey.equals(target.dnskey.publicKey))
    throw new KskError(
      'POLICY_FAILURE',
      `The key labelled ${target.label} in ${i.hsm} is not the current KSK (its public key differs): nothing was destroyed.`,
    );
  const opId = run.opId('destroy-key');
  run.progress(opId, `Destroying ${target.label} in ${i.hsm}`, null, false);
  const { result: evidence } = await runHsmOperation(
    run.deps.store,
    run.ceremonyId,
    { opId, operation: 'destroy-key', stepId: run.step.id, hsmId: i.hsm, label: target.label, ...retryOf(run, 'destroy-key') },
    () => live.session.destroyKey(target.label),
    (d) => ({ result: { remainingObjects: d.remainingObjects, privateKey: d.destroyed.privateKey, publicKey: d.destroyed.publicKey } }),
  );
  run.progress(opId, `Destroyed ${target.label} in ${i.hsm}`, 1, true);
  const after = await live.session.findKey(target.label);
  if (after || evidence.remainingObjects !== 0) throw new KskError('HSM_ERROR', `${i.hsm} still holds objects labelled ${target.label} after the destruction.`);
  return {
    result: {
      hsmId: i.hsm,
      destroyed: true,
      key: { label: target.label, keyTag: evidence.keyTag },
      evidence: { ...evidence },
      searchedAfter: 'no object labelled so remains',
    },
  };
}

export async function backupKsk(run: StepRun, input: StepInputOf<'backup-ksk'>): Promise<Execution<'backup-ksk'>> {
  const i = inputs(run) as Inputs & { key: { fromStep: string }; quorum: string; copies: number };
  const q = run.script.quorums[i.quorum];
  if (!q) throw new KskError('INTERNAL', `The script declares no quorum "${i.quorum}".`);
  const key = keyFromResult(run.resultOf(i.key.fromStep), `Step ${i.key.fromStep}`);
  const holders = input.holders.map((id) => {
    const p = run.state.participants.find((x) => x.personId === id && x.signedOutAt === null);
    if (!p || !p.roles.includes(q.role)) throw new KskError('CONFLICT', `${id} is not a ${q.role} signed in: a share goes only to a holder present.`);
    return p;
  });
  const live = run.activeHsm(i.hsm);
  const soPin = input.soPin ?? (await run.deps.hsm.rehearsalSoPin(live.binding));
  if (!soPin) throw new KskError('BAD_REQUEST', `Backing up needs the Security Officer PIN of ${i.hsm}.`);
  const opId = run.opId('backup');
  run.progress(opId, `Backing up ${key.label} from ${i.hsm}`, null, false);
  const backup = async () =>
    live.commissioning && live.pinShares.length > 0
      ? withRebuiltPin(live.commissioning, live.pinShares, (userPin) => live.session.backupKey(key.label, { soPin, userPin, threshold: q.m, total: q.n }))
      : live.session.backupKey(key.label, { soPin, threshold: q.m, total: q.n });
  const { result: made } = await runHsmOperation(
    run.deps.store,
    run.ceremonyId,
    { opId, operation: 'backup', stepId: run.step.id, hsmId: i.hsm, label: key.label, params: { threshold: q.m, total: q.n }, ...retryOf(run, 'backup') },
    backup,
    (b) => ({ result: { backupId: b.backup.backupId, sha256: backupHash(serializeBackup(b.backup)), shareHashes: b.backup.recovery.shareHashes } }),
  );
  run.progress(opId, `Backed up ${key.label}`, 1, true);
  const bytes = serializeBackup(made.backup);
  const name = run.fileName(`ksk-backup-${key.label}-${made.backup.backupId}.json`);
  const stored = run.storeArtifact({ name, kind: 'backup', mediaType: 'application/json', bytes });
  const copies: string[] = [];
  for (let n = 1; n <= i.copies; n++) copies.push(await writeOutput(run, input.out, `copy-${n}`, name, bytes));
  const set = `${i.quorum}:${made.backup.backupId}`;
  run.append('quorum.defined', { set, threshold: q.m, total: q.n });
  const issued = made.shares.map((share, n) => {
    const p = holders[n];
    const holder = p
      ? { holderId: p.personId, holderName: p.name }
      : { holderId: `sealed-${i.quorum}-${n + 1}`, holderName: `sealed for distribution to ${q.role} ${n + 1}` };
    const credentialId = `${set}:${share.index}`;
    run.append('credential.issued', { credentialId, kind: 'rksh-share', set, ...holder, stepId: run.step.id });
    return { credentialId, ...holder };
  });
  const sheets = made.shares.map((share, n) => ({
    ...issued[n],
    sheet: shareSheet(share, {
      title: `KSK Ceremony${run.rehearsal ? ' REHEARSAL' : ''}: recovery share of KSK ${key.label}`,
      createdAt: made.backup.createdAt,
    }),
  }));
  for (const s of made.shares) s.data.fill(0);
  return {
    result: {
      hsmId: i.hsm,
      key: { label: key.label },
      backupId: made.backup.backupId,
      sha256: stored.payload.sha256,
      file: name,
      copies,
      set,
      threshold: q.m,
      total: q.n,
      issued,
    },
    outcome: { shares: sheets },
  };
}

export async function reconstructKsk(run: StepRun, input: StepInputOf<'reconstruct-ksk'>): Promise<Execution<'reconstruct-ksk'>> {
  const i = inputs(run) as Inputs & { quorum: string };
  const { bytes, name } = readFileRef(input.backup, 'KSK backup');
  const backup = parseBackup(bytes, name);
  const sha256 = backupHash(bytes);
  const recorded = run.deps.store
    .workspaceEvents(['artifact.stored'], { rehearsal: run.rehearsal })
    .find((e) => e.payload.kind === 'backup' && e.payload.sha256 === sha256);
  if (!recorded)
    throw new KskError('POLICY_FAILURE', `The backup ${name} (SHA-256 ${sha256}) is not a backup this workspace's log recorded: nothing was restored.`);
  const ksk = kskKeys(run.deps.store, { rehearsal: run.rehearsal }).find((k) => k.label === backup.key.label && k.publicKey === backup.key.publicKey);
  if (!ksk)
    throw new KskError(
      'POLICY_FAILURE',
      `The backup holds ${backup.key.label}, which the log does not record as a KSK with that public key: nothing was restored.`,
    );
  const held = run.sessions.held(run.ceremonyId, run.step.id);
  const shares = [...held.shares.values()];
  const q = run.script.quorums[i.quorum];
  if (!q || shares.length < q.m)
    throw new KskError('CONFLICT', `${shares.length} share(s) presented; the backup key needs ${q?.m ?? '?'} distinct Recovery Key Share Holders.`);
  checkShareSet(shares, {
    kind: 'backup',
    setId: backup.backupId,
    threshold: backup.recovery.threshold,
    total: backup.recovery.total,
    shareHashes: backup.recovery.shareHashes,
  });
  const live = run.activeHsm(i.hsm);
  if (await live.session.findKey(backup.key.label)) throw new KskError('CONFLICT', `${i.hsm} already holds a key labelled ${backup.key.label}.`);
  run.storeArtifact({ name: run.fileName(name), kind: 'backup', mediaType: 'application/json', bytes });
  const opId = run.opId('restore');
  run.progress(opId, `Restoring ${backup.key.label} into ${i.hsm}`, null, false);
  const { result: restored } = await runHsmOperation(
    run.deps.store,
    run.ceremonyId,
    {
      opId,
      operation: 'restore',
      stepId: run.step.id,
      hsmId: i.hsm,
      label: backup.key.label,
      params: { backupId: backup.backupId, backupSha256: sha256 },
      ...retryOf(run, 'restore'),
    },
    () => live.session.restoreKey(backup, shares, { label: backup.key.label }),
    (r) => ({ key: keyRecord(r.key), result: { publicKeyMatchesBackup: r.publicKeyMatchesBackup, testSignatureVerified: r.testSignatureVerified } }),
  );
  run.progress(opId, `Restored ${backup.key.label} into ${i.hsm}`, 1, true);
  run.sessions.drop(run.ceremonyId, run.step.id);
  if (!restored.publicKeyMatchesBackup || !restored.testSignatureVerified || restored.key.publicKey.toString('base64') !== ksk.publicKey) {
    throw new KskError('HSM_ERROR', `The key restored in ${i.hsm} is not the recorded KSK ${backup.key.label}.`);
  }
  return {
    result: {
      hsmId: i.hsm,
      key: keyResult(restored.key),
      backupId: backup.backupId,
      backupSha256: sha256,
      matchesRecordedKey: true,
      testSignatureVerified: true,
    },
  };
}
