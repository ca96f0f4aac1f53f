import type { KskAlgorithm } from './port.js';
import { rsaKeySizes } from './port.js';

/**
 * What a token can do, read from the module before anything is asked of it: C_GetMechanismList and
 * C_GetMechanismInfo for each mechanism, C_GetTokenInfo for its limits, C_GetInfo for the library.
 * HSMs differ (SoftHSM2 wraps keys, tpm2-pkcs11 does not; a TPM makes RSA keys of at most 3072
 * bits; some tokens lack CKM_SHA256_RSA_PKCS and sign only raw CKM_RSA_PKCS), so every operation
 * the app may need is derived from this profile by name, and a ceremony that needs one the token
 * lacks is refused before it opens instead of failing in the middle of a step.
 *
 * Plain data: it is recorded in the log (hsm.profiled), shown on screen and printed.
 */

/** The PKCS#11 mechanisms the app uses or reports, by their standard values (PKCS#11 2.40 / 3.0). */
export const Mechanism = {
  CKM_RSA_PKCS_KEY_PAIR_GEN: 0x0,
  CKM_RSA_PKCS: 0x1,
  CKM_SHA256_RSA_PKCS: 0x40,
  CKM_SHA384_RSA_PKCS: 0x41,
  CKM_SHA512_RSA_PKCS: 0x42,
  CKM_EC_KEY_PAIR_GEN: 0x1040,
  CKM_ECDSA: 0x1041,
  CKM_ECDSA_SHA256: 0x1044,
  CKM_ECDSA_SHA384: 0x1045,
  CKM_ECDH1_DERIVE: 0x1050,
  CKM_EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  CKM_EDDSA: 0x1057,
  CKM_AES_KEY_GEN: 0x1080,
  CKM_AES_KEY_WRAP: 0x2109,
  CKM_AES_KEY_WRAP_PAD: 0x210a,
} as const;
export type MechanismName = keyof typeof Mechanism;

export function mechanismName(code: number): string {
  for (const [name, value] of Object.entries(Mechanism)) if (value === code) return name;
  return `0x${code.toString(16).padStart(8, '0')}`;
}

/** CK_MECHANISM_INFO flags, by name (the ones that decide what the app can do). */
const mechanismFlags = {
  hw: 0x1,
  encrypt: 0x100,
  decrypt: 0x200,
  digest: 0x400,
  sign: 0x800,
  verify: 0x2000,
  generate: 0x8000,
  'generate-key-pair': 0x10000,
  wrap: 0x20000,
  unwrap: 0x40000,
  derive: 0x80000,
} as const;
export type MechanismFlag = keyof typeof mechanismFlags;

export function mechanismFlagNames(flags: number): MechanismFlag[] {
  return (Object.entries(mechanismFlags) as [MechanismFlag, number][]).filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
}

export interface MechanismProfile {
  /** The mechanism's name (hex when the app has no name for it). */
  name: string;
  code: number;
  minKeySize: number;
  maxKeySize: number;
  flags: MechanismFlag[];
}

export interface HsmProfile {
  module: { manufacturer: string; description: string; libraryVersion: string; cryptokiVersion: string };
  token: {
    label: string;
    serial: string;
    model: string;
    manufacturer: string;
    hardwareVersion: string;
    firmwareVersion: string;
    minPinLength: number;
    maxPinLength: number;
    /** CKF_RNG: the token has a random number generator (C_GenerateRandom). */
    rng: boolean;
  };
  mechanisms: MechanismProfile[];
}

/** What the app may ask of a token, by name: what a ceremony needs and a refusal names. */
export type CapabilityId = `generate:${KskAlgorithm}` | `sign:${KskAlgorithm}` | 'backup-by-wrapping' | 'restore-from-backup' | 'split-pin-activation';

export interface Capability {
  id: CapabilityId;
  title: string;
  supported: boolean;
  /** How the app will do it (mechanism, key sizes), or why it cannot. */
  detail: string;
}

export const kskAlgorithms: readonly KskAlgorithm[] = ['RSASHA256', 'ECDSAP256SHA256', 'ECDSAP384SHA384', 'ED25519'];

/** The length of the user PIN split-PIN activation sets: 16 random bytes in hex (core/hsm/quorum.ts). */
export const SPLIT_PIN_LENGTH = 32;

