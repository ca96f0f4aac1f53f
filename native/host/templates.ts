import type pkcs11js from 'pkcs11js';
import { Algorithm, parseRsaPublicKeyRdata, type AlgorithmNumber } from '../../core/dnssec/algorithms.js';
import { CK, EC_PARAMS } from '../ck.js';

export function keyTypeOf(algorithm: AlgorithmNumber): number {
  if (algorithm === Algorithm.RSASHA256) return CK.CKK_RSA;
  if (algorithm === Algorithm.ED25519) return CK.CKK_EC_EDWARDS;
  return CK.CKK_EC;
}

export function ecParamsOf(algorithm: AlgorithmNumber): Buffer {
  if (algorithm === Algorithm.ECDSAP256SHA256) return EC_PARAMS.P256;
  if (algorithm === Algorithm.ECDSAP384SHA384) return EC_PARAMS.P384;
  return EC_PARAMS.ED25519;
}

/**
 * The private half's policy, chosen deliberately (see README "HSM layer"):
 * - sensitive, so its value never leaves the HSM in clear;
 * - extractable only under a trusted wrapping key (CKA_WRAP_WITH_TRUSTED), so the one way out is
 *   the recorded backup wrap under a key the Security Officer marked CKA_TRUSTED; where the token
 *   cannot wrap (no CKM_AES_KEY_WRAP_PAD in its profile) or has no CKA_WRAP_WITH_TRUSTED the key is
 *   made non-extractable instead (backup is then the HSM vendor's own cloning, outside this app);
 * - it signs and does nothing else (no decrypt, unwrap or derive), and is not modifiable, so its
 *   label and usage cannot be changed after the ceremony recorded them.
 * Generated and restored keys get the same template.
 */
export function kskPrivateTemplate(keyType: number, label: string, id: Buffer, wrapWithTrusted: boolean): pkcs11js.Template {
  return [
    { type: CK.CKA_CLASS, value: CK.CKO_PRIVATE_KEY },
    { type: CK.CKA_KEY_TYPE, value: keyType },
    { type: CK.CKA_TOKEN, value: true },
    { type: CK.CKA_PRIVATE, value: true },
    { type: CK.CKA_LABEL, value: label },
    { type: CK.CKA_ID, value: id },
    { type: CK.CKA_SENSITIVE, value: true },
    { type: CK.CKA_EXTRACTABLE, value: wrapWithTrusted },
    ...(wrapWithTrusted ? [{ type: CK.CKA_WRAP_WITH_TRUSTED, value: true }] : []),
    { type: CK.CKA_SIGN, value: true },
    { type: CK.CKA_DECRYPT, value: false },
    { type: CK.CKA_UNWRAP, value: false },
    { type: CK.CKA_DERIVE, value: false },
    { type: CK.CKA_MODIFIABLE, value: false },
  ];
}

/**
 * The public half: a token object anyone may read. Its usage attributes (CKA_VERIFY, CKA_ENCRYPT,
 * CKA_WRAP) are left to the module: it sets them itself from the key it made, and some refuse a
 * template that says otherwise (tpm2-pkcs11 fails the generation when a given CKA_VERIFY or
 * CKA_ENCRYPT differs from the TPM object's). What a public key may do costs the KSK nothing, and
 * the app verifies every signature in software, never with this object.
 */
export function kskPublicTemplate(keyType: number, label: string, id: Buffer, keyAttributes: pkcs11js.Template): pkcs11js.Template {
  return [
    { type: CK.CKA_CLASS, value: CK.CKO_PUBLIC_KEY },
    { type: CK.CKA_KEY_TYPE, value: keyType },
    { type: CK.CKA_TOKEN, value: true },
    { type: CK.CKA_PRIVATE, value: false },
    { type: CK.CKA_LABEL, value: label },
    { type: CK.CKA_ID, value: id },
    { type: CK.CKA_MODIFIABLE, value: false },
    ...keyAttributes,
  ];
}

function octetString(bytes: Buffer): Buffer {
  if (bytes.length < 128) return Buffer.concat([Buffer.from([0x04, bytes.length]), bytes]);
  return Buffer.concat([Buffer.from([0x04, 0x81, bytes.length]), bytes]);
}

/** The key attributes of a public key object rebuilt from a DNSKEY public key field (restore). */
export function publicKeyAttributes(algorithm: AlgorithmNumber, publicKey: Buffer): pkcs11js.Template {
  if (algorithm === Algorithm.RSASHA256) {
    const { modulus, exponent } = parseRsaPublicKeyRdata(publicKey);
    return [
      { type: CK.CKA_MODULUS, value: Buffer.from(modulus) },
      { type: CK.CKA_PUBLIC_EXPONENT, value: Buffer.from(exponent) },
    ];
  }
  const point = algorithm === Algorithm.ED25519 ? publicKey : Buffer.concat([Buffer.from([0x04]), publicKey]);
  return [
    { type: CK.CKA_EC_PARAMS, value: ecParamsOf(algorithm) },
    { type: CK.CKA_EC_POINT, value: octetString(point) },
  ];
}

/** The AES key-backup key as a session object: it disappears with the session even if a step fails. */
export function backupKeyTemplate(value: Buffer, use: 'wrap' | 'unwrap'): pkcs11js.Template {
  return [
    { type: CK.CKA_CLASS, value: CK.CKO_SECRET_KEY },
    { type: CK.CKA_KEY_TYPE, value: CK.CKK_AES },
    { type: CK.CKA_TOKEN, value: false },
    // Only the Security Officer may set CKA_TRUSTED, and an SO session creates public objects only.
    { type: CK.CKA_PRIVATE, value: use === 'unwrap' },
    { type: CK.CKA_LABEL, value: 'ksk-ceremony key-backup key' },
    { type: CK.CKA_VALUE, value },
    { type: CK.CKA_SENSITIVE, value: true },
    { type: CK.CKA_EXTRACTABLE, value: false },
    { type: CK.CKA_WRAP, value: use === 'wrap' },
    { type: CK.CKA_UNWRAP, value: use === 'unwrap' },
    { type: CK.CKA_ENCRYPT, value: false },
    { type: CK.CKA_DECRYPT, value: false },
    ...(use === 'wrap' ? [{ type: CK.CKA_TRUSTED, value: true }] : []),
  ];
}
