import { randomUUID } from 'node:crypto';
import { KskError } from '../errors.js';
import type { GenerateKskOptions, HsmKey, KeySigner, KskAlgorithm } from '../hsm/port.js';
import { Algorithm, algorithmNumber, keySizeBits, rsaExponent } from './algorithms.js';
import { keyTag, ZSK_FLAGS } from './dnskey.js';
import { isKsk, TYPE_DNSKEY, type AlgorithmPolicy, type Bundle, type BundleKey, type Ksr, type SignaturePolicy, type Skr } from './model.js';
import { parseQuarter, quarterName, SLOTS_PER_QUARTER, slotExpiration, slotInception } from './quarter.js';
import { labelCount, rrsigSignedData, verifyDnskeyRrsig } from './rrsig.js';
import { SECONDS_PER_DAY, toUtcSeconds } from './time.js';

/**
 * A stand-in ZSK operator for rehearsals: it writes the KSR the real one would for a quarter, with
 * the DPS's timing (9 slots 10 days apart, 21-day signatures) and key pattern (ZSK n-1 and n in
 * slot 1, n alone in slots 2 to 8, n and n+1 in slot 9), its ZSKs held in the rehearsal token and
 * every bundle carrying real proof-of-possession signatures made there.
 */

/** What the rehearsal token must do: an HSM session's key generation, lookup and signing. */
export interface ZskToken extends KeySigner {
  generateKsk(options: GenerateKskOptions): Promise<{ key: HsmKey }>;
}

export interface RehearsalKsrOptions {
  quarter: string;
  token: ZskToken;
  /** The workspace's last SKR: its last bundle's ZSKs open the new KSR, so the chain checks apply. */
  previousSkr?: Skr;
  /** When the KSR is "written": the proof-of-possession signatures start then. */
  now: Date | string | number;
  algorithm?: KskAlgorithm;
  rsaBits?: number;
  domain?: string;
  ttl?: number;
}

export const REHEARSAL_ID_PREFIX = 'rehearsal-';

const days = (n: number) => n * SECONDS_PER_DAY;

/** The ZSK policy the root's ZSK operator states (P10D safety, 21-day signatures, 9 to 12 days overlap). */
function zskPolicy(algorithms: AlgorithmPolicy[]): SignaturePolicy {
  return {
    publishSafety: days(10),
    retireSafety: days(10),
    maxSignatureValidity: days(21),
    minSignatureValidity: days(21),
    maxValidityOverlap: days(12),
    minValidityOverlap: days(9),
    algorithms,
  };
}

function algorithmPolicy(key: HsmKey): AlgorithmPolicy {
  const size = keySizeBits(key.algorithm, key.publicKey);
  if (key.algorithm === Algorithm.RSASHA256) return { kind: 'RSA', algorithm: key.algorithm, size, exponent: rsaExponent(key.publicKey) };
  return { kind: key.algorithm === Algorithm.ED25519 ? 'EdDSA' : 'ECDSA', algorithm: key.algorithm, size };
}

async function freshLabel(token: ZskToken, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const label = n === 1 ? base : `${base}-${n}`;
    if (!(await token.findKey(label))) return label;
  }
}

/** The ZSKs that carry over from the previous SKR: the one being retired (n-1) and the current one (n). */
async function carriedOver(previous: Skr, token: ZskToken): Promise<{ retiring: HsmKey | null; current: HsmKey }> {
  const last = previous.bundles[previous.bundles.length - 1] as Bundle;
  const zsks = last.keys.filter((k) => !isKsk(k));
  const inSecond = new Set((previous.bundles[1] ?? last).keys.map((k) => k.keyIdentifier));
  const retiring = zsks.find((k) => inSecond.has(k.keyIdentifier) && zsks.length > 1);
  const current = zsks.find((k) => k !== retiring);
  if (!current) throw new KskError('BAD_INPUT_FILE', `The previous SKR ${previous.id} has no ZSK in its last bundle to chain to.`);
  const fromToken = async (k: BundleKey) => {
    const held = await token.findKey(k.keyIdentifier);
    if (!held || !held.publicKey.equals(k.publicKey)) {
      throw new KskError(
        'BAD_INPUT_FILE',
        `The previous SKR's ZSK ${k.keyIdentifier} is not held in the rehearsal token, so a rehearsal KSR cannot chain to it: chain to the SKR of an earlier rehearsal, or generate without a previous SKR.`,
      );
    }
    return held;
  };
  return { retiring: retiring ? await fromToken(retiring) : null, current: await fromToken(current) };
}

