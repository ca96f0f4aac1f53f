import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedClock } from '../../../core/clock.js';
import { isHsmError } from '../../../core/hsm/errors.js';
import { activateWithShares, commissionSplitPinOnToken } from '../../../core/hsm/quorum.js';
import { parseShareText, shareHash, shareSheet, type Share } from '../../../core/hsm/shares.js';
import { openSession } from '../../../native/index.js';
import { initToken, SOFTHSM_MODULE, softhsmConfig, softhsmToken } from '../../helpers/softhsm.js';
import { sessionOn } from './session.js';

const clock = fixedClock('2026-05-01T09:30:00Z');

test('split PIN: the SO commissions 3 of 7 CO shares, the old PIN stops working, and 3 typed-back share sheets log in', async (t) => {
  const token = softhsmToken(t);
  const session = await sessionOn(t, token, { pin: undefined });
  const { record, shares } = await commissionSplitPinOnToken(session, { soPin: token.soPin, clock });
  assert.equal(record.threshold, 3);
  assert.equal(record.total, 7);
  assert.equal(record.token.label, token.label);
  assert.equal(shares.length, 7);
  assert.equal((await session.identity()).loggedIn, true, 'commissioning proves the shares open the token');
  await session.logout();

  await assert.rejects(openSession({ modulePath: SOFTHSM_MODULE, tokenLabel: token.label, pin: token.userPin, env: { SOFTHSM2_CONF: token.conf } }), (e) =>
    isHsmError(e, 'PIN_INCORRECT'),
  );
  await session.close();

  const fresh = await sessionOn(t, token, { pin: undefined });
  const typed = [shares[1], shares[4], shares[6]].map((s) => parseShareText(shareSheet(s as Share)));
  const activation = await activateWithShares(fresh, record, typed, clock);
  assert.equal(activation.mode, 'split-pin');
  assert.deepEqual(
    activation.presented.map((p) => p.holder),
    ['CO share 2', 'CO share 5', 'CO share 7'],
  );
  assert.deepEqual(
    activation.presented.map((p) => p.credential),
    [shares[1], shares[4], shares[6]].map((s) => shareHash(s as Share)),
  );
  const ksk = await fresh.generateKsk({ algorithm: 'ECDSAP256SHA256', label: 'Kquorum' });
  assert.equal(ksk.key.label, 'Kquorum');
});

test('split PIN: too few, foreign or wrong shares are refused before any login, so the token sees no wrong PIN', async (t) => {
  const config = softhsmConfig(t);
  const token = initToken(config, 'KSK-HSM');
  const other = initToken(config, 'OTHER-HSM');
  const session = await sessionOn(t, token, { pin: undefined });
  const { record, shares } = await commissionSplitPinOnToken(session, { currentPin: token.userPin, threshold: 3, total: 5, clock });
  await session.logout();
  const otherSession = await sessionOn(t, other, { pin: undefined });
  const foreign = await commissionSplitPinOnToken(otherSession, { currentPin: other.userPin, threshold: 3, total: 5, clock });

  await assert.rejects(activateWithShares(session, record, shares.slice(0, 2), clock), /Only 2 share\(s\) were presented; 3 of 5 are needed/);
  await assert.rejects(activateWithShares(session, record, [shares[0], shares[1], foreign.shares[2]] as Share[], clock), /Share 3 belongs to commissioning/);
  const wrong = { ...(shares[2] as Share), data: Buffer.from((shares[2] as Share).data).fill(0, 0, 8) };
  await assert.rejects(activateWithShares(session, record, [shares[0], shares[1], wrong] as Share[], clock), /Share 3 is not the share issued to holder 3/);

  const identity = await session.identity();
  assert.equal(identity.loggedIn, false);
  assert.equal(identity.token.userPinCountLow, false, 'the token never saw a wrong PIN');
  await activateWithShares(session, record, shares.slice(2), clock);
  assert.equal((await session.identity()).loggedIn, true);
});

test("a CO share can be kept on the CO's own PKCS#11 token, behind the CO's PIN", async (t) => {
  const config = softhsmConfig(t);
  const hsm = initToken(config, 'KSK-HSM');
  const coToken = initToken(config, 'CO3-CARD', '3333');
  const session = await sessionOn(t, hsm, { pin: undefined });
  const { record, shares } = await commissionSplitPinOnToken(session, { currentPin: hsm.userPin, clock });
  const card = await sessionOn(t, coToken);
  await card.writeShare(shares[2] as Share);
  await assert.rejects(card.writeShare(shares[2] as Share), (e) => isHsmError(e, 'DUPLICATE_LABEL'));
  await card.logout();
  await assert.rejects(card.readShares(), (e) => isHsmError(e, 'NOT_LOGGED_IN'));
  await card.login('3333');
  const [fromCard] = await card.readShares();
  assert.deepEqual(fromCard, shares[2]);
  await session.logout();
  await activateWithShares(session, record, [shares[0], fromCard, shares[5]] as Share[], clock);
  assert.equal((await session.identity()).loggedIn, true);
});
