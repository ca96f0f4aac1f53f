import { Algorithm, algorithmName, deprecatedAlgorithms, keySizeBits, publicKeyObject, rsaExponent } from './algorithms.js';
import { at, type CheckOutcome, type Finding } from './checkResult.js';
import { keyTag, ZSK_FLAGS } from './dnskey.js';
import { bundleLabel, type AlgorithmPolicy, type BundleKey, type Ksr } from './model.js';
import type { KskPolicy, RequestPolicy } from './policy.js';
import { describeSpan, formatDuration, isoTime, SECONDS_PER_DAY, type UtcSeconds } from './time.js';
import { verifyBundleSignatures } from './verify.js';

/** The checks on the KSR alone (IANA: "Verify KSR header", "Verify KSR bundles", "Verify KSR policy parameters"). */

export function checkDomain(ksr: Ksr, policy: RequestPolicy): CheckOutcome {
  const normal = (d: string) => d.toLowerCase().replace(/(.)\.$/, '$1');
  const ok = policy.acceptableDomains.some((d) => normal(d) === normal(ksr.domain));
  return {
    failures: ok
      ? []
      : [{ message: `domain "${ksr.domain}" is not one of the acceptable domains (${policy.acceptableDomains.join(', ')})`, values: { domain: ksr.domain } }],
    passed: `domain "${ksr.domain}" accepted`,
  };
}

export function checkBundleUnique(ksr: Ksr): CheckOutcome {
  const first = new Map<string, number>();
  const failures: Finding[] = [];
  ksr.bundles.forEach((b, i) => {
    const earlier = first.get(b.id);
    if (earlier === undefined) first.set(b.id, i);
    else failures.push({ bundle: at(i, b), message: `${bundleLabel(i, b)} has the same id as bundle ${earlier + 1}`, values: { id: b.id } });
  });
  return { failures, passed: `all ${ksr.bundles.length} bundle ids are unique` };
}

const keyFields = ['keyTag', 'ttl', 'flags', 'protocol', 'algorithm'] as const;

/** The fields in which two keys of the same identifier differ. */
export function keyDifferences(a: BundleKey, b: BundleKey): string[] {
  const diffs: string[] = keyFields.filter((f) => a[f] !== b[f]).map((f) => `${f} ${a[f]} vs ${b[f]}`);
  if (!a.publicKey.equals(b.publicKey)) diffs.push('public key');
  return diffs;
}

function matchesZskPolicy(key: BundleKey, policies: readonly AlgorithmPolicy[], ignoreExponent: boolean): boolean {
  return policies.some((p) => {
    if (p.algorithm !== key.algorithm) return false;
    if (p.kind === 'RSA') {
      return (
        key.algorithm === Algorithm.RSASHA256 &&
        keySizeBits(key.algorithm, key.publicKey) === p.size &&
        (ignoreExponent || rsaExponent(key.publicKey) === p.exponent)
      );
    }
    return (p.kind === 'ECDSA' || p.kind === 'EdDSA') && keySizeBits(key.algorithm, key.publicKey) === p.size;
  });
}

function describeKeyParameters(key: BundleKey): string {
  try {
    const size = keySizeBits(key.algorithm, key.publicKey);
    if (key.algorithm === Algorithm.RSASHA256) return `RSA-${size} exponent ${rsaExponent(key.publicKey)}`;
    return `${algorithmName(key.algorithm) ?? `algorithm ${key.algorithm}`} ${size} bits`;
  } catch {
    return `algorithm ${key.algorithm}`;
  }
}

