import type { KeySigner } from '../hsm/port.js';
import { at, type CheckOutcome, type Finding } from './checkResult.js';
import { keyDifferences } from './checksKsr.js';
import { bundleLabel, type Ksr, type Skr } from './model.js';
import { describeSpan, formatDuration, isoTime } from './time.js';
import { verifySkr } from './verify.js';

/** The checks of KSR(n) against SKR(n-1) (IANA: "Verify KSR/SKR chaining"). */

function lastBundle(skr: Skr) {
  return skr.bundles[skr.bundles.length - 1] as Skr['bundles'][number];
}

export function checkPrevious(previous: Skr): CheckOutcome {
  const verdict = verifySkr(previous);
  const failures: Finding[] = [];
  for (const b of verdict.bundles) {
    const bundle = { index: b.index + 1, id: b.id };
    for (const problem of b.problems) failures.push({ bundle, message: `previous SKR bundle ${b.index + 1} (${b.id}): ${problem}` });
    for (const s of b.signatures) {
      if (!s.ok) {
        failures.push({
          bundle,
          message: `previous SKR bundle ${b.index + 1} (${b.id}): the signature by ${s.keyIdentifier} (tag ${s.keyTag}) fails: ${s.reason}`,
          values: { keyIdentifier: s.keyIdentifier, keyTag: s.keyTag },
        });
      }
    }
  }
  const signatures = verdict.bundles.reduce((n, b) => n + b.signatures.length, 0);
  return { failures, passed: `the previous SKR ${previous.id} verifies: ${signatures} signatures in ${previous.bundles.length} bundles` };
}

export function checkId(ksr: Ksr, previous: Skr): CheckOutcome {
  const failures: Finding[] = [];
  if (ksr.id === previous.id)
    failures.push({ message: `the KSR id ${ksr.id} is the id of the previous SKR: a resent or replayed request`, values: { id: ksr.id } });
  const old = new Set(previous.bundles.map((b) => b.id));
  ksr.bundles.forEach((b, i) => {
    if (old.has(b.id)) failures.push({ bundle: at(i, b), message: `${bundleLabel(i, b)} reuses a bundle id of the previous SKR`, values: { id: b.id } });
  });
  return { failures, passed: `KSR id ${ksr.id} and its bundle ids are new` };
}

export function checkChainKeys(ksr: Ksr, previous: Skr): CheckOutcome {
  const first = ksr.bundles[0];
  const last = lastBundle(previous);
  const failures: Finding[] = [];
  for (const key of first?.keys ?? []) {
    const values = { keyIdentifier: key.keyIdentifier, keyTag: key.keyTag };
    const same = last.keys.filter((k) => k.keyIdentifier === key.keyIdentifier);
    if (same.length === 0) {
      failures.push({
        bundle: { index: 1, id: first?.id ?? '' },
        message: `key ${key.keyIdentifier} (tag ${key.keyTag}) of the first KSR bundle is not in the last bundle of the previous SKR`,
        values,
      });
      continue;
    }
    const diffs = same.map((k) => keyDifferences(k, key));
    if (diffs.every((d) => d.length > 0)) {
      failures.push({
        bundle: { index: 1, id: first?.id ?? '' },
        message: `key ${key.keyIdentifier} of the first KSR bundle differs from the previous SKR's last bundle (${(diffs[0] as string[]).join('; ')})`,
        values,
      });
    }
  }
  return { failures, passed: `all ${first?.keys.length ?? 0} keys of the first bundle are in the last bundle of SKR ${previous.id}` };
}

export function checkChainOverlap(ksr: Ksr, previous: Skr): CheckOutcome {
  const first = ksr.bundles[0];
  if (!first) return { failures: [], passed: 'no bundles' };
  const last = lastBundle(previous);
  const overlap = last.expiration - first.inception;
  const { minValidityOverlap: min, maxValidityOverlap: max } = ksr.zskPolicy;
  const ok = overlap >= min && overlap <= max;
  const values = { previousExpiration: isoTime(last.expiration), firstInception: isoTime(first.inception), overlap: formatDuration(Math.max(0, overlap)) };
  return {
    failures: ok
      ? []
      : [
          {
            bundle: { index: 1, id: first.id },
            message:
              overlap < 0
                ? `the previous SKR's last signature expires ${describeSpan(-overlap)} before the KSR's first inception: a gap with no valid signature`
                : `the previous SKR's last bundle overlaps the KSR's first by ${describeSpan(overlap)}, outside ${formatDuration(min)} to ${formatDuration(max)}`,
            values,
          },
        ],
    passed: `the previous SKR's last bundle overlaps the first KSR bundle by ${describeSpan(overlap)}, within ${formatDuration(min)} to ${formatDuration(max)}`,
  };
}

export async function checkChainKeysInHsm(previous: Skr, hsm: Pick<KeySigner, 'findKey'>): Promise<CheckOutcome> {
  const last = lastBundle(previous);
  const bundle = { index: previous.bundles.length, id: last.id };
  const failures: Finding[] = [];
  if (last.signatures.length === 0) failures.push({ bundle, message: 'the last bundle of the previous SKR has no signature' });
  for (const sig of last.signatures) {
    const values = { keyIdentifier: sig.keyIdentifier, keyTag: sig.keyTag };
    const found = await hsm.findKey(sig.keyIdentifier);
    const published = last.keys.find((k) => k.keyIdentifier === sig.keyIdentifier);
    if (!found) failures.push({ bundle, message: `key ${sig.keyIdentifier}, which signed the last bundle of the previous SKR, is not in the HSM`, values });
    else if (!published || !published.publicKey.equals(found.publicKey)) {
      failures.push({ bundle, message: `the HSM's key ${sig.keyIdentifier} is not the key that signed the last bundle of the previous SKR`, values });
    }
  }
  return { failures, passed: `the ${last.signatures.length} KSK(s) that signed the previous SKR's last bundle are in the HSM` };
}
