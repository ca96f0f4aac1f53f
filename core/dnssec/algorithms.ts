import { createPublicKey, KeyObject, verify } from 'node:crypto';
import { KskError } from '../errors.js';

/** DNSSEC algorithm numbers this app signs and verifies with (IANA DNS Security Algorithm Numbers). */
export const Algorithm = {
  RSASHA256: 8,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
} as const;
export type AlgorithmName = keyof typeof Algorithm;
export type AlgorithmNumber = (typeof Algorithm)[AlgorithmName];

/** Deprecated or unsafe for signing (RSAMD5, DSA, RSASHA1, ECC-GOST): never accepted by policy. */
export const deprecatedAlgorithms: readonly number[] = [1, 3, 5, 6, 7, 12];

export function algorithmName(n: number): AlgorithmName | null {
  for (const [name, value] of Object.entries(Algorithm)) if (value === n) return name as AlgorithmName;
  return null;
}

export function algorithmNumber(name: string): AlgorithmNumber {
  const upper = name.toUpperCase().replace(/[-_]/g, '');
  for (const [key, value] of Object.entries(Algorithm)) if (key === upper) return value;
  throw new KskError('BAD_REQUEST', `Unknown DNSSEC algorithm "${name}" (expected one of ${Object.keys(Algorithm).join(', ')}).`);
}

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** RFC 3110: exponent length, exponent, modulus. */
export function rsaPublicKeyRdata(modulus: Uint8Array, exponent: Uint8Array): Buffer {
  const e = stripLeadingZeros(exponent);
  const n = stripLeadingZeros(modulus);
  const length = e.length < 256 ? Buffer.from([e.length]) : Buffer.from([0, e.length >> 8, e.length & 0xff]);
  return Buffer.concat([length, e, n]);
}

export function parseRsaPublicKeyRdata(key: Uint8Array): { exponent: Buffer; modulus: Buffer } {
  const buf = Buffer.from(key);
  if (buf.length < 3) throw new KskError('BAD_INPUT_FILE', 'RSA public key is too short.');
  let offset = 1;
  let eLen = buf[0] as number;
  if (eLen === 0) {
    eLen = buf.readUInt16BE(1);
    offset = 3;
  }
  if (eLen === 0 || offset + eLen >= buf.length) throw new KskError('BAD_INPUT_FILE', 'RSA public key has an invalid exponent length.');
  return { exponent: buf.subarray(offset, offset + eLen), modulus: buf.subarray(offset + eLen) };
}

function stripLeadingZeros(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.subarray(i));
}

const ecPointLength: Partial<Record<number, { crv: string; length: number }>> = {
  [Algorithm.ECDSAP256SHA256]: { crv: 'P-256', length: 64 },
  [Algorithm.ECDSAP384SHA384]: { crv: 'P-384', length: 96 },
};

/** The key size in bits as policies state it (RSA modulus bits; curve size for ECDSA and EdDSA). */
export function keySizeBits(algorithm: number, publicKey: Uint8Array): number {
  if (algorithm === Algorithm.RSASHA256) {
    const { modulus } = parseRsaPublicKeyRdata(publicKey);
    return modulus.length * 8 - Math.clz32(modulus[0] as number) + 24;
  }
  if (algorithm === Algorithm.ED25519) return 256;
  const ec = ecPointLength[algorithm];
  if (ec) return ec.length * 4;
  throw new KskError('BAD_INPUT_FILE', `Unsupported DNSSEC algorithm ${algorithm}.`);
}

/** A node:crypto public key from a DNSKEY's public key field. */
export function publicKeyObject(algorithm: number, publicKey: Uint8Array): KeyObject {
  try {
    if (algorithm === Algorithm.RSASHA256) {
      const { exponent, modulus } = parseRsaPublicKeyRdata(publicKey);
      return createPublicKey({ key: { kty: 'RSA', n: b64url(modulus), e: b64url(exponent) }, format: 'jwk' });
    }
    if (algorithm === Algorithm.ED25519) {
      if (publicKey.length !== 32) throw new KskError('BAD_INPUT_FILE', `An Ed25519 public key has 32 bytes, not ${publicKey.length}.`);
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(publicKey) }, format: 'jwk' });
    }
    const ec = ecPointLength[algorithm];
    if (ec) {
      if (publicKey.length !== ec.length) throw new KskError('BAD_INPUT_FILE', `An ${ec.crv} public key has ${ec.length} bytes, not ${publicKey.length}.`);
      const half = ec.length / 2;
      return createPublicKey({
        key: { kty: 'EC', crv: ec.crv, x: b64url(publicKey.subarray(0, half)), y: b64url(publicKey.subarray(half)) },
        format: 'jwk',
      });
    }
  } catch (e) {
    if (e instanceof KskError) throw e;
    throw new KskError('BAD_INPUT_FILE', `The public key is not a valid key for algorithm ${algorithm}.`, { cause: e });
  }
  throw new KskError('BAD_INPUT_FILE', `Unsupported DNSSEC algorithm ${algorithm}.`);
}

/** A DNSKEY public key field from a node:crypto public key (the inverse of publicKeyObject). */
export function publicKeyRdataFromKeyObject(key: KeyObject): { algorithm: AlgorithmNumber; publicKey: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  const bytes = (s: string | undefined) => Buffer.from(s ?? '', 'base64url');
  if (jwk.kty === 'RSA') return { algorithm: Algorithm.RSASHA256, publicKey: rsaPublicKeyRdata(bytes(jwk.n), bytes(jwk.e)) };
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return { algorithm: Algorithm.ED25519, publicKey: bytes(jwk.x) };
  if (jwk.kty === 'EC' && (jwk.crv === 'P-256' || jwk.crv === 'P-384')) {
    return {
      algorithm: jwk.crv === 'P-256' ? Algorithm.ECDSAP256SHA256 : Algorithm.ECDSAP384SHA384,
      publicKey: Buffer.concat([bytes(jwk.x), bytes(jwk.y)]),
    };
  }
  throw new KskError('BAD_REQUEST', `No DNSSEC algorithm for a ${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''} key.`);
}

/**
 * Verifies a DNSSEC signature in software: RSASHA256 is PKCS#1 v1.5 over SHA-256, ECDSA signatures
 * are r||s (RFC 6605), Ed25519 is pure EdDSA (RFC 8080). A caller verifying many signatures of one
 * key may pass its KeyObject (from publicKeyObject) instead of the DNSKEY field: importing an EC
 * key costs more than verifying with it.
 */
export function verifySignature(algorithm: number, publicKey: Uint8Array | KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  const key = publicKey instanceof KeyObject ? publicKey : publicKeyObject(algorithm, publicKey);
  switch (algorithm) {
    case Algorithm.RSASHA256:
      return verify('sha256', data, key, signature);
    case Algorithm.ECDSAP256SHA256:
      return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case Algorithm.ECDSAP384SHA384:
      return verify('sha384', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case Algorithm.ED25519:
      return verify(null, data, key, signature);
    default:
      throw new KskError('BAD_INPUT_FILE', `Unsupported DNSSEC algorithm ${algorithm}.`);
  }
}
