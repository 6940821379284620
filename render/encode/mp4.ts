import { spawn } from 'node:child_process';
import { encodeFramesOrdered, type EncodeOptions, type FrameSource } from './frames.js';

export const FFMPEG_MISSING = 'ffmpeg not found: apt-get install ffmpeg';

/** The ffmpeg command line used for MP4 (SignVerse's settings: libx264 veryfast, CRF 18, yuv420p, faststart). */
export function ffmpegArgs(source: FrameSource, file: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${source.width}x${source.height}`, '-r', String(source.fps), '-i', 'pipe:0',
    // yuv420p needs even sides: pad odd ones with one black row/column
    '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
    file,
  ];
}

/**
 * Pipes the frames as raw rgb24 into a spawned ffmpeg (Debian's, found on PATH or at `ffmpegPath`) that writes an
 * H.264 MP4. Frames are rendered one at a time and written with back-pressure.
 */
export async function writeMp4(source: FrameSource, file: string, opts: EncodeOptions & { ffmpegPath?: string } = {}): Promise<number> {
  const bin = opts.ffmpegPath ?? process.env.SIGNBENCH_FFMPEG ?? 'ffmpeg';
  const child = spawn(bin, ffmpegArgs(source, file), { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < 8192) stderr += s;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(FFMPEG_MISSING) : err));
    child.once('close', (code) => resolve(code ?? 1));
  });
  let ended = false;
  exited.then(() => (ended = true), () => (ended = true));
  const stdin = child.stdin;
  stdin.on('error', () => undefined); // EPIPE when ffmpeg dies early: reported through its exit status
  try {
    await encodeFramesOrdered(
      source,
      async (raw) => Buffer.from(raw), // a copy: the raw buffer returns to the pool
      async (frame) => {
        if (ended) throw new Error('ffmpeg exited early');
        if (!stdin.write(frame)) {
          await Promise.race([new Promise<void>((r) => stdin.once('drain', () => r())), exited]);
        }
      },
      { ...opts, concurrency: 1 },
    );
  } catch (err) {
    stdin.destroy();
    const code = await exited; // a missing ffmpeg rejects here with FFMPEG_MISSING
    if (code === 0) throw err;
  } finally {
    stdin.end();
  }
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg failed (exit ${code}) writing ${file}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
  return source.count;
}