function find(profile: HsmProfile, name: MechanismName, flag: MechanismFlag): MechanismProfile | null {
  return profile.mechanisms.find((m) => m.code === Mechanism[name] && m.flags.includes(flag)) ?? null;
}

/**
 * PKCS#11 gives EC key sizes in bits, but some modules give them in bytes: a curve fits when
 * either reading of the range holds it.
 */
function curveFits(m: MechanismProfile, bits: number): boolean {
  const inRange = (n: number) => (m.minKeySize === 0 || n >= m.minKeySize) && (m.maxKeySize === 0 || n <= m.maxKeySize);
  return inRange(bits) || inRange(Math.ceil(bits / 8));
}

/** The RSA KSK sizes (2048, 3072, 4096) the token's key-pair generation mechanism admits. */
export function rsaSizesOf(profile: HsmProfile): number[] {
  const gen = find(profile, 'CKM_RSA_PKCS_KEY_PAIR_GEN', 'generate-key-pair');
  if (!gen) return [];
  return rsaKeySizes.filter((bits) => (gen.minKeySize === 0 || bits >= gen.minKeySize) && (gen.maxKeySize === 0 || bits <= gen.maxKeySize));
}

/**
 * How a signature of an algorithm is made on this token: the mechanism, and what the app feeds
 * it. ECDSA prefers CKM_ECDSA over a digest made here (CKM_ECDSA_SHA256/384 are missing on many
 * tokens); RSA prefers CKM_SHA256_RSA_PKCS, else raw CKM_RSA_PKCS over the DER DigestInfo of the
 * SHA-256 digest, which is the same PKCS#1 v1.5 signature (RFC 8017 section 9.2).
 */
export type SigningInput = 'message' | 'sha256' | 'sha384' | 'sha256-digest-info';
export interface SigningMethod {
  mechanism: number;
  input: SigningInput;
}

export function signingMethod(profile: HsmProfile, algorithm: KskAlgorithm): SigningMethod | null {
  const first = (...choices: [MechanismName, SigningInput][]) => {
    for (const [name, input] of choices) if (find(profile, name, 'sign')) return { mechanism: Mechanism[name], input };
    return null;
  };
  switch (algorithm) {
    case 'RSASHA256':
      return first(['CKM_SHA256_RSA_PKCS', 'message'], ['CKM_RSA_PKCS', 'sha256-digest-info']);
    case 'ECDSAP256SHA256':
      return first(['CKM_ECDSA', 'sha256'], ['CKM_ECDSA_SHA256', 'message']);
    case 'ECDSAP384SHA384':
      return first(['CKM_ECDSA', 'sha384'], ['CKM_ECDSA_SHA384', 'message']);
    case 'ED25519':
      return first(['CKM_EDDSA', 'message']);
  }
}

const curveBits: Partial<Record<KskAlgorithm, number>> = { ECDSAP256SHA256: 256, ECDSAP384SHA384: 384 };

function generation(profile: HsmProfile, algorithm: KskAlgorithm): { supported: boolean; detail: string } {
  if (algorithm === 'RSASHA256') {
    const gen = find(profile, 'CKM_RSA_PKCS_KEY_PAIR_GEN', 'generate-key-pair');
    if (!gen) return { supported: false, detail: 'the token offers no CKM_RSA_PKCS_KEY_PAIR_GEN' };
    const sizes = rsaSizesOf(profile);
    if (sizes.length === 0)
      return { supported: false, detail: `the token makes RSA keys of ${gen.minKeySize} to ${gen.maxKeySize} bits, none of ${rsaKeySizes.join(', ')}` };
    return { supported: true, detail: `CKM_RSA_PKCS_KEY_PAIR_GEN, ${sizes.join(', ')} bits (the token: ${gen.minKeySize} to ${gen.maxKeySize})` };
  }
  if (algorithm === 'ED25519') {
    return find(profile, 'CKM_EC_EDWARDS_KEY_PAIR_GEN', 'generate-key-pair')
      ? { supported: true, detail: 'CKM_EC_EDWARDS_KEY_PAIR_GEN, Ed25519' }
      : { supported: false, detail: 'the token offers no CKM_EC_EDWARDS_KEY_PAIR_GEN (no Edwards curves)' };
  }
  const gen = find(profile, 'CKM_EC_KEY_PAIR_GEN', 'generate-key-pair');
  const bits = curveBits[algorithm] as number;
  const curve = bits === 256 ? 'P-256' : 'P-384';
  if (!gen) return { supported: false, detail: 'the token offers no CKM_EC_KEY_PAIR_GEN' };
  if (!curveFits(gen, bits)) return { supported: false, detail: `the token makes EC keys of ${gen.minKeySize} to ${gen.maxKeySize} bits, not ${curve}` };
  return { supported: true, detail: `CKM_EC_KEY_PAIR_GEN, ${curve}` };
}

