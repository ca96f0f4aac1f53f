import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../../core/clock.js';
import {
  auditKeyLabel,
  findInterruptedOperations,
  hsmOperations,
  hsmSealer,
  interruptedSteps,
  keyRecord,
  openEvidenceStore,
  type EvidenceStore,
  reconcileInterrupted,
  runHsmOperation,
  verifyEvidence,
} from '../../../core/evidence/index.js';
import { openSession, type HsmSession } from '../../../native/index.js';
import { SOFTHSM_MODULE, softhsmToken, type TestToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';
import type { CrashChildConfig } from './crashChild.js';
import { seededRandom } from './tampering.js';

const CYCLES = Number(process.env.CRASH_CYCLES ?? 100);
const childPath = fileURLToPath(new URL('./crashChild.js', import.meta.url));

interface Run {
  /** seq -> hash of every event the child acknowledged (printed after commit). */
  acked: Map<number, string>;
  /** The last HSM intent acknowledged without an acknowledged outcome after it. */
  openIntent: string | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Starts the child and SIGKILLs it at a random moment: during start-up, at a random time, or right after an HSM intent. */
function runAndKill(config: CrashChildConfig, env: NodeJS.ProcessEnv, rng: () => number): Promise<Run> {
  const run: Run = { acked: new Map(), openIntent: null, signal: null, stderr: '' };
  const child = spawn(process.execPath, [childPath, '--crash-child', JSON.stringify(config)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const strategy = rng();
  const kill = () => child.kill('SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  if (strategy < 0.1) timer = setTimeout(kill, rng() * 300);
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const [word, a, b, c] = buffered.slice(0, newline).split(' ');
      buffered = buffered.slice(newline + 1);
      if (word === 'ack') {
        run.acked.set(Number(a), b as string);
        run.openIntent = null;
      } else if (word === 'intent') {
        run.acked.set(Number(b), c as string);
        run.openIntent = a as string;
        if (strategy >= 0.1 && strategy < 0.45) kill();
      } else if (word === 'ready' && strategy >= 0.45) timer = setTimeout(kill, rng() * 150);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      run.signal = signal;
      resolve(run);
    });
  });
}

/**
 * The private keys on the token, listed by OpenSC's pkcs11-tool: an inventory independent of the
 * app's own HSM layer, which is what is being checked.
 */
function privateKeyLabels(token: TestToken): { labels: string[]; unlabelled: number } {
  const listing = execFileSync(
    'pkcs11-tool',
    ['--module', SOFTHSM_MODULE, '--token-label', token.label, '--login', '--pin', token.userPin, '--list-objects', '--type', 'privkey'],
    { env: token.env, encoding: 'utf8' },
  );
  const objects = listing.split(/^(?=Private Key Object)/m).filter((o) => o.startsWith('Private Key Object'));
  const labels = objects.flatMap((o) => /^[ \t]+label:[ \t]*(\S.*)$/m.exec(o)?.[1]?.trim() ?? []);
  return { labels, unlabelled: objects.length - labels.length };
}

interface LaneResult {
  acked: number;
  interruptedOps: number;
  interruptedSteps: number;
  findings: string[];
  unlabelled: number;
  /** Labelled remains of interrupted generations the app could not destroy. */
  remains: number;
}

/**
 * One workspace and one token, killed `cycles` times. After each kill, as the app would on restart:
 * the chain verifies, every acknowledged event is there, and the interrupted operation and step are
 * found. At the end the HSM must hold exactly the keys the log says it does, and the log is sealed.
 */
interface Lane {
  lane: number;
  token: TestToken;
  db: string;
  ceremonyId: string;
}

async function killRepeatedly({ lane, token, db, ceremonyId }: Lane, cycles: number, seed: number): Promise<LaneResult> {
  const rng = seededRandom(seed + lane);
  const acked = new Map<number, string>();
  const result: LaneResult = { acked: 0, interruptedOps: 0, interruptedSteps: 0, findings: [], unlabelled: 0, remains: 0 };
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const config: CrashChildConfig = { db, modulePath: SOFTHSM_MODULE, conf: token.conf, tokenLabel: token.label, pin: token.userPin, ceremonyId, cycle };
    const run = await runAndKill(config, token.env, rng);
    const where = `lane ${lane}, cycle ${cycle} (CRASH_SEED=${seed})`;
    assert.equal(run.signal, 'SIGKILL', `${where}: the child ended by itself: ${run.stderr}`);
    for (const [seq, hash] of run.acked) acked.set(seq, hash);
    if (!existsSync(db)) {
      assert.equal(acked.size, 0, `${where}: events were acknowledged but there is no log`);
      continue; // killed before it created the log
    }

    const report = verifyEvidence(db);
    assert.equal(report.ok, true, `${where}: ${report.message}`);
    const store = openEvidenceStore(db, systemClock);
    try {
      const stored = new Map(store.events(ceremonyId).map((e) => [e.seq, e.hash]));
      for (const [seq, hash] of acked) assert.equal(stored.get(seq), hash, `${where}: acknowledged event ${seq} is missing or changed`);
      const interrupted = findInterruptedOperations(store, ceremonyId);
      assert.ok(interrupted.length <= 1, `${where}: more than one operation in flight`);
      const unfinished = interruptedSteps(store, ceremonyId);
      if (run.openIntent) {
        const op = hsmOperations(store, ceremonyId).find((o) => o.opId === run.openIntent);
        assert.ok(op, `${where}: the acknowledged intent ${run.openIntent} is not in the log`);
        assert.ok(op.outcome !== null || interrupted[0]?.opId === op.opId, `${where}: the interrupted operation ${op.opId} is not reported`);
      }
      if (interrupted[0]) {
        result.interruptedOps++;
        assert.ok(
          unfinished.some((s) => s.stepId === interrupted[0]?.stepId),
          `${where}: the step of the interrupted operation is not reported as interrupted`,
        );
      }
      if (unfinished.length > 0) result.interruptedSteps++;
    } finally {
      store.close();
    }
  }
  result.acked = acked.size;
  return result;
}

