import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalBytes, decodeEvent, encodeEvent, GENESIS_PREV_HASH, type EventDocument } from '../../../core/evidence/canonical.js';
import { sha256Hex } from '../../../core/hash/sha256.js';

const doc: EventDocument = {
  v: 1,
  ceremonyId: 'c1',
  seq: 1,
  time: '2025-01-02T03:04:05.678Z',
  prevHash: GENESIS_PREV_HASH,
  type: 'note',
  payload: { text: 'héllo €', data: { b: 1, a: [true, null, 1.5e3] } },
};

test('an event is hashed over its RFC 8785 canonical form: sorted keys, no spaces, shortest numbers', () => {
  const { bytes, hash } = encodeEvent(doc);
  assert.equal(
    bytes.toString('utf8'),
    '{"ceremonyId":"c1","payload":{"data":{"a":[true,null,1500],"b":1},"text":"héllo €"},"prevHash":"' + GENESIS_PREV_HASH + '","seq":1,"time":"2025-01-02T03:04:05.678Z","type":"note","v":1}',
  );
  assert.equal(hash.toString('hex'), sha256Hex(bytes));
});

test('RFC 8785 orders keys by UTF-16 code units', () => {
  assert.equal(canonicalBytes({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, a: 4 }).toString('utf8'), '{"\\r":2,"a":4,"€":1,"😀":3}');
});

test('stored bytes decode back to the same event', () => {
  const decoded = decodeEvent(encodeEvent(doc).bytes);
  assert.ok(decoded.ok);
  assert.deepEqual(decoded.doc, doc);
});

test('bytes that are valid JSON but not canonical are refused', () => {
  const pretty = Buffer.from(JSON.stringify(JSON.parse(encodeEvent(doc).bytes.toString('utf8')), null, 1));
  const decoded = decodeEvent(pretty);
  assert.equal(decoded.ok, false);
  assert.match(decoded.ok ? '' : decoded.reason, /canonical/);
});

test('bytes that are not JSON, or not an event of the vocabulary, are refused with the reason', () => {
  const notJson = decodeEvent(Buffer.from('{"v":1'));
  assert.match(notJson.ok ? '' : notJson.reason, /not JSON/);
  const badPayload = decodeEvent(canonicalBytes({ ...doc, payload: { text: '' } }));
  assert.match(badPayload.ok ? '' : badPayload.reason, /not a valid "note" event/);
  const badTime = decodeEvent(canonicalBytes({ ...doc, time: '2025-01-02 03:04:05' }));
  assert.match(badTime.ok ? '' : badTime.reason, /time/);
});

test('a lone surrogate, which has no exact UTF-8 form, is refused when an event is built', () => {
  assert.throws(() => encodeEvent({ ...doc, payload: { text: 'broken \ud800' } }), /cannot be recorded exactly/);
});
