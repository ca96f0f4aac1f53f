import { KskError } from '../errors.js';
import type { KeySigner } from '../hsm/port.js';
import { Algorithm, algorithmName, keySizeBits, rsaExponent } from './algorithms.js';
import { dnskeyRdata, keyTag, REVOKED_KSK_FLAGS, type Dnskey } from './dnskey.js';
import { resolveKsk } from './kskKeys.js';
import { bundleLabel, isKsk, TYPE_DNSKEY, type AlgorithmPolicy, type Bundle, type BundleKey, type BundleSignature, type Ksr, type Skr } from './model.js';
import { schemaNamed, type KskKeyConfig, type Schema, type SigningPolicy } from './policy.js';
import { labelCount, rrsigSignedData, verifyDnskeyRrsig, type RrsigFields } from './rrsig.js';

export interface SignOptions {
  policy: SigningPolicy;
  /** The schema itself (a DR procedure's, built in code) or its name in the policy. */
  schema: Schema | string;
  signer: KeySigner;
  /** After each signature: how many of how many are done. */
  onProgress?: (done: number, total: number) => void;
}

interface SigningKey {
  config: KskKeyConfig;
  dnskey: Dnskey;
}

/** The bundle's DNSKEY RRset being assembled: one entry per public key, as IANA's signer does. */
class KeySet {
  readonly keys: BundleKey[] = [];

  constructor(private readonly ttl: number) {}

  private indexOf(publicKey: Buffer): number {
    return this.keys.findIndex((k) => k.publicKey.equals(publicKey));
  }

  /**
   * A ZSK joins the set only if no KSK already there has its public key: adding it would merge it
   * into the KSK's entry and drop the requested ZSK without a word (KSR-ZSK-NOT-KSK refuses such a
   * KSR before signing; this keeps the signer from ever doing it).
   */
  addZsk(zsk: BundleKey, where: string): void {
    const same = this.keys[this.indexOf(zsk.publicKey)];
    if (same && isKsk(same)) {
      throw new KskError(
        'POLICY_FAILURE',
        `KSR-ZSK-NOT-KSK: key ${zsk.keyIdentifier} in ${where} has the public key of the KSK ${same.keyIdentifier}: a KSK is never signed as a ZSK. Nothing was signed.`,
      );
    }
    // The same ZSK twice in one bundle is one DNSKEY record (an RRset has no duplicates, RFC 4034 §6.3).
    this.add(zsk.keyIdentifier, zsk);
  }

  /** A KSK of the slot: published, revoked (replacing its published entry) or signing; one entry per key. */
  add(identifier: string, key: Dnskey, replace = false): void {
    const { flags, protocol, algorithm, publicKey } = key;
    const entry: BundleKey = { keyIdentifier: identifier, keyTag: keyTag(key), ttl: this.ttl, flags, protocol, algorithm, publicKey };
    const i = this.indexOf(key.publicKey);
    if (i < 0) this.keys.push(entry);
    else if (replace) this.keys[i] = entry;
  }

  find(publicKey: Buffer): BundleKey {
    return this.keys[this.indexOf(publicKey)] as BundleKey;
  }
}

function byTagThenIdentifier<T extends { keyTag: number; keyIdentifier: string }>(a: T, b: T): number {
  return a.keyTag - b.keyTag || (a.keyIdentifier < b.keyIdentifier ? -1 : a.keyIdentifier > b.keyIdentifier ? 1 : 0);
}

function algorithmPolicyOf(key: Dnskey): AlgorithmPolicy {
  const size = keySizeBits(key.algorithm, key.publicKey);
  if (key.algorithm === Algorithm.RSASHA256) return { kind: 'RSA', algorithm: key.algorithm, size, exponent: rsaExponent(key.publicKey) };
  return { kind: key.algorithm === Algorithm.ED25519 ? 'EdDSA' : 'ECDSA', algorithm: key.algorithm, size };
}

async function resolveSigningKeys(names: Iterable<string>, policy: SigningPolicy, signer: KeySigner): Promise<Map<string, SigningKey>> {
  const resolved = new Map<string, SigningKey>();
  for (const name of names) {
    const config = policy.keys[name];
    if (!config) throw new KskError('POLICY_FAILURE', `KSK-KEY-USE: the schema names key "${name}", which the policy does not define.`);
    const { dnskey, problems } = await resolveKsk(config, signer, policy.kskPolicy.signersName);
    if (problems.length > 0 || !dnskey) throw new KskError('POLICY_FAILURE', `KSK-KEY-USE: ${problems.join('; ')}.`);
    resolved.set(name, { config, dnskey });
  }
  return resolved;
}

/**
 * Signs a KSR by a schema: for each bundle, the KSKs the slot publishes (revoked ones with flags
 * 385) join the bundle's ZSKs, and every signing KSK signs the whole DNSKEY RRset in the HSM. Each
 * signature is verified in software before it is kept (SKR-VERIFY). The policy checks are not
 * repeated here: run checkKsr first and decide on its results.
 */