/**
 * The end of the story: reconcile what the last kill left, check the HSM against the log, seal.
 * One lane at a time: a process drives one SoftHSM configuration at a time.
 */
async function finish({ token, db, ceremonyId }: Lane, result: LaneResult): Promise<void> {
  const session = await openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.userPin, env: { SOFTHSM2_CONF: token.conf } });
  const store = openEvidenceStore(db, systemClock);
  try {
    await checkAndSeal(session, store, token, ceremonyId, result);
  } finally {
    store.close();
    await session.close();
  }
}

async function checkAndSeal(session: HsmSession, store: EvidenceStore, token: TestToken, ceremonyId: string, result: LaneResult): Promise<void> {
  for (const op of findInterruptedOperations(store, ceremonyId)) await reconcileInterrupted(store, session, op);
  const ops = hsmOperations(store, ceremonyId);
  assert.ok(ops.every((op) => op.outcome !== null));
  const { labels: inHsm, unlabelled } = privateKeyLabels(token);
  // A kill while SoftHSM writes a new object can leave it without its attributes (its file store is
  // not atomic): such a fragment has no label, so no operation can be mistaken for having made it.
  result.unlabelled = unlabelled;
  assert.equal(new Set(inHsm).size, inHsm.length, 'a key was generated twice under one label');
  // Replay the log: the keys it says the HSM holds, and the remains of generations it found incomplete.
  const expected = new Set<string>();
  const remains = new Set<string>();
  for (const op of ops) {
    const finding = op.outcome?.type === 'hsm.done' ? 'completed' : op.outcome?.type === 'hsm.reconciled' ? op.outcome.finding : null;
    if (!op.label) continue;
    if (op.operation === 'generate-ksk' && finding === 'completed') expected.add(op.label);
    if (op.operation === 'generate-ksk' && finding === 'incomplete') remains.add(op.label);
    if (op.operation === 'destroy-key' && finding === 'completed') [expected, remains].forEach((set) => set.delete(op.label as string));
  }
  result.remains = inHsm.filter((l) => remains.has(l)).length;
  const story = (label: string) => `${label}: ${JSON.stringify(ops.filter((op) => op.label === label).map((op) => [op.opId, op.intent.seq, op.outcome]))}`;
  const unexplained = [...inHsm.filter((l) => !expected.has(l) && !remains.has(l)), ...[...expected].filter((l) => !inHsm.includes(l))];
  assert.deepEqual(unexplained, [], `the HSM must hold exactly the keys the log says it should:\n${unexplained.map(story).join('\n')}`);
  for (const op of ops.filter((o) => o.retryOf)) {
    const original = ops.find((o) => o.opId === op.retryOf);
    assert.ok(
      original?.outcome?.type === 'hsm.reconciled' && original.outcome.finding !== 'completed',
      `${op.opId} repeats ${op.retryOf}, which had completed`,
    );
  }
  result.findings = ops.flatMap((op) => (op.outcome?.type === 'hsm.reconciled' ? [op.outcome.finding] : []));
  const label = auditKeyLabel(ceremonyId);
  await runHsmOperation(
    store,
    ceremonyId,
    { opId: 'audit-key', operation: 'generate-audit-key', label },
    async () => (await session.generateKsk({ algorithm: 'ECDSAP256SHA256', label })).key,
    (key) => ({ key: keyRecord(key) }),
  );
  await store.closeCeremony(ceremonyId, await hsmSealer(session, label));
  const final = verifyEvidence(store.file, { requireSealed: true });
  assert.equal(final.ok, true, final.message);
  assert.equal(final.ceremonies[0]?.seal?.key.label, label);
}

const LANES = 2;

test(`the log survives ${CYCLES} SIGKILLs during appends and HSM operations: chain intact, nothing acknowledged lost, the interrupted step found`, async (t) => {
  const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  // Two workspaces, each with its own token, killed side by side: the same number of kills in
  // about half the time.
  const lanes: Lane[] = Array.from({ length: LANES }, (_, lane) => ({
    lane,
    token: softhsmToken(t, `CRASH${lane}`),
    db: path.join(tempDir(t), 'evidence.sqlite'),
    ceremonyId: `crash-lane-${lane}`,
  }));
  const results = await Promise.all(lanes.map((lane) => killRepeatedly(lane, Math.ceil(CYCLES / LANES), seed)));
  for (const [i, lane] of lanes.entries()) await finish(lane, results[i] as LaneResult);
  const sum = (f: (r: LaneResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const findings = results.flatMap((r) => r.findings);
  t.diagnostic(
    `seed ${seed}: ${sum((r) => r.acked)} events acknowledged; ${sum((r) => r.interruptedOps)} kills interrupted an HSM operation, ${sum((r) => r.interruptedSteps)} a step; ` +
      `reconciled: ${['completed', 'incomplete', 'not-performed', 'unknown'].map((f) => `${f} ${findings.filter((x) => x === f).length}`).join(', ')}; ` +
      `${sum((r) => r.unlabelled)} unlabelled key objects and ${sum((r) => r.remains)} labelled remains left by kills inside SoftHSM`,
  );
  assert.ok(sum((r) => r.interruptedOps) >= CYCLES / 10, `only ${sum((r) => r.interruptedOps)} kills fell inside an HSM operation`);
});
