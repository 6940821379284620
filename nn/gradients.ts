import * as tf from '@tensorflow/tfjs';

/** Swap the last two axes (explicit transpose, so that matMul runs without transpose flags). */
export function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

let registered = false;

/**
 * Re-registers the BatchMatMul gradient so that every case transposes explicitly and calls a flag-free matMul.
 * tfjs's own gradient uses `matMul(a, b, true, false)`-style flags, which are 10–25× slower on the wasm backend
 * (reference/ml-stack.md). The math is identical; only the kernels differ. Idempotent.
 */
export function registerFastMatMulGradient(): void {
  if (registered) return;
  registered = true;
  const T = swapLastTwo;
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = dy as tf.Tensor;
      const [a, b] = saved;
      const transposeA = Boolean(attrs.transposeA);
      const transposeB = Boolean(attrs.transposeB);
      if (!transposeA && !transposeB) {
        return { a: () => tf.matMul(g, T(b)), b: () => tf.matMul(T(a), g) };
      }
      if (!transposeA && transposeB) {
        return { a: () => tf.matMul(g, b), b: () => tf.matMul(T(g), a) };
      }
      if (transposeA && !transposeB) {
        return { a: () => tf.matMul(b, T(g)), b: () => tf.matMul(a, g) };
      }
      return { a: () => tf.matMul(T(b), T(g)), b: () => tf.matMul(T(g), T(a)) };
    },
  });
}
