import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';

// Animated images (GIF, APNG, animated WebP and AVIF) follow the compositor's real clock, which
// no page script reaches. In Chromium, Scene pauses image responses (only those: the Fetch
// domain filtered on resource type Image, at the response stage) and answers an animated one
// with its first frame as a PNG, so <img>, CSS backgrounds and <picture> all show that frame.

export const animatedImageLimits = {
  /** Larger responses are passed through unread (a declared length above this). */
  maxBytes: 16 * 1024 * 1024,
};

/** Content types that may hold an animation; any other image passes through at once. */
const mayAnimate = ['image/gif', 'image/png', 'image/apng', 'image/webp', 'image/avif'];

export interface AnimatedImageFreezer {
  /** Animated images answered with their first frame so far. */
  readonly frozen: number;
}

/**
 * Whether the bytes hold more than one frame: APNG by its acTL chunk (before the image data),
 * the others by the frame count libvips reports.
 */
export async function isAnimatedImage(bytes: Buffer): Promise<boolean> {
  if (isPng(bytes)) return hasPngChunkBeforeData(bytes, 'acTL');
  try {
    const { pages } = await sharp(bytes, { animated: true }).metadata();
    return (pages ?? 1) > 1;
  } catch {
    return false;
  }
}

/** The first frame (the default image, for APNG) as a PNG. */
export function firstFramePng(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes, { animated: false, pages: 1 }).png().toBuffer();
}

function isPng(bytes: Buffer): boolean {
  return (
    bytes.length >= 8 &&
    bytes.readUInt32BE(0) === 0x89504e47 &&
    bytes.readUInt32BE(4) === 0x0d0a1a0a
  );
}

function hasPngChunkBeforeData(bytes: Buffer, type: string): boolean {
  for (let offset = 8; offset + 8 <= bytes.length;) {
    const length = bytes.readUInt32BE(offset);
    const chunk = bytes.toString('latin1', offset + 4, offset + 8);
    if (chunk === type) return true;
    if (chunk === 'IDAT' || chunk === 'IEND') return false;
    offset += 12 + length;
  }
  return false;
}

interface PausedResponse {
  requestId: string;
  responseStatusCode?: number;
  responseHeaders?: { name: string; value: string }[];
}

/** Starts answering animated images with their first frame in this page (Chromium only). */
export async function freezeAnimatedImages(
  context: BrowserContext,
  page: Page,
): Promise<AnimatedImageFreezer> {
  const cdp = await context.newCDPSession(page);
  const state = { frozen: 0 };
  cdp.on('Fetch.requestPaused', (event: PausedResponse) => {
    void answer(cdp, event).then((frozen) => {
      if (frozen) state.frozen++;
    });
  });
  await cdp.send('Fetch.enable', {
    patterns: [{ resourceType: 'Image', requestStage: 'Response' }],
  });
  return state;
}

/** Every paused response is answered exactly once, whatever fails: else the image hangs. */
async function answer(cdp: CDPSession, event: PausedResponse): Promise<boolean> {
  const { requestId } = event;
  try {
    const header = (name: string): string | undefined =>
      event.responseHeaders?.find((h) => h.name.toLowerCase() === name)?.value;
    const type = (header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const length = Number(header('content-length') ?? 0);
    if (
      event.responseStatusCode !== 200 ||
      !mayAnimate.includes(type) ||
      length > animatedImageLimits.maxBytes
    ) {
      await cdp.send('Fetch.continueRequest', { requestId });
      return false;
    }
    const body = await cdp.send('Fetch.getResponseBody', { requestId });
    const bytes = Buffer.from(body.body, body.base64Encoded ? 'base64' : 'utf8');
    if (!(await isAnimatedImage(bytes))) {
      await cdp.send('Fetch.continueRequest', { requestId });
      return false;
    }
    const png = await firstFramePng(bytes);
    const dropped = ['content-type', 'content-length', 'content-encoding', 'transfer-encoding'];
    await cdp.send('Fetch.fulfillRequest', {
      requestId,
      responseCode: 200,
      responseHeaders: [
        ...(event.responseHeaders ?? []).filter((h) => !dropped.includes(h.name.toLowerCase())),
        { name: 'content-type', value: 'image/png' },
      ],
      body: png.toString('base64'),
    });
    return true;
  } catch {
    // The context closed meanwhile, or the image could not be read: pass it through as is.
    await cdp.send('Fetch.continueRequest', { requestId }).catch(() => undefined);
    return false;
  }
}
