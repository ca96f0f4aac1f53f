import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test, type TestContext } from 'node:test';
import { isKskError } from '../../../core/errors.js';
import {
  auditKeyLabel,
  findInterruptedOperations,
  hsmOperations,
  hsmSealer,
  keyRecord,
  reconcileInterrupted,
  runHsmOperation,
  verifyEvidence,
  type EvidenceStore,
} from '../../../core/evidence/index.js';
import { openSession, type HsmSession } from '../../../native/index.js';
import { SOFTHSM_MODULE, softhsmToken, type TestToken } from '../../helpers/softhsm.js';
import { newStore, openSample, writeSampleCeremony } from './sampleLog.js';

async function session(t: TestContext, token = softhsmToken(t, 'EVIDENCE')): Promise<HsmSession> {
  const s = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.userPin, env: { SOFTHSM2_CONF: token.conf } });
  t.after(() => s.close());
  return s;
}

/** What a crash in the middle of a generation can leave: the public half alone (done with OpenSC, outside the app). */
function deletePrivateHalf(token: TestToken, label: string): void {
  execFileSync(
    'pkcs11-tool',
    ['--module', SOFTHSM_MODULE, '--token-label', token.label, '--login', '--pin', token.userPin, '--delete-object', '--type', 'privkey', '--label', label],
    { env: token.env, stdio: 'pipe' },
  );
}

/** Generates a key in the HSM under the log, as the engine does: intent, generation, outcome. */
async function generate(
  store: EvidenceStore,
  hsm: HsmSession,
  ceremonyId: string,
  opId: string,
  operation: 'generate-ksk' | 'generate-audit-key',
  label: string,
) {
  const { result } = await runHsmOperation(
    store,
    ceremonyId,
    { opId, operation, label },
    async () => (await hsm.generateKsk({ algorithm: 'ECDSAP256SHA256', label })).key,
    (key) => ({ key: keyRecord(key) }),
  );
  return result;
}

test('a ceremony sealed with its audit key in the HSM verifies with nothing but the database', async (t) => {
  const hsm = await session(t);
  const store = newStore(t);
  const label = auditKeyLabel('2025-Q1');
  openSample(store, '2025-Q1');
  const audit = await generate(store, hsm, '2025-Q1', 'audit-key', 'generate-audit-key', label);
  await writeSampleCeremony(store, '2025-Q1-b');
  const sealer = await hsmSealer(hsm, label);
  const { seal } = await store.closeCeremony('2025-Q1', sealer);
  assert.deepEqual(seal.statement.key, { kind: 'hsm', label: 'AUDIT-2025-Q1', algorithm: 13, publicKey: audit.publicKey.toString('base64') });
  assert.equal(seal.signature.length, 64, 'an ECDSA P-256 signature in DNSSEC form (r||s)');
  await hsm.close();
  const report = verifyEvidence(store.file, { requireSealed: true });
  assert.equal(report.ok, true, report.message);
  assert.equal(report.ceremonies.find((c) => c.ceremonyId === '2025-Q1')?.seal?.key.label, 'AUDIT-2025-Q1');
});

test('a KSK never seals the log: not by its label, and not under an audit label either', async (t) => {
  const hsm = await session(t);
  const store = newStore(t);
  openSample(store, 'c1');
  await generate(store, hsm, 'c1', 'ksk', 'generate-ksk', 'Kabcdef');
  await assert.rejects(
    hsmSealer(hsm, 'Kabcdef'),
    (e) => isKskError(e) && e.code === 'BAD_REQUEST' && /only an audit key \(label AUDIT-\.\.\.\) may, never a KSK/.test(e.message),
  );
  await generate(store, hsm, 'c1', 'ksk-2', 'generate-ksk', 'AUDIT-c1');
  await assert.rejects(
    store.closeCeremony('c1', await hsmSealer(hsm, 'AUDIT-c1')),
    (e) => isKskError(e) && e.code === 'POLICY_FAILURE' && /"AUDIT-c1" is a KSK/.test(e.message),
  );
  await assert.rejects(hsmSealer(hsm, 'AUDIT-missing'), (e) => isKskError(e) && e.code === 'NOT_FOUND');
  assert.equal(store.head('c1')?.type, 'hsm.done', 'the ceremony stays open');
});

