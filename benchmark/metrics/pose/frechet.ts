/**
 * Fréchet pose distance: the Fréchet (2-Wasserstein) distance between Gaussian fits of per-sequence embeddings of
 * two sets (as FID does for image features):
 *   FD = |μ₁ − μ₂|² + Tr(Σ₁) + Tr(Σ₂) − 2 Tr((Σ₁ Σ₂)^½)
 * μ = mean embedding, Σ = unbiased covariance (divisor N − 1; Σ = 0 for a single sequence).
 *
 * Numerical choices:
 * - Tr((Σ₁Σ₂)^½) is the sum of √λ over the eigenvalues λ of Σ₁Σ₂, which equal those of the symmetric PSD matrix
 *   Σ₁^½ Σ₂ Σ₁^½; so no non-symmetric square root is ever taken (negative round-off eigenvalues are clamped to 0).
 * - When a set has no more sequences than dimensions (the usual case for a few hundred sentences and 512-d features),
 *   the same trace is computed in sample space: with Aₖ the centred embeddings / √(Nₖ − 1), Σₖ = AₖᵀAₖ and the
 *   non-zero eigenvalues of Σ₁Σ₂ are those of K Kᵀ, K = A₁A₂ᵀ (N₁ × N₂): an N-sized instead of a d-sized problem,
 *   exact, and free of the rank deficiency of d × d covariances.
 * - Eigenvalues under n·ε·λmax count as 0 (round-off of a rank-deficient matrix; their square roots would add ~1e−8).
 * - Eigendecompositions use cyclic Jacobi (linalg.ts). The result is clamped at 0 (round-off can make identical sets
 *   come out at −1e−16).
 *
 * The embedding is pluggable (`embed(seq) → Float64Array`, e.g. the back-translator's pooled encoder states). The
 * default `meanStdEmbedding` is the per-point mean and standard deviation of centre-square coordinates over the frames
 * where the point is present (see space.ts): 128 × (mean x, mean y) then 128 × (std x, std y) = 512 values; a point
 * never present contributes zeros.
 */
import { POINTS, type PoseSequence } from '../../../pose/index.js';
import { matmul, sqrtmPsd, symmetricEigen } from './linalg.js';
import { formatSignature } from './signature.js';
import { toSpace } from './space.js';

export type PoseEmbedding = (seq: PoseSequence) => Float64Array;

/** Default embedding: per-point mean and population std of centre-square (x, y) over present frames (512 values). */
export const meanStdEmbedding: PoseEmbedding = (seq) => {
  const s = toSpace(seq, 'centre-square');
  const out = new Float64Array(POINTS * 4);
  for (let p = 0; p < POINTS; p++) {
    let n = 0;
    let sx = 0;
    let sy = 0;
    for (let t = 0; t < s.frames; t++) {
      if (!s.valid[t * POINTS + p]) continue;
      sx += s.xy[2 * (t * POINTS + p)];
      sy += s.xy[2 * (t * POINTS + p) + 1];
      n++;
    }
    if (n === 0) continue;
    const mx = sx / n;
    const my = sy / n;
    let vx = 0;
    let vy = 0;
    for (let t = 0; t < s.frames; t++) {
      if (!s.valid[t * POINTS + p]) continue;
      const dx = s.xy[2 * (t * POINTS + p)] - mx;
      const dy = s.xy[2 * (t * POINTS + p) + 1] - my;
      vx += dx * dx;
      vy += dy * dy;
    }
    out[2 * p] = mx;
    out[2 * p + 1] = my;
    out[2 * POINTS + 2 * p] = Math.sqrt(vx / n);
    out[2 * POINTS + 2 * p + 1] = Math.sqrt(vy / n);
  }
  return out;
};

interface Centred {
  n: number;
  d: number;
  mean: Float64Array;
  /** Centred rows / √(n − 1) (all zeros when n = 1), n × d row-major. */
  a: Float64Array;
}