export async function signKsr(ksr: Ksr, options: SignOptions): Promise<Skr> {
  const { policy, signer } = options;
  const schema = typeof options.schema === 'string' ? schemaNamed(policy, options.schema) : options.schema;
  const { ttl, signersName } = policy.kskPolicy;
  if (signersName.toLowerCase() !== ksr.domain.toLowerCase()) {
    throw new KskError('POLICY_FAILURE', `The policy signs as "${signersName}" (ksk_policy.signers_name) but the KSR is for the domain "${ksr.domain}".`);
  }
  if (schema.slots.length < ksr.bundles.length) {
    throw new KskError('POLICY_FAILURE', `Schema "${schema.name}" has ${schema.slots.length} slots but the KSR has ${ksr.bundles.length} bundles.`);
  }
  const slots = schema.slots.slice(0, ksr.bundles.length);
  const keys = await resolveSigningKeys(new Set(slots.flatMap((s) => [...s.publish, ...s.revoke, ...s.sign])), policy, signer);
  const total = slots.reduce((n, s) => n + new Set(s.sign).size, 0);
  let done = 0;

  const bundles: Bundle[] = [];
  for (const [i, bundle] of ksr.bundles.entries()) {
    const slot = slots[i] as Schema['slots'][number];
    const set = new KeySet(ttl);
    const key = (name: string) => keys.get(name) as SigningKey;
    for (const name of slot.publish) set.add(key(name).config.label, key(name).dnskey);
    for (const name of slot.revoke) set.add(key(name).config.label, { ...key(name).dnskey, flags: REVOKED_KSK_FLAGS }, true);
    for (const name of slot.sign) set.add(key(name).config.label, key(name).dnskey);
    for (const zsk of bundle.keys) set.addZsk(zsk, bundleLabel(i, bundle));

    const signerAlgorithms = new Set(slot.sign.map((n) => key(n).dnskey.algorithm));
    const unsigned = [...new Set(set.keys.map((k) => k.algorithm))].filter((a) => !signerAlgorithms.has(a));
    if (unsigned.length > 0) {
      throw new KskError(
        'POLICY_FAILURE',
        `${bundleLabel(i, bundle)}: the DNSKEY RRset has keys of algorithm ${unsigned.map((a) => algorithmName(a) ?? a).join(', ')} but schema "${schema.name}" signs it with none of that algorithm (RFC 4035 §2.2 requires a signature by each algorithm in the RRset).`,
      );
    }

    const signatures: BundleSignature[] = [];
    for (const name of new Set(slot.sign)) {
      const { config, dnskey } = key(name);
      const published = set.find(dnskey.publicKey);
      const fields: RrsigFields = {
        typeCovered: TYPE_DNSKEY,
        algorithm: published.algorithm,
        labels: labelCount(signersName),
        originalTtl: ttl,
        expiration: bundle.expiration,
        inception: bundle.inception,
        keyTag: published.keyTag,
        signersName,
      };
      const signature = await signer.sign(config.label, rrsigSignedData(fields, signersName, set.keys));
      const check = verifyDnskeyRrsig(fields, signature, signersName, set.keys, published);
      if (!check.ok)
        throw new KskError(
          'HSM_ERROR',
          `SKR-VERIFY: the HSM's signature by ${config.label} over ${bundleLabel(i, bundle)} does not verify: ${check.reason}. Nothing was written.`,
        );
      signatures.push({ ...fields, keyIdentifier: config.label, ttl, signatureData: Buffer.from(signature) });
      options.onProgress?.(++done, total);
    }
    const sortedKeys = [...set.keys].sort((a, b) => byTagThenIdentifier(a, b) || Buffer.compare(dnskeyRdata(a), dnskeyRdata(b)));
    bundles.push({
      id: bundle.id,
      inception: bundle.inception,
      expiration: bundle.expiration,
      keys: sortedKeys,
      signatures: signatures.sort(byTagThenIdentifier),
      signers: [],
    });
  }

  const kskAlgorithms = new Map<string, AlgorithmPolicy>();
  for (const { dnskey } of keys.values()) {
    const p = algorithmPolicyOf(dnskey);
    kskAlgorithms.set(JSON.stringify(p), p);
  }
  const { publishSafety, retireSafety, maxSignatureValidity, minSignatureValidity, maxValidityOverlap, minValidityOverlap } = policy.kskPolicy;
  return {
    kind: 'SKR',
    id: ksr.id,
    serial: ksr.serial,
    domain: ksr.domain,
    kskPolicy: {
      publishSafety,
      retireSafety,
      maxSignatureValidity,
      minSignatureValidity,
      maxValidityOverlap,
      minValidityOverlap,
      algorithms: [...kskAlgorithms.values()].sort((a, b) => a.algorithm - b.algorithm || a.size - b.size),
    },
    zskPolicy: ksr.zskPolicy,
    bundles,
  };
}
