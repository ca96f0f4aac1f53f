import type { AlgorithmNumber } from '../dnssec/algorithms.js';

/**
 * What the domain needs of an HSM, so that core/ never imports the PKCS#11 driver: native/
 * implements these, core/service and core/cli wire the implementation in.
 */

/** A key as the HSM holds it, with its public half in DNSKEY form (read back from the HSM). */
export interface HsmKey {
  /** CKA_LABEL: the KSK identifier in KSRs, SKRs and trust anchors (root style: K + 6 base32). */
  label: string;
  /** CKA_ID in hex. */
  idHex: string;
  algorithm: AlgorithmNumber;
  /** The DNSKEY public key field (RFC 3110 for RSA, x||y for ECDSA, 32 bytes for Ed25519). */
  publicKey: Buffer;
}

/**
 * Signs with a key that stays in the HSM. The signature is in DNSSEC form (r||s for ECDSA) and has
 * been verified in software against the key's public half before it is returned.
 */
export interface KeySigner {
  sign(label: string, data: Uint8Array): Promise<Buffer>;
  /** The key labelled so, or null when the HSM has none. */
  findKey(label: string): Promise<HsmKey | null>;
}
