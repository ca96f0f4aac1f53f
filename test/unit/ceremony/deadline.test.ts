import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deadlineStatus, parseTime } from '../../../core/ceremony/deadline.js';
import { formatSpan, parseDuration } from '../../../core/ceremony/duration.js';

const expiry = new Date('2024-04-10T00:00:00Z');
const at = (iso: string) => new Date(iso);

test('durations are exact ISO 8601 spans; months and years are refused', () => {
  assert.equal(parseDuration('P14D'), 14 * 86_400_000);
  assert.equal(parseDuration('PT36H'), 36 * 3_600_000);
  assert.equal(parseDuration('P1W2DT3H4M5S'), ((9 * 24 + 3) * 60 + 4) * 60_000 + 5_000);
  for (const bad of ['P1M', 'P1Y', 'P', 'PT', '14D', 'P1.5D', '-P1D', 'p1d']) assert.equal(parseDuration(bad), null, bad);
});

test('a countdown reads in days and a clock', () => {
  assert.equal(formatSpan(((3 * 24 + 4) * 3600 + 31 * 60 + 7) * 1000), '3 days 04:31:07');
  assert.equal(formatSpan(86_400_000), '1 day 00:00:00');
  assert.equal(formatSpan(59_999), '00:00:59');
});

test('with more than the lead time before the SKR is due, an alternate date is possible, in a window', () => {
  const s = deadlineStatus(expiry, at('2024-03-20T00:00:00Z'));
  assert.equal(s.state, 'sufficient');
  assert.equal(s.skrDue, '2024-04-08T00:00:00.000Z');
  assert.deepEqual(s.alternateWindow, { earliest: '2024-04-03T00:00:00.000Z', latest: '2024-04-08T00:00:00.000Z' });
  assert.equal(s.countdown, '21 days 00:00:00 left');
  assert.match(s.consequence, /sufficient time to schedule an alternate date/);
});

test('the boundaries between the states are exact', () => {
  // SKR due 2024-04-08T00:00Z; lead time 14 days: the last moment with sufficient time is 2024-03-25T00:00Z.
  assert.equal(deadlineStatus(expiry, at('2024-03-25T00:00:00Z')).state, 'sufficient');
  assert.equal(deadlineStatus(expiry, at('2024-03-25T00:00:00.001Z')).state, 'insufficient');
  assert.equal(deadlineStatus(expiry, at('2024-04-07T23:59:59.999Z')).state, 'insufficient');
  assert.equal(deadlineStatus(expiry, at('2024-04-08T00:00:00Z')).state, 'past-due');
  assert.equal(deadlineStatus(expiry, at('2024-04-09T23:59:59Z')).state, 'past-due');
  const expired = deadlineStatus(expiry, at('2024-04-10T06:00:00Z'));
  assert.equal(expired.state, 'expired');
  assert.equal(expired.remainingMs, -6 * 3_600_000);
  assert.equal(expired.countdown, 'expired 06:00:00 ago');
  assert.equal(expired.alternateWindow, null);
  assert.match(expired.consequence, /validating resolvers are failing now/);
});

test('the lead time and the publication margin are the operator’s', () => {
  const s = deadlineStatus(expiry, at('2024-04-01T00:00:00Z'), { leadTime: 'P3D', publicationMargin: 'PT12H' });
  assert.equal(s.state, 'sufficient');
  assert.equal(s.skrDue, '2024-04-09T12:00:00.000Z');
  assert.throws(
    () => deadlineStatus(expiry, at('2024-04-01T00:00:00Z'), { leadTime: 'P1M', publicationMargin: 'P2D' }),
    /The lead time "P1M" is not an ISO 8601 duration/,
  );
});

test('times must carry their zone: a local time is never guessed', () => {
  assert.equal(parseTime('2024-04-10T00:00:00Z', 'time').toISOString(), '2024-04-10T00:00:00.000Z');
  assert.equal(parseTime('2024-04-10T02:00:00+02:00', 'time').toISOString(), '2024-04-10T00:00:00.000Z');
  for (const bad of ['2024-04-10T00:00:00', '2024-04-10', 'yesterday', '2024-13-10T00:00:00Z'])
    assert.throws(() => parseTime(bad, '--deadline time'), /--deadline time/, bad);
});
