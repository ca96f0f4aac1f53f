import { summarizeKsk } from '../../dnssec/dnskey.js';
import { readXml, type XmlElement } from '../../dnssec/xmlReader.js';
import { KskError } from '../../errors.js';
import { kskKeys } from '../../evidence/registers/hsm.js';
import type { TrustAnchorKey, TrustAnchorSheetInput } from '../types.js';
import { ceremonyInfoOf, eventsOf, type CeremonyLog } from './ceremonyLog.js';

/** The DNSKEY TTL of the root zone, with which the sheet prints each DNSKEY. */
const DNSKEY_TTL = 172800;

const child = (el: XmlElement, name: string): string | undefined => el.children.find((c) => c.name === name)?.text.trim();

/**
 * The keys a root-anchors.xml publishes. RFC 9718 gives each KeyDigest its public key and flags;
 * for RFC 7958's layout, which has only the digest, the key is the one the log recorded (a KSK
 * generated, imported or restored in this workspace) whose DS digest it is.
 */
function keysOf(xml: string, known: readonly { algorithm: number; publicKey: string }[], what: string): TrustAnchorKey[] {
  const root = readXml(Buffer.from(xml, 'utf8'), what);
  const zone = child(root, 'Zone') ?? '.';
  return root.children
    .filter((c) => c.name === 'KeyDigest')
    .map((digest) => {
      const algorithm = Number(child(digest, 'Algorithm'));
      const publicKey = child(digest, 'PublicKey')?.replace(/\s+/g, '');
      const digestHex = (child(digest, 'Digest') ?? '').toUpperCase();
      const fromLog = known.find(
        (k) =>
          k.algorithm === algorithm &&
          summarizeKsk(zone, DNSKEY_TTL, { flags: 257, protocol: 3, algorithm, publicKey: Buffer.from(k.publicKey, 'base64') }).dsDigestHex === digestHex,
      );
      const key = publicKey ?? fromLog?.publicKey;
      if (!key)
        throw new KskError(
          'NOT_FOUND',
          `${what}: the KeyDigest ${digest.attrs.id ?? ''} (line ${digest.line}) has no public key, and the log records no KSK with its digest.`,
        );
      const { id, validFrom, validUntil } = digest.attrs;
      return {
        owner: zone,
        ttl: DNSKEY_TTL,
        flags: Number(child(digest, 'Flags') ?? 257),
        protocol: 3,
        algorithm,
        publicKeyBase64: key,
        ...(id ? { id } : {}),
        ...(validFrom ? { validFrom } : {}),
        ...(validUntil ? { validUntil } : {}),
      };
    });
}

export function trustAnchorSheetInputOf(log: CeremonyLog, paper?: TrustAnchorSheetInput['ceremony']['paper']): TrustAnchorSheetInput {
  const { store } = log;
  const ceremonyId = log.summary.ceremonyId;
  const stored = eventsOf(log, 'artifact.stored')
    .filter((e) => e.payload.kind === 'trust-anchor')
    .at(-1);
  if (!stored) throw new KskError('NOT_FOUND', `Ceremony ${ceremonyId} stored no trust anchor.`);
  const xml = store.readArtifact(stored.payload.sha256).toString('utf8');
  const known = kskKeys(store, { rehearsal: log.opened.payload.rehearsal });
  return { ceremony: ceremonyInfoOf(log, paper), xml, keys: keysOf(xml, known, `The trust anchor ${stored.payload.name} of ceremony ${ceremonyId}`) };
}
