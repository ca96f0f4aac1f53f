import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifySignature } from '../../../core/dnssec/algorithms.js';
import { isHsmError } from '../../../core/hsm/errors.js';
import type { KskAlgorithm } from '../../../core/hsm/port.js';
import { softhsmToken } from '../../helpers/softhsm.js';
import { importPem, sessionOn } from './session.js';
import { shared } from '../../helpers/paths.js';

const algorithms: { algorithm: KskAlgorithm; number: number; publicKeyLength: number; signatureLength: number }[] = [
  { algorithm: 'ECDSAP256SHA256', number: 13, publicKeyLength: 64, signatureLength: 64 },
  { algorithm: 'ECDSAP384SHA384', number: 14, publicKeyLength: 96, signatureLength: 96 },
  { algorithm: 'ED25519', number: 15, publicKeyLength: 32, signatureLength: 64 },
];

for (const { algorithm, number, publicKeyLength, signatureLength } of algorithms) {
  test(`an ${algorithm} KSK is generated, read back, and signs in DNSSEC form`, async (t) => {
    const session = await sessionOn(t, softhsmToken(t));
    const ksk = await session.generateKsk({ algorithm, label: 'KSKTEST' });
    assert.equal(ksk.key.algorithm, number);
    assert.equal(ksk.key.publicKey.length, publicKeyLength);
    assert.match(ksk.summary.dnskey, new RegExp(`^\\. 172800 IN DNSKEY 257 3 ${number} `));
    assert.equal(ksk.attributes.sensitive, true);
    assert.equal(ksk.attributes.wrapWithTrusted, true);
    const data = Buffer.from('the DNSKEY RRset of the root');
    const signature = await session.sign('KSKTEST', data);
    assert.equal(signature.length, signatureLength);
    assert.equal(verifySignature(number, ksk.key.publicKey, data, signature), true);
    const found = await session.findKey('KSKTEST');
    assert.deepEqual(found?.publicKey, ksk.key.publicKey);
  });
}

test('a key imported with softhsm2-util is usable, with the key tag and DS IANA computes', async (t) => {
  const token = softhsmToken(t);
  importPem(t, token, shared('keys', 'rsa-2048-1.pem'), 'RSA1');
  const session = await sessionOn(t, token);
  const [entry] = await session.listKeys();
  assert.equal(entry?.label, 'RSA1');
  assert.equal(entry?.keyTag, 25486);
  const data = Buffer.from('signed by the imported key');
  const signature = await session.sign('RSA1', data);
  assert.equal(verifySignature(8, entry?.publicKey as Buffer, data, signature), true);
});

test('a missing key is a typed error', async (t) => {
  const session = await sessionOn(t, softhsmToken(t));
  assert.equal(await session.findKey('Knothere'), null);
  await assert.rejects(session.sign('Knothere', Buffer.from('x')), (e) => isHsmError(e, 'KEY_NOT_FOUND'));
});