test('an HSM failure is recorded as the outcome of its intent, and the error reaches the caller', async (t) => {
  const hsm = await session(t);
  const store = newStore(t);
  openSample(store, 'c1');
  await assert.rejects(
    runHsmOperation(store, 'c1', { opId: 'sign-1', operation: 'sign', label: 'Knothere' }, () => hsm.sign('Knothere', Buffer.from('x'))),
    (e) => isKskError(e) && e.code === 'HSM_ERROR',
  );
  const [op] = hsmOperations(store, 'c1');
  assert.equal(op?.outcome?.type, 'hsm.failed');
  assert.match(op?.outcome?.type === 'hsm.failed' ? op.outcome.error : '', /Knothere/);
  assert.deepEqual(findInterruptedOperations(store, 'c1'), []);
});

test('reconciliation asks the HSM what became of each interrupted operation', async (t) => {
  const token = softhsmToken(t, 'EVIDENCE');
  const hsm = await session(t, token);
  const store = newStore(t);
  openSample(store, 'c1');
  const cases: { opId: string; operation: 'generate-ksk' | 'destroy-key' | 'sign'; label: string; before?: () => Promise<unknown>; finding: string }[] = [
    // The HSM made the key, the crash came before the log heard of it.
    {
      opId: 'gen-done',
      operation: 'generate-ksk',
      label: 'Kmade01',
      before: () => hsm.generateKsk({ algorithm: 'ED25519', label: 'Kmade01' }),
      finding: 'completed',
    },
    { opId: 'gen-none', operation: 'generate-ksk', label: 'Knever1', finding: 'not-performed' },
    // Only the public half survived: a key that cannot sign is not a key.
    {
      opId: 'gen-half',
      operation: 'generate-ksk',
      label: 'Khalf01',
      before: async () => {
        await hsm.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Khalf01' });
        deletePrivateHalf(token, 'Khalf01');
      },
      finding: 'incomplete',
    },
    { opId: 'destroy-done', operation: 'destroy-key', label: 'Kgone01', finding: 'completed' },
    { opId: 'destroy-none', operation: 'destroy-key', label: 'Kmade01', finding: 'not-performed' },
    { opId: 'sign', operation: 'sign', label: 'Kmade01', finding: 'unknown' },
  ];
  for (const c of cases) {
    store.append('c1', 'hsm.intent', { opId: c.opId, operation: c.operation, label: c.label });
    await c.before?.();
    const [interrupted] = findInterruptedOperations(store, 'c1');
    assert.equal(interrupted?.opId, c.opId);
    const reconciled = await reconcileInterrupted(store, hsm, interrupted as NonNullable<typeof interrupted>);
    assert.equal(reconciled.payload.finding, c.finding, `${c.opId}: ${reconciled.payload.detail}`);
  }
  const made = hsmOperations(store, 'c1').find((o) => o.opId === 'gen-done');
  assert.equal(made?.outcome?.type === 'hsm.reconciled' && made.outcome.key?.algorithm, 15, 'the key found is recorded');
  assert.equal(verifyEvidence(store.file).ok, true);
});

test('a failing session is not taken for a finding: reconciliation stops and records nothing', async (t) => {
  const hsm = await session(t);
  const store = newStore(t);
  openSample(store, 'c1');
  store.append('c1', 'hsm.intent', { opId: 'gen', operation: 'generate-ksk', label: 'Kabcdef' });
  await hsm.close();
  const [op] = findInterruptedOperations(store, 'c1');
  await assert.rejects(reconcileInterrupted(store, hsm, op as NonNullable<typeof op>), (e) => isKskError(e) && e.code === 'HSM_ERROR');
  assert.equal(findInterruptedOperations(store, 'c1')[0]?.opId, 'gen', 'still interrupted, to be reconciled again');
});
