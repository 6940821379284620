import { extname, join } from 'node:path';
import { withAtomicFile } from '../pose/fsio.js';
import { checkFpsValue, type PoseSequence } from '../pose/sequence.js';
import { SignbenchError } from '../pose/errors.js';
import { frameRenderer, renderFrame, resolveRenderSize, assertRenderStyle, type RenderStyle } from './frame.js';
import type { EncodeOptions, FrameSource, ProgressCallback } from './encode/frames.js';
import { encodePng, writePngDirectory } from './encode/png.js';
import { writePngZip } from './encode/zip.js';
import { writeAnimatedWebp } from './encode/webp.js';
import { writeAnimatedGif } from './encode/gif.js';
import { writeMp4 } from './encode/mp4.js';

export type RenderFormat = 'png' | 'zip' | 'webp' | 'gif' | 'mp4';
export const RENDER_FORMATS: readonly RenderFormat[] = ['png', 'zip', 'webp', 'gif', 'mp4'];

export interface RenderSequenceOptions {
  style: RenderStyle;
  /** Output frame size; default: the sequence's source frame size. */
  width?: number;
  height?: number;
  format: RenderFormat;
  /**
   * png: the directory that receives 000000.png, 000001.png, …. Other formats: a file path ending in `.<format>`,
   * or a directory that receives `<sequence id>.<format>`.
   */
  out: string;
  onProgress?: ProgressCallback;
  /** Frames encoded at once (default: the core count, at most 4). */
  concurrency?: number;
  /** Frame rate of animations and video; default: the sequence's fps (24 when it has none). */
  fps?: number;
}

export interface RenderOutput {
  /** The PNG directory or the written file. */
  path: string;
  format: RenderFormat;
  frames: number;
  width: number;
  height: number;
  fps: number;
  /** Set when the written frames differ in size from the rendered ones (MP4 pads odd sides to even for yuv420p). */
  renderedSize?: { width: number; height: number };
}

/** The frame size a format actually stores for rendered frames of width×height (MP4: odd sides padded to even). */
function encodedSize(format: RenderFormat, width: number, height: number): { width: number; height: number } {
  return format === 'mp4' ? { width: width + (width & 1), height: height + (height & 1) } : { width, height };
}

/** The size fields of a RenderOutput: the stored size, and the rendered one when the format changed it. */
export function outputSize(format: RenderFormat, width: number, height: number): Pick<RenderOutput, 'width' | 'height' | 'renderedSize'> {
  const real = encodedSize(format, width, height);
  return real.width === width && real.height === height ? real : { ...real, renderedSize: { width, height } };
}

/** The render format an output path names by its extension (`anim.gif` → gif), if any. */
export function formatFromPath(out: string): RenderFormat | undefined {
  const ext = extname(out).slice(1).toLowerCase();
  return (RENDER_FORMATS as readonly string[]).includes(ext) && ext !== 'png' ? (ext as RenderFormat) : undefined;
}

export function assertRenderFormat(f: unknown): RenderFormat {
  if (typeof f !== 'string' || !(RENDER_FORMATS as readonly string[]).includes(f)) {
    throw new Error(`unknown output format ${JSON.stringify(f)}: choose one of ${RENDER_FORMATS.join(', ')}`);
  }
  return f as RenderFormat;
}

/** A file-system-safe stem from a sequence id. */
export function safeStem(id: string): string {
  const s = id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 120);
  return s || 'sequence';
}

/** Where a render goes: the PNG directory, or the output file for the other formats. */
export function outputPath(out: string, format: RenderFormat, id: string): string {
  if (typeof out !== 'string' || out.length === 0) throw new Error('out: an output path is required');
  if (format === 'png') return out;
  return extname(out).toLowerCase() === `.${format}` ? out : join(out, `${safeStem(id)}.${format}`);
}

export function checkFps(fps: number | undefined, fallback: number): number {
  const v = fps ?? (Number.isFinite(fallback) && fallback > 0 ? fallback : 24);
  const problem = checkFpsValue(v);
  if (problem) throw new SignbenchError('invalid-input', problem);
  return v;
}

/** Writes a frame source in the requested format (the encoders behind renderSequence and renderComparison). */
export async function writeFrames(source: FrameSource, format: RenderFormat, out: string, opts: EncodeOptions = {}): Promise<string> {
  const path = outputPath(out, format, source.id);
  if (format === 'png') {
    await writePngDirectory(source, path, opts);
    return path;
  }
  // Written under a temporary name beside `path` and renamed when complete: an interrupted render leaves no
  // truncated file under the final name.
  await withAtomicFile(path, async (tmp) => {
    if (format === 'zip') await writePngZip(source, tmp, opts);
    else if (format === 'webp') await writeAnimatedWebp(source, tmp, opts);
    else if (format === 'gif') await writeAnimatedGif(source, tmp, opts);
    else await writeMp4(source, tmp, opts);
  });
  return path;
}

/** The frames of one sequence rendered in one style and size, as a FrameSource. */
export function sequenceFrames(seq: PoseSequence, style: RenderStyle, width?: number, height?: number, fps?: number): FrameSource {
  assertRenderStyle(style);
  const size = resolveRenderSize(seq, width, height);
  const render = frameRenderer(style, size.width, size.height);
  return {
    id: seq.id,
    width: size.width,
    height: size.height,
    count: seq.frames,
    fps: checkFps(fps, seq.meta.fps),
    renderInto: (i, out) => {
      render(seq, i, out);
    },
  };
}

/** Frame t of seq rendered and encoded as one PNG (e.g. for a server response). */
export async function renderFramePng(seq: PoseSequence, t: number, opts: { style: RenderStyle; width?: number; height?: number }): Promise<Buffer> {
  const size = resolveRenderSize(seq, opts.width, opts.height);
  const rgb = renderFrame(seq, t, { style: opts.style, ...size });
  return encodePng(rgb, size.width, size.height);
}

/**
 * Renders every frame of seq and writes them as PNG files, a zip of PNGs, an animated lossless WebP, an animated
 * GIF or an H.264 MP4 (ffmpeg). Frames are rendered one by one and encoded in parallel with bounded concurrency.
 */
export async function renderSequence(seq: PoseSequence, opts: RenderSequenceOptions): Promise<RenderOutput> {
  const format = assertRenderFormat(opts?.format);
  if (seq.frames === 0) throw new Error(`${seq.id || '<sequence>'}: the sequence has no frames, nothing to render`);
  const source = sequenceFrames(seq, opts.style, opts.width, opts.height, opts.fps);
  const path = await writeFrames(source, format, opts.out, { onProgress: opts.onProgress, concurrency: opts.concurrency });
  return { path, format, frames: source.count, ...outputSize(format, source.width, source.height), fps: source.fps };
}
