import { alwaysOnChecks, type CheckName } from './checkNames.js';
import type { SigningPolicy } from './policy.js';

/**
 * One outcome of one check. A failing check gives one result per failure (per bundle, per key), each
 * with the values that failed; a check switched off or without its input is reported as skipped,
 * never dropped, so the record shows what was not verified and why.
 */
export interface CheckResult {
  check: CheckName;
  status: 'pass' | 'fail' | 'skipped';
  /** False only when the check failed. */
  ok: boolean;
  /** 1-based slot number and id of the bundle concerned, when there is one. */
  bundle?: { index: number; id: string };
  message: string;
  values?: Record<string, string | number>;
}

export interface Finding {
  bundle?: { index: number; id: string };
  message: string;
  values?: Record<string, string | number>;
}

export interface CheckOutcome {
  failures: Finding[];
  /** What was verified, said when nothing failed. */
  passed: string;
}

/** A check's switch and where it comes from: the YAML knob (IANA's name) or the app. */
type Knob = (p: SigningPolicy) => { on: boolean; setting: string };

const knobs: Partial<Record<CheckName, Knob>> = {
  'KSR-BUNDLE-KEYS': (p) => ({ on: p.requestPolicy.keysMatchZskPolicy, setting: 'request_policy.keys_match_zsk_policy' }),
  'KSR-BUNDLE-POP': (p) => ({ on: p.requestPolicy.validateSignatures, setting: 'request_policy.validate_signatures' }),
  'KSR-BUNDLE-CYCLE-DURATION': (p) => ({ on: p.requestPolicy.checkCycleLength, setting: 'request_policy.check_cycle_length' }),
  'KSR-POLICY-KEYS': (p) => ({ on: p.requestPolicy.checkKeysMatchKskOperatorPolicy, setting: 'request_policy.check_keys_match_ksk_operator_policy' }),
  'KSR-POLICY-ALG': (p) => ({ on: p.requestPolicy.signatureAlgorithmsMatchZskPolicy, setting: 'request_policy.signature_algorithms_match_zsk_policy' }),
  'KSR-POLICY-SIG-OVERLAP': (p) => ({ on: p.requestPolicy.checkBundleOverlap, setting: 'request_policy.check_bundle_overlap' }),
  'KSR-POLICY-SIG-VALIDITY': (p) => ({ on: p.requestPolicy.signatureValidityMatchZskPolicy, setting: 'request_policy.signature_validity_match_zsk_policy' }),
  'KSR-POLICY-SIG-HORIZON': (p) => ({ on: p.requestPolicy.signatureCheckExpireHorizon, setting: 'request_policy.signature_check_expire_horizon' }),
  'KSR-POLICY-BUNDLE-INTERVALS': (p) => ({ on: p.requestPolicy.checkBundleIntervals, setting: 'request_policy.check_bundle_intervals' }),
  'KSR-CHAIN-KEYS': (p) => ({ on: p.requestPolicy.checkChainKeys, setting: 'request_policy.check_chain_keys' }),
  'KSR-CHAIN-KEYS-HSM': (p) => ({ on: p.requestPolicy.checkChainKeysInHsm, setting: 'request_policy.check_chain_keys_in_hsm' }),
  'KSR-CHAIN-OVERLAP': (p) => ({ on: p.requestPolicy.checkChainOverlap, setting: 'request_policy.check_chain_overlap' }),
  'KSR-PREVIOUS': (p) => ({ on: p.responsePolicy.validateSignatures, setting: 'response_policy.validate_signatures' }),
  'KSR-POLICY-SAFETY': (p) => ({
    on: p.requestPolicy.checkKeysPublishSafety || p.requestPolicy.checkKeysRetireSafety,
    setting: 'request_policy.check_keys_publish_safety and check_keys_retire_safety',
  }),
};

/** Why a check is off, or null when it runs. */
export function switchedOff(policy: SigningPolicy, check: CheckName): string | null {
  if (alwaysOnChecks.includes(check)) return null;
  const app = policy.checkSwitches[check];
  if (app === false) return 'switched off by the app for this procedure';
  if (app === true) return null;
  const knob = knobs[check]?.(policy);
  return knob && !knob.on ? `switched off by policy (${knob.setting}: false)` : null;
}

export async function runCheck(
  policy: SigningPolicy,
  check: CheckName,
  missing: string | null,
  body: () => CheckOutcome | Promise<CheckOutcome>,
): Promise<CheckResult[]> {
  const off = switchedOff(policy, check) ?? missing;
  if (off) return [{ check, status: 'skipped', ok: true, message: `${check}: skipped: ${off}.` }];
  const { failures, passed } = await body();
  if (failures.length === 0) return [{ check, status: 'pass', ok: true, message: `${check}: ${passed}` }];
  return failures.map((f) => ({ check, status: 'fail', ok: false, ...f, message: `${check}: ${f.message}` }));
}

export function failuresOf(results: readonly CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status === 'fail');
}

export function at(index: number, bundle: { id: string }): { index: number; id: string } {
  return { index: index + 1, id: bundle.id };
}
