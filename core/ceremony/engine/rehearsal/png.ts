import { crc32, deflateSync } from 'node:zlib';

/**
 * A drawn signature for a simulated participant: a small black-on-white PNG of a wave whose shape
 * depends on the name, so two people's pictures differ. Plain PNG (grayscale, 8 bits), made here
 * because the rehearsal has no pen.
 */
export function signaturePng(name: string, width = 160, height = 48): Buffer {
  const seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1, 255);
    row[0] = 0;
    for (let x = 0; x < width; x++) {
      const curve = height / 2 + (height / 3) * Math.sin((x / width) * Math.PI * (2 + (seed % 5)) + (seed % 7)) * Math.cos(x / (9 + (seed % 11)));
      if (Math.abs(y - curve) < 1.5) row[x + 1] = 0;
    }
    rows.push(row);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}
