import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { RehearsalClock, rehearsalStartTime } from '../../../core/ceremony/engine/rehearsal/clock.js';
import { Rehearsal } from '../../../core/ceremony/engine/rehearsal/rehearse.js';
import { RehearsalWorld } from '../../../core/ceremony/engine/rehearsal/world.js';
import type { CeremonyState, StepState } from '../../../core/contract/ceremonyState.js';
import { parseSkr } from '../../../core/dnssec/ksrParse.js';
import type { Skr } from '../../../core/dnssec/model.js';
import { KSK_FLAGS, type Dnskey } from '../../../core/dnssec/dnskey.js';
import { verifySkr } from '../../../core/dnssec/verify.js';
import { openEvidenceStore } from '../../../core/evidence/store.js';
import { verifyEvidence } from '../../../core/evidence/verify.js';
import { systemClock } from '../../../core/clock.js';
import { withRebuiltPin, type SplitPinCommissioning } from '../../../core/hsm/quorum.js';
import { parseShareText } from '../../../core/hsm/shares.js';
import { Backend, type BackendOverrides } from '../../../core/service/backend.js';
import { workspaceAt } from '../../../core/workspace/workspace.js';
import { workspacePin } from '../../../core/workspace/config.js';
import { openSession, type HsmSession } from '../../../native/index.js';
import { findSoftHsmModule } from '../../../native/rehearsal.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * The rehearsal world the ceremony tests share: built once per test file by the app's own
 * ceremonies (see Rehearsal.ensureWorld), then copied for each test, so each procedure runs on a
 * workspace of its own (its own SQLite log, its own SoftHSM2 tokens).
 */

export interface Opened {
  root: string;
  backend: Backend;
  rehearsal: Rehearsal;
  clock: RehearsalClock;
  call<T = unknown>(channel: string, request: unknown): Promise<T>;
  close(): Promise<void>;
}

export function openWorkspace(root: string, overrides: Omit<BackendOverrides, 'clock'> = {}): Opened {
  const clock = new RehearsalClock(rehearsalStartTime(root));
  const backend = new Backend({ workspaceDir: root, mode: 'rehearsal' }, { ...overrides, clock });
  const api = (channel: string, request: unknown) => backend.call(channel, request);
  return {
    root,
    backend,
    clock,
    rehearsal: new Rehearsal({ api, workspace: root, clock, hsms: backend.hsm }),
    async call<T>(channel: string, request: unknown): Promise<T> {
      const envelope = await backend.call(channel, request);
      if (!envelope.ok) throw Object.assign(new Error(`${channel}: ${envelope.error.message}`), { code: envelope.error.code });
      return envelope.value as T;
    },
    close: () => backend.close(),
  };
}

/** A fresh workspace with the world every procedure starts from. */
export async function baseWorld(t: Pick<TestContext, 'after'>): Promise<string> {
  const root = path.join(tempDir(t, 'ksk-world-'), 'workspace');
  const opened = openWorkspace(root);
  try {
    await opened.rehearsal.ensureWorld();
  } finally {
    await opened.close();
  }
  return root;
}

/** A copy of a workspace (no session may be open on it): its SoftHSM2 configuration points at the copy's tokens. */
export function cloneWorld(t: Pick<TestContext, 'after'>, source: string): string {
  const root = path.join(tempDir(t, 'ksk-clone-'), 'workspace');
  cpSync(source, root, { recursive: true });
  const ws = workspaceAt(root);
  writeFileSync(ws.softhsmConf, readFileSync(ws.softhsmConf, 'utf8').replace(workspaceAt(source).tokens, ws.tokens));
  const tokenFile = path.join(root, 'rehearsal-token.json');
  const token = JSON.parse(readFileSync(tokenFile, 'utf8')) as { softhsmConf: string };
  writeFileSync(tokenFile, JSON.stringify({ ...token, softhsmConf: ws.softhsmConf }, null, 2));
  return root;
}

