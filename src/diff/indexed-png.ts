import { promisify } from 'node:util';
import * as zlib from 'node:zlib';

const deflate = promisify(zlib.deflate);

/**
 * An 8-bit palette image laid out as PNG scanlines: each row is a filter byte (0, "none")
 * followed by one palette index per pixel, so it is deflated as is, without a copy.
 */
export interface IndexedImage {
  width: number;
  height: number;
  /** RGB triples, at most 256. */
  palette: Uint8Array;
  scanlines: Buffer;
}

export function createIndexedImage(
  width: number,
  height: number,
  palette: Uint8Array,
): IndexedImage {
  // every byte starts as 0: filter "none" for each row, index 0 for each pixel
  return { width, height, palette, scanlines: Buffer.alloc((width + 1) * height) };
}

/**
 * Encodes an indexed image as a PNG. Diff images and heatmaps have few colours, so a palette
 * PNG is a third of the RGB data to deflate: written here because sharp/libvips can only reach
 * a palette through slow quantisation. Deflate (level 1) runs on libuv's thread pool.
 */
export async function encodeIndexedPng(image: IndexedImage): Promise<Buffer> {
  const idat = await deflate(image.scanlines, { level: 1 });
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: palette
  return Buffer.concat([
    pngSignature,
    chunk('IHDR', header),
    chunk('PLTE', image.palette),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

// zlib.crc32 arrived in Node 20.15; package.json allows 20.9.
const crcTable = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(data);
  let c = 0xffffffff;
  for (const byte of data) c = (crcTable[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