export function checkBundleKeys(ksr: Ksr, policy: RequestPolicy): CheckOutcome {
  const seen = new Map<string, { key: BundleKey; bundle: number }>();
  const failures: Finding[] = [];
  ksr.bundles.forEach((bundle, i) => {
    for (const key of bundle.keys) {
      const values = { keyIdentifier: key.keyIdentifier, keyTag: key.keyTag };
      const fail = (message: string, extra: Record<string, string | number> = {}) =>
        failures.push({ bundle: at(i, bundle), message: `key ${key.keyIdentifier} in ${bundleLabel(i, bundle)} ${message}`, values: { ...values, ...extra } });
      const before = seen.get(key.keyIdentifier);
      if (before) {
        const diffs = keyDifferences(before.key, key);
        if (diffs.length > 0) fail(`differs from the key of the same identifier in bundle ${before.bundle + 1} (${diffs.join('; ')})`);
        continue;
      }
      seen.set(key.keyIdentifier, { key, bundle: i });
      if (key.flags !== ZSK_FLAGS) fail(`has flags ${key.flags}; a ZSK has exactly ${ZSK_FLAGS}`, { flags: key.flags });
      if (key.protocol !== 3) fail(`has protocol ${key.protocol}; DNSKEY protocol is always 3`, { protocol: key.protocol });
      const computed = keyTag(key);
      if (computed !== key.keyTag) fail(`states key tag ${key.keyTag} but its key tag is ${computed}`, { computedKeyTag: computed });
      try {
        publicKeyObject(key.algorithm, key.publicKey);
      } catch (e) {
        fail(`has a public key that cannot be used: ${(e as Error).message}`);
        continue;
      }
      if (!matchesZskPolicy(key, ksr.zskPolicy.algorithms, !policy.rsaExponentMatchZskPolicy)) {
        fail(`(${describeKeyParameters(key)}) does not match the KSR's ZSK policy`, { parameters: describeKeyParameters(key) });
      }
    }
  });
  return { failures, passed: `all ${seen.size} distinct keys are consistent across bundles, have ZSK flags and correct key tags, and match the ZSK policy` };
}

export function checkProofOfPossession(ksr: Ksr): CheckOutcome {
  const failures: Finding[] = [];
  ksr.bundles.forEach((bundle, i) => {
    for (const key of bundle.keys) {
      if (!bundle.signatures.some((s) => s.keyIdentifier === key.keyIdentifier)) {
        failures.push({
          bundle: at(i, bundle),
          message: `key ${key.keyIdentifier} (tag ${key.keyTag}) in ${bundleLabel(i, bundle)} has no signature: no proof of possession`,
          values: { keyIdentifier: key.keyIdentifier, keyTag: key.keyTag },
        });
      }
    }
    for (const v of verifyBundleSignatures(bundle, ksr.domain)) {
      if (!v.ok) {
        failures.push({
          bundle: at(i, bundle),
          message: `the signature by ${v.keyIdentifier} (tag ${v.keyTag}) in ${bundleLabel(i, bundle)} fails: ${v.reason}`,
          values: { keyIdentifier: v.keyIdentifier, keyTag: v.keyTag },
        });
      }
    }
  });
  return { failures, passed: `every ZSK of all ${ksr.bundles.length} bundles proves possession with a valid signature over its bundle` };
}

export function checkBundleCount(ksr: Ksr, policy: RequestPolicy): CheckOutcome {
  const n = ksr.bundles.length;
  return {
    failures:
      n === policy.numBundles ? [] : [{ message: `the KSR has ${n} bundles, not ${policy.numBundles}`, values: { bundles: n, expected: policy.numBundles } }],
    passed: `${n} bundles, as configured`,
  };
}

function within(value: number, min: number, max: number): boolean {
  return value >= min && value <= max;
}

function range(min: number, max: number): string {
  return `${formatDuration(min)} to ${formatDuration(max)}`;
}

export function checkCycleDuration(ksr: Ksr, policy: RequestPolicy): CheckOutcome {
  const first = ksr.bundles[0];
  const last = ksr.bundles[ksr.bundles.length - 1];
  if (!first || !last) return { failures: [], passed: 'no bundles' };
  const length = last.inception - first.inception;
  const ok = within(length, policy.minCycleInceptionLength, policy.maxCycleInceptionLength);
  return {
    failures: ok
      ? []
      : [
          {
            message: `first to last inception is ${describeSpan(length)}, outside ${range(policy.minCycleInceptionLength, policy.maxCycleInceptionLength)}`,
            values: {
              length: formatDuration(length),
              min: formatDuration(policy.minCycleInceptionLength),
              max: formatDuration(policy.maxCycleInceptionLength),
            },
          },
        ],
    passed: `first to last inception ${describeSpan(length)}, within ${range(policy.minCycleInceptionLength, policy.maxCycleInceptionLength)}`,
  };
}