export function steps(state: CeremonyState): StepState[] {
  return state.acts.flatMap((a) => a.steps);
}

export function stepOfKind(state: CeremonyState, kind: string): StepState {
  const found = steps(state).find((s) => s.action.kind === kind);
  assert.ok(found, `the ceremony has a ${kind} step`);
  return found;
}

/** The KSK the world's first ceremony generated: the operator's KSK before any disaster. */
export async function worldKsk(opened: Opened): Promise<ReturnType<typeof keyOf>> {
  const list = await opened.call<{ ceremonyId: string; procedure: string }[]>('ceremony.list', {});
  const keygen = list.find((c) => c.procedure === 'ksk-generation');
  assert.ok(keygen, 'the world has a KSK generation ceremony');
  return keyOf(stepOfKind(await opened.call('ceremony.state', { ceremonyId: keygen.ceremonyId }), 'generate-ksk').result);
}

/** What every rehearsed ceremony must show: sealed, every step done and initialled where asked, every exception complete, a log that verifies. */
export function assertCompleteAndVerified(root: string, state: CeremonyState): void {
  assert.equal(state.status, 'closed');
  assert.ok(state.log.sealed, 'the log is sealed');
  for (const step of steps(state)) {
    if (step.status === 'not-applicable') {
      assert.ok(
        state.branches.some((b) => b.stepId === step.notApplicable?.decidedAt),
        `step ${step.number} (${step.id}) is not applicable by a decision the ceremony took`,
      );
      assert.equal(step.performedAt, null, `step ${step.number} is on a branch not taken: nothing was performed`);
      continue;
    }
    assert.equal(step.status, 'completed', `step ${step.number} (${step.id}) is completed`);
    assert.ok(step.performedAt, `step ${step.number} was performed or confirmed`);
    if (step.initial) assert.ok(step.initials, `step ${step.number} is initialled by the IW`);
  }
  for (const x of state.exceptions) assert.ok(x.complete && x.decision && x.signedBy.length > 0, `exception ${x.exceptionId} is complete`);
  const pin = workspacePin(root);
  assert.ok(pin, 'the workspace was commissioned: its audit key is pinned in workspace.json');
  const report = verifyEvidence(workspaceAt(root).database, { requireSealed: true, pin });
  assert.equal(report.ok, true, report.message);
  const store = openEvidenceStore(workspaceAt(root).database, systemClock);
  try {
    const events = store.events(state.ceremonyId);
    const types = new Set(events.map((e) => `${e.type}:${'stepId' in e.payload ? String(e.payload.stepId) : ''}`));
    const notApplicable = new Set(events.flatMap((e) => (e.type === 'branch.taken' ? e.payload.notApplicable : [])));
    for (const step of steps(state)) {
      if (step.status === 'not-applicable') {
        assert.ok(notApplicable.has(step.id), `the log records step ${step.id} not applicable`);
        assert.ok(!types.has(`step.started:${step.id}`), `step ${step.id}, not applicable, was never started`);
        continue;
      }
      assert.ok(types.has(`step.completed:${step.id}`), `the log records step ${step.id} completed`);
      if (step.initial) assert.ok(types.has(`initials:${step.id}`), `the log records the initials of step ${step.id}`);
    }
    for (const x of state.exceptions)
      assert.ok(
        events.some((e) => e.type === 'exception' && e.payload.exceptionId === x.exceptionId),
        `the log records exception ${x.exceptionId}`,
      );
    assert.ok(
      events.some((e) => e.type === 'attestation.signed'),
      'the log records attestations',
    );
    assert.ok(
      events.some((e) => e.type === 'ceremony.opened' && e.payload.rehearsal === true),
      'the log marks the ceremony a rehearsal',
    );
    const key = store.seal(state.ceremonyId)?.statement.key;
    assert.equal(key?.kind, 'hsm', 'the seal is signed by an audit key in the HSM (the rehearsal token), not a software key');
    assert.equal(key?.label, 'AUDIT-WORKSPACE', "the workspace's one audit key seals every ceremony");
    assert.equal(report.ceremonies.find((c) => c.ceremonyId === state.ceremonyId)?.seal?.pinned, true, 'the seal is by the pinned key');
  } finally {
    store.close();
  }
}

