import type { PrepareInput } from '../../../contract/stepInputs.js';
import { KskError } from '../../../errors.js';
import type { HsmOperationRecord } from '../../../evidence/registers/hsm.js';
import type { ActionKind } from '../../actions.js';
import type { Executor, Json, Performer, StepRun } from '../run.js';
import { hsmActivate, hsmDeactivate, hsmInitialize } from './hsm.js';
import { backupKsk, destroyKsk, generateKsk, reconstructKsk, resultFromReconciled } from './keys.js';
import * as record from './record.js';
import { exportFiles, prepareSign, publishTrustAnchor, releaseRrsigs, signAdditionalKsrs, signKsrStep, storeRrsigs } from './signing.js';

export { presentCredential, reactivationAllowed } from './hsm.js';

const manualOnly: Executor = async () => {
  throw new KskError('BAD_REQUEST', 'This step is confirmed by its performer (step.confirm) or signed by each person (attestation.sign), not performed.');
};

/** One executor per action kind of core/ceremony/actions.ts; the type fails if one is missing. */
export const executors: Record<ActionKind, Executor> = {
  manual: manualOnly,
  attestation: manualOnly,
  notify: record.notify as Executor,
  'schedule-alternate': record.scheduleAlternate as Executor,
  'courier-keys': record.courierKeys as Executor,
  'assess-duration': record.assessDuration as Executor,
  'approve-plan': record.approvePlan as Executor,
  'choose-algorithm': record.chooseAlgorithm as Executor,
  'sign-in': record.signIn as Executor,
  'sign-out': record.signOut as Executor,
  'camera-start': record.camera as Executor,
  'camera-stop': record.camera as Executor,
  'clock-check': record.clockCheck as Executor,
  'hash-check': record.hashCheck as Executor,
  'teb-check': record.tebCheck as Executor,
  'teb-seal': record.tebSeal as Executor,
  'drill-safe-deposit-box': record.drillBoxes as Executor,
  'hsm-initialize': hsmInitialize as Executor,
  'hsm-activate': hsmActivate as Executor,
  'hsm-deactivate': hsmDeactivate as Executor,
  'generate-ksk': generateKsk as Executor,
  'destroy-ksk': destroyKsk as Executor,
  'reconstruct-ksk': reconstructKsk as Executor,
  'backup-ksk': backupKsk as Executor,
  'sign-ksr': signKsrStep as Executor,
  'sign-additional-ksrs': signAdditionalKsrs as Executor,
  'store-rrsigs': storeRrsigs as Executor,
  'release-rrsigs': releaseRrsigs as Executor,
  'publish-trust-anchor': publishTrustAnchor as Executor,
  'replace-hardware': record.replaceHardware as Executor,
  'distribute-credentials': record.distributeCredentials as Executor,
  'exceptions-review': record.exceptionsReview as Executor,
  export: exportFiles as Executor,
  'follow-up': record.followUp as Executor,
  'discharge-follow-up': record.dischargeFollowUp as Executor,
};

/** Reads the files a step works on before it is performed (the KSRs of a sign step). */
export function prepareStep(run: StepRun, input: PrepareInput): Promise<Json> {
  if (run.step.action.kind !== 'sign-ksr' && run.step.action.kind !== 'sign-additional-ksrs') throw new KskError('BAD_REQUEST', `Step ${run.step.number} reads no files before it is performed.`);
  return prepareSign(run, input);
}

/** What to record for a step whose interrupted HSM operation the HSM shows complete (null: nothing to complete). */
export async function completeFromReconciled(run: StepRun, op: HsmOperationRecord, key: { label: string; idHex: string; algorithm: number; publicKey: string }): Promise<{ result: Json; performer: Performer } | null> {
  return resultFromReconciled(run, op, key);
}
