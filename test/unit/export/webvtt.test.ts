import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vttTimestamp, webVttChapters } from '../../../core/export/webvtt.js';

test('timestamps are HH:MM:SS.mmm, hours past 99 when they must', () => {
  assert.equal(vttTimestamp(0), '00:00:00.000');
  assert.equal(vttTimestamp(3_723_004), '01:02:03.004');
  assert.equal(vttTimestamp(100 * 3_600_000 + 59_999), '100:00:59.999');
});

test('chapters map each step to the recording: the next start ends a cue, an explicit end wins when earlier', () => {
  const vtt = webVttChapters(
    [
      { start: '2024-04-25T14:00:05.250Z', title: 'Step 1.1: sign in' },
      { start: '2024-04-25T14:02:00Z', end: '2024-04-25T14:03:00Z', title: 'Step 1.2: cameras <on> & rolling' },
      { start: '2024-04-25T15:10:00.000Z', end: '2024-04-25T15:12:30.500Z', title: 'Step 3.1:\nmatch the KSR hash' },
    ],
    '2024-04-25T14:00:00Z',
  );
  assert.equal(
    vtt,
    [
      'WEBVTT',
      '',
      '1',
      '00:00:05.250 --> 00:02:00.000',
      'Step 1.1: sign in',
      '',
      '2',
      '00:02:00.000 --> 00:03:00.000',
      'Step 1.2: cameras &lt;on&gt; &amp; rolling',
      '',
      '3',
      '01:10:00.000 --> 01:12:30.500',
      'Step 3.1: match the KSR hash',
      '',
    ].join('\n'),
  );
});

test('steps before the recording are cut or left out; steps at the same time share a cue; order does not matter', () => {
  const vtt = webVttChapters(
    [
      { start: '2024-04-25T14:10:00Z', title: 'B' },
      { start: '2024-04-25T13:50:00Z', end: '2024-04-25T13:55:00Z', title: 'before' },
      { start: '2024-04-25T13:58:00Z', title: 'A' },
      { start: '2024-04-25T14:10:00Z', title: 'B2' },
    ],
    '2024-04-25T14:00:00Z',
    { recordingEnd: '2024-04-25T14:30:00Z' },
  );
  assert.equal(vtt, 'WEBVTT\n\n1\n00:00:00.000 --> 00:10:00.000\nA\n\n2\n00:10:00.000 --> 00:30:00.000\nB / B2\n');
});

test('a last step with no end and no recording end, a step ending before it starts, or a local time are refused', () => {
  assert.throws(() => webVttChapters([{ start: '2024-04-25T14:00:00Z', title: 'x' }], '2024-04-25T14:00:00Z'), /has no end time/);
  assert.throws(
    () => webVttChapters([{ start: '2024-04-25T14:00:00Z', end: '2024-04-25T13:00:00Z', title: 'x' }], '2024-04-25T14:00:00Z'),
    /Chapter 1 "x" ends before it starts/,
  );
  assert.throws(() => webVttChapters([], '2024-04-25T14:00:00'), { code: 'BAD_REQUEST', message: /The recording start is not a UTC time/ });
  assert.equal(webVttChapters([], '2024-04-25T14:00:00Z'), 'WEBVTT\n');
});
