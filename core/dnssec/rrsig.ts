import { KskError } from '../errors.js';
import { algorithmName, verifySignature } from './algorithms.js';
import { dnskeyRdata, keyTag, nameToWire, type Dnskey } from './dnskey.js';
import { TYPE_DNSKEY, type RrsigFields } from './model.js';

export type { RrsigFields } from './model.js';

const CLASS_IN = 1;

/** RFC 4034 §3.1.3: the labels of the owner, not counting the root (or a leading wildcard). */
export function labelCount(name: string): number {
  const trimmed = name.replace(/\.$/, '');
  if (trimmed === '') return 0;
  const labels = trimmed.split('.');
  return labels[0] === '*' ? labels.length - 1 : labels.length;
}

/**
 * What an RRSIG over a DNSKEY RRset signs (RFC 4034 §3.1.8.1 and §6): the RRSIG RDATA without the
 * signature, then each DNSKEY RR in canonical form (lowercase uncompressed owner, the original
 * TTL), sorted by RDATA as octet strings, duplicates removed.
 */
export function rrsigSignedData(fields: RrsigFields, owner: string, keys: readonly Dnskey[]): Buffer {
  const head = Buffer.alloc(18);
  head.writeUInt16BE(fields.typeCovered, 0);
  head.writeUInt8(fields.algorithm, 2);
  head.writeUInt8(fields.labels, 3);
  head.writeUInt32BE(fields.originalTtl, 4);
  head.writeUInt32BE(fields.expiration >>> 0, 8);
  head.writeUInt32BE(fields.inception >>> 0, 12);
  head.writeUInt16BE(fields.keyTag, 16);

  const ownerWire = nameToWire(owner);
  const rrHead = Buffer.alloc(8);
  rrHead.writeUInt16BE(fields.typeCovered, 0);
  rrHead.writeUInt16BE(CLASS_IN, 2);
  rrHead.writeUInt32BE(fields.originalTtl, 4);

  const rdatas = keys.map(dnskeyRdata).sort(Buffer.compare);
  const parts: Buffer[] = [head, nameToWire(fields.signersName)];
  let previous: Buffer | undefined;
  for (const rdata of rdatas) {
    if (previous && previous.equals(rdata)) continue;
    previous = rdata;
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rdata.length, 0);
    parts.push(ownerWire, rrHead, length, rdata);
  }
  return Buffer.concat(parts);
}

export interface RrsigCheck {
  ok: boolean;
  /** Why it failed, for a person; empty when ok. */
  reason: string;
}

/**
 * Verifies one RRSIG over a DNSKEY RRset with the key it names, as a validator would: the key must
 * be in the set, its tag and algorithm must match the RRSIG's, and the signature must verify.
 */
export function verifyDnskeyRrsig(fields: RrsigFields, signature: Uint8Array, owner: string, rrset: readonly Dnskey[], signingKey: Dnskey): RrsigCheck {
  if (fields.typeCovered !== TYPE_DNSKEY) return { ok: false, reason: `the RRSIG covers type ${fields.typeCovered}, not DNSKEY` };
  if (fields.algorithm !== signingKey.algorithm) {
    return { ok: false, reason: `the RRSIG says algorithm ${fields.algorithm} but the key is algorithm ${signingKey.algorithm}` };
  }
  const tag = keyTag(signingKey);
  if (fields.keyTag !== tag) return { ok: false, reason: `the RRSIG says key tag ${fields.keyTag} but the key's tag is ${tag}` };
  if (!rrset.some((k) => dnskeyRdata(k).equals(dnskeyRdata(signingKey)))) {
    return { ok: false, reason: 'the signing key is not in the DNSKEY RRset it signs' };
  }
  if (fields.labels !== labelCount(owner))
    return { ok: false, reason: `the RRSIG says ${fields.labels} labels but the owner "${owner}" has ${labelCount(owner)}` };
  if (algorithmName(signingKey.algorithm) === null) {
    return { ok: false, reason: `algorithm ${signingKey.algorithm} is not one this app verifies (8, 13, 14, 15)` };
  }
  let valid: boolean;
  try {
    valid = verifySignature(signingKey.algorithm, signingKey.publicKey, rrsigSignedData(fields, owner, rrset), signature);
  } catch (e) {
    if (e instanceof KskError) return { ok: false, reason: e.message };
    throw e;
  }
  return valid ? { ok: true, reason: '' } : { ok: false, reason: 'the signature does not verify over the DNSKEY RRset' };
}
