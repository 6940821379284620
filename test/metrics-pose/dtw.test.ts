import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dtwCost, dtwPath, windowedDtw, fullWindow } from '../../benchmark/metrics/pose/dtw.js';
import { exactDtw, expandWindow, fastDtw, reduceByHalf } from '../../benchmark/metrics/pose/fastdtw.js';
import { euclidean, manhattan, matrixFromRows, type FrameMatrix } from '../../benchmark/metrics/pose/frames.js';

/** Textbook full-matrix DTW (no shared code with the implementation under test). */
function naiveDtw(x: number[][], y: number[][], dist: (a: number[], b: number[]) => number): number {
  const n = x.length;
  const m = y.length;
  const D = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(Infinity));
  D[0][0] = 0;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) D[i][j] = dist(x[i - 1], y[j - 1]) + Math.min(D[i - 1][j], D[i][j - 1], D[i - 1][j - 1]);
  }
  return D[n][m];
}
const l2 = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]) ** 2, 0));

const seqArb = (dim: number, maxLen: number) =>
  fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: dim, maxLength: dim }), { minLength: 1, maxLength: maxLen });

function pathPairs(p: { i: Int32Array; j: Int32Array }): [number, number][] {
  return Array.from(p.i, (i, k) => [i, p.j[k]]);
}

function checkPath(x: FrameMatrix, y: FrameMatrix, p: { i: Int32Array; j: Int32Array }, cost: number): void {
  const pairs = pathPairs(p);
  expect(pairs[0]).toEqual([0, 0]);
  expect(pairs[pairs.length - 1]).toEqual([x.frames - 1, y.frames - 1]);
  let sum = 0;
  for (let k = 0; k < pairs.length; k++) {
    if (k > 0) {
      const di = pairs[k][0] - pairs[k - 1][0];
      const dj = pairs[k][1] - pairs[k - 1][1];
      expect(di === 0 || di === 1).toBe(true);
      expect(dj === 0 || dj === 1).toBe(true);
      expect(di + dj).toBeGreaterThan(0);
    }
    sum += euclidean(x.data, pairs[k][0], y.data, pairs[k][1], x.dim);
  }
  expect(sum).toBeCloseTo(cost, 9);
}

