import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifySignature } from '../../../core/dnssec/algorithms.js';
import { backupHash, parseBackup, serializeBackup } from '../../../core/hsm/backup.js';
import { isHsmError } from '../../../core/hsm/errors.js';
import type { KskAlgorithm } from '../../../core/hsm/port.js';
import { parseShareText, shareHash, shareSheet, type Share } from '../../../core/hsm/shares.js';
import { initToken, softhsmConfig } from '../../helpers/softhsm.js';
import { pkcs11Tool, sessionOn } from './session.js';

/** Token A holds the KSK; token B is another token (its own serial, SO and user PINs) to restore into. */
async function twoTokens(t: Parameters<typeof softhsmConfig>[0]) {
  const config = softhsmConfig(t);
  const tokenA = initToken(config, 'HSM-A', '1111', '1112');
  const tokenB = initToken(config, 'HSM-B', '2221', '2222');
  return { tokenA, tokenB, a: await sessionOn(t, tokenA), b: await sessionOn(t, tokenB) };
}

const cases: { algorithm: KskAlgorithm; rsaBits?: number }[] = [
  { algorithm: 'RSASHA256', rsaBits: 2048 },
  { algorithm: 'ECDSAP256SHA256' },
  { algorithm: 'ECDSAP384SHA384' },
];

for (const { algorithm, rsaBits } of cases) {
  test(`${algorithm}: back up in token A, restore in token B with 5 of 7 RKSH shares (4 refused), signatures verify with the original key`, async (t) => {
    const { tokenA, tokenB, a, b } = await twoTokens(t);
    const ksk = await a.generateKsk({ algorithm, ...(rsaBits ? { rsaBits } : {}), label: 'Kbackup' });
    const { backup, shares } = await a.backupKey('Kbackup', { soPin: tokenA.soPin, userPin: tokenA.userPin });
    assert.equal(shares.length, 7);
    assert.equal(backup.recovery.threshold, 5);
    assert.deepEqual(backup.recovery.shareHashes, shares.map(shareHash));
    assert.equal(backup.key.dnskey, ksk.summary.dnskey);
    assert.equal(backup.key.keyTag, ksk.summary.keyTag);
    assert.equal(backup.source.tokenLabel, 'HSM-A');
    assert.equal((await a.identity()).loggedIn, true, 'the user is logged in again after the SO step');
    // The key-backup key was a session object: nothing is left in token A but the KSK.
    assert.doesNotMatch(pkcs11Tool(tokenA, ['--login', '--pin', tokenA.userPin, '--list-objects']), /key-backup key|Secret Key Object/);

    const file = serializeBackup(backup);
    const restoredBackup = parseBackup(file);
    assert.match(backupHash(file), /^[0-9a-f]{64}$/);
    const sheets = shares.map((s) => parseShareText(shareSheet(s)));

    await assert.rejects(b.restoreKey(restoredBackup, sheets.slice(0, 4)), /Only 4 share\(s\) were presented; 5 of 7 are needed/);
    assert.equal(await b.findKey('Kbackup'), null);

    const restored = await b.restoreKey(restoredBackup, [sheets[6], sheets[1], sheets[3], sheets[0], sheets[5]] as Share[]);
    assert.equal(restored.summary.dnskey, ksk.summary.dnskey);
    assert.equal(restored.summary.keyTag, ksk.summary.keyTag);
    assert.deepEqual(restored.key.publicKey, ksk.key.publicKey);
    assert.equal(restored.publicKeyMatchesBackup, true);
    assert.equal(restored.testSignatureVerified, true);
    assert.equal(restored.token.label, 'HSM-B');
    assert.equal(restored.attributes.sensitive, true);
    assert.equal(restored.attributes.wrapWithTrusted, true);
    assert.equal(restored.attributes.local, false);

    const data = Buffer.from('. 172800 IN DNSKEY RRset');
    const fromB = await b.sign('Kbackup', data);
    const fromA = await a.sign('Kbackup', data);
    assert.equal(verifySignature(ksk.key.algorithm, ksk.key.publicKey, data, fromB), true);
    if (algorithm === 'RSASHA256') assert.deepEqual(fromB, fromA, 'RSA PKCS#1 v1.5 is deterministic: the same key gives the same signature');
    assert.match(pkcs11Tool(tokenB, ['--login', '--pin', tokenB.userPin, '--list-objects']), /label:\s+Kbackup/);
    await assert.rejects(b.restoreKey(restoredBackup, sheets.slice(2)), (e) => isHsmError(e, 'DUPLICATE_LABEL'));
  });
}

test('a restore refuses shares of another backup and a blob wrapped under another key, and leaves nothing behind', async (t) => {
  const { tokenA, a, b, tokenB } = await twoTokens(t);
  await a.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Kone' });
  await a.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Ktwo' });
  const one = await a.backupKey('Kone', { soPin: tokenA.soPin, userPin: tokenA.userPin });
  const two = await a.backupKey('Ktwo', { soPin: tokenA.soPin, userPin: tokenA.userPin });
  await assert.rejects(b.restoreKey(one.backup, [...one.shares.slice(0, 4), two.shares[4]] as Share[]), /Share 5 belongs to backup/);
  // The blob of one backup with the (consistent) shares and commitment of another: the HSM refuses to unwrap.
  const swapped = { ...two.backup, key: one.backup.key, wrappedKey: one.backup.wrappedKey };
  await assert.rejects(b.restoreKey(swapped, two.shares.slice(0, 5)), (e) => isHsmError(e, 'WRAPPED_KEY_INVALID'));
  assert.deepEqual(await b.listKeys(), []);
  assert.doesNotMatch(pkcs11Tool(tokenB, ['--login', '--pin', tokenB.userPin, '--list-objects']), /Kone|Secret Key Object/);
});

test('backup needs the SO: a wrong SO PIN stops it and leaves the user logged in again with no key-backup key behind', async (t) => {
  const { tokenA, a } = await twoTokens(t);
  await a.generateKsk({ algorithm: 'ECDSAP384SHA384', label: 'Kso' });
  await assert.rejects(
    a.backupKey('Kso', { soPin: '0000', userPin: tokenA.userPin }),
    (e) => isHsmError(e, 'PIN_INCORRECT') && /Security Officer/.test(e.message),
  );
  await a.login(tokenA.userPin);
  assert.doesNotMatch(pkcs11Tool(tokenA, ['--login', '--pin', tokenA.userPin, '--list-objects']), /Secret Key Object/);
  assert.ok(await a.findKey('Kso'));
});

test('an Ed25519 KSK cannot be wrapped by SoftHSM2: backup says so plainly', async (t) => {
  const { tokenA, a } = await twoTokens(t);
  await a.generateKsk({ algorithm: 'ED25519', label: 'Ked' });
  await assert.rejects(
    a.backupKey('Ked', { soPin: tokenA.soPin, userPin: tokenA.userPin }),
    (e) => isHsmError(e, 'MECHANISM_NOT_SUPPORTED') && /cannot wrap Ed25519 private keys/.test(e.message),
  );
});
