import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedClock } from '../../../core/clock.js';
import { activateNative, commissionSplitPin, withRebuiltPin } from '../../../core/hsm/quorum.js';
import { splitSecret, type Share } from '../../../core/hsm/shares.js';

const clock = fixedClock('2026-03-01T10:00:00Z');
const token = { label: 'KSK-HSM-1', serial: '1234' };

test('commissioning makes a 128-bit PIN, 3-of-7 CO shares by default, and a record with no secret in it', async () => {
  const { pin, shares, record } = await commissionSplitPin({ clock, token });
  assert.match(pin, /^[0-9a-f]{32}$/);
  assert.equal(shares.length, 7);
  assert.equal(record.threshold, 3);
  assert.equal(record.total, 7);
  assert.equal(record.shareHashes.length, 7);
  assert.equal(record.createdAt, '2026-03-01T10:00:00.000Z');
  assert.ok(!JSON.stringify(record).includes(pin));
  const rebuilt = await withRebuiltPin(record, [shares[6], shares[1], shares[4]] as Share[], async (p) => p);
  assert.equal(rebuilt, pin);
});

test('too few, foreign or altered shares never reach the login', async () => {
  const { shares, record } = await commissionSplitPin({ clock, token, threshold: 3, total: 5 });
  const logins: string[] = [];
  const login = async (p: string) => {
    logins.push(p);
  };
  await assert.rejects(withRebuiltPin(record, shares.slice(0, 2), login), /Only 2 share\(s\) were presented; 3 of 5 are needed/);
  const other = await commissionSplitPin({ clock, token, threshold: 3, total: 5 });
  await assert.rejects(withRebuiltPin(record, [shares[0], shares[1], other.shares[2]] as Share[], login), /Share 3 belongs to commissioning/);
  const altered = { ...(shares[2] as Share), data: Buffer.from((shares[2] as Share).data).fill(7, 0, 4) };
  await assert.rejects(withRebuiltPin(record, [shares[0], shares[1], altered] as Share[], login), /Share 3 is not the share issued to holder 3/);
  assert.deepEqual(logins, []);
});

test('without share hashes in the record, the PIN commitment still stops a wrong PIN', async () => {
  const { shares, record } = await commissionSplitPin({ clock, token });
  const forged = await splitSecret('pin', record.commissioningId, Buffer.alloc(16, 1), 3, 7);
  let called = false;
  await assert.rejects(
    withRebuiltPin({ ...record, shareHashes: [] }, forged.slice(0, 3), async () => {
      called = true;
    }),
    /do not rebuild the PIN of commissioning .*; no login was attempted/,
  );
  assert.equal(called, false);
  assert.equal(shares.length, 7);
});

test('native activation refuses a short or repeated list of CO cards before asking the HSM', async () => {
  let logins = 0;
  const session = {
    login: async () => {
      logins++;
    },
  };
  await assert.rejects(activateNative(session, [{ holder: 'CO1', credential: 'card 11' }], 3, clock), /Only 1 CO credential/);
  await assert.rejects(
    activateNative(
      session,
      [
        { holder: 'CO1', credential: 'a' },
        { holder: 'CO1', credential: 'b' },
        { holder: 'CO2', credential: 'c' },
      ],
      3,
      clock,
    ),
    /listed twice/,
  );
  assert.equal(logins, 0);
  const presented = [1, 4, 6].map((n) => ({ holder: `CO${n}`, credential: `OP card ${n}` }));
  const record = await activateNative(session, presented, 3, clock);
  assert.equal(logins, 1);
  assert.deepEqual(record, { mode: 'native', at: '2026-03-01T10:00:00.000Z', presented, threshold: 3 });
});
