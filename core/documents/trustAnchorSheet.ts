import { algorithmName } from '../dnssec/algorithms.js';
import { DNSKEY_FLAG_REVOKE, summarizeKsk, type KskSummary } from '../dnssec/dnskey.js';
import { KskError } from '../errors.js';
import { sha256Hex } from '../hash/sha256.js';
import { hashBlock, keyValues } from './blocks.js';
import { ceremonyPdfOptions, ceremonyRows } from './cover.js';
import { Pdf } from './pdf.js';
import { utcDisplay } from './text.js';
import type { TrustAnchorKey, TrustAnchorSheetInput } from './types.js';

function summarize(key: TrustAnchorKey, xml: string): KskSummary {
  const base64 = key.publicKeyBase64.replace(/\s+/g, '');
  const publicKey = Buffer.from(base64, 'base64');
  if (publicKey.length === 0 || publicKey.toString('base64') !== base64) {
    throw new KskError('BAD_REQUEST', `The public key of ${key.id ? `trust anchor ${key.id}` : 'a trust anchor'} is not base64.`);
  }
  const summary = summarizeKsk(key.owner, key.ttl, { flags: key.flags, protocol: key.protocol, algorithm: key.algorithm, publicKey });
  // The sheet binds the DNSKEY to the published file: a digest the XML does not carry is a mix-up.
  if (!xml.toUpperCase().includes(summary.dsDigestHex)) {
    throw new KskError('CONFLICT', `The trust anchor XML does not contain the DS digest ${summary.dsDigestHex} of key tag ${summary.keyTag}.`);
  }
  return summary;
}

/**
 * The trust-anchor publication sheet: for each KSK its DNSKEY, key tag, DS and DS digest in hex and
 * PGP words; then root-anchors.xml itself and its SHA-256, which is also at the foot of every page.
 */
export async function renderTrustAnchorSheetPdf(input: TrustAnchorSheetInput): Promise<Buffer> {
  const { ceremony, xml } = input;
  const xmlHash = sha256Hex(Buffer.from(xml, 'utf8'));
  const summaries = input.keys.map((key) => summarize(key, xml));
  const pdf = new Pdf(ceremonyPdfOptions(ceremony, 'Trust anchor publication', { label: 'root-anchors.xml SHA-256', hex: xmlHash }));

  pdf.heading('Trust anchor publication', 1);
  keyValues(pdf, [...ceremonyRows(ceremony), ['Mode', ceremony.mode], ['Keys', String(input.keys.length)]]);

  input.keys.forEach((key, i) => {
    const summary = summaries[i] as KskSummary;
    pdf.heading(`KSK key tag ${summary.keyTag}${key.id ? ` (${key.id})` : ''}`);
    const flags = `${key.flags}${key.flags & DNSKEY_FLAG_REVOKE ? ' (REVOKED)' : ''}`;
    keyValues(pdf, [
      ['Owner', key.owner],
      ['Key tag', String(summary.keyTag)],
      ['Algorithm', `${key.algorithm} (${algorithmName(key.algorithm) ?? 'unknown'})`],
      ['Flags', flags],
      ...(key.validFrom ? [['Valid from', utcDisplay(key.validFrom, `validFrom of key ${summary.keyTag}`)] as const] : []),
      ...(key.validUntil ? [['Valid until', utcDisplay(key.validUntil, `validUntil of key ${summary.keyTag}`)] as const] : []),
    ]);
    pdf.paragraph('DNSKEY', { font: 'bold', size: 9.5, gap: 2 });
    pdf.paragraph(summary.dnskey, { font: 'mono', size: 7.5 });
    pdf.paragraph('DS', { font: 'bold', size: 9.5, gap: 2 });
    pdf.paragraph(summary.ds, { font: 'mono', size: 7.5 });
    hashBlock(pdf, { label: `DS digest (SHA-256) of key tag ${summary.keyTag}`, hex: summary.dsDigestHex });
  });

  pdf.heading('root-anchors.xml');
  hashBlock(pdf, { label: 'SHA-256 of root-anchors.xml', hex: xmlHash });
  pdf.paragraph(xml, { font: 'mono', size: 7.5 });
  return pdf.finish();
}
