import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { writePdfInto } from '../../../core/documents/pdfFile.js';
import { readSettings, writeSettings } from '../../../core/workspace/settings.js';
import { openWorkspace } from '../../../core/workspace/workspace.js';
import { tempDir } from '../../helpers/tmp.js';

test('a PDF printed to a folder is written whole under its name, a second copy beside it, never over it', async (t) => {
  const stick = tempDir(t);
  const first = await writePdfInto(stick, 'KSK-R55-record.pdf', Buffer.from('%PDF-1 first'));
  const second = await writePdfInto(stick, 'KSK-R55-record.pdf', Buffer.from('%PDF-1 second'));
  assert.deepEqual([path.basename(first), path.basename(second)], ['KSK-R55-record.pdf', 'KSK-R55-record-2.pdf']);
  assert.equal(readFileSync(first, 'utf8'), '%PDF-1 first');
  assert.deepEqual(readdirSync(stick).sort(), ['KSK-R55-record-2.pdf', 'KSK-R55-record.pdf']);
  await assert.rejects(writePdfInto(path.join(stick, 'not-mounted'), 'x.pdf', Buffer.from('x')), {
    code: 'NOT_FOUND',
    message: /not-mounted is not a folder: mount the stick/,
  });
});

test('the printer chosen is remembered for the workspace; a damaged settings file is named', (t) => {
  const ws = openWorkspace(tempDir(t));
  assert.deepEqual(readSettings(ws), {});
  writeSettings(ws, { print: { kind: 'cups', printer: 'room-test' } });
  assert.deepEqual(readSettings(ws).print, { kind: 'cups', printer: 'room-test' });
  writeFileSync(path.join(ws.root, 'settings.json'), '{"print": {"kind": "fax"}}');
  assert.throws(() => readSettings(ws), { code: 'STORAGE_ERROR', message: /settings\.json is damaged .*remove it to choose again/ });
});
