import { createHash } from 'node:crypto';
import { KskError } from '../errors.js';
import { toPgpWords } from '../hash/pgpWords.js';
import { MAX_DNSKEY_PUBLIC_KEY_BYTES } from './wireLimits.js';

export const DNSKEY_FLAG_REVOKE = 0x0080;
export const DNSKEY_FLAG_SEP = 0x0001;
/** A KSK: ZONE | SEP. */
export const KSK_FLAGS = 257;
/** A KSK with the RFC 5011 REVOKE bit. */
export const REVOKED_KSK_FLAGS = 385;
export const ZSK_FLAGS = 256;

export interface Dnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Buffer;
}

export const DigestType = { SHA256: 2, SHA384: 4 } as const;
export type DigestTypeNumber = (typeof DigestType)[keyof typeof DigestType];

/** A domain name in canonical wire form (RFC 4034 §6.2: lowercase, uncompressed). */
export function nameToWire(name: string): Buffer {
  const trimmed = name === '.' ? '' : name.replace(/\.$/, '');
  if (trimmed === '') return Buffer.from([0]);
  const parts: Buffer[] = [];
  for (const label of trimmed.split('.')) {
    const bytes = Buffer.from(label.toLowerCase(), 'ascii');
    if (bytes.length === 0 || bytes.length > 63) throw new KskError('BAD_REQUEST', `Invalid label in domain name "${name}".`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  const wire = Buffer.concat(parts);
  if (wire.length > 255) throw new KskError('BAD_REQUEST', `Domain name "${name}" is too long.`);
  return wire;
}

export function dnskeyRdata(key: Dnskey): Buffer {
  if (key.publicKey.length > MAX_DNSKEY_PUBLIC_KEY_BYTES) {
    throw new KskError(
      'BAD_INPUT_FILE',
      `A DNSKEY public key of ${key.publicKey.length} bytes does not fit the DNS wire format (at most ${MAX_DNSKEY_PUBLIC_KEY_BYTES}).`,
    );
  }
  const head = Buffer.alloc(4);
  head.writeUInt16BE(key.flags, 0);
  head.writeUInt8(key.protocol, 2);
  head.writeUInt8(key.algorithm, 3);
  return Buffer.concat([head, key.publicKey]);
}

/** RFC 4034 appendix B (algorithm 1 is long gone and refused elsewhere). */
export function keyTag(key: Dnskey): number {
  const rdata = dnskeyRdata(key);
  let acc = 0;
  for (let i = 0; i < rdata.length; i++) acc += i & 1 ? (rdata[i] as number) : (rdata[i] as number) << 8;
  acc += (acc >> 16) & 0xffff;
  return acc & 0xffff;
}

export function dsDigest(owner: string, key: Dnskey, digestType: DigestTypeNumber = DigestType.SHA256): Buffer {
  const hash = digestType === DigestType.SHA256 ? 'sha256' : 'sha384';
  return createHash(hash).update(nameToWire(owner)).update(dnskeyRdata(key)).digest();
}

export interface DsRecord {
  owner: string;
  keyTag: number;
  algorithm: number;
  digestType: DigestTypeNumber;
  digest: Buffer;
}

export function dsRecord(owner: string, key: Dnskey, digestType: DigestTypeNumber = DigestType.SHA256): DsRecord {
  return { owner, keyTag: keyTag(key), algorithm: key.algorithm, digestType, digest: dsDigest(owner, key, digestType) };
}

function absoluteName(owner: string): string {
  return owner.endsWith('.') ? owner : `${owner}.`;
}

export function dnskeyPresentation(owner: string, ttl: number, key: Dnskey): string {
  return `${absoluteName(owner)} ${ttl} IN DNSKEY ${key.flags} ${key.protocol} ${key.algorithm} ${key.publicKey.toString('base64')}`;
}

export function dsPresentation(ds: DsRecord): string {
  return `${absoluteName(ds.owner)} IN DS ${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest.toString('hex').toUpperCase()}`;
}

/** What a ceremony shows and records of a KSK: the DNSKEY, its tag, its DS (hex and PGP words). */
export interface KskSummary {
  dnskey: string;
  keyTag: number;
  ds: string;
  dsDigestHex: string;
  dsDigestPgpWords: string[];
}

export function summarizeKsk(owner: string, ttl: number, key: Dnskey): KskSummary {
  const ds = dsRecord(owner, key);
  return {
    dnskey: dnskeyPresentation(owner, ttl, key),
    keyTag: ds.keyTag,
    ds: dsPresentation(ds),
    dsDigestHex: ds.digest.toString('hex').toUpperCase(),
    dsDigestPgpWords: toPgpWords(ds.digest),
  };
}
