/**
 * Exact dynamic time warping over a cost given cell by cell.
 *
 * Recurrence (0-based cells, D(−1, −1) = 0, every other cell outside the grid or the window = +∞):
 *   D(i, j) = cost(i, j) + min(D(i−1, j), D(i, j−1), D(i−1, j−1))
 * The minimum keeps the FIRST of equal candidates in that order — (i−1, j), then (i, j−1), then (i−1, j−1) — which is
 * the tie-breaking of fastdtw 0.3.4's pure-Python `__dtw` (Python's `min` keeps the first minimum), so that warping
 * paths, not only costs, match it. `min(a, b, c) + d` equals `min(a + d, b + d, c + d)` in floating point (rounding
 * is monotone), so costs are bit-identical to that formulation too.
 *
 * - `dtwCost`: the cost and the path length, O(T·T') time, O(T') memory (two rows; no path kept).
 * - `dtwPath`: the cost and the warping path, O(T·T') time and one byte of back-pointer per cell.
 * - `windowedDtw`: the same restricted to a window of one contiguous column range per row (FastDTW's refinement step).
 *
 * `rule: 'cython'` reproduces instead the package's compiled extension (`_fastdtw.pyx`), used when it was built at
 * install time: on ties it prefers (i−1, j−1), then (i, j−1), then (i−1, j) (it takes (i−1, j) only when strictly
 * smaller than both others, else (i, j−1) when strictly smaller than the diagonal, else the diagonal), and inside a
 * window it never steps diagonally into a column beyond the previous row's last column.
 */

/** Cost of matching row i of the first sequence with row j of the second. */
export type CellCost = (i: number, j: number) => number;

/** A warping path: matched index pairs (i[k], j[k]), from (0, 0) to (T − 1, T' − 1), monotone, unit steps. */
export interface WarpingPath {
  readonly i: Int32Array;
  readonly j: Int32Array;
}

export interface DtwResult {
  /** Sum of the cell costs along the optimal path. */
  cost: number;
  /** Number of matched pairs on the path. */
  length: number;
}

export interface DtwPathResult extends DtwResult {
  path: WarpingPath;
}

/** Which fastdtw 0.3.4 code path to reproduce: its pure-Python module or its compiled Cython extension. */
export type DtwRule = 'python' | 'cython';

/** Column range [lo[i], hi[i]] (inclusive) allowed in each row i; an empty row has lo > hi. */
export interface Window {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

function checkSizes(n: number, m: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 1) {
    throw new RangeError(`DTW needs two non-empty sequences, got ${n} and ${m} frames`);
  }
}

/** Exact DTW cost and path length in O(m) memory. */
export function dtwCost(n: number, m: number, cost: CellCost): DtwResult {
  checkSizes(n, m);
  let prev = new Float64Array(m);
  let cur = new Float64Array(m);
  let prevLen = new Int32Array(m);
  let curLen = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let best: number;
      let len: number;
      if (i === 0) {
        // Row 0: only the virtual start (diagonal of (0, 0)) or the left neighbour.
        if (j === 0) { best = 0; len = 0; } else { best = cur[j - 1]; len = curLen[j - 1]; }
      } else {
        best = prev[j]; len = prevLen[j]; // (i−1, j)
        if (j > 0) {
          if (cur[j - 1] < best) { best = cur[j - 1]; len = curLen[j - 1]; } // (i, j−1)
          if (prev[j - 1] < best) { best = prev[j - 1]; len = prevLen[j - 1]; } // (i−1, j−1)
        }
      }
      cur[j] = best + cost(i, j);
      curLen[j] = len + 1;
    }
    [prev, cur] = [cur, prev];
    [prevLen, curLen] = [curLen, prevLen];
  }
  return { cost: prev[m - 1], length: prevLen[m - 1] };
}

/** The full window: every column in every row. */
export function fullWindow(n: number, m: number): Window {
  return { lo: new Int32Array(n), hi: new Int32Array(n).fill(m - 1) };
}

