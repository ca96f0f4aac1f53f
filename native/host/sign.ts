import { createHash, type KeyObject } from 'node:crypto';
import { algorithmName, verifySignature, type AlgorithmNumber } from '../../core/dnssec/algorithms.js';
import { mechanismName, signingMethod, type HsmProfile, type SigningInput } from '../../core/hsm/capabilities.js';
import { HsmError } from '../../core/hsm/errors.js';
import type { KskAlgorithm } from '../../core/hsm/port.js';
import { call, type Handle, type P11 } from './pkcs11.js';

/** DER of DigestInfo { sha256, NULL } before the 32 digest bytes (RFC 8017 section 9.2, note 1). */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * What the mechanism the profile chose (core/hsm/capabilities.ts signingMethod) is fed. PKCS#11
 * returns ECDSA signatures as r||s, which is already the DNSSEC form (RFC 6605).
 */
export function signingInput(input: SigningInput, data: Uint8Array): Buffer {
  switch (input) {
    case 'message':
      return Buffer.from(data);
    case 'sha256':
      return createHash('sha256').update(data).digest();
    case 'sha384':
      return createHash('sha384').update(data).digest();
    case 'sha256-digest-info':
      return Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(data).digest()]);
  }
}

const signatureBuffer = () => Buffer.alloc(1024);

/** Signs in the HSM, as its profile allows, and checks the signature in software against the public key read from it. */
export function signAndVerify(
  p11: P11,
  session: Handle,
  profile: HsmProfile,
  key: { label: string; privateKey: Handle; algorithm: AlgorithmNumber; dnskeyKey: Buffer; verifyKey?: KeyObject },
  data: Uint8Array,
): Buffer {
  const name = algorithmName(key.algorithm) as KskAlgorithm;
  const method = signingMethod(profile, name);
  if (!method) throw new HsmError('MECHANISM_NOT_SUPPORTED', `Token "${profile.token.label}" offers no mechanism to sign with ${name} key "${key.label}".`);
  const input = signingInput(method.input, data);
  const signature = call({ operation: `sign with key "${key.label}" (${mechanismName(method.mechanism)})`, key: key.label }, () => {
    p11.C_SignInit(session, { mechanism: method.mechanism }, key.privateKey);
    return Buffer.from(p11.C_Sign(session, input, signatureBuffer()));
  });
  if (!verifySignature(key.algorithm, key.verifyKey ?? key.dnskeyKey, data, signature)) {
    throw new HsmError(
      'SIGNATURE_MISMATCH',
      `The ${name} signature the HSM made with key "${key.label}" does not verify against its public key; it was not used.`,
    );
  }
  return signature;
}
