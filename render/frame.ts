import type { PoseSequence } from '../pose/sequence.js';
import { FRAME_STRIDE } from '../pose/skeleton.js';
import { RgbImage } from './raster/image.js';
import { Resizer } from './raster/resize.js';
import { drawControlNet } from './draw-controlnet.js';
import { drawSignVerse, signVerseCanvasSize, type SignVerseScales } from './draw-signverse.js';
import { checkedFrame } from './frame-data.js';

/**
 * - `controlnet`: the DWPose ControlNet annotator drawing at the output size (reference notes §3.9).
 * - `signverse-thin` / `signverse-bold`: SignVerse's `draw_pose` (short side drawn at 2160, line/point scales 1/1
 *   and 3/2, INTER_LINEAR down-scale, R↔B swap; §3.1–3.6).
 */
export type RenderStyle = 'controlnet' | 'signverse-thin' | 'signverse-bold';

export const RENDER_STYLES: readonly RenderStyle[] = ['controlnet', 'signverse-thin', 'signverse-bold'];

const SIGNVERSE_SCALES: Readonly<Record<'signverse-thin' | 'signverse-bold', SignVerseScales>> = {
  'signverse-thin': { lineScale: 1, pointScale: 1 },
  'signverse-bold': { lineScale: 3, pointScale: 2 },
};

/** Largest output side. Larger frames are refused rather than allocated. */
export const MAX_RENDER_SIDE = 8192;
/** Largest intermediate SignVerse canvas (pixels): its short side is 2160, so this bounds the aspect ratio. */
export const MAX_CANVAS_PIXELS = 2160 * 2160 * 16;

export interface FrameRenderOptions {
  style: RenderStyle;
  /** Output size in pixels; default: the sequence's source frame size (meta.width × meta.height). */
  width?: number;
  height?: number;
}

/** Renders frame t of seq into `out` (or the renderer's own buffer, overwritten by the next call) as RGB bytes. */
export type FrameRenderer = (seq: PoseSequence, t: number, out?: Uint8Array) => Uint8Array;

export function isRenderStyle(s: unknown): s is RenderStyle {
  return typeof s === 'string' && (RENDER_STYLES as readonly string[]).includes(s);
}

export function assertRenderStyle(s: unknown): RenderStyle {
  if (!isRenderStyle(s)) throw new Error(`unknown render style ${JSON.stringify(s)}: choose one of ${RENDER_STYLES.join(', ')}`);
  return s;
}

/** Checks an output size (positive integers, at most MAX_RENDER_SIDE per side) and returns it. */
export function checkRenderSize(width: number, height: number, what = 'output size'): { width: number; height: number } {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new Error(`${what}: ${name} must be a positive integer, got ${v}`);
    }
    if (v > MAX_RENDER_SIDE) {
      throw new Error(`${what}: ${name} ${v} exceeds the maximum of ${MAX_RENDER_SIDE} pixels per side`);
    }
  }
  return { width, height };
}

/** The output size for a sequence: the explicit width/height, else the sequence's source frame size. */
export function resolveRenderSize(seq: PoseSequence, width?: number, height?: number): { width: number; height: number } {
  const fromMeta = (v: number) => (Number.isFinite(v) && v >= 0.5 ? Math.round(v) : NaN);
  const w = width ?? fromMeta(seq.meta.width);
  const h = height ?? fromMeta(seq.meta.height);
  if (Number.isNaN(w) || Number.isNaN(h)) {
    throw new Error(`${seq.id || '<sequence>'}: no usable frame size in the sequence (${seq.meta.width}×${seq.meta.height}); pass width and height`);
  }
  return checkRenderSize(w, h);
}

/**
 * A renderer for one style and output size that keeps its canvas, resize tables and output buffer between calls:
 * the way to render many frames.
 */
export function frameRenderer(style: RenderStyle, width: number, height: number): FrameRenderer {
  assertRenderStyle(style);
  checkRenderSize(width, height);
  const bytes = width * height * 3;
  let own: Uint8Array | undefined;
  const target = (out?: Uint8Array): Uint8Array => {
    if (out) {
      if (out.length !== bytes) throw new Error(`output buffer has ${out.length} bytes, ${bytes} needed for ${width}×${height} RGB`);
      return out;
    }
    return (own ??= new Uint8Array(bytes));
  };

  if (style === 'controlnet') {
    let canvas: RgbImage | undefined; // drawn at the output size; only its written tiles are cleared per frame
    return (seq, t, out) => {
      const frame = checkedFrame(seq, t);
      const dst = target(out);
      canvas ??= new RgbImage(width, height);
      canvas.clear();
      if (seq.people[t] > 0) drawControlNet(canvas, frame, otherPeople(seq, t));
      dst.set(canvas.data);
      return dst;
    };
  }

  const scales = SIGNVERSE_SCALES[style];
  const size = signVerseCanvasSize(width, height);
  if (size.width * size.height > MAX_CANVAS_PIXELS) {
    throw new Error(`${style}: a ${width}×${height} frame needs a ${size.width}×${size.height} drawing canvas (short side 2160), more than the ${MAX_CANVAS_PIXELS} pixels allowed; use a less elongated size`);
  }
  let canvas: RgbImage | undefined; // allocated on first use
  const resizer = new Resizer(size.width, size.height, width, height);
  return (seq, t, out) => {
    const frame = checkedFrame(seq, t);
    const dst = target(out);
    if (seq.people[t] === 0) {
      dst.fill(0); // SignVerse renders a frame without a person black
      return dst;
    }
    canvas ??= new RgbImage(size.width, size.height);
    canvas.clear();
    drawSignVerse(canvas, frame, scales);
    resizer.resize(canvas.data, dst, canvas, true); // down-scale, then BGR2RGB
    return dst;
  };
}

/** Frame t's other people (PoseSequence.extraPeople) as 384-float views, checked like the signer's frame. */
function otherPeople(seq: PoseSequence, t: number): Float32Array[] {
  const e = seq.extraPeople?.[t];
  if (!e || e.length === 0) return [];
  const out: Float32Array[] = [];
  for (let o = 0; o < e.length; o += FRAME_STRIDE) {
    const f = e.subarray(o, o + FRAME_STRIDE);
    const bad = f.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${seq.id || '<sequence>'}: frame ${t}, person ${1 + o / FRAME_STRIDE}: value ${f[bad]} cannot be rendered`);
    out.push(f);
  }
  return out;
}

const cache = new Map<string, FrameRenderer>();

/**
 * Renders frame t of seq as RGB bytes (width·height·3, row-major). Pass `out` to reuse a buffer; for many frames
 * prefer `frameRenderer`.
 */
export function renderFrame(seq: PoseSequence, t: number, opts: FrameRenderOptions, out?: Uint8Array): Uint8Array {
  const style = assertRenderStyle(opts?.style);
  const { width, height } = resolveRenderSize(seq, opts.width, opts.height);
  const key = `${style}:${width}x${height}`;
  let r = cache.get(key);
  if (!r) {
    r = frameRenderer(style, width, height);
    if (cache.size >= 2) cache.delete(cache.keys().next().value!);
    cache.set(key, r);
  }
  return r(seq, t, out ?? new Uint8Array(width * height * 3));
}
