import { KskError, messageOf } from '../errors.js';
import { isHsmError, type HsmErrorReason } from '../hsm/errors.js';
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
 * Runs one HSM operation under the log: the intent is committed (and witnessed by a checkpoint)
 * before the HSM is asked, the outcome after it answers (witnessed again). A crash between the two leaves an intent without an outcome, which
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
  await store.witness?.(ceremonyId, `before HSM operation ${intent.operation} (${intent.opId})`);
  let result: R;
  try {
    result = await perform();
  } catch (e) {
    store.append(ceremonyId, 'hsm.failed', { opId: intent.opId, error: messageOf(e) || 'the HSM reported an error without a message' });
    throw e;
  }
  const done = store.append(ceremonyId, 'hsm.done', { opId: intent.opId, ...outcome(result) });
  await store.witness?.(ceremonyId, `after HSM operation ${intent.operation} (${intent.opId})`);
  return { result, intent: intended, done };
}

/** HSM operations whose intent is recorded but whose outcome is not: interrupted by a crash. */
export function findInterruptedOperations(store: EvidenceStore, ceremonyId?: string): HsmOperationRecord[] {
  const ids = ceremonyId ? [ceremonyId] : store.ceremonies().map((c) => c.ceremonyId);
  return ids.flatMap((id) => hsmOperations(store, id).filter((op) => op.outcome === null));
}

const createsKey = new Set(['generate-ksk', 'generate-audit-key', 'import-key', 'restore']);

/** What the HSM signs to learn whether a key's private half is there; plainly not DNS data. */
export function probeData(label: string): Buffer {
  return Buffer.from(`ksk-ceremony reconciliation probe: does the private half of "${label}" exist?`);
}

/**
 * The HSM answered about this key and it is not whole: objects with missing or malformed
 * attributes, two private halves, key material that cannot sign (SoftHSM answers
 * CKR_GENERAL_ERROR for a private key whose value was never written). Any other failure (the
 * module, the token, the session, the PIN) is not a finding about the key: reconciliation stops
 * and can be run again.
 */
const keyFaults: ReadonlySet<HsmErrorReason> = new Set<HsmErrorReason>([
  'KEY_NOT_FOUND',
  'DUPLICATE_LABEL',
  'MECHANISM_NOT_SUPPORTED',
  'SIGNATURE_MISMATCH',
  'DEVICE_ERROR',
]);

function brokenKey(e: unknown): boolean {
  return isHsmError(e) && keyFaults.has(e.reason);
}

type KeyState = { state: 'absent' } | { state: 'usable'; key: HsmKey } | { state: 'partial'; key: HsmKey | null; why: string };

/**
 * What the HSM holds under a label. A kill in the middle of a key generation can leave half a key
 * (a public half alone, or objects without their attributes): found, but unable to sign.
 */
async function keyState(hsm: KeySigner, label: string): Promise<KeyState> {
  let key: HsmKey | null;
  try {
    key = await hsm.findKey(label);
  } catch (e) {
    if (brokenKey(e)) return { state: 'partial', key: null, why: messageOf(e) };
    throw e;
  }
  if (!key) return { state: 'absent' };
  try {
    await hsm.sign(label, probeData(label));
  } catch (e) {
    if (isHsmError(e, 'KEY_NOT_FOUND')) return { state: 'partial', key, why: 'its public half is there, its private half is not' };
    if (brokenKey(e)) return { state: 'partial', key, why: `it cannot sign: ${messageOf(e)}` };
    throw e;
  }
  return { state: 'usable', key };
}

/**
 * Asks the HSM what became of an interrupted operation and records the answer. A key-creating
 * operation is complete if its label names a key that can sign, incomplete if only part of it is
 * there; a destruction is complete if nothing is left. A signature or a backup leaves no trace to
 * look up: the finding is "unknown". Whoever repeats an operation does so as a new operation with
 * retryOf, so the log says it was done twice.
 */
export async function reconcileInterrupted(store: EvidenceStore, hsm: KeySigner, op: HsmOperationRecord): Promise<StoredEvent<'hsm.reconciled'>> {
  if (op.outcome) throw new KskError('CONFLICT', `HSM operation "${op.opId}" already has its outcome (event ${op.outcome.seq}).`);
  const record = (finding: PayloadOf<'hsm.reconciled'>['finding'], detail: string, key?: HsmKey | null) =>
    store.append(op.ceremonyId, 'hsm.reconciled', { opId: op.opId, finding, detail, ...(key ? { key: keyRecord(key) } : {}) });
  if (!op.label || !(createsKey.has(op.operation) || op.operation === 'destroy-key')) {
    return record('unknown', `The HSM keeps no trace of a ${op.operation} operation that can be looked up; decide whether to repeat it (recorded as a retry).`);
  }
  const found = await keyState(hsm, op.label);
  if (found.state === 'partial') {
    return record(
      'incomplete',
      `The HSM holds part of the key "${op.label}" (${found.why}): the ${op.operation} operation did not complete. Destroy what is left before making the key again.`,
      found.key,
    );
  }
  if (op.operation === 'destroy-key') {
    return found.state === 'usable'
      ? record('not-performed', `The key "${op.label}" is still in the HSM: it was not destroyed.`, found.key)
      : record('completed', `The HSM has no key "${op.label}": it was destroyed.`);
  }
  return found.state === 'usable'
    ? record('completed', `The HSM holds the key "${op.label}" and it signs: the ${op.operation} operation completed before the interruption.`, found.key)
    : record('not-performed', `The HSM has no key "${op.label}": the ${op.operation} operation did not complete.`);
}
