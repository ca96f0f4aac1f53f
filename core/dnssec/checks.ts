import type { KeySigner } from '../hsm/port.js';
import type { CheckName } from './checkNames.js';
import { runCheck, type CheckOutcome, type CheckResult, type Finding } from './checkResult.js';
import { checkChainKeys, checkChainKeysInHsm, checkChainOverlap, checkId, checkPrevious } from './checksChain.js';
import {
  checkBundleCount,
  checkBundleIntervals,
  checkBundleKeys,
  checkBundleUnique,
  checkCycleDuration,
  checkDomain,
  checkPolicyAlgorithms,
  checkPolicyKeys,
  checkProofOfPossession,
  checkSignatureHorizon,
  checkSignatureOverlap,
  checkSignatureValidity,
} from './checksKsr.js';
import { checkZskNotKsk } from './checksZskNotKsk.js';
import { resolveKsk } from './kskKeys.js';
import { bundleLabel, type Ksr, type Skr } from './model.js';
import type { Schema, SigningPolicy } from './policy.js';
import { checkSafety, slotsFromSchema, slotsFromSkr, type TimelineSlot } from './safety.js';
import { isoTime, toUtcSeconds } from './time.js';
import { verifySkr } from './verify.js';

export type { CheckResult } from './checkResult.js';
export { failuresOf } from './checkResult.js';

export interface CheckOptions {
  policy: SigningPolicy;
  /** SKR(n-1); without it the chain checks are reported as skipped. */
  previousSkr?: Skr;
  /** "Now" for the signature horizon: the app's Clock, or a fixed time for old samples. */
  now: Date | string | number;
  /** The HSM, for KSR-CHAIN-KEYS-HSM and the identity half of KSK-KEY-USE. */
  hsm?: Pick<KeySigner, 'findKey'>;
  /** The schema that will be used to sign, for KSK-KEY-USE and the projected KSR-POLICY-SAFETY. */
  schema?: Schema;
}

const NO_PREVIOUS = 'no previous SKR was given';

/** Every check on a KSR, in IANA's order: header, bundles, policy, then the chain to SKR(n-1). */
export async function checkKsr(ksr: Ksr, options: CheckOptions): Promise<CheckResult[]> {
  const { policy, previousSkr: previous, hsm, schema } = options;
  const now = toUtcSeconds(options.now, 'now');
  const rp = policy.requestPolicy;
  const run = (check: CheckName, missing: string | null, body: () => CheckOutcome | Promise<CheckOutcome>) => runCheck(policy, check, missing, body);
  const results = [
    await run('KSR-DOMAIN', null, () => checkDomain(ksr, rp)),
    await run('KSR-BUNDLE-UNIQUE', null, () => checkBundleUnique(ksr)),
    await run('KSR-BUNDLE-KEYS', null, () => checkBundleKeys(ksr, rp)),
    await run('KSR-BUNDLE-POP', null, () => checkProofOfPossession(ksr)),
    await run('KSR-ZSK-NOT-KSK', null, () => checkZskNotKsk(ksr, policy, hsm, previous)),
    await run('KSR-BUNDLE-COUNT', null, () => checkBundleCount(ksr, rp)),
    await run('KSR-BUNDLE-CYCLE-DURATION', null, () => checkCycleDuration(ksr, rp)),
    await run('KSR-POLICY-KEYS', null, () => checkPolicyKeys(ksr, rp, policy.kskPolicy)),
    await run('KSR-POLICY-ALG', null, () => checkPolicyAlgorithms(ksr, rp)),
    await run('KSR-POLICY-SIG-OVERLAP', null, () => checkSignatureOverlap(ksr)),
    await run('KSR-POLICY-SIG-VALIDITY', null, () => checkSignatureValidity(ksr)),
    await run('KSR-POLICY-SIG-HORIZON', null, () => checkSignatureHorizon(ksr, rp, now)),
    await run('KSR-POLICY-BUNDLE-INTERVALS', null, () => checkBundleIntervals(ksr, rp)),
    await run('KSR-PREVIOUS', previous ? null : NO_PREVIOUS, () => checkPrevious(previous as Skr)),
    await run('KSR-ID', previous ? null : NO_PREVIOUS, () => checkId(ksr, previous as Skr)),
    await run('KSR-CHAIN-KEYS', previous ? null : NO_PREVIOUS, () => checkChainKeys(ksr, previous as Skr)),
    await run('KSR-CHAIN-OVERLAP', previous ? null : NO_PREVIOUS, () => checkChainOverlap(ksr, previous as Skr)),
    await run('KSR-CHAIN-KEYS-HSM', previous ? (hsm ? null : 'no HSM is connected') : NO_PREVIOUS, () =>
      checkChainKeysInHsm(previous as Skr, hsm as Pick<KeySigner, 'findKey'>),
    ),
    await run('KSK-KEY-USE', schema ? null : 'no schema was chosen', () => checkKeyUse(ksr, policy, schema as Schema, hsm)),
    await run('KSR-POLICY-SAFETY', schema ? null : 'no schema was chosen', () => safetyOf(policy, previous, slotsFromSchema(ksr, schema as Schema, policy))),
  ];
  return results.flat();
}

