import type { ComponentType } from 'react';
import type { ActionKind } from '../../../../core/contract/actionKinds.js';
import type { ActionFormProps } from './common.js';
import { ChooseAlgorithmForm, ScheduleAlternateForm } from './decisions.js';
import {
  CameraStartForm,
  CameraStopForm,
  ClockCheckForm,
  DistributeCredentialsForm,
  DrillBoxForm,
  HashCheckForm,
  ReplaceHardwareForm,
  StoreRrsigsForm,
  TebCheckForm,
  TebSealForm,
} from './equipment.js';
import { BackupKskForm, DestroyKskForm, GenerateKskForm, HsmActivateForm, HsmDeactivateForm, HsmInitializeForm, ReconstructKskForm } from './hsm.js';
import { DischargeFollowUpForm, ExceptionsReviewForm, ExportForm, FollowUpForm, ManualForm, PublishTrustAnchorForm } from './outputs.js';
import { ApprovePlanForm, AssessDurationForm, CourierKeysForm, NotifyForm, ReleaseRrsigsForm, SignInForm, SignOutForm } from './people.js';

/**
 * The form that performs each action kind (step.perform). The signing steps and attestations have
 * panels of their own (SignKsr.tsx, Attest.tsx), null here: they prepare, match and sign in several calls.
 */
export const actionForms: { readonly [K in ActionKind]: ComponentType<ActionFormProps> | null } = {
  manual: ManualForm,
  'sign-ksr': null,
  'sign-additional-ksrs': null,
  attestation: null,
  notify: NotifyForm,
  'schedule-alternate': ScheduleAlternateForm,
  'courier-keys': CourierKeysForm,
  'assess-duration': AssessDurationForm,
  'approve-plan': ApprovePlanForm,
  'choose-algorithm': ChooseAlgorithmForm,
  'sign-in': SignInForm,
  'sign-out': SignOutForm,
  'camera-start': CameraStartForm,
  'camera-stop': CameraStopForm,
  'clock-check': ClockCheckForm,
  'hash-check': HashCheckForm,
  'teb-check': TebCheckForm,
  'teb-seal': TebSealForm,
  'drill-safe-deposit-box': DrillBoxForm,
  'hsm-initialize': HsmInitializeForm,
  'hsm-activate': HsmActivateForm,
  'hsm-deactivate': HsmDeactivateForm,
  'generate-ksk': GenerateKskForm,
  'destroy-ksk': DestroyKskForm,
  'reconstruct-ksk': ReconstructKskForm,
  'backup-ksk': BackupKskForm,
  'store-rrsigs': StoreRrsigsForm,
  'release-rrsigs': ReleaseRrsigsForm,
  'publish-trust-anchor': PublishTrustAnchorForm,
  'replace-hardware': ReplaceHardwareForm,
  'distribute-credentials': DistributeCredentialsForm,
  'exceptions-review': ExceptionsReviewForm,
  export: ExportForm,
  'follow-up': FollowUpForm,
  'discharge-follow-up': DischargeFollowUpForm,
};
