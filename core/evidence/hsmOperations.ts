import { KskError, messageOf } from '../errors.js';
import type { HsmKey, KeySigner } from '../hsm/port.js';
import type { PayloadOf } from './events.js';
import { hsmOperations, type HsmOperationRecord } from './registers/hsm.js';
import type { EvidenceStore } from './store.js';
import type { StoredEvent } from './stored.js';

export type HsmIntent = PayloadOf<'hsm.intent'>;
/** What the log keeps of a successful operation: the key it made or found, and any other result. */
export type HsmOutcome = Omit<PayloadOf<'hsm.done'>, 'opId'>;

/** A key as the log records it (public key in base64). */
export function keyRecord(key: HsmKey): NonNullable<HsmOutcome['key']> {
  return { label: key.label, idHex: key.idHex, algorithm: key.algorithm, publicKey: key.publicKey.toString('base64') };
}

/**
 * Runs one HSM operation under the log: the intent is committed before the HSM is asked, the
 * outcome after it answers. A crash between the two leaves an intent without an outcome, which
 * findInterruptedOperations reports and the store refuses to start past until it is reconciled.
 */
export async function runHsmOperation<R>(
  store: EvidenceStore,
  ceremonyId: string,
  intent: HsmIntent,
  perform: () => Promise<R>,
  outcome: (result: R) => HsmOutcome = () => ({}),
): Promise<{ result: R; intent: StoredEvent<'hsm.intent'>; done: StoredEvent<'hsm.done'> }> {
  const intended = store.append(ceremonyId, 'hsm.intent', intent);
  let result: R;
  try {
    result = await perform();
  } catch (e) {
    store.append(ceremonyId, 'hsm.failed', { opId: intent.opId, error: messageOf(e) || 'the HSM reported an error without a message' });
    throw e;
  }
  const done = store.append(ceremonyId, 'hsm.done', { opId: intent.opId, ...outcome(result) });
  return { result, intent: intended, done };
}

/** HSM operations whose intent is recorded but whose outcome is not: interrupted by a crash. */
export function findInterruptedOperations(store: EvidenceStore, ceremonyId?: string): HsmOperationRecord[] {
  const ids = ceremonyId ? [ceremonyId] : store.ceremonies().map((c) => c.ceremonyId);
  return ids.flatMap((id) => hsmOperations(store, id).filter((op) => op.outcome === null));
}

const createsKey = new Set(['generate-ksk', 'generate-audit-key', 'import-key', 'restore']);

/**
 * Asks the HSM what became of an interrupted operation and records the answer. A key-creating
 * operation is complete if its label is in the HSM; a destruction is complete if it is not. A
 * signature or a backup leaves no trace to look up: the finding is "unknown", and whoever repeats
 * it does so as a new operation with retryOf, so the log says the operation was done twice.
 */
export async function reconcileInterrupted(store: EvidenceStore, hsm: Pick<KeySigner, 'findKey'>, op: HsmOperationRecord): Promise<StoredEvent<'hsm.reconciled'>> {
  if (op.outcome) throw new KskError('CONFLICT', `HSM operation "${op.opId}" already has its outcome (event ${op.outcome.seq}).`);
  const record = (finding: PayloadOf<'hsm.reconciled'>['finding'], detail: string, key?: HsmKey) =>
    store.append(op.ceremonyId, 'hsm.reconciled', { opId: op.opId, finding, detail, ...(key ? { key: keyRecord(key) } : {}) });
  if (!op.label || !(createsKey.has(op.operation) || op.operation === 'destroy-key')) {
    return record('unknown', `The HSM keeps no trace of a ${op.operation} operation that can be looked up; decide whether to repeat it (recorded as a retry).`);
  }
  const key = await hsm.findKey(op.label);
  if (op.operation === 'destroy-key') {
    return key
      ? record('not-performed', `The key "${op.label}" is still in the HSM: it was not destroyed.`, key)
      : record('completed', `The HSM has no key "${op.label}": it was destroyed.`);
  }
  return key
    ? record('completed', `The HSM holds the key "${op.label}": the ${op.operation} operation completed before the interruption.`, key)
    : record('not-performed', `The HSM has no key "${op.label}": the ${op.operation} operation did not complete.`);
}
