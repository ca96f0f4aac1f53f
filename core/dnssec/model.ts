import { DNSKEY_FLAG_REVOKE, DNSKEY_FLAG_SEP, type Dnskey } from './dnskey.js';
import type { UtcSeconds } from './time.js';

/**
 * The KSR/SKR object model (IANA's XML, 2010 RELAX NG schema). Times are UTC seconds; durations
 * are seconds; public keys and signatures are bytes. Element order and line numbers from the file
 * are kept where a message needs them.
 */

export type AlgorithmPolicy =
  | { kind: 'RSA'; algorithm: number; size: number; exponent: number }
  | { kind: 'ECDSA'; algorithm: number; size: number }
  | { kind: 'EdDSA'; algorithm: number; size: number }
  | { kind: 'DSA'; algorithm: number; size: number };

/** Key timing a KSR or SKR states, in seconds. */
export interface KeyTiming {
  publishSafety: number;
  retireSafety: number;
  maxSignatureValidity: number;
  minSignatureValidity: number;
  maxValidityOverlap: number;
  minValidityOverlap: number;
}

export interface SignaturePolicy extends KeyTiming {
  algorithms: AlgorithmPolicy[];
}

export interface BundleKey extends Dnskey {
  keyIdentifier: string;
  /** The tag the file states; KSR-BUNDLE-KEYS recomputes it. */
  keyTag: number;
  ttl: number;
  line?: number;
}

/** The RRSIG RDATA fields that are signed (RFC 4034 §3.1), everything but the signature itself. */
export interface RrsigFields {
  /** 48 (DNSKEY) is the only type KSRs and SKRs ever cover. */
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  expiration: UtcSeconds;
  inception: UtcSeconds;
  keyTag: number;
  signersName: string;
}

export interface BundleSignature extends RrsigFields {
  keyIdentifier: string;
  ttl: number;
  signatureData: Buffer;
  line?: number;
}

export interface Bundle {
  id: string;
  inception: UtcSeconds;
  expiration: UtcSeconds;
  keys: BundleKey[];
  signatures: BundleSignature[];
  /** KSR only: optional requests that specific KSKs sign (IANA's tool ignores them, and so do we). */
  signers: string[];
  line?: number;
}

interface Document {
  id: string;
  serial: number;
  domain: string;
  /** The optional timestamp attribute of Request/Response, as written. */
  timestamp?: string;
  bundles: Bundle[];
}

/** A Key Signing Request: the ZSK operator's policy and its bundles of ZSKs. */
export interface Ksr extends Document {
  kind: 'KSR';
  zskPolicy: SignaturePolicy;
}

/** A Signed Key Response: the KSK operator's policy, the ZSK policy echoed, and signed bundles. */
export interface Skr extends Document {
  kind: 'SKR';
  kskPolicy: SignaturePolicy;
  zskPolicy: SignaturePolicy;
}

export const TYPE_DNSKEY = 48;

export function isKsk(key: Pick<Dnskey, 'flags'>): boolean {
  return (key.flags & DNSKEY_FLAG_SEP) !== 0;
}

export function isRevoked(key: Pick<Dnskey, 'flags'>): boolean {
  return (key.flags & DNSKEY_FLAG_REVOKE) !== 0;
}

/** "bundle 3 (0a8f7774…)" — how messages name a bundle. */
export function bundleLabel(index: number, bundle: Pick<Bundle, 'id'>): string {
  return `bundle ${index + 1} (${bundle.id})`;
}
