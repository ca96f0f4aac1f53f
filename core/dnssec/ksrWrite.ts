import { sha256Hex } from '../hash/sha256.js';
import { writeFileAtomic } from './files.js';
import type { AlgorithmPolicy, Bundle, BundleKey, BundleSignature, Ksr, SignaturePolicy, Skr } from './model.js';
import { formatDuration, formatKsrTime } from './time.js';
import { el, xmlDocument, type XmlNode } from './xmlWriter.js';

/** KSRs and SKRs in IANA's XML layout (that of dnssec-keytools' ksrsigner), byte for byte. */

function algorithmNode(a: AlgorithmPolicy): XmlNode {
  const params =
    a.kind === 'RSA'
      ? el('RSA', [
          ['size', a.size],
          ['exponent', a.exponent],
        ])
      : el(a.kind, [['size', a.size]]);
  return el('SignatureAlgorithm', [['algorithm', a.algorithm]], [params]);
}

function policyNode(name: 'KSK' | 'ZSK', p: SignaturePolicy): XmlNode {
  return el(
    name,
    [],
    [
      el('PublishSafety', [], formatDuration(p.publishSafety)),
      el('RetireSafety', [], formatDuration(p.retireSafety)),
      el('MaxSignatureValidity', [], formatDuration(p.maxSignatureValidity)),
      el('MinSignatureValidity', [], formatDuration(p.minSignatureValidity)),
      el('MaxValidityOverlap', [], formatDuration(p.maxValidityOverlap)),
      el('MinValidityOverlap', [], formatDuration(p.minValidityOverlap)),
      ...p.algorithms.map(algorithmNode),
    ],
  );
}

function keyNode(k: BundleKey): XmlNode {
  return el(
    'Key',
    [
      ['keyIdentifier', k.keyIdentifier],
      ['keyTag', k.keyTag],
    ],
    [
      el('TTL', [], k.ttl),
      el('Flags', [], k.flags),
      el('Protocol', [], k.protocol),
      el('Algorithm', [], k.algorithm),
      el('PublicKey', [], k.publicKey.toString('base64')),
    ],
  );
}

function signatureNode(s: BundleSignature): XmlNode {
  return el(
    'Signature',
    [['keyIdentifier', s.keyIdentifier]],
    [
      el('TTL', [], s.ttl),
      el('TypeCovered', [], 'DNSKEY'),
      el('Algorithm', [], s.algorithm),
      el('Labels', [], s.labels),
      el('OriginalTTL', [], s.originalTtl),
      el('SignatureExpiration', [], formatKsrTime(s.expiration)),
      el('SignatureInception', [], formatKsrTime(s.inception)),
      el('KeyTag', [], s.keyTag),
      el('SignersName', [], s.signersName),
      el('SignatureData', [], s.signatureData.toString('base64')),
    ],
  );
}

function bundleNode(name: 'RequestBundle' | 'ResponseBundle', b: Bundle): XmlNode {
  return el(
    name,
    [['id', b.id]],
    [
      el('Inception', [], formatKsrTime(b.inception)),
      el('Expiration', [], formatKsrTime(b.expiration)),
      ...b.signers.map((id) => el('Signer', [['keyIdentifier', id]])),
      ...b.keys.map(keyNode),
      ...b.signatures.map(signatureNode),
    ],
  );
}

function header(doc: Ksr | Skr): XmlNode['attrs'] {
  return [
    ['id', doc.id],
    ['domain', doc.domain],
    ['serial', doc.serial],
  ];
}

function timestamp(doc: Ksr | Skr): XmlNode['attrs'] {
  return doc.timestamp === undefined ? [] : [['timestamp', doc.timestamp]];
}

export function skrToXml(skr: Skr): string {
  return xmlDocument(
    el('KSR', header(skr), [
      el('Response', timestamp(skr), [
        el('ResponsePolicy', [], [policyNode('KSK', skr.kskPolicy), policyNode('ZSK', skr.zskPolicy)]),
        ...skr.bundles.map((b) => bundleNode('ResponseBundle', b)),
      ]),
    ]),
  );
}

export function ksrToXml(ksr: Ksr): string {
  return xmlDocument(
    el('KSR', header(ksr), [
      el('Request', timestamp(ksr), [el('RequestPolicy', [], [policyNode('ZSK', ksr.zskPolicy)]), ...ksr.bundles.map((b) => bundleNode('RequestBundle', b))]),
    ]),
  );
}

/** Writes an SKR so that its path never holds a partial file; returns what a ceremony records of it. */
export async function writeSkrAtomic(filePath: string, skr: Skr): Promise<{ bytes: number; sha256: string }> {
  const xml = skrToXml(skr);
  await writeFileAtomic(filePath, xml);
  return { bytes: Buffer.byteLength(xml), sha256: sha256Hex(xml) };
}
