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
    '{"ceremonyId":"c1","payload":{"data":{"a":[true,null,1500],"b":1},"text":"héllo €"},"prevHash":"' +
      GENESIS_PREV_HASH +
      '","seq":1,"time":"2025-01-02T03:04:05.678Z","type":"note","v":1}',
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

/** The record of `doc` with its payload's data replaced by raw JSON text, as a forger could store it. */
const withData = (dataJson: string) => Buffer.from(encodeEvent(doc).bytes.toString('utf8').replace('{"a":[true,null,1500],"b":1}', dataJson), 'utf8');

test('decoding takes the short path only where the whole check agrees: integer-like keys, escapes, envelopes', () => {
  // Integer-like keys enumerate in numeric order ("9" before "10"), canonical order is "10" before "9".
  const canonicalNumericKeys = withData('{"10":1,"9":2}');
  const numeric = decodeEvent(canonicalNumericKeys);
  assert.ok(numeric.ok);
  assert.deepEqual(numeric.doc.payload, { text: 'héllo €', data: { 9: 2, 10: 1 } });
  assert.deepEqual(decodeEvent(withData('{"9":2,"10":1}')), { ok: false, reason: 'its stored bytes are not in canonical (RFC 8785) form' });
  // A lone surrogate written as an escape: JSON.stringify would write it back the same, RFC 8785 has no form for it.
  assert.deepEqual(decodeEvent(withData('{"a":"\\ud800"}')), { ok: false, reason: 'its stored bytes are not in canonical (RFC 8785) form' });
  assert.equal(decodeEvent(withData('{"a":"\\\\ud800"}')).ok, true, 'a backslash before "ud" is only text');
  // Invalid UTF-8 inside a string decodes to U+FFFD, so the bytes do not come back.
  const bad = Buffer.from(withData('{"a":"xx"}'));
  bad[bad.indexOf('"xx"') + 1] = 0xc3;
  assert.deepEqual(decodeEvent(bad), { ok: false, reason: 'its stored bytes are not in canonical (RFC 8785) form' });
  // Envelopes the short path does not take are refused with the schema's own reason.
  const record = JSON.parse(encodeEvent(doc).bytes.toString('utf8')) as Record<string, unknown>;
  const stored = (r: Record<string, unknown>) => canonicalBytes(r);
  assert.match((decodeEvent(stored({ ...record, extra: 1 })) as { reason: string }).reason, /^its record is malformed \(/);
  assert.match((decodeEvent(stored({ ...record, seq: 1.5 })) as { reason: string }).reason, /^its record is malformed \(seq: /);
  assert.match((decodeEvent(stored({ ...record, seq: 2 ** 60 })) as { reason: string }).reason, /^its record is malformed \(seq: /);
  assert.match((decodeEvent(stored({ ...record, ceremonyId: 'no spaces allowed' })) as { reason: string }).reason, /^its record is malformed \(ceremonyId: /);
  assert.match((decodeEvent(stored({ ...record, type: 'no.such.type' })) as { reason: string }).reason, /^it is not a valid "no.such.type" event \(/);
  assert.match((decodeEvent(stored({ ...record, payload: { text: '' } })) as { reason: string }).reason, /^it is not a valid "note" event \(payload\.text: /);
  const { payload: _payload, ...noPayload } = record;
  assert.equal(decodeEvent(stored(noPayload)).ok, false);
});
