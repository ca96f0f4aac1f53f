import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { publicKeyRdataFromKeyObject } from '../../../core/dnssec/algorithms.js';
import { KSK_FLAGS, REVOKED_KSK_FLAGS } from '../../../core/dnssec/dnskey.js';
import { parseSkr } from '../../../core/dnssec/ksrParse.js';
import { trustAnchorEntries, trustAnchorXml } from '../../../core/dnssec/trustAnchor.js';
import { toPgpWords } from '../../../core/hash/pgpWords.js';
import { shared } from '../../helpers/paths.js';

const { algorithm, publicKey } = publicKeyRdataFromKeyObject(createPublicKey(readFileSync(shared('keys', 'rsa-2048-1.pem'), 'utf8')));
const rsa1 = { flags: KSK_FLAGS, protocol: 3, algorithm, publicKey };
const validFrom = Date.UTC(2010, 6, 15) / 1000;
const golden = readFileSync(shared('golden', 'root-anchors-example.xml'), 'utf8');
const skr = parseSkr(readFileSync(shared('skr', 'skr-root-2018-q1-0-d_to_e.xml')));
const kjqmt7v = skr.bundles[0]?.keys.find((k) => k.keyIdentifier === 'Kjqmt7v') as (typeof skr.bundles)[number]['keys'][number];

function keyDigest(xml: string, id: string): string {
  const m = new RegExp(`<KeyDigest id="${id}"[\\s\\S]*?</KeyDigest>`).exec(xml);
  assert.ok(m, `no KeyDigest ${id}`);
  return m[0];
}

test("in RFC 7958 layout, each KeyDigest is the one IANA's tool writes, byte for byte", () => {
  const xml = trustAnchorXml(
    [
      { id: 'RSA1', dnskey: rsa1, validFrom },
      { id: 'Kjqmt7v', dnskey: kjqmt7v, validFrom, validUntil: Date.UTC(2019, 0, 11) / 1000 },
    ],
    { id: 'peer-test-anchor', includePublicKey: false },
  );
  assert.equal(keyDigest(xml, 'RSA1'), keyDigest(golden, 'RSA1'));
  assert.equal(keyDigest(xml, 'Kjqmt7v'), keyDigest(golden, 'Kjqmt7v'));
  assert.ok(
    xml.startsWith(
      '<?xml version="1.0" encoding="UTF-8"?>\n<TrustAnchor id="peer-test-anchor" source="http://data.iana.org/root-anchors/root-anchors.xml">\n<Zone>.</Zone>\n',
    ),
  );
  assert.ok(xml.endsWith('</KeyDigest>\n</TrustAnchor>'));
});

test('RFC 9718 adds PublicKey and Flags; the same keys give the same file, other keys another id', () => {
  const a = trustAnchorXml([{ id: 'RSA1', dnskey: rsa1, validFrom }]);
  assert.match(
    a,
    /<Digest>6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20<\/Digest>\n<PublicKey>AwEAA[^<]+<\/PublicKey>\n<Flags>257<\/Flags>\n<\/KeyDigest>/,
  );
  assert.equal(trustAnchorXml([{ id: 'RSA1', dnskey: rsa1, validFrom }]), a);
  const id = (xml: string) => /TrustAnchor id="([^"]+)"/.exec(xml)?.[1];
  assert.match(id(a) ?? '', /^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  assert.notEqual(id(trustAnchorXml([{ id: 'Kjqmt7v', dnskey: kjqmt7v, validFrom }])), id(a));
  assert.throws(
    () => trustAnchorXml([{ id: 'RSA1', dnskey: { ...rsa1, flags: REVOKED_KSK_FLAGS }, validFrom }]),
    /flags 385: a trust anchor is an unrevoked KSK/,
  );
});

test('what is published beside the XML: DS SHA-256 and SHA-384, the DNSKEY, the digest as PGP words', () => {
  const [entry] = trustAnchorEntries([{ id: 'RSA1', dnskey: rsa1, validFrom }]);
  assert.equal(entry?.keyTag, 25486);
  assert.equal(entry?.dsSha256, '. IN DS 25486 8 2 6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20');
  assert.match(entry?.dsSha384 ?? '', /^\. IN DS 25486 8 4 [0-9A-F]{96}$/);
  assert.match(entry?.dnskey ?? '', /^\. 172800 IN DNSKEY 257 3 8 AwEAA/);
  assert.deepEqual(entry?.digestPgpWords, toPgpWords(Buffer.from('6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20', 'hex')));
  assert.equal(entry?.validUntil, null);
});
