import type { CheckOutcome, Finding } from './checkResult.js';
import { isKsk, isRevoked, type Bundle, type Ksr, type Skr } from './model.js';
import type { Schema, SigningPolicy } from './policy.js';
import { describeSpan, formatDuration } from './time.js';

/**
 * KSR-POLICY-SAFETY over the KSK timeline: the previous SKR's slots followed by the new ones.
 * A KSK is known by its label (the keyIdentifier). Signatures made by a key in its revoked form are
 * RFC 5011 revocation signatures and do not count as signing.
 */
export interface TimelineSlot {
  /** Set for the slots of the new SKR: its 1-based index and bundle id. */
  bundle?: { index: number; id: string };
  inception: number;
  expiration: number;
  /** Label → published revoked? */
  published: Map<string, boolean>;
  signers: Set<string>;
}

export function slotsFromSkr(skr: Pick<Skr, 'bundles'>, isNew: boolean): TimelineSlot[] {
  return skr.bundles.map((b, i) => slotFromBundle(b, isNew ? { index: i + 1, id: b.id } : undefined));
}

function slotFromBundle(b: Bundle, bundle?: { index: number; id: string }): TimelineSlot {
  const published = new Map<string, boolean>();
  for (const k of b.keys) if (isKsk(k)) published.set(k.keyIdentifier, isRevoked(k));
  const signers = new Set<string>();
  for (const s of b.signatures) {
    const key = b.keys.find((k) => k.keyIdentifier === s.keyIdentifier && k.keyTag === s.keyTag);
    if (key && isKsk(key) && !isRevoked(key)) signers.add(s.keyIdentifier);
  }
  const slot: TimelineSlot = { inception: b.inception, expiration: b.expiration, published, signers };
  if (bundle) slot.bundle = bundle;
  return slot;
}

/** The new SKR's KSK slots as a schema will make them, before anything is signed. */
export function slotsFromSchema(ksr: Ksr, schema: Schema, policy: SigningPolicy): TimelineSlot[] {
  return ksr.bundles.map((b, i) => {
    const action = schema.slots[i] ?? { publish: [], revoke: [], sign: [] };
    const label = (name: string) => policy.keys[name]?.label ?? name;
    const published = new Map<string, boolean>();
    for (const name of [...action.publish, ...action.sign]) published.set(label(name), false);
    for (const name of action.revoke) published.set(label(name), true);
    const signers = new Set(action.sign.map(label).filter((l) => published.get(l) !== true));
    return { bundle: { index: i + 1, id: b.id }, inception: b.inception, expiration: b.expiration, published, signers };
  });
}

function where(slot: TimelineSlot, fallback: number): string {
  return slot.bundle ? `bundle ${slot.bundle.index} (${slot.bundle.id})` : `slot ${fallback + 1} of the previous SKR`;
}

/**
 * `previousCount` slots of the timeline come from SKR(n-1); only findings that involve a new slot
 * are reported, since the previous SKR was accepted when it was signed.
 */
export function checkSafety(
  timeline: readonly TimelineSlot[],
  previousCount: number,
  options: { publishSafety: number; retireSafety: number; checkPublish: boolean; checkRetire: boolean },
): CheckOutcome {
  const failures: Finding[] = [];
  const isPublished = (i: number, label: string) => timeline[i]?.published.has(label) ?? false;
  const reported = new Set<string>();
  const report = (key: string, slot: TimelineSlot, message: string, values: Record<string, string | number>) => {
    if (reported.has(key)) return;
    reported.add(key);
    failures.push({ ...(slot.bundle ? { bundle: slot.bundle } : {}), message, values });
  };

  timeline.forEach((slot, j) => {
    if (!slot.bundle) return;
    for (const label of slot.signers) {
      if (options.checkPublish && j === previousCount && previousCount > 0 && !isPublished(j - 1, label)) {
        report(`first:${label}`, slot, `KSK ${label} signs the first new bundle but was not published in the last bundle of the previous SKR`, { key: label });
      }
      let since = j;
      while (since > 0 && isPublished(since - 1, label)) since--;
      const waited = slot.inception - (timeline[since] as TimelineSlot).inception;
      if (options.checkPublish && since > 0 && waited < options.publishSafety) {
        report(
          `publish:${label}`,
          slot,
          `KSK ${label} signs ${where(slot, j)} only ${describeSpan(waited)} after it was published, less than the publish safety ${formatDuration(options.publishSafety)}`,
          { key: label, published: formatDuration(waited), publishSafety: formatDuration(options.publishSafety) },
        );
      }
    }
  });

  timeline.forEach((slot, i) => {
    const next = timeline[i + 1];
    for (const label of slot.signers) {
      for (let j = i + 1; j < timeline.length; j++) {
        const later = timeline[j] as TimelineSlot;
        if (later.inception >= slot.expiration) break;
        if (later.bundle && !later.published.has(label)) {
          report(
            `vanish:${label}:${j}`,
            later,
            `KSK ${label} signed ${where(slot, i)} but is not published in ${where(later, j)}, while that signature is still valid`,
            {
              key: label,
            },
          );
        }
      }
      if (!options.checkRetire || !next || next.signers.has(label)) continue;
      const removal = timeline.findIndex((s, r) => r > i && !s.published.has(label));
      const removed = timeline[removal];
      if (!removed?.bundle) continue;
      const kept = removed.inception - next.inception;
      if (kept < options.retireSafety) {
        report(
          `retire:${label}`,
          removed,
          `KSK ${label} stops signing at ${where(next, i + 1)} and is removed at ${where(removed, removal)} after ${describeSpan(kept)}, less than the retire safety ${formatDuration(options.retireSafety)}`,
          { key: label, kept: formatDuration(kept), retireSafety: formatDuration(options.retireSafety) },
        );
      }
    }
  });

  return {
    failures,
    passed: `KSKs published at least ${formatDuration(options.publishSafety)} before signing and kept ${formatDuration(options.retireSafety)} after, none vanishing while its signatures are valid`,
  };
}
