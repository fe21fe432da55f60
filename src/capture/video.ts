import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import type { CaptureLog } from './capture-log.ts';

// Execution videos: Chromium's CDP screencast (Page.startScreencast) sends a JPEG frame each
// time the page repaints; Debian's ffmpeg encodes them to WebM. Playwright's own recordVideo
// needs an ffmpeg build of its own, which is not installed here.

export const ffmpegCandidates = ['/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg'];

/** Frames per second of the encoded video: each tick shows the latest frame painted by then. */
const videoFps = 10;
/** Bounds the video's length (and the encoder's work) whatever the capture's duration. */
const maxVideoSeconds = 120;

/** The ffmpeg executable: `override` when given, else the first among the usual locations. */
export function findFfmpeg(override?: string): string | undefined {
  const candidates = override === undefined ? ffmpegCandidates : [override];
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface Frame {
  jpeg: Buffer;
  /** Seconds, the browser's clock. */
  at: number;
}

export interface ScreencastRecorder {
  /** Stops the screencast; the frames so far, and when it stopped (the browser's clock). */
  stop(): Promise<{ frames: Frame[]; endedAt: number }>;
}

/** Starts recording the page's repaints. */
export async function startScreencast(
  cdp: CDPSession,
  size: { width: number; height: number },
): Promise<ScreencastRecorder> {
  const frames: Frame[] = [];
  let latest = 0;
  cdp.on('Page.screencastFrame', (event) => {
    const at = event.metadata.timestamp ?? performance.now() / 1000;
    latest = Math.max(latest, at);
    frames.push({ jpeg: Buffer.from(event.data, 'base64'), at });
    // The next frame comes only once this one is acknowledged.
    cdp.send('Page.screencastFrameAck', { sessionId: event.sessionId }).catch(() => undefined);
  });
  const startedWall = performance.now();
  await cdp.send('Page.startScreencast', {
    format: 'jpeg',
    quality: 70,
    maxWidth: size.width,
    maxHeight: size.height,
    everyNthFrame: 1,
  });
  return {
    async stop() {
      await cdp.send('Page.stopScreencast').catch(() => undefined);
      const first = frames[0]?.at ?? 0;
      // The browser's clock is not ours: the end is the last frame plus the time since.
      const endedAt = Math.max(latest, first + (performance.now() - startedWall) / 1000);
      return { frames, endedAt };
    },
  };
}

/**
 * Encodes the frames to a WebM (VP8) of constant frame rate: each tick shows the latest frame
 * painted by then, so a still page stays on screen as long as it stood still.
 */
export async function encodeVideo(
  ffmpeg: string,
  recording: { frames: Frame[]; endedAt: number },
): Promise<Buffer> {
  const { frames, endedAt } = recording;
  const first = frames[0];
  if (!first) throw new Error('the page painted no frame');
  const seconds = Math.min(Math.max(endedAt - first.at, 1 / videoFps), maxVideoSeconds);
  const ticks = Math.max(1, Math.ceil(seconds * videoFps));
  // To a file, not a pipe: the muxer writes the duration and cues once it can seek back.
  const dir = await mkdtemp(join(tmpdir(), 'scene-video-'));
  try {
    const file = join(dir, 'video.webm');
    await runFfmpeg(ffmpeg, file, frames, first, ticks);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runFfmpeg(
  ffmpeg: string,
  file: string,
  frames: Frame[],
  first: Frame,
  ticks: number,
): Promise<void> {
  const child = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'image2pipe',
      '-framerate',
      String(videoFps),
      '-c:v',
      'mjpeg',
      '-i',
      'pipe:0',
      // VP8 wants even dimensions.
      '-vf',
      'scale=trunc(iw/2)*2:trunc(ih/2)*2',
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '1M',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'webm',
      '-y',
      file,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  const err: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.on('error', () => undefined);
  let next = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const at = first.at + tick / videoFps;
    while (next + 1 < frames.length && (frames[next + 1]?.at ?? Infinity) <= at) next++;
    const frame = frames[next] ?? first;
    if (!child.stdin.write(frame.jpeg)) {
      await new Promise<void>((resolve) => child.stdin.once('drain', resolve));
    }
  }
  child.stdin.end();
  const code = await exited;
  if (code !== 0) {
    throw new Error(
      `ffmpeg exited with ${code}: ${Buffer.concat(err).toString('utf8').trim().split('\n')[0] ?? ''}`,
    );
  }
}

/** Stops a recording and encodes it; a failure is logged, never fatal to the capture. */
export async function finishVideo(
  recorder: ScreencastRecorder,
  ffmpeg: string,
  log: CaptureLog,
): Promise<Buffer | undefined> {
  const started = performance.now();
  try {
    const recording = await recorder.stop();
    const video = await encodeVideo(ffmpeg, recording);
    log.info(
      'video',
      `encoded ${recording.frames.length} painted frame(s) to WebM, ${Math.round(video.length / 1024)} KiB`,
      Math.round(performance.now() - started),
    );
    return video;
  } catch (error) {
    log.warn(
      'video',
      `no video recorded: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}
