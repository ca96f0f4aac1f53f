import { createHash, type KeyObject } from 'node:crypto';
import { Algorithm, algorithmName, verifySignature, type AlgorithmNumber } from '../../core/dnssec/algorithms.js';
import { HsmError } from '../../core/hsm/errors.js';
import { CK } from '../ck.js';
import { call, type Handle, type P11 } from './pkcs11.js';

/**
 * The mechanism for each DNSSEC algorithm, and what it is fed. ECDSA goes through CKM_ECDSA over a
 * digest made here, because CKM_ECDSA_SHA256/384 are missing on many tokens (SoftHSM2 among them);
 * PKCS#11 returns ECDSA signatures as r||s, which is already the DNSSEC form (RFC 6605).
 */
export function signingInput(algorithm: AlgorithmNumber, data: Uint8Array): { mechanism: number; input: Buffer } {
  switch (algorithm) {
    case Algorithm.RSASHA256:
      return { mechanism: CK.CKM_SHA256_RSA_PKCS, input: Buffer.from(data) };
    case Algorithm.ECDSAP256SHA256:
      return { mechanism: CK.CKM_ECDSA, input: createHash('sha256').update(data).digest() };
    case Algorithm.ECDSAP384SHA384:
      return { mechanism: CK.CKM_ECDSA, input: createHash('sha384').update(data).digest() };
    case Algorithm.ED25519:
      return { mechanism: CK.CKM_EDDSA, input: Buffer.from(data) };
  }
}

const signatureBuffer = () => Buffer.alloc(1024);

/** Signs in the HSM and checks the signature in software against the public key read from it. */
export function signAndVerify(
  p11: P11,
  session: Handle,
  key: { label: string; privateKey: Handle; algorithm: AlgorithmNumber; dnskeyKey: Buffer; verifyKey?: KeyObject },
  data: Uint8Array,
): Buffer {
  const { mechanism, input } = signingInput(key.algorithm, data);
  const signature = call({ operation: `sign with key "${key.label}"`, key: key.label }, () => {
    p11.C_SignInit(session, { mechanism }, key.privateKey);
    return Buffer.from(p11.C_Sign(session, input, signatureBuffer()));
  });
  if (!verifySignature(key.algorithm, key.verifyKey ?? key.dnskeyKey, data, signature)) {
    throw new HsmError(
      'SIGNATURE_MISMATCH',
      `The ${algorithmName(key.algorithm) ?? key.algorithm} signature the HSM made with key "${key.label}" does not verify against its public key; it was not used.`,
    );
  }
  return signature;
}
