import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backupHash, backupKeyCommitment, checkBackupKey, KEY_BACKUP_FORMAT, parseBackup, serializeBackup, type KeyBackup } from '../../../core/hsm/backup.js';

const key = Buffer.alloc(32, 9);
const backup: KeyBackup = {
  format: KEY_BACKUP_FORMAT,
  backupId: '00112233aabbccdd',
  createdAt: '2026-03-01T10:00:00.000Z',
  key: {
    label: 'Kabcdef',
    idHex: '01',
    algorithm: 13,
    publicKey: Buffer.alloc(64, 1).toString('base64'),
    dnskey: '. 172800 IN DNSKEY 257 3 13 AQ==',
    keyTag: 1,
    dsDigestHex: 'AB',
  },
  source: { tokenLabel: 'A', serial: '1', model: 'SoftHSM v2', manufacturer: 'SoftHSM project' },
  wrapping: { mechanism: 'CKM_AES_KEY_WRAP_PAD', keyBits: 256, keyCommitment: backupKeyCommitment('00112233aabbccdd', key) },
  wrappedKey: 'AAAA',
  recovery: { threshold: 5, total: 7, shareHashes: [] },
};

test('a backup file reads back as written, and its hash is over its exact bytes', () => {
  const bytes = serializeBackup(backup);
  assert.deepEqual(parseBackup(bytes), backup);
  assert.equal(backupHash(bytes), backupHash(serializeBackup(parseBackup(bytes))));
  assert.notEqual(backupHash(bytes), backupHash(Buffer.concat([bytes, Buffer.from(' ')])));
});

test('a damaged backup file is refused with the field named', () => {
  assert.throws(() => parseBackup(Buffer.from('{')), /not JSON/);
  const bad = JSON.parse(serializeBackup(backup).toString()) as { key: { algorithm: number } };
  bad.key.algorithm = 5;
  assert.throws(() => parseBackup(Buffer.from(JSON.stringify(bad))), /key\.algorithm/);
});

test('only the key the backup committed to passes the check', () => {
  assert.doesNotThrow(() => checkBackupKey(backup, key));
  assert.throws(() => checkBackupKey(backup, Buffer.alloc(32, 8)), /do not rebuild the key-backup key of backup 00112233AABBCCDD/);
});
