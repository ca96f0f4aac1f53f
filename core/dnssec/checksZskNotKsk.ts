import type { KeySigner } from '../hsm/port.js';
import { at, type CheckOutcome, type Finding } from './checkResult.js';
import { dsDigest, KSK_FLAGS } from './dnskey.js';
import { bundleLabel, isKsk, type Ksr, type Skr } from './model.js';
import type { SigningPolicy } from './policy.js';

/**
 * KSR-ZSK-NOT-KSK: a ZSK of the KSR must not be a KSK of the policy. Signed as a ZSK, a KSK's own
 * key would sit in the DNSKEY RRset with flags 256, and the signer used to drop it silently as a
 * duplicate of the KSK. A KSK is known by its public key in the HSM, by the DS its policy entry
 * states (so the check runs without an HSM too), and by the previous SKR's KSKs.
 */
export async function checkZskNotKsk(
  ksr: Ksr,
  policy: SigningPolicy,
  hsm: Pick<KeySigner, 'findKey'> | undefined,
  previous: Skr | undefined,
): Promise<CheckOutcome> {
  const known: { name: string; publicKey: Buffer }[] = [];
  if (hsm) {
    for (const config of Object.values(policy.keys)) {
      const key = await hsm.findKey(config.label);
      if (key) known.push({ name: `KSK ${config.name} (${config.label}) in the HSM`, publicKey: key.publicKey });
    }
  }
  for (const bundle of previous?.bundles.slice(-1) ?? []) {
    for (const key of bundle.keys) if (isKsk(key)) known.push({ name: `KSK ${key.keyIdentifier} of the previous SKR`, publicKey: key.publicKey });
  }
  const owner = policy.kskPolicy.signersName;
  const stated = Object.values(policy.keys).filter((c) => c.dsSha256 !== undefined);
  const failures: Finding[] = [];
  const reported = new Set<string>();
  ksr.bundles.forEach((bundle, i) => {
    for (const zsk of bundle.keys) {
      const match =
        known.find((k) => k.publicKey.equals(zsk.publicKey))?.name ??
        stated.find(
          (c) =>
            dsDigest(owner, { flags: KSK_FLAGS, protocol: 3, algorithm: zsk.algorithm, publicKey: zsk.publicKey }).toString('hex').toUpperCase() ===
            c.dsSha256?.toUpperCase(),
        )?.name;
      if (match === undefined || reported.has(`${zsk.keyIdentifier}/${match}`)) continue;
      reported.add(`${zsk.keyIdentifier}/${match}`);
      failures.push({
        bundle: at(i, bundle),
        message: `key ${zsk.keyIdentifier} in ${bundleLabel(i, bundle)} has the public key of ${match.startsWith('KSK ') ? match : `KSK ${match} (by its configured DS)`}: a KSK is never signed as a ZSK`,
        values: { keyIdentifier: zsk.keyIdentifier, keyTag: zsk.keyTag },
      });
    }
  });
  const sources = [hsm ? 'the HSM' : null, stated.length > 0 ? 'the configured DS records' : null, previous ? 'the previous SKR' : null].filter(
    (x) => x !== null,
  );
  return {
    failures,
    passed: `no ZSK is a KSK of the policy (compared with ${sources.length > 0 ? sources.join(', ') : 'nothing: no HSM, DS or previous SKR was given'})`,
  };
}