export function checkPolicyKeys(ksr: Ksr, policy: RequestPolicy, ksk: KskPolicy): CheckOutcome {
  const failures: Finding[] = [];
  const expected = policy.numKeysPerBundle;
  if (expected.length !== ksr.bundles.length) {
    failures.push({
      message: `the policy gives key counts for ${expected.length} bundles (${expected.join(', ')}) but the KSR has ${ksr.bundles.length}`,
      values: { bundles: ksr.bundles.length, configured: expected.length },
    });
  }
  const ttl = policy.dnsTtl || ksk.ttl;
  const distinct = new Set<string>();
  ksr.bundles.forEach((bundle, i) => {
    const want = expected[i];
    if (want !== undefined && bundle.keys.length !== want) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} has ${bundle.keys.length} keys, not ${want}`,
        values: { keys: bundle.keys.length, expected: want },
      });
    }
    for (const key of bundle.keys) {
      distinct.add(key.keyIdentifier);
      if (key.ttl !== ttl) {
        failures.push({
          bundle: at(i, bundle),
          message: `key ${key.keyIdentifier} in ${bundleLabel(i, bundle)} has TTL ${key.ttl}, not ${ttl}`,
          values: { keyIdentifier: key.keyIdentifier, ttl: key.ttl, expected: ttl },
        });
      }
    }
  });
  if (distinct.size !== policy.numDifferentKeysInAllBundles) {
    failures.push({
      message: `the KSR has ${distinct.size} distinct keys, not ${policy.numDifferentKeysInAllBundles}`,
      values: { keys: distinct.size, expected: policy.numDifferentKeysInAllBundles },
    });
  }
  return { failures, passed: `keys per bundle ${expected.join(',')}, ${distinct.size} distinct keys, TTL ${ttl}` };
}

function describePolicyAlgorithm(a: { algorithm: number }): string {
  return algorithmName(a.algorithm) ?? `algorithm ${a.algorithm}`;
}

export function checkPolicyAlgorithms(ksr: Ksr, policy: RequestPolicy): CheckOutcome {
  const failures: Finding[] = [];
  const approved = new Set(policy.approvedAlgorithms.map((a) => a.toUpperCase()));
  const checkAlgorithm = (algorithm: number, where: string) => {
    const name = algorithmName(algorithm);
    if (deprecatedAlgorithms.includes(algorithm))
      failures.push({ message: `${where} uses algorithm ${algorithm}, which is deprecated`, values: { algorithm } });
    else if (name === null) failures.push({ message: `${where} uses algorithm ${algorithm}, which is not supported`, values: { algorithm } });
    else if ((algorithm === Algorithm.ECDSAP256SHA256 || algorithm === Algorithm.ECDSAP384SHA384) && !policy.enableUnsupportedEcdsa) {
      failures.push({ message: `${where} uses ${name}, and ECDSA is not enabled (request_policy.enable_unsupported_ecdsa)`, values: { algorithm } });
    } else if (!approved.has(name))
      failures.push({ message: `${where} uses ${name}, which is not approved (${[...approved].join(', ')})`, values: { algorithm } });
  };
  for (const a of ksr.zskPolicy.algorithms) {
    const where = `the ZSK policy's ${describePolicyAlgorithm(a)}`;
    checkAlgorithm(a.algorithm, where);
    if (a.kind === 'RSA') {
      if (!policy.rsaApprovedKeySizes.includes(a.size)) {
        failures.push({ message: `the ZSK policy has RSA-${a.size}; approved sizes are ${policy.rsaApprovedKeySizes.join(', ')}`, values: { size: a.size } });
      }
      if (!policy.rsaApprovedExponents.includes(a.exponent)) {
        failures.push({
          message: `the ZSK policy has RSA exponent ${a.exponent}; approved exponents are ${policy.rsaApprovedExponents.join(', ')}`,
          values: { exponent: a.exponent },
        });
      }
    }
  }
  const keyAlgorithms = new Set(ksr.bundles.flatMap((b) => b.keys.map((k) => k.algorithm)));
  for (const algorithm of keyAlgorithms) {
    if (!ksr.zskPolicy.algorithms.some((a) => a.algorithm === algorithm)) checkAlgorithm(algorithm, 'a key');
  }
  return { failures, passed: `all ${ksr.zskPolicy.algorithms.length} ZSK policy algorithms approved` };
}

