import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isKskError } from '../../../core/errors.js';
import { listPrinters, lpArguments, parseLpstatPrinters, printPdf } from '../../../core/documents/print.js';
import { renderScriptPdf } from '../../../core/documents/script.js';
import { scriptInput } from './rehearsal.js';

test('lp arguments: destination, title and copies; the PDF goes on standard input', () => {
  assert.deepEqual(lpArguments({ printer: 'Office_Laser', title: 'KSK-55 record', copies: 2 }), ['-d', 'Office_Laser', '-t', 'KSK-55 record', '-n', '2']);
  assert.deepEqual(lpArguments({ title: 'two\nlines' }), ['-t', 'two lines']);
  assert.throws(() => lpArguments({ printer: '-oevil', title: 't' }), { code: 'BAD_REQUEST', message: '"-oevil" is not a printer name.' });
  assert.throws(() => lpArguments({ printer: 'a b', title: 't' }), /is not a printer name/);
  assert.throws(() => lpArguments({ title: 't', copies: 0 }), /Copies must be a whole number from 1 to 99, not 0/);
});

test('lpstat -p output is read into printers, enabled or not', () => {
  const text =
    'printer Office_Laser is idle.  enabled since Thu 25 Apr 2024 10:00:00 UTC\nprinter Safe_Room disabled since Thu 25 Apr 2024 09:00:00 UTC -\n\treason unknown\n';
  assert.deepEqual(
    parseLpstatPrinters(text).map((p) => [p.name, p.enabled]),
    [
      ['Office_Laser', true],
      ['Safe_Room', false],
    ],
  );
});

test('without lp on the PATH, printing says CUPS is needed', async () => {
  const pdf = await renderScriptPdf(scriptInput());
  await assert.rejects(printPdf(pdf, { title: 'x', env: { PATH: '/nonexistent' } }), {
    code: 'NOT_FOUND',
    message: 'Printing needs CUPS, and the lp command is not installed (Debian package cups-client).',
  });
  await assert.rejects(listPrinters({ PATH: '/nonexistent' }), { message: /lpstat command is not installed/ });
});

test('printing to a printer CUPS does not know fails with a clear message, and so does listing without CUPS', async () => {
  const pdf = await renderScriptPdf(scriptInput());
  await assert.rejects(printPdf(pdf, { printer: 'ksk-no-such-printer', title: 'KSK test' }), (e) => {
    assert.ok(isKskError(e));
    assert.equal(e.code, 'NOT_FOUND');
    assert.match(e.message, /^(There is no printer named "ksk-no-such-printer" in CUPS\.|The print service \(CUPS\) is not running)/);
    return true;
  });
  try {
    const { printers } = await listPrinters();
    assert.ok(printers.every((p) => p.name.length > 0));
  } catch (e) {
    assert.ok(isKskError(e));
    assert.match(e.message, /The print service \(CUPS\) is not running on this machine/);
  }
});
