import type { HsmKey, KeySigner } from '../hsm/port.js';
import { Algorithm, algorithmName, keySizeBits, rsaExponent } from './algorithms.js';
import { dsRecord, KSK_FLAGS, keyTag, type Dnskey } from './dnskey.js';
import type { KskKeyConfig } from './policy.js';

/** A configured KSK as found in the HSM: its DNSKEY (flags 257) and whatever disagrees with the configuration. */
export interface ResolvedKsk {
  config: KskKeyConfig;
  hsmKey: HsmKey | null;
  dnskey: Dnskey | null;
  /** Empty when the HSM holds exactly the key the policy describes. */
  problems: string[];
}

/**
 * Looks a KSK up by its label and holds it to its `keys` entry, as IANA's ksrsigner does, so that a
 * wrong key under the right label is never used: algorithm, RSA size and exponent, key tag, DS.
 */
export async function resolveKsk(config: KskKeyConfig, hsm: Pick<KeySigner, 'findKey'>, owner = '.'): Promise<ResolvedKsk> {
  const hsmKey = await hsm.findKey(config.label);
  if (!hsmKey) return { config, hsmKey, dnskey: null, problems: [`the HSM has no key labelled ${config.label}`] };
  const problems: string[] = [];
  const name = `key ${config.name} (${config.label})`;
  if (hsmKey.algorithm !== config.algorithm) {
    problems.push(`${name} is ${algorithmName(hsmKey.algorithm) ?? hsmKey.algorithm} in the HSM, not ${algorithmName(config.algorithm) ?? config.algorithm}`);
    return { config, hsmKey, dnskey: null, problems };
  }
  const dnskey: Dnskey = { flags: KSK_FLAGS, protocol: 3, algorithm: hsmKey.algorithm, publicKey: hsmKey.publicKey };
  if (config.algorithm === Algorithm.RSASHA256) {
    const bits = keySizeBits(config.algorithm, hsmKey.publicKey);
    const exponent = rsaExponent(hsmKey.publicKey);
    if (config.rsaSize !== undefined && bits !== config.rsaSize) problems.push(`${name} is RSA-${bits} in the HSM, not RSA-${config.rsaSize}`);
    if (config.rsaExponent !== undefined && exponent !== config.rsaExponent)
      problems.push(`${name} has exponent ${exponent} in the HSM, not ${config.rsaExponent}`);
  }
  const tag = keyTag(dnskey);
  if (config.keyTag !== undefined && tag !== config.keyTag) problems.push(`${name} has key tag ${tag} in the HSM, not ${config.keyTag}`);
  if (config.dsSha256 !== undefined) {
    const ds = dsRecord(owner, dnskey).digest.toString('hex').toUpperCase();
    if (ds !== config.dsSha256.toUpperCase()) problems.push(`${name} has DS SHA-256 ${ds} in the HSM, not ${config.dsSha256.toUpperCase()}`);
  }
  return { config, hsmKey, dnskey, problems };
}
