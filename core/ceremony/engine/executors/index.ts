import type { PrepareInput, StepInputOf } from '../../../contract/stepInputs.js';
import { KskError } from '../../../errors.js';
import type { HsmOperationRecord } from '../../../evidence/registers/hsm.js';
import type { ActionKind } from '../../actions.js';
import type { Execution, Executor, Json, StepRun } from '../run.js';
import { hsmActivate, hsmDeactivate, hsmInitialize } from './hsm.js';
import { backupKsk, destroyKsk, generateKsk, reconstructKsk, resultFromReconciled } from './keys.js';
import * as record from './record.js';
import { exportFiles, prepareSign, publishTrustAnchor, releaseRrsigs, signAdditionalKsrs, signKsrStep, storeRrsigs } from './signing.js';

export { presentCredential, reactivationAllowed } from './hsm.js';

const manualOnly = async (): Promise<never> => {
  throw new KskError('BAD_REQUEST', 'This step is confirmed by its performer (step.confirm) or signed by each person (attestation.sign), not performed.');
};

/** One executor per action kind, typed for its kind: the type fails if one is missing or records another kind's result. */
export const executors: { readonly [K in ActionKind]: Executor<K> } = {
  manual: manualOnly,
  attestation: manualOnly,
  notify: record.notify,
  'schedule-alternate': record.scheduleAlternate,
  'courier-keys': record.courierKeys,
  'assess-duration': record.assessDuration,
  'approve-plan': record.approvePlan,
  'choose-algorithm': record.chooseAlgorithm,
  'sign-in': record.signIn,
  'sign-out': record.signOut,
  'camera-start': record.camera,
  'camera-stop': record.camera,
  'clock-check': record.clockCheck,
  'hash-check': record.hashCheck,
  'teb-check': record.tebCheck,
  'teb-seal': record.tebSeal,
  'drill-safe-deposit-box': record.drillBoxes,
  'hsm-initialize': hsmInitialize,
  'hsm-activate': hsmActivate,
  'hsm-deactivate': hsmDeactivate,
  'generate-ksk': generateKsk,
  'destroy-ksk': destroyKsk,
  'reconstruct-ksk': reconstructKsk,
  'backup-ksk': backupKsk,
  'sign-ksr': signKsrStep,
  'sign-additional-ksrs': signAdditionalKsrs,
  'store-rrsigs': storeRrsigs,
  'release-rrsigs': releaseRrsigs,
  'publish-trust-anchor': publishTrustAnchor,
  'replace-hardware': record.replaceHardware,
  'distribute-credentials': record.distributeCredentials,
  'exceptions-review': record.exceptionsReview,
  export: exportFiles,
  'follow-up': record.followUp,
  'discharge-follow-up': record.dischargeFollowUp,
};

/** Performs a step of kind K with its kind's executor (the engine checked that the input is for the step's kind). */
export function execute<K extends ActionKind>(kind: K, run: StepRun, input: StepInputOf<K>): Promise<Execution<K>> {
  const executor: Executor<K> = executors[kind];
  return executor(run, input);
}

/** Reads the files a step works on before it is performed (the KSRs of a sign step). */
export function prepareStep(run: StepRun, input: PrepareInput): Promise<Json> {
  if (run.step.action.kind !== 'sign-ksr' && run.step.action.kind !== 'sign-additional-ksrs')
    throw new KskError('BAD_REQUEST', `Step ${run.step.number} reads no files before it is performed.`);
  return prepareSign(run, input);
}

/** What to record for a step whose interrupted HSM operation the HSM shows complete (null: nothing to complete). */
export async function completeFromReconciled(
  run: StepRun,
  op: HsmOperationRecord,
  key: { label: string; idHex: string; algorithm: number; publicKey: string },
): Promise<ReturnType<typeof resultFromReconciled>> {
  return resultFromReconciled(run, op, key);
}
