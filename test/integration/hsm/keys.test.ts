import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { publicKeyRdataFromKeyObject, verifySignature } from '../../../core/dnssec/algorithms.js';
import { dsRecord, KSK_FLAGS, keyTag } from '../../../core/dnssec/dnskey.js';
import { isHsmError } from '../../../core/hsm/errors.js';
import { rootStyleLabel } from '../../../core/hsm/label.js';
import type { KskAlgorithm } from '../../../core/hsm/port.js';
import { fixedClock } from '../../../core/clock.js';
import { softhsmToken } from '../../helpers/softhsm.js';
import { shared } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';
import { importPem, pkcs11Tool, sessionOn } from './session.js';

const algorithms: { algorithm: KskAlgorithm; rsaBits?: number; number: number; publicKeyLength: number; signatureLength: number }[] = [
  { algorithm: 'RSASHA256', rsaBits: 2048, number: 8, publicKeyLength: 4 + 256, signatureLength: 256 },
  { algorithm: 'RSASHA256', rsaBits: 3072, number: 8, publicKeyLength: 4 + 384, signatureLength: 384 },
  { algorithm: 'RSASHA256', rsaBits: 4096, number: 8, publicKeyLength: 4 + 512, signatureLength: 512 },
  { algorithm: 'ECDSAP256SHA256', number: 13, publicKeyLength: 64, signatureLength: 64 },
  { algorithm: 'ECDSAP384SHA384', number: 14, publicKeyLength: 96, signatureLength: 96 },
  { algorithm: 'ED25519', number: 15, publicKeyLength: 32, signatureLength: 64 },
];

for (const { algorithm, rsaBits, number, publicKeyLength, signatureLength } of algorithms) {
  const name = `${algorithm}${rsaBits ? `-${rsaBits}` : ''}`;
  test(`a ${name} KSK is generated with the deliberate policy, read back, and signs in DNSSEC form`, async (t) => {
    const session = await sessionOn(t, softhsmToken(t));
    const ksk = await session.generateKsk({ algorithm, ...(rsaBits ? { rsaBits } : {}), label: 'KSKTEST' });
    assert.equal(ksk.key.algorithm, number);
    assert.equal(ksk.key.publicKey.length, publicKeyLength);
    assert.equal(ksk.keySizeBits, rsaBits ?? (number === 14 ? 384 : 256));
    if (rsaBits) assert.equal(ksk.key.publicKey.subarray(0, 4).toString('hex'), '03010001', 'e = 65537');
    assert.match(ksk.summary.dnskey, new RegExp(`^\\. 172800 IN DNSKEY 257 3 ${number} `));
    const dnskey = { flags: KSK_FLAGS, protocol: 3, algorithm: number, publicKey: ksk.key.publicKey };
    assert.equal(ksk.summary.keyTag, keyTag(dnskey));
    assert.equal(ksk.summary.dsDigestHex, dsRecord('.', dnskey).digest.toString('hex').toUpperCase());
    assert.equal(ksk.summary.dsDigestPgpWords.length, 32);
    assert.deepEqual(
      { ...ksk.attributes },
      {
        token: true,
        private: true,
        sensitive: true,
        extractable: true,
        wrapWithTrusted: true,
        alwaysSensitive: true,
        neverExtractable: false,
        local: true,
        sign: true,
        decrypt: false,
        unwrap: false,
        derive: false,
      },
    );
    assert.equal(ksk.backupByWrapping, true);
    const data = Buffer.from('the DNSKEY RRset of the root');
    const signature = await session.sign('KSKTEST', data);
    assert.equal(signature.length, signatureLength);
    assert.equal(verifySignature(number, ksk.key.publicKey, data, signature), true);
    assert.deepEqual((await session.findKey('KSKTEST'))?.publicKey, ksk.key.publicKey);
  });
}

