import { type Bundle, type Skr } from './model.js';
import { verifyDnskeyRrsig } from './rrsig.js';
import { isoTime } from './time.js';

export interface SignatureVerdict {
  keyIdentifier: string;
  keyTag: number;
  algorithm: number;
  ok: boolean;
  reason: string;
}

/**
 * Every signature of a bundle checked against the bundle's whole DNSKEY RRset, the signing key
 * found by its identifier (and its tag, should two keys share an identifier).
 */
export function verifyBundleSignatures(bundle: Bundle, owner: string): SignatureVerdict[] {
  return bundle.signatures.map((sig) => {
    const verdict = { keyIdentifier: sig.keyIdentifier, keyTag: sig.keyTag, algorithm: sig.algorithm };
    const candidates = bundle.keys.filter((k) => k.keyIdentifier === sig.keyIdentifier);
    const key = candidates.find((k) => k.keyTag === sig.keyTag) ?? candidates[0];
    if (!key) return { ...verdict, ok: false, reason: `no key with identifier ${sig.keyIdentifier} in the bundle` };
    if (sig.signersName.toLowerCase() !== owner.toLowerCase()) {
      return { ...verdict, ok: false, reason: `the signer's name is "${sig.signersName}", not the zone "${owner}"` };
    }
    const result = verifyDnskeyRrsig(sig, sig.signatureData, owner, bundle.keys, key);
    return { ...verdict, ...result };
  });
}

export interface BundleVerdict {
  index: number;
  id: string;
  ok: boolean;
  signatures: SignatureVerdict[];
  /** Problems of the bundle itself (no signature, signature times outside the bundle's). */
  problems: string[];
}

export interface SkrVerdict {
  ok: boolean;
  bundles: BundleVerdict[];
}

/** `skr verify`: every signature of every bundle, and each signature covering its bundle's whole period. */
export function verifySkr(skr: Skr): SkrVerdict {
  const bundles = skr.bundles.map((bundle, index): BundleVerdict => {
    const signatures = verifyBundleSignatures(bundle, skr.domain);
    const problems: string[] = [];
    if (bundle.signatures.length === 0) problems.push('the bundle has no signature');
    for (const sig of bundle.signatures) {
      if (sig.inception > bundle.inception || sig.expiration < bundle.expiration) {
        problems.push(
          `the signature by ${sig.keyIdentifier} is valid ${isoTime(sig.inception)} to ${isoTime(sig.expiration)}, ` +
            `which does not cover the bundle's ${isoTime(bundle.inception)} to ${isoTime(bundle.expiration)}`,
        );
      }
    }
    const ok = problems.length === 0 && signatures.every((s) => s.ok);
    return { index, id: bundle.id, ok, signatures, problems };
  });
  return { ok: bundles.every((b) => b.ok), bundles };
}

/** The deadline the app counts down to: when the last signature of an SKR expires. */
export function lastExpiration(skr: Pick<Skr, 'bundles'>): string {
  return isoTime(Math.max(...skr.bundles.flatMap((b) => [b.expiration, ...b.signatures.map((s) => s.expiration)])));
}
