import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { publicKeyRdataFromKeyObject, verifySignature } from '../../../core/dnssec/algorithms.js';
import { dsRecord, KSK_FLAGS, keyTag, REVOKED_KSK_FLAGS, summarizeKsk } from '../../../core/dnssec/dnskey.js';
import { shared } from '../../helpers/paths.js';

const pem = readFileSync(shared('keys', 'rsa-2048-1.pem'), 'utf8');
const { algorithm, publicKey } = publicKeyRdataFromKeyObject(createPublicKey(pem));
const ksk = { flags: KSK_FLAGS, protocol: 3, algorithm, publicKey };

test('the shared test key has the key tag and DS that IANA tooling computes', () => {
  assert.equal(algorithm, 8);
  assert.equal(keyTag(ksk), 25486);
  assert.equal(dsRecord('.', ksk).digest.toString('hex').toUpperCase(), '6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20');
  const summary = summarizeKsk('.', 172800, ksk);
  assert.match(summary.ds, /^\. IN DS 25486 8 2 6E7DF8A5/);
  assert.match(summary.dnskey, /^\. 172800 IN DNSKEY 257 3 8 AwEAA/);
  assert.equal(summary.dsDigestPgpWords.length, 32);
});

test('a revoked key has its own tag', () => {
  const revoked = { ...ksk, flags: REVOKED_KSK_FLAGS };
  assert.notEqual(keyTag(revoked), keyTag(ksk));
  assert.equal(keyTag(revoked), (keyTag(ksk) + 128) % 65536);
});

test('an RSASHA256 signature made with node:crypto verifies, and a flipped bit does not', () => {
  const data = Buffer.from('the DNSKEY RRset');
  const signature = sign('sha256', data, createPrivateKey(pem));
  assert.equal(verifySignature(8, publicKey, data, signature), true);
  signature[10] = (signature[10] as number) ^ 1;
  assert.equal(verifySignature(8, publicKey, data, signature), false);
});