test('a generated KSK is seen by pkcs11-tool with its label, ID, usage and access, and the same public key', async (t) => {
  const token = softhsmToken(t);
  const session = await sessionOn(t, token, { clock: fixedClock('2026-04-01T14:00:00Z') });
  const ksk = await session.generateKsk({ algorithm: 'RSASHA256' });
  assert.equal(ksk.key.label, rootStyleLabel(new Date('2026-04-01T14:00:00Z')));
  const objects = pkcs11Tool(token, ['--login', '--pin', token.userPin, '--list-objects']);
  const privateBlock = objects.split(/\n(?=\S)/).find((b) => b.startsWith('Private Key Object')) ?? '';
  assert.match(privateBlock, new RegExp(`label:\\s+${ksk.key.label}\\n`));
  assert.match(privateBlock, new RegExp(`ID:\\s+${ksk.key.idHex}\\n`));
  assert.match(privateBlock, /Usage:\s+sign\n/);
  assert.match(privateBlock, /Access:\s+sensitive, always sensitive, extractable, local/);
  const publicBlock = objects.split(/\n(?=\S)/).find((b) => b.startsWith('Public Key Object')) ?? '';
  // The public half's usage is the module's own choice (the template leaves it alone); SoftHSM2's includes verify.
  assert.match(publicBlock, /Usage:\s+.*\bverify\b/);
  // The public key as opensc reads it gives the same DNSKEY public key field.
  const derFile = path.join(tempDir(t), 'pub.der');
  pkcs11Tool(token, ['--read-object', '--type', 'pubkey', '--label', ksk.key.label, '--output-file', derFile]);
  const spki = readFileSync(derFile);
  assert.deepEqual(publicKeyRdataFromKeyObject(createPublicKey({ key: spki, format: 'der', type: 'spki' })).publicKey, ksk.key.publicKey);
});

test('a key imported with softhsm2-util is usable, with the key tag and DS IANA computes', async (t) => {
  const token = softhsmToken(t);
  importPem(t, token, shared('keys', 'rsa-2048-1.pem'), 'RSA1');
  const session = await sessionOn(t, token);
  const [entry] = await session.listKeys();
  assert.equal(entry?.label, 'RSA1');
  assert.equal(entry?.keyTag, 25486);
  assert.equal(entry?.hasPrivateKey, true);
  assert.equal(entry?.hasPublicKey, true);
  assert.equal(entry?.attributes?.local, false);
  const dnskey = { flags: KSK_FLAGS, protocol: 3, algorithm: 8, publicKey: entry?.publicKey as Buffer };
  assert.equal(dsRecord('.', dnskey).digest.toString('hex').toUpperCase(), '6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20');
  const data = Buffer.from('signed by the imported key');
  const signature = await session.sign('RSA1', data);
  assert.equal(verifySignature(8, dnskey.publicKey, data, signature), true);
});

test('a key is destroyed, both halves, and a fresh search proves it is gone', async (t) => {
  const token = softhsmToken(t);
  const session = await sessionOn(t, token);
  const ksk = await session.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Kgoner1' });
  await session.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Kstays1' });
  const evidence = await session.destroyKey('Kgoner1');
  assert.deepEqual(evidence.destroyed, { privateKey: true, publicKey: true });
  assert.equal(evidence.remainingObjects, 0);
  assert.equal(evidence.keyTag, ksk.summary.keyTag);
  assert.equal(evidence.idHex, ksk.key.idHex);
  assert.equal(await session.findKey('Kgoner1'), null);
  assert.deepEqual(
    (await session.listKeys()).map((k) => k.label),
    ['Kstays1'],
  );
  assert.doesNotMatch(pkcs11Tool(token, ['--login', '--pin', token.userPin, '--list-objects']), /Kgoner1/);
  await assert.rejects(session.destroyKey('Kgoner1'), (e) => isHsmError(e, 'KEY_NOT_FOUND'));
  await assert.rejects(session.sign('Kgoner1', Buffer.from('x')), (e) => isHsmError(e, 'KEY_NOT_FOUND'));
});

test('a label that exists is refused, as is a second private key under one label', async (t) => {
  const token = softhsmToken(t);
  const session = await sessionOn(t, token);
  await session.generateKsk({ algorithm: 'ED25519', label: 'Ktwice1' });
  await assert.rejects(
    session.generateKsk({ algorithm: 'ED25519', label: 'Ktwice1' }),
    (e) => isHsmError(e, 'DUPLICATE_LABEL') && /already holds an object labelled "Ktwice1"/.test(e.message),
  );
  importPem(t, token, shared('keys', 'rsa-2048-1.pem'), 'Ktwice1', '02');
  await session.close();
  const again = await sessionOn(t, token);
  await assert.rejects(again.sign('Ktwice1', Buffer.from('x')), (e) => isHsmError(e, 'DUPLICATE_LABEL') && /2 private keys labelled "Ktwice1"/.test(e.message));
});
