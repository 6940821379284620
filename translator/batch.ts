import * as tf from '@tensorflow/tfjs';
import type { TrainingExample } from '../corpus/training.js';
import type { GlossSpan } from '../pose/sequence.js';
import { extractFeatures, FEATURE_DIM, FEATURE_STRIDE, type FrameFeatures } from './features.js';
import { BOS, EOS, PAD, type Vocab } from './vocab.js';

/**
 * Per-row gloss labels for the auxiliary loss: row r (frames [r·stride, (r+1)·stride)) gets the gloss id active at
 * its centre frame, 0 (no sign: transitions, rests) otherwise. Rows of resampled sequences get no label (-1).
 */
export function rowGlossLabels(glosses: readonly GlossSpan[] | undefined, rows: number, frames: number, glossIndex: ReadonlyMap<string, number>): Int32Array {
  const out = new Int32Array(rows).fill(-1);
  if (!glosses || Math.ceil(frames / FEATURE_STRIDE) !== rows) return out;
  for (let r = 0; r < rows; r++) {
    const c = r * FEATURE_STRIDE + FEATURE_STRIDE / 2;
    out[r] = 0;
    for (const g of glosses) if (c >= g.start && c < g.end) { out[r] = glossIndex.get(g.gloss) ?? 0; break; }
  }
  return out;
}

/** Padded source batch as plain arrays: features [B, S, F] and validity [B, S]. */
export interface SourceBatch {
  batch: number;
  rows: number;
  features: Float32Array;
  valid: Float32Array;
}

export function padSources(feats: readonly FrameFeatures[]): SourceBatch {
  const B = feats.length;
  const S = Math.max(1, ...feats.map((f) => f.rows));
  const features = new Float32Array(B * S * FEATURE_DIM);
  const valid = new Float32Array(B * S);
  feats.forEach((f, b) => {
    features.set(f.data, b * S * FEATURE_DIM);
    valid.fill(1, b * S, b * S + f.rows);
  });
  return { batch: B, rows: S, features, valid };
}

/** Teacher-forcing targets: input [BOS, w…] and output [w…, EOS], padded with PAD; weights 1 on real positions. */
export interface TargetBatch {
  len: number;
  input: Int32Array;
  output: Int32Array;
  weight: Float32Array;
}

export function padTargets(texts: readonly string[], vocab: Vocab, maxTokens: number): TargetBatch {
  const ids = texts.map((t) => vocab.encode(t).slice(0, maxTokens));
  const L = Math.max(...ids.map((x) => x.length)) + 1;
  const B = texts.length;
  const input = new Int32Array(B * L).fill(PAD);
  const output = new Int32Array(B * L).fill(PAD);
  const weight = new Float32Array(B * L);
  ids.forEach((x, b) => {
    input[b * L] = BOS;
    for (let i = 0; i < x.length; i++) {
      input[b * L + i + 1] = x[i];
      output[b * L + i] = x[i];
    }
    output[b * L + x.length] = EOS;
    weight.fill(1, b * L, b * L + x.length + 1);
  });
  return { len: L, input, output, weight };
}

/**
 * Label-smoothed cross-entropy of logits [B, L, V] against `target`, averaged over real (weight 1) positions.
 * Smoothing spreads ε over the whole vocabulary (as PyTorch's label_smoothing).
 */
export function smoothedCrossEntropy(logits: tf.Tensor, target: TargetBatch, batch: number, smoothing: number): tf.Scalar {
  const V = logits.shape[logits.rank - 1];
  const logp = tf.logSoftmax(logits.reshape([-1, V]));
  const oh = tf.oneHot(tf.tensor1d(target.output, 'int32'), V).toFloat();
  const dist = smoothing > 0 ? tf.add(tf.mul(oh, 1 - smoothing), smoothing / V) : oh;
  const nll = tf.neg(tf.sum(tf.mul(dist, logp), 1));
  const w = tf.tensor1d(target.weight);
  return tf.div(tf.sum(tf.mul(nll, w)), Math.max(1, batch > 0 ? target.weight.reduce((a, b) => a + b, 0) : 1)) as tf.Scalar;
}

/** Caches features of examples up to a memory budget (sequences are generated on demand otherwise). */
export class FeatureCache {
  private readonly map = new Map<string, FrameFeatures & { frames: number }>();
  private bytes = 0;

  constructor(private readonly maxRows: number, private readonly budgetBytes = 1024 * 1024 * 1024) {}

  get(ex: TrainingExample): FrameFeatures & { frames: number } {
    const hit = this.map.get(ex.id);
    if (hit) return hit;
    const seq = ex.sequence();
    const f = { ...extractFeatures(seq, { maxRows: this.maxRows }), frames: seq.frames };
    if (this.bytes + f.data.byteLength <= this.budgetBytes) {
      this.map.set(ex.id, f);
      this.bytes += f.data.byteLength;
    }
    return f;
  }
}
