import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { grayPicture, signaturePicture } from '../../../core/evidence/signaturePicture.js';

/** What a canvas sends: RGBA, transparent where nothing was drawn, a black stroke and a red dot. */
function canvasPng(): Buffer {
  const png = new PNG({ width: 40, height: 10 });
  png.data.fill(0);
  for (let x = 5; x < 35; x++) png.data.set([0, 0, 0, 255], (5 * 40 + x) * 4);
  png.data.set([255, 0, 0, 255], (2 * 40 + 2) * 4);
  return PNG.sync.write(png);
}

test('a drawn RGBA signature is kept as 8-bit grayscale over white, the same bytes every time', () => {
  const input = canvasPng();
  assert.equal(input[25], 6, 'the input is RGBA');
  const kept = signaturePicture(input);
  assert.equal(kept[24], 8, 'bit depth');
  assert.equal(kept[25], 0, 'grayscale, no alpha');
  const back = PNG.sync.read(kept);
  assert.equal(back.width, 40);
  assert.equal(back.height, 10);
  const gray = (x: number, y: number) => back.data[(y * 40 + x) * 4]!;
  assert.equal(gray(0, 0), 255, 'transparent becomes paper');
  assert.equal(gray(10, 5), 0, 'the stroke stays ink');
  assert.equal(gray(2, 2), 85, 'red becomes a gray');
  assert.ok(signaturePicture(input).equals(kept));
});

test('a signature that is not a PNG, a broken one or an oversized one is refused by name', () => {
  assert.throws(() => signaturePicture(Buffer.from('GIF89a, not a png at all')), { code: 'BAD_REQUEST', message: 'The drawn signature is not a PNG picture.' });
  const broken = Buffer.from(canvasPng());
  broken.fill(0x42, 40, 60);
  assert.throws(() => signaturePicture(broken), { code: 'BAD_REQUEST', message: /^The drawn signature is not a readable PNG picture \(.+\)\.$/ });
  const huge = Buffer.from(canvasPng());
  huge.writeUInt32BE(100_000, 16);
  assert.throws(() => signaturePicture(huge), { code: 'BAD_REQUEST', message: /100000×10 pixels; at most 2000×1000/ });
});

test('a picture made in code is grayscale with the shades given', () => {
  const png = grayPicture(3, 2, (x, y) => (x === y ? 0 : 255));
  assert.equal(png[25], 0);
  const back = PNG.sync.read(png);
  assert.deepEqual(
    [...Array(6).keys()].map((i) => back.data[i * 4]),
    [0, 255, 255, 255, 0, 255],
  );
});
