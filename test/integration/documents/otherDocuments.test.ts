import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderLetterPdf } from '../../../core/documents/letters.js';
import { renderShareSheetPdf } from '../../../core/documents/shareSheets.js';
import { renderTrustAnchorSheetPdf } from '../../../core/documents/trustAnchorSheet.js';
import type { LettersInput, ShareSheetsInput, TrustAnchorSheetInput } from '../../../core/documents/types.js';
import { publicKeyRdataFromKeyObject } from '../../../core/dnssec/algorithms.js';
import { sha256Hex } from '../../../core/hash/sha256.js';
import { toPgpWords } from '../../../core/hash/pgpWords.js';
import { shared } from '../../helpers/paths.js';
import { pdfInfo, pdfPages, squeeze } from './pdfTools.js';
import { ceremony } from './rehearsal.js';

const letters: LettersInput = {
  ceremony: { ...ceremony, procedure: 'DR 4.3.1 A: lost KSK, reconstruct from backup' },
  date: '2024-04-01T09:00:00Z',
  sender: {
    name: 'Carla Coordinator',
    title: 'Ceremony Administrator',
    organization: 'Root Zone KSK Operator',
    contact: ['+1 555 0100', 'ceremonies@example.org'],
  },
  reason: 'All HSMs holding the KSK have failed; the KSK must be reconstructed from its encrypted backup.',
  respondBy: '2024-04-10T00:00:00Z',
  letters: [
    {
      recipient: { name: 'Olga Officer', role: 'CO', address: ['1 Main St', 'Springfield'] },
      bring: ['your CO smartcard in TEB BB46327561'],
      reference: 'N-2024-01',
    },
    { recipient: { name: 'Rui Holder', role: 'RKSH' }, bring: ['your recovery key share in TEB BB11112222', 'an identity document'] },
  ],
};

test('notification letters: one per recipient, each numbered on its own, same bytes twice', async (t) => {
  const pdf = await renderLetterPdf(letters);
  assert.ok(pdf.equals(await renderLetterPdf(letters)));
  assert.equal(pdfInfo(t, pdf).CreationDate, '2024-04-01T09:00:00Z');
  const pages = pdfPages(t, pdf);
  const olga = pages.filter((p) => p.includes('Letter to Olga Officer'));
  const rui = pages.filter((p) => p.includes('Letter to Rui Holder'));
  assert.ok(olga.length >= 1 && rui.length >= 1);
  assert.equal(olga.length + rui.length, pages.length);
  assert.match(olga[0] as string, new RegExp(`Letter to Olga Officer — page 1 of ${olga.length}`));
  const olgaText = olga.join('\n');
  for (const text of [
    'Dear Olga Officer,',
    'As a Crypto Officer (CO)',
    'All HSMs holding the KSK have failed',
    'DR 4.3.1 A: lost KSK',
    ceremony.site,
    '2024-04-25 14:00:00 UTC',
    'your CO smartcard in TEB BB46327561',
    'by 2024-04-10',
    'Reference: N-2024-01',
    'Notice of a REHEARSAL key ceremony',
    'I, Olga Officer, received the notice',
  ]) {
    assert.ok(olgaText.includes(text), `Olga's letter lacks "${text}"`);
  }
  assert.match(rui.join('\n'), /As a Recovery Key Share Holder \(RKSH\)/);
  assert.ok(pages.every((p) => p.includes('REHEARSAL — NOT A PRODUCTION CEREMONY')));
});

const shareText = 'K7Q2 M9XA 44PL ZZ01 HJ8W QR5T'.repeat(4);
const shares: ShareSheetsInput = {
  ceremony,
  sheets: [1, 2, 3].map((n) => ({
    holder: { name: `Holder ${n}`, role: `RKSH ${n}` },
    secret: 'Storage master key of the KSK backup, HSM2',
    commissioningId: 'SMK-2024-001',
    shareNumber: n,
    threshold: 2,
    total: 3,
    shareText: `${shareText}${n}`,
    checksum: `c0ffee0${n}`,
  })),
};

