/**
 * FastDTW (Salvador & Chan 2007) exactly as the `fastdtw` 0.3.4 Python package computes it (its pure-Python code
 * path), so that costs and warping paths agree with evaluators built on it (the SLRTP 2025 harness):
 *
 * 1. If either sequence has fewer than radius + 2 frames: exact DTW over the full grid.
 * 2. Otherwise coarsen both by halving: frame k of the coarse sequence is (x[2k] + x[2k+1]) / 2 for
 *    k < floor(T / 2) (an odd last frame is dropped), recurse, and get the coarse path.
 * 3. Expand the coarse path by `radius` cells in every direction (a square neighbourhood), project every coarse cell
 *    (i, j) onto the four fine cells (2i..2i+1, 2j..2j+1), and keep the cells inside the fine grid. Because the path
 *    is monotone with unit steps, every row of this set is one contiguous column range:
 *      coarse row c → [ymin(max(0, c − r)) − r, ymax(min(last, c + r)) + r]  for c ≤ last + r,
 *    where ymin/ymax are the path's first and last column in a coarse row; fine rows 2c, 2c + 1 get
 *    [2·low, 2·high + 1], clipped to the grid. This is the set the package's `__expand_window` enumerates.
 * 4. Exact DTW restricted to that window, with the package's tie-breaking (see dtw.ts).
 *
 * radius 0 on odd lengths leaves no path to the last cell (the package then fails); this throws a clear error.
 *
 * `variant: 'cython'` reproduces the package's compiled extension instead (what `import fastdtw` runs when the
 * extension was built at install time): its tie-breaking and diagonal rule (dtw.ts) and, in step 3, coarse rows past
 * the path's last row copy that row's column range instead of shrinking from the left. Both variants give the same
 * numbers on fixtures/slrtp; they differ on tie-heavy inputs (small integer-valued sequences).
 */
import { windowedDtw, fullWindow, type DtwPathResult, type DtwRule, type WarpingPath, type Window } from './dtw.js';
import { euclidean, type FrameDistance, type FrameMatrix } from './frames.js';

export interface FastDtwOptions {
  /** Neighbourhood around the projected coarse path (fastdtw's `radius`, default 1). */
  radius?: number;
  /** Frame distance (default Euclidean, the SLRTP harness's `dist`). */
  distance?: FrameDistance;
  /** fastdtw code path to reproduce (default `python`, the module the brief and the SLRTP fixture follow). */
  variant?: DtwRule;
}

/** Python's `__reduce_by_half`: pairwise means of consecutive frames, floor(T / 2) frames. */
export function reduceByHalf(x: FrameMatrix): FrameMatrix {
  const frames = Math.floor(x.frames / 2);
  const { dim } = x;
  const out = new Float64Array(frames * dim);
  for (let k = 0; k < frames; k++) {
    const a = 2 * k * dim;
    const b = a + dim;
    const o = k * dim;
    for (let d = 0; d < dim; d++) out[o + d] = (x.data[a + d] + x.data[b + d]) / 2;
  }
  return { data: out, frames, dim };
}

/** The fine-grid window around a coarse path (see the module comment, step 3). */
export function expandWindow(path: WarpingPath, lenX: number, lenY: number, radius: number, variant: DtwRule = 'python'): Window {
  const last = path.i[path.i.length - 1];
  const ymin = new Int32Array(last + 1).fill(2 ** 30);
  const ymax = new Int32Array(last + 1).fill(-1);
  for (let k = 0; k < path.i.length; k++) {
    const i = path.i[k];
    const j = path.j[k];
    if (j < ymin[i]) ymin[i] = j;
    if (j > ymax[i]) ymax[i] = j;
  }
  const lo = new Int32Array(lenX);
  const hi = new Int32Array(lenX).fill(-1);
  for (let i = 0; i < lenX; i++) {
    const c = i >> 1;
    if (c > last + radius) { lo[i] = 0; hi[i] = -1; continue; }
    // The Cython extension copies the last path row's range to the rows after it.
    const low = ymin[Math.max(0, (variant === 'cython' ? Math.min(c, last) : c) - radius)] - radius;
    const high = ymax[Math.min(last, c + radius)] + radius;
    lo[i] = Math.max(0, 2 * low);
    hi[i] = Math.min(lenY - 1, 2 * high + 1);
  }
  return { lo, hi };
}

function checkInputs(x: FrameMatrix, y: FrameMatrix, radius: number): void {
  if (x.dim !== y.dim) throw new RangeError(`frame widths differ: ${x.dim} and ${y.dim}`);
  if (x.frames < 1 || y.frames < 1) throw new RangeError(`FastDTW needs two non-empty sequences, got ${x.frames} and ${y.frames} frames`);
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`FastDTW radius must be a non-negative integer, got ${radius}`);
}

function cellCost(x: FrameMatrix, y: FrameMatrix, dist: FrameDistance) {
  const { dim } = x;
  return (i: number, j: number) => dist(x.data, i, y.data, j, dim);
}

function fast(x: FrameMatrix, y: FrameMatrix, radius: number, dist: FrameDistance, variant: DtwRule): DtwPathResult {
  const minSize = radius + 2;
  if (x.frames < minSize || y.frames < minSize) {
    return windowedDtw(x.frames, y.frames, fullWindow(x.frames, y.frames), cellCost(x, y, dist), variant);
  }
  const coarse = fast(reduceByHalf(x), reduceByHalf(y), radius, dist, variant);
  const window = expandWindow(coarse.path, x.frames, y.frames, radius, variant);
  try {
    return windowedDtw(x.frames, y.frames, window, cellCost(x, y, dist), variant);
  } catch (err) {
    throw new Error(`FastDTW (radius ${radius}) found no path for ${x.frames}×${y.frames} frames: ${(err as Error).message}`);
  }
}

/** FastDTW cost and warping path between x and y (see the module comment). */
export function fastDtw(x: FrameMatrix, y: FrameMatrix, opts: FastDtwOptions = {}): DtwPathResult {
  const radius = opts.radius ?? 1;
  checkInputs(x, y, radius);
  const variant = opts.variant ?? 'python';
  if (variant !== 'python' && variant !== 'cython') throw new RangeError(`FastDTW variant must be 'python' or 'cython', got '${String(variant)}'`);
  return fast(x, y, radius, opts.distance ?? euclidean, variant);
}

/** Exact DTW between two frame matrices with a frame distance (cost and path). */
export function exactDtw(x: FrameMatrix, y: FrameMatrix, distance: FrameDistance = euclidean): DtwPathResult {
  if (x.dim !== y.dim) throw new RangeError(`frame widths differ: ${x.dim} and ${y.dim}`);
  return windowedDtw(x.frames, y.frames, fullWindow(x.frames, y.frames), cellCost(x, y, distance));
}
