import { describe, expect, it } from 'vitest';
import { frechetDistance, frechetPoseDistance, meanStdEmbedding } from '../../benchmark/metrics/pose/frechet.js';
import { matmul, sqrtmPsd, symmetricEigen } from '../../benchmark/metrics/pose/linalg.js';
import { randomSequence, rng } from './helpers.js';

function randomRows(n: number, d: number, seed: number, scale = 1): Float64Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Float64Array.from({ length: d }, () => (r() - 0.5) * scale));
}

describe('symmetric eigendecomposition (Jacobi)', () => {
  it('reconstructs a random symmetric matrix and its PSD square root', () => {
    const n = 12;
    const r = rng(4);
    const b = Float64Array.from({ length: n * n }, () => r() - 0.5);
    const a = matmul(b, Float64Array.from({ length: n * n }, (_, k) => b[(k % n) * n + Math.floor(k / n)]), n, n, n); // B Bᵀ
    const { values, vectors } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
        expect(s).toBeCloseTo(a[i * n + j], 10);
      }
    }
    const root = sqrtmPsd(a, n);
    const sq = matmul(root, root, n, n, n);
    for (let k = 0; k < n * n; k++) expect(sq[k]).toBeCloseTo(a[k], 10);
  });
});

describe('Fréchet distance', () => {
  it('is 0 for identical sets (sample-space and feature-space paths)', () => {
    const few = randomRows(5, 20, 1); // n ≤ d: sample space
    expect(frechetDistance(few, few.map((r) => r.slice()))).toBeLessThan(1e-12);
    const many = randomRows(40, 6, 2); // n > d: feature space
    expect(frechetDistance(many, many.map((r) => r.slice()))).toBeLessThan(1e-12);
  });

  it('is |Δμ|² for a shifted copy', () => {
    for (const [n, d] of [[6, 16], [50, 5]] as const) {
      const a = randomRows(n, d, 3);
      const delta = Float64Array.from({ length: d }, (_, k) => 0.1 * (k + 1));
      const b = a.map((r) => r.map((v, k) => v + delta[k]));
      const expected = delta.reduce((s, v) => s + v * v, 0);
      expect(frechetDistance(a, b)).toBeCloseTo(expected, 9);
    }
  });

  it('matches the 1-D closed form (μ₁ − μ₂)² + (σ₁ − σ₂)² on both paths', () => {
    const oneD = (vals: number[], d: number) => vals.map((v) => Float64Array.from({ length: d }, (_, k) => (k === 0 ? v : 0)));
    const xs = [0.1, 0.5, 0.9, 1.4];
    const ys = [2.0, 2.2, 3.1];
    const stats = (v: number[]) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return [m, Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1))];
    };
    const [m1, s1] = stats(xs);
    const [m2, s2] = stats(ys);
    const expected = (m1 - m2) ** 2 + (s1 - s2) ** 2;
    expect(frechetDistance(oneD(xs, 1), oneD(ys, 1))).toBeCloseTo(expected, 10); // feature space (n > d)
    expect(frechetDistance(oneD(xs, 8), oneD(ys, 8))).toBeCloseTo(expected, 10); // sample space (n ≤ d)
  });

  it('rejects empty sets and mismatched sizes', () => {
    expect(() => frechetDistance([], randomRows(2, 3, 1))).toThrow(/empty/);
    expect(() => frechetDistance(randomRows(2, 3, 1), randomRows(2, 4, 1))).toThrow(/values/);
  });

  it('pose sets: default embedding, identical sets → 0, different sets > 0, pluggable embedding', () => {
    const a = [randomSequence('a', 20, 1), randomSequence('b', 25, 2), randomSequence('c', 15, 3)];
    const b = [randomSequence('a', 20, 7), randomSequence('b', 25, 8), randomSequence('c', 15, 9)];
    expect(meanStdEmbedding(a[0]).length).toBe(512);
    expect(frechetPoseDistance(a, a).fpd).toBeLessThan(1e-12);
    expect(frechetPoseDistance(a, b).fpd).toBeGreaterThan(1e-3);
    const custom = frechetPoseDistance(a, b, { embed: (s) => Float64Array.of(s.frames), embeddingName: 'frames' });
    expect(custom.fpd).toBeCloseTo(0, 12); // same frame counts in both sets
    expect(custom.signature).toMatch(/^fpd\|embed:frames\|/);
  });
});
