/**
 * Small dense symmetric linear algebra for the Fréchet distance: cyclic Jacobi eigendecomposition.
 *
 * Numerical choices: Jacobi is used because it is simple, unconditionally stable for symmetric matrices and accurate
 * for small eigenvalues relative to the matrix norm (what a covariance square root needs); its O(n³) per sweep is fine
 * for the sizes here (n ≤ a few hundred). Rotations use the stable tan formula t = sgn(θ)/(|θ| + √(θ² + 1)); sweeps stop
 * when the off-diagonal Frobenius norm falls below 1e-15 × the matrix's Frobenius norm, or after 100 sweeps.
 */

export interface SymmetricEigen {
  /** Eigenvalues (unsorted). */
  values: Float64Array;
  /** Eigenvectors as columns of an n × n row-major matrix: vector k is vectors[i·n + k]. */
  vectors: Float64Array;
}

/** Eigendecomposition of the symmetric n × n row-major matrix `a` (not modified; only its symmetric part is used). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  if (a.length !== n * n) throw new RangeError(`matrix has ${a.length} values, expected ${n}×${n}`);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) m[i * n + j] = (a[i * n + j] + a[j * n + i]) / 2;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let k = 0; k < n * n; k++) norm += m[k] * m[k];
  const tol = 1e-15 * Math.sqrt(norm);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q] * m[p * n + q];
    if (Math.sqrt(off) <= tol) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J, touching rows/columns p and q only.
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p];
          const akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k];
          const aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: v };
}

/** Square root of a symmetric positive semi-definite matrix: V · diag(√max(λ, 0)) · Vᵀ. */
export function sqrtmPsd(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const r = Math.sqrt(Math.max(0, values[k]));
    if (r === 0) continue;
    for (let i = 0; i < n; i++) {
      const vi = vectors[i * n + k] * r;
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vi * vectors[j * n + k];
    }
  }
  return out;
}

/** C = A (r × k) · B (k × c), row-major. */
export function matmul(a: Float64Array, b: Float64Array, r: number, k: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    for (let l = 0; l < k; l++) {
      const x = a[i * k + l];
      if (x === 0) continue;
      for (let j = 0; j < c; j++) out[i * c + j] += x * b[l * c + j];
    }
  }
  return out;
}
