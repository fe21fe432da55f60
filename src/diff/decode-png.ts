import { open } from 'node:fs/promises';
import sharp from 'sharp';
import { AppError } from '../shared/errors.ts';
import type { ImageSize, PngInput } from './diff.types.ts';

/** A decoded image: 4 bytes per pixel (RGBA), rows packed without padding. */
export interface RgbaImage {
  data: Buffer;
  width: number;
  height: number;
  /** Every pixel has alpha 255. */
  opaque: boolean;
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function readPngBytes(input: PngInput, role: string): Promise<Buffer> {
  if (typeof input !== 'string') return input;
  try {
    return await readWholeFile(input);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('unprocessable', `cannot read the ${role} image '${input}': ${reason}`);
  }
}

// One read of the known size instead of readFile's 512 KiB chunks: each chunk is a round trip
// through libuv's pool, which adds up on a busy machine (the identical check must stay fast).
async function readWholeFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

export function assertPng(bytes: Buffer, role: string): void {
  const hasSignature =
    bytes.length >= 24 && bytes.subarray(0, pngSignature.length).equals(pngSignature);
  if (!hasSignature || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    throw new AppError(
      'unprocessable',
      `the ${role} image is not a PNG (${bytes.length} bytes, no PNG header)`,
    );
  }
}

/** Width and height from the IHDR chunk (big-endian at bytes 16..23): no decoding. */
export function pngSize(bytes: Buffer, role: string): ImageSize {
  assertPng(bytes, role);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export async function decodePng(bytes: Buffer, role: string): Promise<RgbaImage> {
  assertPng(bytes, role);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = alignedForWords(data);
    return {
      data: pixels,
      width: info.width,
      height: info.height,
      opaque: !mayHaveTransparency(bytes) || allOpaque(pixels),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('unprocessable', `the ${role} PNG cannot be decoded: ${reason}`);
  }
}

// Pixels are read as 32-bit words, which needs a 4-byte aligned view.
function alignedForWords(data: Buffer): Buffer {
  return data.byteOffset % 4 === 0 ? data : Buffer.from(data);
}

// Greyscale, RGB and palette PNGs are opaque unless they carry a tRNS chunk (before IDAT).
function mayHaveTransparency(png: Buffer): boolean {
  const colourType = png[25];
  if (colourType === 4 || colourType === 6) return true;
  for (let offset = 8; offset + 8 <= png.length;) {
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'tRNS') return true;
    if (type === 'IDAT') return false;
    offset += 12 + png.readUInt32BE(offset);
  }
  return true;
}

function allOpaque(rgba: Buffer): boolean {
  const words = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length / 4);
  for (const word of words) if (word >>> 24 !== 0xff) return false;
  return true;
}
