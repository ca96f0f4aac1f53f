import { kskOperations, type HsmOperation } from '../events.js';
import type { EventSource, StoredEvent } from '../stored.js';
import { placeOf, type Place } from './place.js';

type HsmKeyRecord = NonNullable<StoredEvent<'hsm.done'>['payload']['key']>;

/** An HSM operation: its intent, and its outcome once one is recorded. */
export interface HsmOperationRecord {
  readonly ceremonyId: string;
  readonly opId: string;
  readonly operation: HsmOperation;
  readonly label?: string;
  readonly hsmId?: string;
  readonly stepId?: string;
  readonly retryOf?: string;
  readonly intent: Place;
  /** Null: the intent was recorded and nothing after it, so the operation was interrupted. */
  readonly outcome:
    | null
    | (Place & { type: 'hsm.done'; key?: HsmKeyRecord })
    | (Place & { type: 'hsm.failed'; error: string })
    | (Place & { type: 'hsm.reconciled'; finding: StoredEvent<'hsm.reconciled'>['payload']['finding']; detail: string; key?: HsmKeyRecord });
}

type HsmOpEvent = StoredEvent<'hsm.intent' | 'hsm.done' | 'hsm.failed' | 'hsm.reconciled'>;
export const hsmOperationTypes = ['hsm.intent', 'hsm.done', 'hsm.failed', 'hsm.reconciled'] as const;

export function hsmOperationsOf(events: readonly HsmOpEvent[]): HsmOperationRecord[] {
  const byId = new Map<string, HsmOperationRecord>();
  const keyOf = (ceremonyId: string, opId: string) => `${ceremonyId}\u0000${opId}`;
  for (const e of events) {
    const id = keyOf(e.ceremonyId, e.payload.opId);
    if (e.type === 'hsm.intent') {
      const { opId, operation, label, hsmId, stepId, retryOf } = e.payload;
      byId.set(id, {
        ceremonyId: e.ceremonyId,
        opId,
        operation,
        ...(label ? { label } : {}),
        ...(hsmId ? { hsmId } : {}),
        ...(stepId ? { stepId } : {}),
        ...(retryOf ? { retryOf } : {}),
        intent: placeOf(e),
        outcome: null,
      });
      continue;
    }
    const op = byId.get(id);
    if (!op || op.outcome) continue;
    const place = placeOf(e);
    const outcome: HsmOperationRecord['outcome'] =
      e.type === 'hsm.done'
        ? { ...place, type: e.type, ...(e.payload.key ? { key: e.payload.key } : {}) }
        : e.type === 'hsm.failed'
          ? { ...place, type: e.type, error: e.payload.error }
          : { ...place, type: e.type, finding: e.payload.finding, detail: e.payload.detail, ...(e.payload.key ? { key: e.payload.key } : {}) };
    byId.set(id, { ...op, outcome });
  }
  return [...byId.values()];
}

export function hsmOperations(source: EventSource, ceremonyId: string): HsmOperationRecord[] {
  return hsmOperationsOf(source.events(ceremonyId, hsmOperationTypes));
}

/** Keys the log records as KSKs put into an HSM (generated, imported or restored), workspace-wide. */
export function kskKeys(source: EventSource, scope: { rehearsal: boolean }): HsmKeyRecord[] {
  return hsmOperationsOf(source.workspaceEvents(hsmOperationTypes, scope))
    .filter((op) => kskOperations.includes(op.operation))
    .flatMap((op) =>
      op.outcome && 'key' in op.outcome && op.outcome.key && (op.outcome.type === 'hsm.done' || op.outcome.finding === 'completed') ? [op.outcome.key] : [],
    );
}

/** An HSM as identified in a ceremony (model, serial number, firmware), and every ceremony it was seen in. */
export interface HsmIdentity {
  readonly hsmId: string;
  readonly manufacturer: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly firmware?: string;
  readonly tokenLabel?: string;
  readonly location?: string;
  readonly seen: readonly Place[];
}

export function hsmIdentitiesOf(events: readonly StoredEvent<'hsm.identified'>[]): HsmIdentity[] {
  const byId = new Map<string, HsmIdentity>();
  for (const e of events) {
    const { stepId: _stepId, ...identity } = e.payload;
    byId.set(identity.hsmId, { ...identity, seen: [...(byId.get(identity.hsmId)?.seen ?? []), placeOf(e)] });
  }
  return [...byId.values()];
}

export function hsmIdentities(source: EventSource, scope: { rehearsal: boolean }): HsmIdentity[] {
  return hsmIdentitiesOf(source.workspaceEvents(['hsm.identified'], scope));
}
