import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { firstFramePng, isAnimatedImage } from './animated-images.ts';

const red = [220, 38, 38];
const blue = [37, 99, 235];

function frames(colors: number[][], width = 8, height = 8): Buffer {
  const pixels = Buffer.alloc(width * height * 4 * colors.length);
  colors.forEach((color, frame) => {
    for (let i = 0; i < width * height; i++) {
      pixels.set([...color, 255], (frame * width * height + i) * 4);
    }
  });
  return pixels;
}

function encode(colors: number[][], format: 'gif' | 'webp' | 'png'): Promise<Buffer> {
  const image = sharp(frames(colors), {
    raw: { width: 8, height: 8 * colors.length, channels: 4, pageHeight: 8 },
  });
  const delay = colors.map(() => 100);
  if (format === 'gif') return image.gif({ loop: 0, delay }).toBuffer();
  if (format === 'webp') return image.webp({ loop: 0, delay, lossless: true }).toBuffer();
  return image.png().toBuffer();
}

/** The PNG with an acTL chunk (2 frames) right after IHDR: an APNG as browsers see it. */
function withAnimationControl(png: Buffer): Buffer {
  const data = Buffer.alloc(8);
  data.writeUInt32BE(2, 0);
  const type = Buffer.from('acTL', 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  const afterHeader = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, afterHeader), chunk, png.subarray(afterHeader)]);
}

describe('animated images', () => {
  it('tells animated GIF, WebP and APNG from still images', async () => {
    expect(await isAnimatedImage(await encode([red, blue], 'gif'))).toBe(true);
    expect(await isAnimatedImage(await encode([red], 'gif'))).toBe(false);
    expect(await isAnimatedImage(await encode([red, blue], 'webp'))).toBe(true);
    expect(await isAnimatedImage(await encode([red], 'webp'))).toBe(false);
    const still = await sharp(frames([red]), { raw: { width: 8, height: 8, channels: 4 } })
      .png()
      .toBuffer();
    expect(await isAnimatedImage(still)).toBe(false);
    expect(await isAnimatedImage(withAnimationControl(still))).toBe(true);
    expect(await isAnimatedImage(Buffer.from('not an image'))).toBe(false);
  });

  it('keeps the first frame as a PNG', async () => {
    const png = await firstFramePng(await encode([red, blue], 'gif'));
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.height).toBe(8);
    expect([...data.subarray(0, 3)]).toEqual(red);
  });
});