export async function generateRehearsalKsr(options: RehearsalKsrOptions): Promise<Ksr> {
  const quarter = parseQuarter(options.quarter);
  const name = quarterName(quarter);
  const { token } = options;
  const domain = options.domain ?? '.';
  const ttl = options.ttl ?? 172800;
  const algorithm = options.algorithm ?? 'RSASHA256';
  const now = toUtcSeconds(options.now, 'now');

  const generate = async (role: string) => {
    const label = await freshLabel(token, `ZSK-${name}-${role}`);
    return (await token.generateKsk({ algorithm, label, ...(options.rsaBits ? { rsaBits: options.rsaBits } : {}) })).key;
  };
  const carried = options.previousSkr ? await carriedOver(options.previousSkr, token) : null;
  const retiring = carried ? carried.retiring : await generate('previous');
  const current = carried ? carried.current : await generate('current');
  const next = await generate('next');
  for (const k of [retiring, current, next]) {
    if (k && k.algorithm !== algorithmNumber(algorithm)) {
      throw new KskError(
        'BAD_REQUEST',
        `The ZSK ${k.label} is algorithm ${k.algorithm}; this rehearsal asks for ${algorithm}. Generate with the algorithm of the previous rehearsal.`,
      );
    }
  }

  const asBundleKey = (k: HsmKey): BundleKey => {
    const dnskey = { flags: ZSK_FLAGS, protocol: 3, algorithm: k.algorithm, publicKey: k.publicKey };
    return { ...dnskey, keyIdentifier: k.label, keyTag: keyTag(dnskey), ttl };
  };
  const bundles: Bundle[] = [];
  for (let slot = 1; slot <= SLOTS_PER_QUARTER; slot++) {
    const members = slot === 1 ? [retiring, current] : slot === SLOTS_PER_QUARTER ? [current, next] : [current];
    const keys = members.filter((k): k is HsmKey => k !== null).map(asBundleKey);
    const signatures = [];
    for (const key of keys) {
      const fields = {
        typeCovered: TYPE_DNSKEY,
        algorithm: key.algorithm,
        labels: labelCount(domain),
        originalTtl: ttl,
        inception: now,
        expiration: now + days(60),
        keyTag: key.keyTag,
        signersName: domain,
      };
      const signature = await token.sign(key.keyIdentifier, rrsigSignedData(fields, domain, keys));
      const check = verifyDnskeyRrsig(fields, signature, domain, keys, key);
      if (!check.ok)
        throw new KskError('HSM_ERROR', `The rehearsal token's proof-of-possession signature by ${key.keyIdentifier} does not verify: ${check.reason}.`);
      signatures.push({ ...fields, keyIdentifier: key.keyIdentifier, ttl, signatureData: Buffer.from(signature) });
    }
    bundles.push({ id: randomUUID(), inception: slotInception(quarter, slot), expiration: slotExpiration(quarter, slot), keys, signatures, signers: [] });
  }
  return {
    kind: 'KSR',
    id: `${REHEARSAL_ID_PREFIX}${name}-${randomUUID()}`,
    serial: 0,
    domain,
    zskPolicy: zskPolicy([algorithmPolicy(current)]),
    bundles,
  };
}

export function isRehearsalKsr(ksr: Pick<Ksr, 'id'>): boolean {
  return ksr.id.startsWith(REHEARSAL_ID_PREFIX);
}
