import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import {
  checkShareSet,
  combineShares,
  decodeShare,
  encodeShare,
  parseShareText,
  shareHash,
  shareLines,
  shareSheet,
  splitSecret,
  type Share,
} from '../../../core/hsm/shares.js';

const setId = '0123456789abcdef';

async function fiveOfSeven(): Promise<{ secret: Buffer; shares: Share[] }> {
  const secret = randomBytes(32);
  return { secret, shares: await splitSecret('backup', setId, secret, 5, 7) };
}

test('any M of N shares rebuild the secret; the shares name their set, number, M and N', async () => {
  const { secret, shares } = await fiveOfSeven();
  assert.deepEqual(
    shares.map((s) => s.index),
    [1, 2, 3, 4, 5, 6, 7],
  );
  assert.ok(shares.every((s) => s.setId === setId && s.threshold === 5 && s.total === 7 && s.kind === 'backup'));
  assert.deepEqual(await combineShares([shares[6], shares[0], shares[3], shares[2], shares[5]] as Share[]), secret);
  assert.deepEqual(await combineShares(shares), secret);
  assert.notDeepEqual(await combineShares(shares.slice(0, 4)), secret);
});

test('a share survives encoding and its printed sheet typed back, in any case and with I/L/O for 1/0', async () => {
  const { shares } = await fiveOfSeven();
  const share = shares[2] as Share;
  assert.deepEqual(decodeShare(encodeShare(share)), share);
  const sheet = shareSheet(share);
  assert.match(sheet, /Share 3 of 7; any 5 shares rebuild the key-backup key/);
  assert.match(sheet, new RegExp(shareHash(share)));
  assert.deepEqual(parseShareText(sheet), share);
  const sloppy = shareLines(share)
    .map((l) => l.slice(0, 4) + l.slice(4).toLowerCase().replace(/1/g, 'l').replace(/0/g, 'o'))
    .join('\n');
  assert.deepEqual(parseShareText(sloppy), share);
});

test('a mistyped character is located to its line; a missing line is named', async () => {
  const { shares } = await fiveOfSeven();
  const lines = shareLines(shares[0] as Share);
  const line2 = lines[1] as string;
  const at = 4; // the first character after the line number
  const typo = line2.slice(0, at) + (line2[at] === 'A' ? 'B' : 'A') + line2.slice(at + 1);
  assert.throws(() => parseShareText([lines[0], typo, ...lines.slice(2)].join('\n')), /Line 2 of the share does not match its check/);
  assert.throws(() => parseShareText([lines[0], ...lines.slice(2)].join('\n')), /Line 2 of the share is missing/);
  assert.throws(() => parseShareText('nothing here'), /No share lines/);
});

test('a corrupted share fails its checksum', async () => {
  const { shares } = await fiveOfSeven();
  const bytes = encodeShare(shares[0] as Share);
  bytes[20] = (bytes[20] as number) ^ 0x01;
  assert.throws(() => decodeShare(bytes), /does not match its checksum/);
  assert.throws(() => decodeShare(bytes.subarray(0, 10)), /too short/);
});

test('the share set check names each problem with the share it concerns', async () => {
  const { shares } = await fiveOfSeven();
  const expected = { kind: 'backup' as const, setId, threshold: 5, total: 7, shareHashes: shares.map(shareHash) };
  assert.doesNotThrow(() => checkShareSet(shares.slice(0, 5), expected));
  assert.throws(() => checkShareSet(shares.slice(0, 4), expected), /Only 4 share\(s\) were presented; 5 of 7 are needed/);
  assert.throws(() => checkShareSet([...shares.slice(0, 4), shares[0] as Share], expected), /Share 1 was presented twice/);
  const other = await splitSecret('backup', 'fedcba9876543210', randomBytes(32), 5, 7);
  assert.throws(
    () => checkShareSet([...shares.slice(0, 4), other[4] as Share], expected),
    /Share 5 belongs to backup FEDCBA9876543210, not to backup 0123456789ABCDEF/,
  );
  const pinShares = await splitSecret('pin', setId, randomBytes(16), 5, 7);
  assert.throws(() => checkShareSet([...shares.slice(0, 4), pinShares[4] as Share], expected), /Share 5 is a PIN share, not a backup share/);
  // Well formed, right set, valid checksum, but not the share that was issued: caught by its hash.
  const forged = { ...(shares[4] as Share), data: randomBytes(33) };
  assert.throws(() => checkShareSet([...shares.slice(0, 4), forged], expected), /Share 5 is not the share issued to holder 5/);
});
