import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { REHEARSAL_BANNER } from '../../../core/documents/pdf.js';
import { renderScriptPdf } from '../../../core/documents/script.js';
import { toPgpWords } from '../../../core/hash/pgpWords.js';
import { pdfFonts, pdfInfo, pdfPages, squeeze } from './pdfTools.js';
import { ceremony, ksrHash, scriptHash, scriptInput } from './rehearsal.js';

test('the script renders to the same bytes every time, even a second later', async () => {
  const first = await renderScriptPdf(scriptInput());
  await sleep(1100);
  const second = await renderScriptPdf(scriptInput());
  assert.ok(first.length > 10_000);
  assert.ok(first.equals(second), 'two renders of the same script differ');
  const otherDay = await renderScriptPdf({ ...scriptInput(), ceremony: { ...ceremony, date: '2024-04-26T14:00:00.000Z' } });
  assert.ok(!first.equals(otherDay), 'the ceremony date does not reach the PDF');
});

test('the script carries its metadata from the ceremony, and only the shipped fonts, embedded', async (t) => {
  const pdf = await renderScriptPdf(scriptInput());
  const info = pdfInfo(t, pdf);
  assert.equal(info.CreationDate, '2024-04-25T14:00:00Z');
  assert.equal(info.ModDate, '2024-04-25T14:00:00Z');
  assert.equal(info.Title, 'Root KSK Ceremony 55 (rehearsal) — Ceremony script');
  const fonts = pdfFonts(t, pdf);
  assert.deepEqual([...new Set(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')))].sort(), ['DejaVuSans', 'DejaVuSans-Bold', 'DejaVuSansMono']);
  assert.ok(
    fonts.every((f) => f.embedded && f.type === 'CID TrueType'),
    JSON.stringify(fonts),
  );
});

test('pdftotext reads the cover, sign-in sheet, every step, exception sheets and attestations', async (t) => {
  const input = scriptInput();
  const pages = pdfPages(t, await renderScriptPdf(input));
  const all = pages.join('\n');
  const cover = pages[0] as string;
  for (const text of [ceremony.title, ceremony.site, '2024-04-25 14:00:00 UTC', ceremony.procedure, 'REHEARSAL', 'ksr-signing v3', '3 acts, 7 steps']) {
    assert.ok(cover.includes(text), `cover lacks ${text}`);
  }
  assert.match(all, /Sign-in sheet/);
  assert.match(all, /Role +Name +Signature +Time in \(UTC\)/);
  assert.match(all, /Ada Administrator/);
  for (const act of input.acts) {
    assert.ok(all.includes(`Act ${act.number}: ${act.title}`), `act ${act.number} missing`);
    for (const step of act.steps) assert.match(all, new RegExp(`${step.number.replace('.', '\\.')} +${step.role}`), `step ${step.number} missing`);
  }
  assert.match(all, /Step +Role +Activity +Initial +Time \(UTC\)/);
  assert.ok(squeeze(all).includes(ksrHash), 'the KSR hash is not printed in hex');
  assert.ok(all.includes(toPgpWords(Buffer.from(ksrHash, 'hex')).slice(0, 8).join(' ')), 'the KSR hash is not printed in words');
  assert.match(all, /Exception sheet 1 of 2/);
  assert.match(all, /Exception sheet 2 of 2/);
  assert.match(all, /Closing attestations/);
  assert.match(all, /every exception was recorded/);
});

test('every page carries the script hash, its number of the total, and the REHEARSAL band', async (t) => {
  const pages = pdfPages(t, await renderScriptPdf(scriptInput(120)));
  assert.ok(pages.length >= 6, `only ${pages.length} pages`);
  pages.forEach((page, i) => {
    assert.ok(page.includes(REHEARSAL_BANNER), `page ${i + 1} has no REHEARSAL band`);
    assert.ok(page.includes(scriptHash), `page ${i + 1} lacks the script hash`);
    assert.match(page, new RegExp(`Page ${i + 1} of ${pages.length}`));
  });
});

test('a long act paginates: the header row and "(continued)" start every further page, no row is lost', async (t) => {
  const pages = pdfPages(t, await renderScriptPdf(scriptInput(150)));
  const actPages = pages.filter((p) => p.includes('Act 9: Repeated checks'));
  assert.ok(actPages.length >= 4, `the 150-step act spans only ${actPages.length} pages`);
  for (const page of actPages) assert.match(page, /Step +Role +Activity +Initial +Time \(UTC\)/);
  assert.equal(actPages.filter((p) => p.includes('Act 9: Repeated checks (continued)')).length, actPages.length - 1);
  const all = pages.join('\n');
  for (let i = 1; i <= 150; i++) assert.match(all, new RegExp(`9\\.${i} +(CA|IW) +Check item ${i}:`), `step 9.${i} missing`);
});

test('a production script says PRODUCTION and never REHEARSAL', async (t) => {
  const input = scriptInput();
  const pages = pdfPages(t, await renderScriptPdf({ ...input, ceremony: { ...ceremony, title: 'Root KSK Ceremony 55', mode: 'PRODUCTION' } }));
  assert.match(pages[0] as string, /PRODUCTION/);
  assert.ok(pages.every((p) => !/REHEARSAL/i.test(p)));
});

test('a malformed hash or a time without UTC is refused, naming the field', async () => {
  await assert.rejects(renderScriptPdf({ ...scriptInput(), scriptHash: 'not hex' }), { code: 'BAD_REQUEST', message: /The script hash is not a hex value/ });
  await assert.rejects(renderScriptPdf({ ...scriptInput(), ceremony: { ...ceremony, date: '2024-04-25T14:00:00' } }), {
    code: 'BAD_REQUEST',
    message: /not a UTC time/,
  });
  const acts = scriptInput().acts;
  acts[2] = { ...acts[2]!, steps: [{ number: '3.1', role: 'CA', activity: 'x', hashes: [{ label: 'KSR SHA-256', hex: 'abc' }] }] };
  await assert.rejects(renderScriptPdf({ ...scriptInput(), acts }), { message: /KSR SHA-256 is not a hex value: "abc"/ });
});

test('A4 paper is honoured', async (t) => {
  const info = pdfInfo(t, await renderScriptPdf({ ...scriptInput(), ceremony: { ...ceremony, paper: 'A4' } }));
  assert.match(info['Page size'] ?? '', /595\.28 x 841\.89 pts \(A4\)/);
});
