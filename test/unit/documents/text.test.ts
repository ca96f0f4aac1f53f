import assert from 'node:assert/strict';
import { test } from 'node:test';
import QRCode from 'qrcode';
import { qrRuns } from '../../../core/documents/qr.js';
import { groupedLines, numberedWordLines, printable, requireHex, requireUtc, utcDisplay } from '../../../core/documents/text.js';

test('hex is accepted with spaces and colons, in any case, and refused when it is not hex', () => {
  assert.equal(requireHex('AB:cd 01', 'x'), 'abcd01');
  assert.throws(() => requireHex('abc', 'The KSR hash'), { code: 'BAD_REQUEST', message: 'The KSR hash is not a hex value: "abc".' });
  assert.throws(() => requireHex('zz', 'h'), /not a hex value/);
  assert.throws(() => requireHex('', 'h'), /not a hex value/);
});

test('times must be UTC ISO 8601; they print to the second', () => {
  assert.equal(requireUtc('2024-04-25T14:03:22.123Z', 't').getTime(), Date.parse('2024-04-25T14:03:22.123Z'));
  assert.equal(utcDisplay('2024-04-25T14:03:22.999+00:00', 't'), '2024-04-25 14:03:22 UTC');
  assert.throws(() => requireUtc('2024-04-25T14:03:22', 'The step time'), /The step time is not a UTC time/);
  assert.throws(() => requireUtc('2024-04-25T14:03:22+02:00', 't'), /not a UTC time/);
  assert.throws(() => requireUtc('yesterdayZ', 't'), /not a UTC time/);
});

test('groups and numbered word lines', () => {
  assert.deepEqual(groupedLines('abcdefghij klmn', 4, 2), ['abcd efgh', 'ijkl mn']);
  const words = Array.from({ length: 12 }, (_, i) => `w${i + 1}`);
  assert.deepEqual(numberedWordLines(words, 8), [' 1  w1 w2 w3 w4 w5 w6 w7 w8', ' 9  w9 w10 w11 w12']);
});

test('printable text keeps newlines, turns tabs to spaces and drops control characters', () => {
  assert.equal(printable('a\tb\r\nc\u0007d\u007f'), 'a    b\ncd');
});

test('QR runs cover exactly the dark modules of the matrix, without overlap', () => {
  const text = 'ksk-ceremony log head 0123456789abcdef';
  const { size, runs } = qrRuns(text);
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  assert.equal(size, modules.size);
  const drawn = new Uint8Array(size * size);
  for (const run of runs) {
    assert.ok(run.length >= 1);
    for (let c = run.column; c < run.column + run.length; c++) {
      assert.equal(drawn[run.row * size + c], 0, 'two runs overlap');
      drawn[run.row * size + c] = 1;
    }
  }
  for (let r = 0; r < size; r++) for (let c = 0; c < size; c++) assert.equal(drawn[r * size + c], modules.get(r, c), `module ${r},${c}`);
  assert.ok(runs.length < modules.data.reduce((a, b) => a + b, 0), 'runs were not merged');
});
