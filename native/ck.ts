import pkcs11js from 'pkcs11js';
import { Mechanism } from '../core/hsm/capabilities.js';

/**
 * The PKCS#11 constants the app uses. pkcs11js 2.x predates the Edwards-curve ones of PKCS#11 3.0,
 * which SoftHSM2 2.6 and current HSMs implement, and its typings lack the slot flags, so those are
 * written out here; mechanisms come from core/hsm/capabilities.ts, which names them in profiles.
 */
export const CK = {
  CKO_DATA: pkcs11js.CKO_DATA,
  CKO_PUBLIC_KEY: pkcs11js.CKO_PUBLIC_KEY,
  CKO_PRIVATE_KEY: pkcs11js.CKO_PRIVATE_KEY,
  CKO_SECRET_KEY: pkcs11js.CKO_SECRET_KEY,
  CKK_RSA: pkcs11js.CKK_RSA,
  CKK_EC: pkcs11js.CKK_EC,
  CKK_EC_EDWARDS: 0x40,
  CKK_AES: pkcs11js.CKK_AES,
  // The mechanisms from the one table the capability profile reports them by.
  CKM_RSA_PKCS_KEY_PAIR_GEN: Mechanism.CKM_RSA_PKCS_KEY_PAIR_GEN,
  CKM_EC_KEY_PAIR_GEN: Mechanism.CKM_EC_KEY_PAIR_GEN,
  CKM_EC_EDWARDS_KEY_PAIR_GEN: Mechanism.CKM_EC_EDWARDS_KEY_PAIR_GEN,
  CKM_AES_KEY_WRAP_PAD: Mechanism.CKM_AES_KEY_WRAP_PAD,
  CKA_CLASS: pkcs11js.CKA_CLASS,
  CKA_TOKEN: pkcs11js.CKA_TOKEN,
  CKA_PRIVATE: pkcs11js.CKA_PRIVATE,
  CKA_LABEL: pkcs11js.CKA_LABEL,
  CKA_APPLICATION: pkcs11js.CKA_APPLICATION,
  CKA_VALUE: pkcs11js.CKA_VALUE,
  CKA_VALUE_LEN: pkcs11js.CKA_VALUE_LEN,
  CKA_ID: pkcs11js.CKA_ID,
  CKA_KEY_TYPE: pkcs11js.CKA_KEY_TYPE,
  CKA_SENSITIVE: pkcs11js.CKA_SENSITIVE,
  CKA_EXTRACTABLE: pkcs11js.CKA_EXTRACTABLE,
  CKA_WRAP_WITH_TRUSTED: pkcs11js.CKA_WRAP_WITH_TRUSTED,
  CKA_TRUSTED: pkcs11js.CKA_TRUSTED,
  CKA_ALWAYS_SENSITIVE: pkcs11js.CKA_ALWAYS_SENSITIVE,
  CKA_NEVER_EXTRACTABLE: pkcs11js.CKA_NEVER_EXTRACTABLE,
  CKA_LOCAL: pkcs11js.CKA_LOCAL,
  CKA_MODIFIABLE: pkcs11js.CKA_MODIFIABLE,
  CKA_SIGN: pkcs11js.CKA_SIGN,
  CKA_ENCRYPT: pkcs11js.CKA_ENCRYPT,
  CKA_DECRYPT: pkcs11js.CKA_DECRYPT,
  CKA_WRAP: pkcs11js.CKA_WRAP,
  CKA_UNWRAP: pkcs11js.CKA_UNWRAP,
  CKA_DERIVE: pkcs11js.CKA_DERIVE,
  CKA_MODULUS: pkcs11js.CKA_MODULUS,
  CKA_MODULUS_BITS: pkcs11js.CKA_MODULUS_BITS,
  CKA_PUBLIC_EXPONENT: pkcs11js.CKA_PUBLIC_EXPONENT,
  CKA_EC_PARAMS: pkcs11js.CKA_EC_PARAMS,
  CKA_EC_POINT: pkcs11js.CKA_EC_POINT,
  CKU_SO: pkcs11js.CKU_SO,
  CKU_USER: pkcs11js.CKU_USER,
  CKF_SERIAL_SESSION: pkcs11js.CKF_SERIAL_SESSION,
  CKF_RW_SESSION: pkcs11js.CKF_RW_SESSION,
  CKF_OS_LOCKING_OK: pkcs11js.CKF_OS_LOCKING_OK,
  CKF_TOKEN_PRESENT: 0x1,
  /** A token flag: it has a random number generator. */
  CKF_RNG: 0x1,
  CKF_REMOVABLE_DEVICE: 0x2,
  CKF_HW_SLOT: 0x4,
  CKF_LOGIN_REQUIRED: pkcs11js.CKF_LOGIN_REQUIRED,
  CKF_USER_PIN_INITIALIZED: pkcs11js.CKF_USER_PIN_INITIALIZED,
  CKF_TOKEN_INITIALIZED: pkcs11js.CKF_TOKEN_INITIALIZED,
  CKF_PROTECTED_AUTHENTICATION_PATH: pkcs11js.CKF_PROTECTED_AUTHENTICATION_PATH,
  CKF_USER_PIN_COUNT_LOW: pkcs11js.CKF_USER_PIN_COUNT_LOW,
  CKF_USER_PIN_FINAL_TRY: pkcs11js.CKF_USER_PIN_FINAL_TRY,
  CKF_USER_PIN_LOCKED: pkcs11js.CKF_USER_PIN_LOCKED,
} as const;

/** DER of the curve OIDs in CKA_EC_PARAMS. */
export const EC_PARAMS = {
  P256: Buffer.from('06082a8648ce3d030107', 'hex'),
  P384: Buffer.from('06052b81040022', 'hex'),
  /** id-Ed25519 (RFC 8410); some tokens report the PrintableString "edwards25519" instead. */
  ED25519: Buffer.from('06032b6570', 'hex'),
  ED25519_NAME: Buffer.from('130c656477617264733235353139', 'hex'),
} as const;

/** CK_UNAVAILABLE_INFORMATION as pkcs11js reports it in a 64-bit CK_ULONG. */
export function available(n: number): number | null {
  return n === 2 ** 64 - 1 || n === 0xffffffff || n < 0 || !Number.isFinite(n) || n > Number.MAX_SAFE_INTEGER ? null : n;
}
