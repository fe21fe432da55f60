import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** ffprobe's duration (s) and decoded frame count of a video file. */
export async function probeVideo(bytes: Buffer): Promise<{ duration: number; frames: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'scene-video-'));
  try {
    const file = join(dir, 'video.webm');
    await writeFile(file, bytes);
    const { stdout } = await promisify(execFile)('ffprobe', [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames:format=duration',
      '-of',
      'json',
      file,
    ]);
    const probed = JSON.parse(stdout) as {
      streams: { nb_read_frames?: string }[];
      format: { duration?: string };
    };
    return {
      duration: Number(probed.format.duration ?? 0),
      frames: Number(probed.streams[0]?.nb_read_frames ?? 0),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