export function checkSignatureOverlap(ksr: Ksr): CheckOutcome {
  const failures: Finding[] = [];
  const { minValidityOverlap: min, maxValidityOverlap: max } = ksr.zskPolicy;
  ksr.bundles.forEach((bundle, i) => {
    const previous = ksr.bundles[i - 1];
    if (!previous) return;
    const overlap = previous.expiration - bundle.inception;
    const values = { overlap: formatDuration(Math.max(overlap, 0)), min: formatDuration(min), max: formatDuration(max) };
    if (overlap < 0) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} starts ${describeSpan(-overlap)} after bundle ${i} expires: a gap with no valid signature`,
        values,
      });
    } else if (!within(overlap, min, max)) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} overlaps bundle ${i} by ${describeSpan(overlap)}, outside the KSR's ${range(min, max)}`,
        values,
      });
    }
  });
  return { failures, passed: `consecutive bundles overlap within ${range(min, max)}` };
}

/**
 * Both bounds, each against its own limit. IANA's tool compares the validity with
 * MaxSignatureValidity where it means MinSignatureValidity, so it refuses any validity shorter than
 * the maximum; when the two are equal (P21D, as at the root) the mistake is invisible.
 */
export function checkSignatureValidity(ksr: Ksr): CheckOutcome {
  const failures: Finding[] = [];
  const { minSignatureValidity: min, maxSignatureValidity: max } = ksr.zskPolicy;
  ksr.bundles.forEach((bundle, i) => {
    const validity = bundle.expiration - bundle.inception;
    const values = { validity: formatDuration(validity), min: formatDuration(min), max: formatDuration(max) };
    if (validity < min) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} is valid ${describeSpan(validity)}, shorter than the KSR's MinSignatureValidity ${formatDuration(min)}`,
        values,
      });
    } else if (validity > max) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} is valid ${describeSpan(validity)}, longer than the KSR's MaxSignatureValidity ${formatDuration(max)}`,
        values,
      });
    }
  });
  return { failures, passed: `every bundle's validity within ${range(min, max)}` };
}

export function checkSignatureHorizon(ksr: Ksr, policy: RequestPolicy, now: UtcSeconds): CheckOutcome {
  const failures: Finding[] = [];
  const horizon = policy.signatureHorizonDays * SECONDS_PER_DAY;
  ksr.bundles.forEach((bundle, i) => {
    const ahead = bundle.expiration - now;
    const values = { expiration: isoTime(bundle.expiration), now: isoTime(now), horizonDays: policy.signatureHorizonDays };
    if (ahead < 0) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} expired ${describeSpan(-ahead)} ago (${isoTime(bundle.expiration)}; now is ${isoTime(now)})`,
        values,
      });
    } else if (ahead > horizon) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} expires ${describeSpan(ahead)} from now (${isoTime(bundle.expiration)}), beyond the ${policy.signatureHorizonDays}-day horizon`,
        values,
      });
    }
  });
  return { failures, passed: `every signature expires within ${policy.signatureHorizonDays} days of ${isoTime(now)}, none in the past` };
}

export function checkBundleIntervals(ksr: Ksr, policy: RequestPolicy): CheckOutcome {
  const failures: Finding[] = [];
  const { minBundleInterval: min, maxBundleInterval: max } = policy;
  ksr.bundles.forEach((bundle, i) => {
    const previous = ksr.bundles[i - 1];
    if (!previous) return;
    const interval = bundle.inception - previous.inception;
    if (!within(interval, min, max)) {
      failures.push({
        bundle: at(i, bundle),
        message: `${bundleLabel(i, bundle)} starts ${describeSpan(interval)} after bundle ${i}, outside ${range(min, max)}`,
        values: { interval: formatDuration(interval), min: formatDuration(min), max: formatDuration(max) },
      });
    }
  });
  return { failures, passed: `inception-to-inception intervals within ${range(min, max)}` };
}
