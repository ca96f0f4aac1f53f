import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSpan, formatDuration, formatKsrTime, parseDuration, parseKsrTime, toUtcSeconds } from '../../../core/dnssec/time.js';

test('KSR times: no zone, Z and +00:00 are UTC; any other offset, a fraction or an impossible date is refused', () => {
  const t = Date.UTC(2018, 0, 1) / 1000;
  for (const text of ['2018-01-01T00:00:00', '2018-01-01T00:00:00Z', '2018-01-01T00:00:00+00:00', ' 2018-01-01T00:00:00.000 '])
    assert.equal(parseKsrTime(text, 'x'), t, text);
  assert.throws(
    () => parseKsrTime('2018-01-01T00:00:00+01:00', 'Inception at line 3'),
    /Inception at line 3: "2018-01-01T00:00:00\+01:00" is not in UTC \(offset \+01:00\)/,
  );
  assert.throws(() => parseKsrTime('2018-01-01T00:00:00-00:00', 'x'), /not in UTC/);
  assert.throws(() => parseKsrTime('2018-01-01T00:00:00.5', 'x'), /fraction of a second/);
  assert.throws(() => parseKsrTime('2018-02-30T00:00:00', 'x'), /not a real date/);
  assert.throws(() => parseKsrTime('1 Jan 2018', 'x'), /not a time of the form/);
  assert.equal(formatKsrTime(t), '2018-01-01T00:00:00+00:00');
});

test('"now" typed without a zone is UTC, never the local zone', () => {
  assert.equal(toUtcSeconds('2017-03-01T00:00:00'), Date.UTC(2017, 2, 1) / 1000);
  assert.equal(toUtcSeconds('2017-03-01'), Date.UTC(2017, 2, 1) / 1000);
  assert.equal(toUtcSeconds('2017-03-01T02:00:00+02:00'), Date.UTC(2017, 2, 1) / 1000);
  assert.throws(() => toUtcSeconds('yesterday', '--now'), /--now: "yesterday" is not a time/);
});

test('ISO 8601 durations as KSR policies write them', () => {
  assert.equal(parseDuration('P21D', 'x'), 21 * 86400);
  assert.equal(parseDuration('PT0S', 'x'), 0);
  assert.equal(parseDuration('P1W', 'x'), 7 * 86400);
  assert.equal(parseDuration('P14DT23H59M59S', 'x'), 15 * 86400 - 1);
  for (const bad of ['P1M', 'P1Y', 'P', 'PT', '21D', 'P-1D']) assert.throws(() => parseDuration(bad, 'x'), /not a duration/, bad);
  assert.equal(formatDuration(0), 'PT0S');
  assert.equal(formatDuration(21 * 86400), 'P21D');
  assert.equal(formatDuration(15 * 86400 - 1), 'P14DT23H59M59S');
  assert.equal(formatDuration(3600), 'PT1H');
  assert.equal(describeSpan(15 * 86400 - 1), '14 days 23:59:59');
  assert.equal(describeSpan(-86400), '-1 day');
});