/** An artifact a ceremony stored, read back through the contract. */
export async function artifact(opened: Opened, ceremonyId: string, sha256: string): Promise<Buffer> {
  const read = await opened.call<{ base64: string }>('artifact.read', { ceremonyId, sha256 });
  return Buffer.from(read.base64, 'base64');
}

export async function signedSkr(opened: Opened, state: CeremonyState): Promise<Skr> {
  const skr = stepOfKind(state, 'sign-ksr').result?.skr as { sha256: string };
  return parseSkr(await artifact(opened, state.ceremonyId, skr.sha256));
}

/** The SKR verifies completely, and every bundle is signed by this KSK (its public key). */
export function assertSignedBy(skr: Skr, key: { algorithm: number; publicKey: Buffer }): void {
  assert.equal(verifySkr(skr).ok, true, 'the SKR verifies');
  for (const bundle of skr.bundles) {
    const signer = bundle.keys.find((k) => k.flags === KSK_FLAGS && k.publicKey.equals(key.publicKey));
    assert.ok(signer, `bundle ${bundle.id} publishes the KSK`);
    assert.ok(
      bundle.signatures.some((s) => s.keyTag === signer.keyTag && s.keyIdentifier === signer.keyIdentifier),
      `bundle ${bundle.id} is signed by the KSK`,
    );
  }
}

export function keyOf(result: Record<string, unknown> | null): Dnskey & { label: string; keyTag: number } {
  const key = result?.key as { label: string; algorithm: number; publicKey: string; keyTag: number };
  return { flags: KSK_FLAGS, protocol: 3, algorithm: key.algorithm, publicKey: Buffer.from(key.publicKey, 'base64'), label: key.label, keyTag: key.keyTag };
}

/**
 * A logged-in session with a rehearsal HSM token, opened the way its Crypto Officers would: their
 * share sheets (kept by the simulated holders) rebuild the PIN the log's commissioning record checks.
 */
export async function loginAsCos(root: string, tokenLabel: string): Promise<HsmSession> {
  const world = RehearsalWorld.open(root);
  const set = world.activationOf(tokenLabel);
  assert.ok(set, `the world holds CO credentials for ${tokenLabel}`);
  const store = openEvidenceStore(workspaceAt(root).database, systemClock);
  let record: SplitPinCommissioning;
  try {
    const commissioned = store
      .workspaceEvents(['hsm.commissioned'], { rehearsal: true })
      .filter((e) => e.payload.set === set)
      .at(-1);
    assert.ok(commissioned, `the log records the commissioning ${set}`);
    record = commissioned.payload.record as unknown as SplitPinCommissioning;
  } finally {
    store.close();
  }
  const shares = world
    .credentialsOf(set)
    .slice(0, record.threshold)
    .map((c) => parseShareText(c.sheet));
  const session = await openSession({ modulePath: findSoftHsmModule(), tokenLabel, env: { SOFTHSM2_CONF: workspaceAt(root).softhsmConf } });
  await withRebuiltPin(record, shares, (pin) => session.login(pin));
  return session;
}

/** The trust anchor a ceremony published: its key tag and SHA-256 DS digest as the XML states them. */
export async function publishedAnchor(opened: Opened, state: CeremonyState): Promise<{ keyTag: number; digest: string; xml: string }> {
  const result = stepOfKind(state, 'publish-trust-anchor').result as { xml: { sha256: string } };
  const xml = (await artifact(opened, state.ceremonyId, result.xml.sha256)).toString('utf8');
  const keyTag = Number(/<KeyTag>(\d+)<\/KeyTag>/.exec(xml)?.[1]);
  const digest = /<Digest>([0-9A-F]+)<\/Digest>/.exec(xml)?.[1] ?? '';
  return { keyTag, digest, xml };
}