function centre(rows: readonly Float64Array[], what: string): Centred {
  if (rows.length === 0) throw new Error(`Fréchet distance: the ${what} set is empty`);
  const d = rows[0].length;
  const n = rows.length;
  const mean = new Float64Array(d);
  rows.forEach((r, i) => {
    if (r.length !== d) throw new RangeError(`Fréchet distance: ${what} embedding ${i} has ${r.length} values, embedding 0 has ${d}`);
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(r[k])) throw new RangeError(`Fréchet distance: ${what} embedding ${i} has a non-finite value at ${k}`);
      mean[k] += r[k];
    }
  });
  for (let k = 0; k < d; k++) mean[k] /= n;
  const a = new Float64Array(n * d);
  if (n > 1) {
    const s = 1 / Math.sqrt(n - 1);
    for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) a[i * d + k] = (rows[i][k] - mean[k]) * s;
  }
  return { n, d, mean, a };
}

function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/**
 * Σ √λ over the eigenvalues of a symmetric PSD matrix. Eigenvalues below n·ε·λmax are round-off of true zeros (the
 * matrices here are usually rank-deficient) and are dropped: their square roots (~1e−8·√λmax) would otherwise add a
 * visible bias.
 */
function traceSqrt(m: Float64Array, n: number): number {
  const { values } = symmetricEigen(m, n);
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const floor = n * Number.EPSILON * max;
  let s = 0;
  for (const v of values) if (v > floor) s += Math.sqrt(v);
  return s;
}

/** Tr((Σ₁Σ₂)^½) in sample space (see the module comment). */
function crossTraceSamples(x: Centred, y: Centred): number {
  const k = matmul(x.a, transpose(y.a, y.n, y.d), x.n, x.d, y.n); // n1 × n2
  if (x.n <= y.n) return traceSqrt(matmul(k, transpose(k, x.n, y.n), x.n, y.n, x.n), x.n);
  return traceSqrt(matmul(transpose(k, x.n, y.n), k, y.n, x.n, y.n), y.n);
}

/** Tr((Σ₁Σ₂)^½) in feature space: Tr((Σ₁^½ Σ₂ Σ₁^½)^½). */
function crossTraceFeatures(x: Centred, y: Centred): number {
  const d = x.d;
  const s1 = matmul(transpose(x.a, x.n, d), x.a, d, x.n, d);
  const s2 = matmul(transpose(y.a, y.n, d), y.a, d, y.n, d);
  const r1 = sqrtmPsd(s1, d);
  return traceSqrt(matmul(matmul(r1, s2, d, d, d), r1, d, d, d), d);
}

/** Fréchet distance between Gaussian fits of two sets of equal-length embeddings. */
export function frechetDistance(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  const x = centre(a, 'first');
  const y = centre(b, 'second');
  if (x.d !== y.d) throw new RangeError(`Fréchet distance: embeddings have ${x.d} and ${y.d} values`);
  let mu = 0;
  for (let k = 0; k < x.d; k++) mu += (x.mean[k] - y.mean[k]) ** 2;
  let tr1 = 0;
  for (const v of x.a) tr1 += v * v;
  let tr2 = 0;
  for (const v of y.a) tr2 += v * v;
  const cross = Math.min(x.n, y.n) <= x.d ? crossTraceSamples(x, y) : crossTraceFeatures(x, y);
  return Math.max(0, mu + tr1 + tr2 - 2 * cross);
}

export interface FrechetPoseOptions {
  embed?: PoseEmbedding;
  /** Name of the embedding for the signature (default `mean-std-centre-square` for the default embedding). */
  embeddingName?: string;
}

export interface FrechetPoseResult {
  fpd: number;
  nHyp: number;
  nRef: number;
  signature: string;
}

/** Fréchet pose distance between generated and reference sets (empty sequences skipped). */
export function frechetPoseDistance(hyps: readonly PoseSequence[], refs: readonly PoseSequence[], opts: FrechetPoseOptions = {}): FrechetPoseResult {
  const embed = opts.embed ?? meanStdEmbedding;
  const name = opts.embeddingName ?? (opts.embed ? 'custom' : 'mean-std-centre-square');
  const h = hyps.filter((s) => s.frames > 0).map(embed);
  const r = refs.filter((s) => s.frames > 0).map(embed);
  if (r.length === 0) throw new Error('Fréchet pose distance: no reference sequence with frames');
  if (h.length === 0) throw new Error('Fréchet pose distance: no hypothesis sequence with frames');
  return {
    fpd: frechetDistance(h, r),
    nHyp: h.length,
    nRef: r.length,
    signature: formatSignature('fpd', [['embed', name], ['cov', 'unbiased'], ['sqrtm', 'jacobi-sym']]),
  };
}