/** The checks on the SKR just signed, before it is written: the real KSK timeline, and every signature again. */
export async function checkSignedSkr(skr: Skr, options: { policy: SigningPolicy; previousSkr?: Skr }): Promise<CheckResult[]> {
  const { policy, previousSkr: previous } = options;
  const results = [
    await runCheck(policy, 'KSR-POLICY-SAFETY', null, () => safetyOf(policy, previous, slotsFromSkr(skr, true))),
    await runCheck(policy, 'SKR-VERIFY', null, () => skrVerifyOutcome(skr)),
  ];
  return results.flat();
}

function safetyOf(policy: SigningPolicy, previous: Skr | undefined, slots: TimelineSlot[]): CheckOutcome {
  const before = previous ? slotsFromSkr(previous, false) : [];
  return checkSafety([...before, ...slots], before.length, {
    publishSafety: policy.kskPolicy.publishSafety,
    retireSafety: policy.kskPolicy.retireSafety,
    checkPublish: policy.requestPolicy.checkKeysPublishSafety,
    checkRetire: policy.requestPolicy.checkKeysRetireSafety,
  });
}

function skrVerifyOutcome(skr: Skr): CheckOutcome {
  const failures: Finding[] = [];
  for (const b of verifySkr(skr).bundles) {
    const bundle = { index: b.index + 1, id: b.id };
    for (const problem of b.problems) failures.push({ bundle, message: `bundle ${b.index + 1} (${b.id}): ${problem}` });
    for (const s of b.signatures) {
      if (!s.ok)
        failures.push({
          bundle,
          message: `bundle ${b.index + 1} (${b.id}): the signature by ${s.keyIdentifier} fails: ${s.reason}`,
          values: { keyIdentifier: s.keyIdentifier },
        });
    }
  }
  const count = skr.bundles.reduce((n, b) => n + b.signatures.length, 0);
  return { failures, passed: `all ${count} signatures in ${skr.bundles.length} bundles verified in software` };
}

/** Key use: each KSK a slot names is valid for that bundle, and (with an HSM) is the key its entry describes. */
async function checkKeyUse(ksr: Ksr, policy: SigningPolicy, schema: Schema, hsm: Pick<KeySigner, 'findKey'> | undefined): Promise<CheckOutcome> {
  const failures: Finding[] = [];
  if (schema.slots.length !== ksr.bundles.length) {
    failures.push({
      message: `schema "${schema.name}" has ${schema.slots.length} slots but the KSR has ${ksr.bundles.length} bundles`,
      values: { slots: schema.slots.length, bundles: ksr.bundles.length },
    });
  }
  const used = new Set<string>();
  ksr.bundles.forEach((bundle, i) => {
    const slot = schema.slots[i];
    if (!slot) return;
    for (const name of new Set([...slot.publish, ...slot.revoke, ...slot.sign])) {
      used.add(name);
      const key = policy.keys[name];
      const place = { index: i + 1, id: bundle.id };
      if (!key) {
        failures.push({ bundle: place, message: `schema "${schema.name}" names key "${name}", which the policy does not define`, values: { key: name } });
        continue;
      }
      if (key.validFrom > bundle.inception) {
        failures.push({
          bundle: place,
          message: `key ${name} (${key.label}) is valid from ${isoTime(key.validFrom)}, after the inception of ${bundleLabel(i, bundle)} (${isoTime(bundle.inception)})`,
          values: { key: name, validFrom: isoTime(key.validFrom), inception: isoTime(bundle.inception) },
        });
      }
      if (key.validUntil !== undefined && key.validUntil < bundle.expiration) {
        failures.push({
          bundle: place,
          message: `key ${name} (${key.label}) is valid until ${isoTime(key.validUntil)}, before the expiration of ${bundleLabel(i, bundle)} (${isoTime(bundle.expiration)})`,
          values: { key: name, validUntil: isoTime(key.validUntil), expiration: isoTime(bundle.expiration) },
        });
      }
    }
  });
  if (hsm) {
    for (const name of used) {
      const key = policy.keys[name];
      if (!key) continue;
      const resolved = await resolveKsk(key, hsm, policy.kskPolicy.signersName);
      for (const problem of resolved.problems) failures.push({ message: problem, values: { key: name, label: key.label } });
    }
  }
  return {
    failures,
    passed: `the ${used.size} KSK(s) of schema "${schema.name}" are valid for their bundles${hsm ? ' and match their configuration in the HSM' : ' (the HSM was not consulted)'}`,
  };
}
