import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderRecordPdf } from '../../../core/documents/record.js';
import { toPgpWords } from '../../../core/hash/pgpWords.js';
import { pdfImages, pdfPages, squeeze } from './pdfTools.js';
import { ksrHash, logHeadHash, recordInput, scriptHash, skrHash } from './rehearsal.js';

const words = (hex: string) => toPgpWords(Buffer.from(hex, 'hex'));

test('the record renders to the same bytes twice, and any change in the log changes them', async () => {
  const first = await renderRecordPdf(recordInput());
  const second = await renderRecordPdf(recordInput());
  assert.ok(first.equals(second), 'two renders of the same record differ');
  const input = recordInput();
  input.acts[0]!.steps[0]!.initials = 'XX';
  assert.ok(!first.equals(await renderRecordPdf(input)));
});

test('pdftotext reads every step with its UTC time, performer and initials', async (t) => {
  const input = recordInput();
  const all = pdfPages(t, await renderRecordPdf(input)).join('\n');
  for (const act of input.acts) {
    assert.ok(all.includes(`Act ${act.number}: ${act.title}`));
    for (const step of act.steps) {
      const time = step.at!.slice(11, 19);
      assert.match(
        all,
        new RegExp(`${step.number.replace('.', '\\.')} +${step.role} .* done +${step.performer!.split(' ')[0]}.* +IW +2024-04-25`),
        `step ${step.number}`,
      );
      assert.ok(all.includes(time), `the time ${time} of step ${step.number} is missing`);
    }
  }
  assert.match(all, /Note: Clock 2 s behind UTC\./);
  assert.match(all, /Exception: E1/);
});

test('the record shows TEBs, HSMs, exceptions, hashes in hex and words, attestations and the seal', async (t) => {
  const pdf = await renderRecordPdf(recordInput());
  const all = pdfPages(t, pdf).join('\n');
  assert.match(all, /BB46327561 +CO 1 smartcard +checked/);
  assert.match(all, /BB46327599 +CO 1 smartcard +sealed/);
  assert.match(all, /HSM2 +SoftHSM2 \(rehearsal +5c0ffee0a1b2c3d4 +2\.6/);
  assert.match(all, /Exception E1 \(step 1\.3\)/);
  assert.match(all, /The clock was 2 s behind\./);
  assert.match(all, /Signed by +Ada Administrator, Ivan Witness/);
  for (const hex of [ksrHash, skrHash, scriptHash, logHeadHash]) assert.ok(squeeze(all).includes(hex), `${hex} not printed`);
  for (const hex of [ksrHash, skrHash]) assert.ok(all.includes(words(hex).slice(0, 8).join(' ')), `words of ${hex} not printed`);
  assert.match(all, /Agreed, 2024-04-25 16:58:00 UTC\./);
  assert.match(all, /Did not agree, 2024-04-25 16:59:00 UTC: camera 2 stopped for 40 s\./);
  assert.match(all, /Sealed +2024-04-25 17:00:00 UTC/);
  assert.doesNotMatch(all, /NOT SEALED/);
  // The drawn signature is embedded as the picture it is.
  assert.deepEqual(pdfImages(t, pdf), [{ width: 160, height: 48 }]);
});

test('every page carries the log head hash; the end gives it in hex, words and beside a QR code', async (t) => {
  const pages = pdfPages(t, await renderRecordPdf(recordInput(60)));
  pages.forEach((page, i) => {
    assert.ok(page.includes(logHeadHash), `page ${i + 1} lacks the log head hash`);
    assert.match(page, /Log head hash \(event 412\)/);
    assert.match(page, new RegExp(`Page ${i + 1} of ${pages.length}`));
    assert.match(page, /REHEARSAL/);
  });
  const last = pages.at(-1) as string;
  assert.match(last, /Log head hash \(event 412\)/);
  const w = words(logHeadHash);
  assert.ok(last.includes(w.slice(0, 4).join(' ')) && last.includes(w.slice(28).join(' ')), 'the log head words are not printed');
  assert.match(last, /Internal Witness \(IW\): signature/);
});

test('an unsealed log prints NOT SEALED on the cover and in place of the seal', async (t) => {
  const input = recordInput();
  delete input.seal;
  const pages = pdfPages(t, await renderRecordPdf(input));
  assert.match(pages[0] as string, /NOT SEALED/);
  assert.match(pages.join('\n'), /Seal\s+NOT SEALED: the log was still open/);
});

test('a signature that is not a PNG is refused by name', async () => {
  const input = recordInput();
  input.attestations[0]!.signaturePng = Buffer.from('not a picture');
  await assert.rejects(renderRecordPdf(input), { code: 'BAD_REQUEST', message: /Signature of Ivan Witness as drawn on screen is not a PNG image/ });
});
