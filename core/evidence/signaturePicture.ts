import { PNG } from 'pngjs';
import { KskError, messageOf } from '../errors.js';

/** Larger than any signature pad; a bigger picture is refused before it is decoded into memory. */
const MAX_WIDTH = 2000;
const MAX_HEIGHT = 1000;

/** Ink on white in 8-bit grayscale: no colour, no transparency. */
function encodeGray(png: PNG): Buffer {
  return PNG.sync.write(png, { colorType: 0, inputColorType: 6, inputHasAlpha: true, bgColor: { red: 255, green: 255, blue: 255 } });
}

/**
 * A drawn signature as the log keeps it: whatever PNG the screen sent (a canvas gives RGBA),
 * decoded and written again as 8-bit grayscale over white. The printed record embeds such a
 * picture the same way every time, which an RGBA one, split by the PDF library into colour and
 * mask, is not; and a picture that does not decode never reaches the log.
 */
export function signaturePicture(bytes: Uint8Array): Buffer {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 24 || !buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    throw new KskError('BAD_REQUEST', 'The drawn signature is not a PNG picture.');
  }
  const [width, height] = [buffer.readUInt32BE(16), buffer.readUInt32BE(20)];
  if (width > MAX_WIDTH || height > MAX_HEIGHT) {
    throw new KskError('BAD_REQUEST', `The drawn signature is ${width}×${height} pixels; at most ${MAX_WIDTH}×${MAX_HEIGHT} is accepted.`);
  }
  let png: PNG;
  try {
    png = PNG.sync.read(buffer);
  } catch (e) {
    throw new KskError('BAD_REQUEST', `The drawn signature is not a readable PNG picture (${messageOf(e)}).`);
  }
  return encodeGray(png);
}

/** A grayscale picture from a function of its pixels (0 ink, 255 paper), for pictures made in code. */
export function grayPicture(width: number, height: number, shade: (x: number, y: number) => number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data.fill(shade(x, y), i, i + 3);
      png.data[i + 3] = 255;
    }
  }
  return encodeGray(png);
}
