import { grayPicture } from '../../../evidence/signaturePicture.js';

/**
 * A drawn signature for a simulated participant: a small black-on-white picture of a wave whose
 * shape depends on the name, so two people's pictures differ (the rehearsal has no pen).
 */
export function signaturePng(name: string, width = 160, height = 48): Buffer {
  const seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  const curve = (x: number) => height / 2 + (height / 3) * Math.sin((x / width) * Math.PI * (2 + (seed % 5)) + (seed % 7)) * Math.cos(x / (9 + (seed % 11)));
  return grayPicture(width, height, (x, y) => (Math.abs(y - curve(x)) < 1.5 ? 0 : 255));
}