test('share sheets: one share a sheet, the text in numbered groups, checksum, M of N', async (t) => {
  const pdf = await renderShareSheetPdf(shares);
  assert.ok(pdf.equals(await renderShareSheetPdf(shares)), 'two renders of the share sheets differ');
  const pages = pdfPages(t, pdf);
  assert.equal(pages.length, 3);
  pages.forEach((page, i) => {
    const n = i + 1;
    assert.match(page, new RegExp(`Share ${n} of 3, Holder ${n} — page 1 of 1`));
    assert.match(page, new RegExp(`Share ${n} of 3: any 2 of the 3 shares recover the secret`));
    assert.match(page, /Commissioning id +SMK-2024-001/);
    assert.match(page, new RegExp(`Checksum +c0ffee0${n}`));
    assert.match(page, /^ *1 +K7Q2 M9XA 44PL ZZ01 HJ8W QR5T\n *2 +K7Q2/m);
    const printed = page
      .split('\n')
      .map((line) => /^ *\d+ {3,}([A-Z0-9]{1,4}( [A-Z0-9]{1,4})*)$/.exec(line)?.[1] ?? '')
      .join('');
    assert.equal(squeeze(printed), squeeze(`${shareText}${n}`), `share ${n} is not printed whole`);
    assert.ok(!pages.some((other, j) => j !== i && other.includes(`Holder ${n} (RKSH ${n})`)), 'a share appears on another sheet');
  });
});

test('a share sheet with an impossible M of N is refused', async () => {
  const bad = { ...shares, sheets: [{ ...shares.sheets[0]!, threshold: 4 }] };
  await assert.rejects(renderShareSheetPdf(bad), { code: 'BAD_REQUEST', message: /share 1 of 3 with a threshold of 4/ });
});

const { algorithm, publicKey } = publicKeyRdataFromKeyObject(createPublicKey(readFileSync(shared('keys', 'rsa-2048-1.pem'), 'utf8')));
const xml = readFileSync(shared('golden', 'root-anchors-example.xml'), 'utf8');
const anchor: TrustAnchorSheetInput = {
  ceremony,
  xml,
  keys: [
    {
      owner: '.',
      ttl: 172800,
      flags: 257,
      protocol: 3,
      algorithm,
      publicKeyBase64: publicKey.toString('base64'),
      id: 'RSA1',
      validFrom: '2010-07-15T00:00:00Z',
    },
  ],
};
const ds = '6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20';

test('the trust-anchor sheet gives DNSKEY, key tag, DS, digest words and the XML with its hash on every page', async (t) => {
  const pdf = await renderTrustAnchorSheetPdf(anchor);
  assert.ok(pdf.equals(await renderTrustAnchorSheetPdf(anchor)));
  const pages = pdfPages(t, pdf);
  const all = pages.join('\n');
  const xmlHash = sha256Hex(xml);
  assert.ok(
    pages.every((p) => p.includes(xmlHash)),
    'the XML hash is not on every page',
  );
  assert.match(all, /KSK key tag 25486 \(RSA1\)/);
  assert.match(all, /Algorithm +8 \(RSASHA256\)/);
  assert.match(all, /\. 172800 IN DNSKEY 257 3 8 AwEAA/);
  assert.ok(all.includes(`. IN DS 25486 8 2 ${ds}`));
  assert.ok(squeeze(all).includes(ds.toLowerCase()));
  assert.ok(all.includes(toPgpWords(Buffer.from(ds, 'hex')).slice(0, 8).join(' ')));
  assert.ok(all.includes('<KeyDigest id="Kjqmt7v" validFrom="2010-07-15T00:00:00+00:00" validUntil="2019-01-11T00:00:00+00:00">'));
});

test('a trust-anchor sheet whose key is not in the XML is refused', async () => {
  const other = xml.replace(ds, ds.replace('6E7D', '6E7E'));
  await assert.rejects(renderTrustAnchorSheetPdf({ ...anchor, xml: other }), {
    code: 'CONFLICT',
    message: /does not contain the DS digest 6E7DF8A5.* of key tag 25486/,
  });
  await assert.rejects(renderTrustAnchorSheetPdf({ ...anchor, keys: [{ ...anchor.keys[0]!, publicKeyBase64: 'not*base64' }] }), { code: 'BAD_REQUEST' });
});
