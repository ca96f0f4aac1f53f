import { createHash } from 'node:crypto';
import { KskError } from '../errors.js';
import { toPgpWords } from '../hash/pgpWords.js';
import { DigestType, dnskeyPresentation, dsPresentation, dsRecord, KSK_FLAGS, keyTag, type Dnskey } from './dnskey.js';
import { formatKsrTime, type UtcSeconds } from './time.js';
import { el, xmlDocument } from './xmlWriter.js';

/** A KSK as a trust anchor: its HSM label is the KeyDigest id (root practice). */
export interface TrustAnchorKey {
  id: string;
  dnskey: Dnskey;
  validFrom: UtcSeconds;
  validUntil?: UtcSeconds;
}

export interface TrustAnchorOptions {
  zone?: string;
  /** The TrustAnchor id; by default a UUID derived from the digests, so the same keys give the same file. */
  id?: string;
  source?: string;
  /** RFC 9718 adds the DNSKEY's <PublicKey> and <Flags> to each KeyDigest; false writes RFC 7958's layout. */
  includePublicKey?: boolean;
}

const IANA_SOURCE = 'http://data.iana.org/root-anchors/root-anchors.xml';

function sorted(keys: readonly TrustAnchorKey[]): TrustAnchorKey[] {
  for (const k of keys) {
    if (k.dnskey.flags !== KSK_FLAGS)
      throw new KskError('BAD_REQUEST', `Key ${k.id} has flags ${k.dnskey.flags}: a trust anchor is an unrevoked KSK (flags 257).`);
  }
  return [...keys].sort((a, b) => a.validFrom - b.validFrom || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A name-based UUID (RFC 9562 version 8) over the zone and the DS digests. */
function derivedId(zone: string, keys: readonly TrustAnchorKey[]): string {
  const hash = createHash('sha256').update(zone);
  for (const k of keys) hash.update(`\n${k.id} ${dsRecord(zone, k.dnskey).digest.toString('hex')} ${k.validFrom} ${k.validUntil ?? ''}`);
  const b = hash.digest().subarray(0, 16);
  b[6] = ((b[6] as number) & 0x0f) | 0x80;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const hex = b.toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** root-anchors.xml (RFC 9718), in the element layout IANA's tool writes. */
export function trustAnchorXml(keys: readonly TrustAnchorKey[], options: TrustAnchorOptions = {}): string {
  const zone = options.zone ?? '.';
  const ordered = sorted(keys);
  if (ordered.length === 0) throw new KskError('BAD_REQUEST', 'A trust anchor needs at least one KSK.');
  const digests = ordered.map((k) => {
    const ds = dsRecord(zone, k.dnskey, DigestType.SHA256);
    return el(
      'KeyDigest',
      [['id', k.id], ['validFrom', formatKsrTime(k.validFrom)], ...(k.validUntil === undefined ? [] : [['validUntil', formatKsrTime(k.validUntil)] as const])],
      [
        el('KeyTag', [], ds.keyTag),
        el('Algorithm', [], ds.algorithm),
        el('DigestType', [], ds.digestType),
        el('Digest', [], ds.digest.toString('hex').toUpperCase()),
        ...(options.includePublicKey === false ? [] : [el('PublicKey', [], k.dnskey.publicKey.toString('base64')), el('Flags', [], k.dnskey.flags)]),
      ],
    );
  });
  const root = el(
    'TrustAnchor',
    [
      ['id', options.id ?? derivedId(zone, ordered)],
      ['source', options.source ?? IANA_SOURCE],
    ],
    [el('Zone', [], zone), ...digests],
  );
  return xmlDocument(root, { indent: '', finalNewline: false });
}

/** What is published and read aloud with the XML: DS records, the DNSKEY, the digest in hex and PGP words. */
export interface TrustAnchorEntry {
  id: string;
  keyTag: number;
  algorithm: number;
  validFrom: string;
  validUntil: string | null;
  dnskey: string;
  dsSha256: string;
  dsSha384: string;
  digestHex: string;
  digestPgpWords: string[];
}

export function trustAnchorEntries(keys: readonly TrustAnchorKey[], zone = '.', ttl = 172800): TrustAnchorEntry[] {
  return sorted(keys).map((k) => {
    const ds = dsRecord(zone, k.dnskey, DigestType.SHA256);
    return {
      id: k.id,
      keyTag: keyTag(k.dnskey),
      algorithm: k.dnskey.algorithm,
      validFrom: formatKsrTime(k.validFrom),
      validUntil: k.validUntil === undefined ? null : formatKsrTime(k.validUntil),
      dnskey: dnskeyPresentation(zone, ttl, k.dnskey),
      dsSha256: dsPresentation(ds),
      dsSha384: dsPresentation(dsRecord(zone, k.dnskey, DigestType.SHA384)),
      digestHex: ds.digest.toString('hex').toUpperCase(),
      digestPgpWords: toPgpWords(ds.digest),
    };
  });
}
