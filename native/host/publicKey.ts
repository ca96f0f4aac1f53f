import { Algorithm, type AlgorithmNumber, rsaPublicKeyRdata } from '../../core/dnssec/algorithms.js';
import { HsmError } from '../../core/hsm/errors.js';
import { CK, EC_PARAMS } from '../ck.js';

/** How a key's type and curve read from the HSM map to a DNSSEC algorithm. */
export function algorithmOf(keyType: number, ecParams: Buffer | null): AlgorithmNumber | null {
  if (keyType === CK.CKK_RSA) return Algorithm.RSASHA256;
  if (keyType === CK.CKK_EC && ecParams) {
    if (ecParams.equals(EC_PARAMS.P256)) return Algorithm.ECDSAP256SHA256;
    if (ecParams.equals(EC_PARAMS.P384)) return Algorithm.ECDSAP384SHA384;
  }
  if (keyType === CK.CKK_EC_EDWARDS && ecParams && (ecParams.equals(EC_PARAMS.ED25519) || ecParams.equals(EC_PARAMS.ED25519_NAME))) {
    return Algorithm.ED25519;
  }
  return null;
}

/**
 * CKA_EC_POINT is a DER OCTET STRING by the standard, but some tokens return the bare point;
 * the length tells the two apart, since the point length is fixed by the curve.
 */
function unwrapOctetString(value: Buffer, pointLength: number): Buffer {
  if (value.length === pointLength) return value;
  if (value[0] === 0x04) {
    if (value[1] === pointLength && value.length === pointLength + 2) return value.subarray(2);
    if (value[1] === 0x81 && value[2] === pointLength && value.length === pointLength + 3) return value.subarray(3);
  }
  throw new HsmError('DEVICE_ERROR', `The HSM returned a public point of ${value.length} bytes, which is not a ${pointLength}-byte point.`);
}

/** The DNSKEY public key field from the attributes the HSM returns. */
export function dnskeyPublicKey(algorithm: AlgorithmNumber, attrs: { modulus?: Buffer | null; exponent?: Buffer | null; ecPoint?: Buffer | null }): Buffer {
  if (algorithm === Algorithm.RSASHA256) {
    if (!attrs.modulus || !attrs.exponent) throw new HsmError('DEVICE_ERROR', 'The HSM did not return the RSA modulus and exponent.');
    return rsaPublicKeyRdata(attrs.modulus, attrs.exponent);
  }
  if (!attrs.ecPoint) throw new HsmError('DEVICE_ERROR', 'The HSM did not return the public point.');
  if (algorithm === Algorithm.ED25519) return unwrapOctetString(attrs.ecPoint, 32);
  const coordinate = algorithm === Algorithm.ECDSAP256SHA256 ? 32 : 48;
  const point = unwrapOctetString(attrs.ecPoint, 1 + 2 * coordinate);
  if (point[0] !== 0x04) throw new HsmError('DEVICE_ERROR', 'The HSM returned a compressed EC point; the DNSKEY needs the uncompressed one.');
  return point.subarray(1);
}
