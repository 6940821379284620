/**
 * Frame matrices: a pose sequence flattened into one fixed-length vector per frame, in float64, as the DTW
 * implementations consume them.
 */
import { CHANNELS, FRAME_STRIDE, POINTS, type PoseSequence } from '../../../pose/index.js';

/** `frames` vectors of `dim` numbers each, row-major in `data`. */
export interface FrameMatrix {
  readonly data: Float64Array;
  readonly frames: number;
  readonly dim: number;
}

/** Distance between frame `ai` of `a` and frame `bi` of `b` (row indices, not offsets), both of width `dim`. */
export type FrameDistance = (a: Float64Array, ai: number, b: Float64Array, bi: number, dim: number) => number;

export function frameMatrix(data: Float64Array, dim: number): FrameMatrix {
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`frame width must be a positive integer, got ${dim}`);
  if (data.length % dim !== 0) throw new RangeError(`${data.length} values is not a multiple of the frame width ${dim}`);
  return { data, frames: data.length / dim, dim };
}

/** Builds a matrix from an array of equal-length frames (tests, small inputs). */
export function matrixFromRows(rows: readonly (readonly number[] | Float64Array)[]): FrameMatrix {
  if (rows.length === 0) throw new RangeError('no frames');
  const dim = rows[0].length;
  const data = new Float64Array(rows.length * dim);
  rows.forEach((r, i) => {
    if (r.length !== dim) throw new RangeError(`frame ${i} has ${r.length} values, frame 0 has ${dim}`);
    data.set(r, i * dim);
  });
  return frameMatrix(data, dim);
}

/** Euclidean (L2) distance, summed in index order. */
export const euclidean: FrameDistance = (a, ai, b, bi, dim) => {
  let s = 0;
  const oa = ai * dim;
  const ob = bi * dim;
  for (let k = 0; k < dim; k++) {
    const d = a[oa + k] - b[ob + k];
    s += d * d;
  }
  return Math.sqrt(s);
};

/** L1 (Manhattan) distance: the Progressive Transformers DTW frame cost. */
export const manhattan: FrameDistance = (a, ai, b, bi, dim) => {
  let s = 0;
  const oa = ai * dim;
  const ob = bi * dim;
  for (let k = 0; k < dim; k++) s += Math.abs(a[oa + k] - b[ob + k]);
  return s;
};

/**
 * The flattened (x, y) of all 128 points of every frame, `[x0, y0, x1, y1, …]` (256 values a frame), exactly as
 * stored (normalised to the source frame), confidences ignored and missing points kept at whatever coordinates the
 * source had: the array the SLRTP harness flattens.
 */
export function flattenXY(seq: PoseSequence, frames: readonly number[] | null = null): FrameMatrix {
  const idx = frames ?? Array.from({ length: seq.frames }, (_, t) => t);
  const dim = POINTS * 2;
  const out = new Float64Array(idx.length * dim);
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r] * FRAME_STRIDE;
    const dst = r * dim;
    for (let p = 0; p < POINTS; p++) {
      out[dst + 2 * p] = seq.data[src + p * CHANNELS];
      out[dst + 2 * p + 1] = seq.data[src + p * CHANNELS + 1];
    }
  }
  return frameMatrix(out, dim);
}

/** Frame indices 0, step, 2·step, … (Python's `[::step]`). */
export function strideIndices(frames: number, step: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < frames; t += step) out.push(t);
  return out;
}