describe('exact DTW', () => {
  it('matches a textbook DTW, and the O(T′)-memory cost equals the path variant', () => {
    fc.assert(
      fc.property(seqArb(3, 14), seqArb(3, 14), (xs, ys) => {
        const x = matrixFromRows(xs);
        const y = matrixFromRows(ys);
        const withPath = exactDtw(x, y);
        const costOnly = dtwCost(x.frames, y.frames, (i, j) => euclidean(x.data, i, y.data, j, x.dim));
        expect(withPath.cost).toBeCloseTo(naiveDtw(xs, ys, l2), 9);
        expect(costOnly.cost).toBe(withPath.cost);
        expect(costOnly.length).toBe(withPath.length);
        checkPath(x, y, withPath.path, withPath.cost);
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('breaks ties in the order (i−1, j), (i, j−1), (i−1, j−1) like fastdtw', () => {
    // All costs zero: every predecessor ties, so walking back from the end takes (i−1, j) while it can, then
    // (i, j−1) — the path fastdtw's Python `dtw` returns for zero distances.
    const r = dtwPath(3, 3, () => 0);
    expect(pathPairs(r.path)).toEqual([[0, 0], [0, 1], [0, 2], [1, 2], [2, 2]]);
    expect(dtwCost(3, 3, () => 0).length).toBe(5);
  });

  it('rejects empty sequences and windows without a path', () => {
    expect(() => dtwCost(0, 3, () => 1)).toThrow(/non-empty/);
    expect(() => dtwPath(2, 0, () => 1)).toThrow(/non-empty/);
    const w = fullWindow(3, 3);
    w.hi[2] = 1; // last row cannot reach the last column
    expect(() => windowedDtw(3, 3, w, () => 1)).toThrow(/no warping path/);
    expect(() => dtwPath(30_000, 30_000, () => 1)).toThrow(/over the .* limit/); // refused before allocating
    expect(() => dtwPath(60_000, 60_000, () => 1)).toThrow(/over the .* limit/); // > 2³¹ cells
  });

  it('L1 frame cost', () => {
    const x = matrixFromRows([[0, 0], [1, 2]]);
    const y = matrixFromRows([[1, 1]]);
    expect(manhattan(x.data, 1, y.data, 0, 2)).toBe(1);
    expect(exactDtw(x, y, manhattan).cost).toBe(3);
  });
});

describe('FastDTW (fastdtw 0.3.4)', () => {
  it('equals exact DTW (cost and path) when the radius covers the sequences', () => {
    fc.assert(
      fc.property(seqArb(2, 24), seqArb(2, 24), (xs, ys) => {
        const x = matrixFromRows(xs);
        const y = matrixFromRows(ys);
        const e = exactDtw(x, y);
        const f = fastDtw(x, y, { radius: Math.max(xs.length, ys.length) });
        expect(f.cost).toBe(e.cost);
        expect(pathPairs(f.path)).toEqual(pathPairs(e.path));
      }),
      { numRuns: 150, seed: 5 },
    );
  });

  it('never beats exact DTW and returns a valid path at radius 1', () => {
    fc.assert(
      fc.property(seqArb(3, 40), seqArb(3, 40), (xs, ys) => {
        const x = matrixFromRows(xs);
        const y = matrixFromRows(ys);
        const f = fastDtw(x, y);
        expect(f.cost).toBeGreaterThanOrEqual(exactDtw(x, y).cost - 1e-9);
        checkPath(x, y, f.path, f.cost);
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  // Expected values computed during development with the fastdtw 0.3.4 pure-Python algorithm (the first case is
  // also the package's own docstring example).
  const cases: { x: number[][]; y: number[][]; radius: number; cost: number; path: [number, number][] }[] = [
    { x: [[1], [2], [3], [4], [5]], y: [[2], [3], [4]], radius: 1, cost: 2, path: [[0, 0], [1, 0], [2, 1], [3, 2], [4, 2]] },
    {
      x: [[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6]], y: [[0, 0], [2, 2], [3, 1], [4, 4], [6, 5]], radius: 1,
      cost: 5.414213562373095, path: [[0, 0], [1, 1], [2, 1], [3, 2], [4, 3], [5, 4], [6, 4]],
    },
    {
      x: [[0.5, 1], [1.5, -0.5], [2, 0], [0, 0], [1, 2], [3, 1], [2.5, 2.5], [0.5, 0.5], [1, 1]],
      y: [[1, 1], [0, 2], [2, 1], [2, 2], [0, 0], [1.5, 1.5]], radius: 1,
      cost: 9.030886298390023, path: [[0, 0], [1, 0], [2, 0], [3, 0], [4, 1], [5, 2], [6, 3], [7, 4], [8, 5]],
    },
    {
      x: [0, 0, 1, 1, 2, 4, 2, 1, 2, 0].map((v) => [v]), y: [1, 1, 1, 2, 2, 2, 2, 3, 2, 0].map((v) => [v]), radius: 1,
      cost: 4, path: [[0, 0], [1, 1], [2, 1], [2, 2], [3, 2], [4, 3], [4, 4], [4, 5], [4, 6], [5, 7], [6, 8], [7, 8], [8, 8], [9, 9]],
    },
    {
      // Radius 1 misses the optimum (exact DTW: 35): the approximation itself is reproduced.
      x: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4].map((v) => [v]),
      y: [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5].map((v) => [v]), radius: 1, cost: 36,
      path: [[0, 0], [1, 0], [2, 1], [3, 2], [4, 3], [4, 4], [5, 5], [6, 6], [7, 7], [8, 8], [9, 8], [10, 9], [11, 9], [12, 9], [13, 9], [14, 9], [15, 10], [16, 10], [17, 11], [18, 12], [19, 13], [19, 14], [19, 15]],
    },
    {
      x: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4].map((v) => [v]),
      y: [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5].map((v) => [v]), radius: 2, cost: 35,
      path: [[0, 0], [0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [4, 6], [5, 7], [6, 8], [7, 9], [8, 10], [9, 10], [10, 11], [11, 12], [12, 12], [13, 12], [14, 12], [15, 13], [16, 14], [17, 14], [18, 15], [19, 15]],
    },
  ];
  it.each(cases.map((c, k) => [k, c] as const))('reproduces fastdtw case %i', (_k, c) => {
    const r = fastDtw(matrixFromRows(c.x), matrixFromRows(c.y), { radius: c.radius });
    expect(r.cost).toBe(c.cost);
    expect(pathPairs(r.path)).toEqual(c.path);
  });

  it('variant cython: the compiled extension\'s tie-breaking (diagonal first) and window', () => {
    const zeros = matrixFromRows([[0], [0], [0]]);
    expect(pathPairs(fastDtw(zeros, zeros, { variant: 'cython' }).path)).toEqual([[0, 0], [1, 1], [2, 2]]);
    expect(pathPairs(fastDtw(zeros, zeros).path)).toEqual([[0, 0], [0, 1], [0, 2], [1, 2], [2, 2]]);
    const x = matrixFromRows([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4].map((v) => [v]));
    const y = matrixFromRows([2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5].map((v) => [v]));
    const r = fastDtw(x, y, { variant: 'cython' });
    expect(r.cost).toBe(36);
    expect(pathPairs(r.path)).toEqual([[0, 0], [1, 0], [2, 1], [3, 2], [4, 3], [5, 3], [6, 4], [7, 5], [8, 5], [9, 6], [10, 7], [10, 8], [11, 9], [12, 9], [13, 9], [14, 9], [15, 10], [16, 10], [17, 11], [18, 12], [19, 13], [19, 14], [19, 15]]);
  });

  it('variant cython equals exact DTW in cost when the radius covers the sequences', () => {
    fc.assert(
      fc.property(seqArb(2, 20), seqArb(2, 20), (xs, ys) => {
        const x = matrixFromRows(xs);
        const y = matrixFromRows(ys);
        expect(fastDtw(x, y, { radius: Math.max(xs.length, ys.length), variant: 'cython' }).cost).toBe(exactDtw(x, y).cost);
      }),
      { numRuns: 80, seed: 9 },
    );
  });

  it('coarsens by pairwise means and drops an odd last frame', () => {
    const r = reduceByHalf(matrixFromRows([[0, 2], [2, 4], [5, 5], [7, 9], [100, 100]]));
    expect(r.frames).toBe(2);
    expect(Array.from(r.data)).toEqual([1, 3, 6, 7]);
  });

  it('expands a coarse path by the radius and doubles it', () => {
    // Coarse diagonal 0..4 on a 10 × 10 grid (the cells fastdtw's set-based expansion enumerates).
    const coarse = { i: Int32Array.from([0, 1, 2, 3, 4]), j: Int32Array.from([0, 1, 2, 3, 4]) };
    const w = expandWindow(coarse, 10, 10, 1);
    expect(Array.from(w.lo)).toEqual([0, 0, 0, 0, 0, 0, 2, 2, 4, 4]);
    expect(Array.from(w.hi)).toEqual([5, 5, 7, 7, 9, 9, 9, 9, 9, 9]);
  });

  it('rejects bad input', () => {
    const a = matrixFromRows([[1, 2]]);
    expect(() => fastDtw(a, matrixFromRows([[1]]))).toThrow(/widths differ/);
    expect(() => fastDtw(a, a, { radius: -1 })).toThrow(/radius/);
    expect(() => fastDtw(a, a, { radius: 1.5 })).toThrow(/radius/);
  });
});
