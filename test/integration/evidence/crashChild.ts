import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { systemClock } from '../../../core/clock.js';
import {
  findInterruptedOperations,
  interruptedSteps,
  keyRecord,
  openEvidenceStore,
  reconcileInterrupted,
  runHsmOperation,
  type EvidenceStore,
  type HsmOperationRecord,
  type StoredEvent,
} from '../../../core/evidence/index.js';
import { openSession, type HsmSession } from '../../../native/index.js';

/**
 * The process the crash test kills. It does what the app does in a ceremony: opens the log, finds
 * what a previous crash interrupted and reconciles it with the HSM, then runs steps of appends,
 * artifacts and HSM operations (each logged as intent, then outcome). After every commit it prints
 * the acknowledged event; the parent checks those survive the SIGKILL.
 *
 * It runs only when started with --crash-child (the test runner also loads every file under test/).
 */
export interface CrashChildConfig {
  db: string;
  modulePath: string;
  conf: string;
  tokenLabel: string;
  pin: string;
  ceremonyId: string;
  cycle: number;
}

/** One line per acknowledged event, written synchronously so nothing printed is lost to the kill. */
function say(line: string): void {
  writeSync(1, `${line}\n`);
}

function ack(e: StoredEvent): void {
  say(`ack ${e.seq} ${e.hash}`);
}

async function hsmStep(
  store: EvidenceStore,
  session: HsmSession,
  config: CrashChildConfig,
  op: { opId: string; operation: 'generate-ksk' | 'sign'; label: string; retryOf?: string },
): Promise<void> {
  const c = config.ceremonyId;
  const stepId = `step-${op.opId}`;
  ack(store.append(c, 'step.started', { stepId, title: `${op.operation} ${op.label}` }));
  const { done } = await runHsmOperation(
    store,
    c,
    { opId: op.opId, operation: op.operation, label: op.label, stepId, ...(op.retryOf ? { retryOf: op.retryOf } : {}) },
    async () => {
      const head = store.head(c);
      say(`intent ${op.opId} ${head?.seq} ${head?.hash}`);
      if (op.operation === 'generate-ksk') return { key: keyRecord((await session.generateKsk({ algorithm: 'ECDSAP256SHA256', label: op.label })).key) };
      return { result: { signatureBytes: (await session.sign(op.label, randomBytes(64))).length } };
    },
    (outcome) => outcome,
  );
  ack(done);
  ack(store.append(c, 'step.completed', { stepId }));
}

/** After a crash: ask the HSM about the interrupted operation, record it, repeat it as a retry if it did not happen. */
async function recover(store: EvidenceStore, session: HsmSession, config: CrashChildConfig, op: HsmOperationRecord): Promise<void> {
  const reconciled = await reconcileInterrupted(store, session, op);
  ack(reconciled);
  say(`reconciled ${op.opId} ${reconciled.payload.finding}`);
  for (const step of interruptedSteps(store, config.ceremonyId)) {
    ack(
      store.append(config.ceremonyId, 'step.completed', {
        stepId: step.stepId,
        result: `interrupted by a crash; the HSM showed: ${reconciled.payload.finding}`,
      }),
    );
  }
  if (reconciled.payload.finding === 'completed' || !op.label || (op.operation !== 'generate-ksk' && op.operation !== 'sign')) return;
  let label = op.label;
  if (reconciled.payload.finding === 'incomplete') {
    try {
      const { done } = await runHsmOperation(
        store,
        config.ceremonyId,
        { opId: `${op.opId}-cleanup`, operation: 'destroy-key', label },
        () => session.destroyKey(op.label as string),
        (proof) => ({ result: { destroyed: proof.destroyed, remainingObjects: proof.remainingObjects } }),
      );
      ack(done);
    } catch {
      // The remains cannot be removed through the app (the failure is in the log): make the key
      // under another label and leave them for the operator.
      label = `${label}b`;
    }
  }
  await hsmStep(store, session, config, { opId: `${op.opId}-retry`, operation: op.operation, label, retryOf: op.opId });
}

async function main(config: CrashChildConfig): Promise<void> {
  const store = openEvidenceStore(config.db, systemClock);
  const c = config.ceremonyId;
  if (!store.head(c)) ack(store.openCeremony(c, { title: 'crash test', kind: 'ksk-generation', rehearsal: true }));
  const session = await openSession({ modulePath: config.modulePath, tokenLabel: config.tokenLabel, pin: config.pin, env: { SOFTHSM2_CONF: config.conf } });
  for (const op of findInterruptedOperations(store, c)) await recover(store, session, config, op);
  for (const step of interruptedSteps(store, c))
    ack(store.append(c, 'step.completed', { stepId: step.stepId, result: 'interrupted by a crash before any HSM operation' }));
  say('ready');
  const keys = store.events(c, ['hsm.done']).flatMap((e) => (e.payload.key ? [e.payload.key.label] : []));
  for (let i = 1; ; i++) {
    const roll = Math.random();
    const opId = `op-${config.cycle}-${i}`;
    if (roll < 0.55) ack(store.append(c, 'note', { text: `cycle ${config.cycle}, event ${i}`, data: { cycle: config.cycle, i } }));
    else if (roll < 0.65)
      ack(
        store.storeArtifact(c, {
          name: `photo-${config.cycle}-${i}.jpg`,
          kind: 'photo',
          mediaType: 'image/jpeg',
          bytes: randomBytes(2048 + Math.floor(Math.random() * 16384)),
        }),
      );
    else if (roll < 0.85 || keys.length === 0) {
      const label = `K${config.cycle}-${i}`;
      await hsmStep(store, session, config, { opId, operation: 'generate-ksk', label });
      keys.push(label);
    } else await hsmStep(store, session, config, { opId, operation: 'sign', label: keys[Math.floor(Math.random() * keys.length)] as string });
  }
}

if (process.argv[2] === '--crash-child') {
  main(JSON.parse(process.argv[3] ?? '{}') as CrashChildConfig).catch((e: unknown) => {
    process.stderr.write(`crash child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(70);
  });
}