/** Exact DTW with the warping path. */
export function dtwPath(n: number, m: number, cost: CellCost, rule: DtwRule = 'python'): DtwPathResult {
  checkSizes(n, m);
  return windowedDtw(n, m, fullWindow(n, m), cost, rule);
}

/** Most cells a path-recovering DTW keeps back-pointers for (1 byte each): beyond it, use FastDTW or dtwCost. */
export const MAX_PATH_CELLS = 400_000_000;

const UP = 0;
const LEFT = 1;
const DIAG = 2;

/**
 * DTW restricted to `window` (cells outside it are +∞), with the path. Throws when the window holds no path from
 * (0, 0) to (n − 1, m − 1).
 */
export function windowedDtw(n: number, m: number, window: Window, cost: CellCost, rule: DtwRule = 'python'): DtwPathResult {
  checkSizes(n, m);
  const { lo, hi } = window;
  if (lo.length !== n || hi.length !== n) throw new RangeError(`window has ${lo.length} rows for ${n} frames`);
  // Row offsets as doubles: the cell count is checked against the limit before anything that size is allocated.
  const rowStart = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const l = Math.max(0, lo[i]);
    const h = Math.min(m - 1, hi[i]);
    rowStart[i + 1] = rowStart[i] + Math.max(0, h - l + 1);
  }
  if (rowStart[n] > MAX_PATH_CELLS) {
    throw new RangeError(`DTW path for ${n}×${m} frames needs ${rowStart[n]} cells, over the ${MAX_PATH_CELLS} limit (use FastDTW, or dtwCost without a path)`);
  }
  const back = new Uint8Array(rowStart[n]);
  let prev = new Float64Array(m);
  let cur = new Float64Array(m);
  let plo = 0;
  let phi = -1;
  for (let i = 0; i < n; i++) {
    const l = Math.max(0, lo[i]);
    const h = Math.min(m - 1, hi[i]);
    const base = rowStart[i] - l;
    for (let j = l; j <= h; j++) {
      const up = i > 0 && j >= plo && j <= phi ? prev[j] : Infinity;
      const left = j > l ? cur[j - 1] : Infinity;
      let diag: number;
      if (i === 0) diag = j === 0 ? 0 : Infinity;
      else if (rule === 'cython') diag = j - 1 >= plo && j <= phi ? prev[j - 1] : Infinity;
      else diag = j - 1 >= plo && j - 1 <= phi ? prev[j - 1] : Infinity;
      let best: number;
      let dir: number;
      if (rule === 'cython') {
        if (up < left && up < diag) { best = up; dir = UP; }
        else if (left < diag) { best = left; dir = LEFT; }
        else { best = diag; dir = DIAG; }
      } else {
        best = up; dir = UP;
        if (left < best) { best = left; dir = LEFT; }
        if (diag < best) { best = diag; dir = DIAG; }
      }
      cur[j] = best + cost(i, j);
      back[base + j] = dir;
    }
    [prev, cur] = [cur, prev];
    plo = l;
    phi = h;
  }
  if (!(m - 1 >= plo && m - 1 <= phi) || prev[m - 1] === Infinity) {
    throw new Error(`DTW window holds no warping path from (0, 0) to (${n - 1}, ${m - 1})`);
  }
  const total = prev[m - 1];
  // Walk back from the last cell.
  const pi: number[] = [];
  const pj: number[] = [];
  let i = n - 1;
  let j = m - 1;
  while (i >= 0 && j >= 0) {
    pi.push(i);
    pj.push(j);
    const l = Math.max(0, lo[i]);
    const dir = back[rowStart[i] + j - l];
    if (i === 0 && j === 0) break;
    if (dir === UP) i--;
    else if (dir === LEFT) j--;
    else { i--; j--; }
  }
  const len = pi.length;
  const path = { i: new Int32Array(len), j: new Int32Array(len) };
  for (let k = 0; k < len; k++) {
    path.i[k] = pi[len - 1 - k];
    path.j[k] = pj[len - 1 - k];
  }
  return { cost: total, length: len, path };
}