function signing(profile: HsmProfile, algorithm: KskAlgorithm): { supported: boolean; detail: string } {
  const method = signingMethod(profile, algorithm);
  if (!method) {
    const wanted = {
      RSASHA256: 'neither CKM_SHA256_RSA_PKCS nor CKM_RSA_PKCS',
      ECDSAP256SHA256: 'neither CKM_ECDSA nor CKM_ECDSA_SHA256',
      ECDSAP384SHA384: 'neither CKM_ECDSA nor CKM_ECDSA_SHA384',
      ED25519: 'no CKM_EDDSA',
    }[algorithm];
    return { supported: false, detail: `the token signs with ${wanted}` };
  }
  const how = {
    message: 'over the signed data',
    sha256: 'over a SHA-256 digest made by the app',
    sha384: 'over a SHA-384 digest made by the app',
    'sha256-digest-info': 'over the DigestInfo of a SHA-256 digest made by the app (no CKM_SHA256_RSA_PKCS)',
  }[method.input];
  return { supported: true, detail: `${mechanismName(method.mechanism)} ${how}` };
}

/** Every capability the app derives from a profile, supported or not, each saying how or why not. */
export function capabilitiesOf(profile: HsmProfile): Capability[] {
  const out: Capability[] = [];
  for (const algorithm of kskAlgorithms) {
    out.push({ id: `generate:${algorithm}`, title: `Generate an ${algorithm} KSK`, ...generation(profile, algorithm) });
    out.push({ id: `sign:${algorithm}`, title: `Sign with an ${algorithm} key`, ...signing(profile, algorithm) });
  }
  const wrap = find(profile, 'CKM_AES_KEY_WRAP_PAD', 'wrap');
  const unwrap = find(profile, 'CKM_AES_KEY_WRAP_PAD', 'unwrap');
  const rng = profile.token.rng ? '' : '; the token has no random number generator (CKF_RNG) to draw the key-backup key from';
  out.push({
    id: 'backup-by-wrapping',
    title: 'Back a KSK up by wrapping it',
    supported: !!wrap && profile.token.rng,
    detail: wrap
      ? `CKM_AES_KEY_WRAP_PAD under a trusted AES-256 key-backup key${rng}`
      : `the token offers no CKM_AES_KEY_WRAP_PAD to wrap with${rng}: KSKs made on it are not extractable, and a backup is the HSM vendor's own`,
  });
  out.push({
    id: 'restore-from-backup',
    title: 'Restore a KSK from a backup',
    supported: !!unwrap,
    detail: unwrap ? 'CKM_AES_KEY_WRAP_PAD unwrap under the rebuilt key-backup key' : 'the token offers no CKM_AES_KEY_WRAP_PAD to unwrap with',
  });
  const { minPinLength: min, maxPinLength: max } = profile.token;
  const pinFits = SPLIT_PIN_LENGTH >= min && (max === 0 || SPLIT_PIN_LENGTH <= max);
  out.push({
    id: 'split-pin-activation',
    title: 'Activate by a PIN split among the Crypto Officers',
    supported: pinFits,
    detail: pinFits
      ? `a ${SPLIT_PIN_LENGTH}-character user PIN (the token takes ${min} to ${max})`
      : `the token takes user PINs of ${min} to ${max} characters, not the ${SPLIT_PIN_LENGTH} split-PIN activation sets`,
  });
  return out;
}

export function capability(profile: HsmProfile, id: CapabilityId): Capability {
  return capabilitiesOf(profile).find((c) => c.id === id) as Capability;
}

/** The capabilities a token lacks among those asked for. */
export function missingCapabilities(profile: HsmProfile, needed: readonly CapabilityId[]): Capability[] {
  const all = capabilitiesOf(profile);
  return [...new Set(needed)].map((id) => all.find((c) => c.id === id) as Capability).filter((c) => !c.supported);
}
