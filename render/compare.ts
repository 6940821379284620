import sharp from 'sharp';
import type { PoseSequence } from '../pose/sequence.js';
import { assertRenderStyle, checkRenderSize, frameRenderer, MAX_RENDER_SIDE, resolveRenderSize, type RenderStyle } from './frame.js';
import type { FrameSource, ProgressCallback } from './encode/frames.js';
import { assertRenderFormat, checkFps, outputSize, writeFrames, type RenderFormat, type RenderOutput } from './output.js';

export interface ComparisonItem {
  seq: PoseSequence;
  caption: string;
}

export interface RenderComparisonOptions {
  style: RenderStyle;
  /** Size of each cell's drawing; default: the first sequence's source frame size. */
  width?: number;
  height?: number;
  format: RenderFormat;
  /** As in renderSequence: the PNG directory, a `.<format>` file, or a directory for `comparison.<format>`. */
  out: string;
  /** Cells per row; default: all in one row (side by side). */
  columns?: number;
  /** Height of the caption bar above each cell in pixels (default 32; 0: no captions). */
  captionHeight?: number;
  onProgress?: ProgressCallback;
  concurrency?: number;
  fps?: number;
  /** Name used for the output file when `out` is a directory (default `comparison`). */
  id?: string;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** A caption bar (white text centred on dark gray) as raw RGB: a black bar with an SVG text overlay composited by sharp. */
/** Average advance of a DejaVu Sans glyph, as a fraction of the font size (for fitting captions). */
const GLYPH_WIDTH = 0.6;

/**
 * A caption line that fits its cell: the font shrinks (down to 9 px) for long text, and text that still does not fit
 * is cut with an ellipsis, so neighbouring captions never overlap.
 */
export function fitCaption(text: string, width: number, height: number): { text: string; fontSize: number } {
  const usable = Math.max(1, width - 8);
  let fontSize = Math.max(8, Math.round(height * 0.6));
  const fits = (n: number, f: number) => n * f * GLYPH_WIDTH <= usable;
  while (fontSize > 9 && !fits(text.length, fontSize)) fontSize--;
  if (fits(text.length, fontSize)) return { text, fontSize };
  const keep = Math.max(1, Math.floor(usable / (fontSize * GLYPH_WIDTH)) - 1);
  return { text: Array.from(text).slice(0, keep).join('') + '…', fontSize };
}

async function captionBar(caption: string, width: number, height: number): Promise<Uint8Array> {
  const { text, fontSize } = fitCaption(caption, width, height);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`
    + `<text x="50%" y="50%" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#ffffff">${escapeXml(text)}</text></svg>`;
  const raw = await sharp({ create: { width, height, channels: 3, background: { r: 32, g: 32, b: 32 } } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
}

/** Copies a w×h RGB block into an RGB image of width W at (x, y). */
function blit(dst: Uint8Array, W: number, src: Uint8Array, w: number, h: number, x: number, y: number): void {
  for (let r = 0; r < h; r++) dst.set(src.subarray(r * w * 3, (r + 1) * w * 3), ((y + r) * W + x) * 3);
}

/**
 * Renders several sequences side by side (or in a grid) with a caption above each, e.g. "reference" vs
 * "generated", into any output format of renderSequence. The result lasts as long as the longest sequence; a
 * shorter one holds its last frame. Sequences at another frame rate are sampled by time. Captions are drawn once; each frame is composed in memory and encoded like a
 * single sequence.
 */
export async function renderComparison(items: ComparisonItem[], opts: RenderComparisonOptions): Promise<RenderOutput> {
  if (!Array.isArray(items) || items.length === 0) throw new Error('compare: give at least one sequence');
  const style = assertRenderStyle(opts?.style);
  const format = assertRenderFormat(opts.format);
  for (const [k, it] of items.entries()) {
    if (!it?.seq || it.seq.frames === 0) throw new Error(`compare: sequence ${k + 1} (${it?.seq?.id ?? '?'}) has no frames`);
  }
  const cell = resolveRenderSize(items[0].seq, opts.width, opts.height);
  const columns = Math.max(1, Math.min(items.length, Math.floor(opts.columns ?? items.length)));
  const rows = Math.ceil(items.length / columns);
  const capH = Math.max(0, Math.floor(opts.captionHeight ?? 32));
  const W = cell.width * columns;
  const H = (cell.height + capH) * rows;
  if (W > MAX_RENDER_SIDE || H > MAX_RENDER_SIDE) {
    throw new Error(`compare: a ${columns}×${rows} grid of ${cell.width}×${cell.height} cells is ${W}×${H}, more than ${MAX_RENDER_SIDE} px per side; pass a smaller width/height or fewer columns`);
  }
  checkRenderSize(W, H, 'comparison size');
  const render = frameRenderer(style, cell.width, cell.height);
  const captions = capH > 0 ? await Promise.all(items.map((it) => captionBar(it.caption ?? '', cell.width, capH))) : [];
  const cellBuf = new Uint8Array(cell.width * cell.height * 3);
  // Sequences at other frame rates (e.g. a 12-fps generator beside 24-fps ground truth) are sampled by time, so the
  // panels stay in step: output frame i shows each sequence's frame at time i / fps.
  const fps = checkFps(opts.fps, items[0].seq.meta.fps);
  const rate = items.map((it) => (it.seq.meta.fps > 0 && Number.isFinite(it.seq.meta.fps) ? it.seq.meta.fps / fps : 1));
  const count = Math.max(...items.map((it, k) => Math.ceil(it.seq.frames / rate[k])));
  const source: FrameSource = {
    id: opts.id ?? 'comparison',
    width: W,
    height: H,
    count,
    fps,
    renderInto: (i, out) => {
      out.fill(0);
      items.forEach((it, k) => {
        const x = (k % columns) * cell.width;
        const y = Math.floor(k / columns) * (cell.height + capH);
        if (capH > 0) blit(out, W, captions[k], cell.width, capH, x, y);
        render(it.seq, Math.min(Math.floor(i * rate[k] + 1e-9), it.seq.frames - 1), cellBuf);
        blit(out, W, cellBuf, cell.width, cell.height, x, y + capH);
      });
    },
  };
  const path = await writeFrames(source, format, opts.out, { onProgress: opts.onProgress, concurrency: opts.concurrency });
  return { path, format, frames: count, ...outputSize(format, W, H), fps: source.fps };
}
