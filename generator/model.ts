import * as tf from '@tensorflow/tfjs';
import {
  causalMask, createDecoderLayer, createEmbedding, createEncoderLayer, createLayerNorm, createLinear, decoderLayer,
  embed, encoderLayer, gelu, layerNorm, linear, paddingMask, positional, type Dropout,
} from '../nn/layers.js';
import { ParamStore } from '../nn/params.js';
import type { Rng } from '../nn/rng.js';
import { FRAME_IN_DIM, MAX_FRAMES, POSE_DIM, type GeneratorConfig } from './config.js';
import { HAND_REL_DIM, HAND_REL_TERMS, type PoseStats } from './normalization.js';
import { framesFromRatio } from './features.js';
import { PAD } from './tokenizer.js';

/**
 * The SignDW-style text→pose transformer in tfjs (reference §2.6): token embedding ×√d + sinusoidal PE →
 * pre-LN encoder (no final LN); length head on the masked mean of the memory; autoregressive pre-LN decoder over
 * previous frames (384 pose + counter t/96 or t/L → Linear, + PE, no √d) with causal self-attention and cross-attention;
 * output LN → Linear(d→384).
 *
 * Parameter names (checkpoint and ONNX initializers): tok.w; enc.{i}.*; len.ln, len.fc1, len.fc2; frame_in;
 * dec.{i}.*; out.ln; out.head.
 */
export function createGeneratorParams(cfg: GeneratorConfig, vocabSize: number, seed: number): ParamStore {
  const p = new ParamStore(seed);
  const sizes = { d: cfg.d, heads: cfg.heads, ff: cfg.ff };
  createEmbedding(p, 'tok', vocabSize, cfg.d);
  for (let i = 0; i < cfg.encoderLayers; i++) createEncoderLayer(p, `enc.${i}`, sizes);
  createLayerNorm(p, 'len.ln', cfg.d);
  createLinear(p, 'len.fc1', cfg.d, cfg.d / 2);
  createLinear(p, 'len.fc2', cfg.d / 2, 1);
  createLinear(p, 'frame_in', FRAME_IN_DIM, cfg.d);
  for (let i = 0; i < cfg.decoderLayers; i++) createDecoderLayer(p, `dec.${i}`, sizes);
  createLayerNorm(p, 'out.ln', cfg.d);
  createLinear(p, 'out.head', cfg.d, POSE_DIM);
  return p;
}

export interface Encoded {
  memory: tf.Tensor;
  /** Additive key-padding mask [B, 1, 1, S]. */
  memoryMask: tf.Tensor;
  /** Length ratio in (0, 1): predicted frames / 96, shape [B]. */
  lengthRatio: tf.Tensor;
}

/** ids: row-major [B, S] padded with 0. */
export function encodeText(p: ParamStore, cfg: GeneratorConfig, ids: Int32Array, B: number, S: number, drop?: Dropout): Encoded {
  const idT = tf.tensor(ids, [B, S], 'int32');
  let x = tf.add(tf.mul(embed(p, 'tok', idT), Math.sqrt(cfg.d)), positional(S, cfg.d));
  const memoryMask = paddingMask(ids, B, S, PAD);
  for (let i = 0; i < cfg.encoderLayers; i++) x = encoderLayer(p, `enc.${i}`, x, cfg.heads, memoryMask, drop);
  // Mean over non-pad tokens.
  const keep = tf.notEqual(idT, PAD).toFloat().reshape([B, S, 1]);
  const pooled = tf.div(tf.sum(tf.mul(x, keep), 1), tf.sum(keep, 1));
  const h = gelu(linear(p, 'len.fc1', layerNorm(p, 'len.ln', pooled)));
  const lengthRatio = tf.sigmoid(linear(p, 'len.fc2', h)).reshape([B]);
  return { memory: x, memoryMask, lengthRatio };
}

/**
 * Decoder over all positions at once: inputs [B, T, 385] → predicted frames [B, T, 384]. `onCross0` receives the
 * first layer's cross-attention probabilities [B, H, T, S] (the guided-attention loss).
 */
export function decodeFrames(
  p: ParamStore, cfg: GeneratorConfig, enc: Encoded, inputs: tf.Tensor, drop?: Dropout, onCross0?: (probs: tf.Tensor) => void,
): tf.Tensor {
  const T = inputs.shape[1] as number;
  let x = tf.add(linear(p, 'frame_in', inputs), positional(T, cfg.d));
  const mask = causalMask(T);
  for (let i = 0; i < cfg.decoderLayers; i++) {
    x = decoderLayer(p, `dec.${i}`, x, enc.memory, cfg.heads, mask, enc.memoryMask, drop, i === 0 ? onCross0 : undefined);
  }
  return linear(p, 'out.head', layerNorm(p, 'out.ln', x));
}

/** The counter input at position t: t/96, or t/L with the sequence's length L (`counter: 'progress'`). */
export function counterValue(t: number, length: number | null): number {
  return length === null ? t / MAX_FRAMES : t / length;
}

/**
 * Teacher-forcing decoder input [B, T, 385] from target frames [B, T, 384]: position 0 is the zero frame with
 * counter 0; position t holds target frame t−1 with counter t/96, or t/L_b when `lengths` (frames of each sequence)
 * are given — the same counter as at inference.
 */
export function shiftedInputs(targets: Float32Array, B: number, T: number, lengths?: ArrayLike<number>): Float32Array {
  const out = new Float32Array(B * T * FRAME_IN_DIM);
  for (let b = 0; b < B; b++) {
    const L = lengths ? lengths[b] : null;
    for (let t = 1; t < T; t++) {
      const dst = (b * T + t) * FRAME_IN_DIM;
      out.set(targets.subarray((b * T + t - 1) * POSE_DIM, (b * T + t) * POSE_DIM), dst);
      out[dst + POSE_DIM] = counterValue(t, L);
    }
  }
  return out;
}

/** Frames of each batch sequence from its mask, for the progress counter. */
function batchLengths(batch: GeneratorBatch): Float32Array {
  const out = new Float32Array(batch.B);
  for (let b = 0; b < batch.B; b++) for (let t = 0; t < batch.T; t++) out[b] += batch.mask[b * batch.T + t];
  return out;
}

/**
 * Greedy decoding by full re-decoding every step (reference behaviour, O(T²)); returns [B, steps, 384]. With the
 * progress counter, L is the length head's frames (framesFromRatio), as in the runtime.
 */
export function generateFull(p: ParamStore, cfg: GeneratorConfig, ids: Int32Array, B: number, S: number, steps = MAX_FRAMES): { frames: Float32Array; lengthRatio: Float32Array } {
  return tf.tidy(() => {
    const enc = encodeText(p, cfg, ids, B, S);
    const ratios = enc.lengthRatio.dataSync() as Float32Array;
    const lengths = Array.from(ratios, (r) => (cfg.counter === 'progress' ? framesFromRatio(r) : null));
    const inputs = new Float32Array(B * steps * FRAME_IN_DIM);
    const frames = new Float32Array(B * steps * POSE_DIM);
    for (let i = 0; i < steps; i++) {
      const T = i + 1;
      const view = new Float32Array(B * T * FRAME_IN_DIM);
      for (let b = 0; b < B; b++) view.set(inputs.subarray(b * steps * FRAME_IN_DIM, (b * steps + T) * FRAME_IN_DIM), b * T * FRAME_IN_DIM);
      const out = tf.tidy(() => decodeFrames(p, cfg, enc, tf.tensor(view, [B, T, FRAME_IN_DIM])).slice([0, i, 0], [B, 1, POSE_DIM]).dataSync() as Float32Array);
      for (let b = 0; b < B; b++) {
        const f = out.subarray(b * POSE_DIM, (b + 1) * POSE_DIM);
        frames.set(f, (b * steps + i) * POSE_DIM);
        if (i + 1 < steps) {
          const dst = (b * steps + i + 1) * FRAME_IN_DIM;
          inputs.set(f, dst);
          inputs[dst + POSE_DIM] = counterValue(i + 1, lengths[b]);
        }
      }
    }
    return { frames, lengthRatio: enc.lengthRatio.dataSync() as Float32Array };
  });
}

export interface GeneratorBatch {
  /** [B, S] token ids, 0-padded. */
  ids: Int32Array;
  /** [B, T, 384] target frames, zero-padded. */
  targets: Float32Array;
  /** [B, T] 1 for real frames. */
  mask: Float32Array;
  /** [B] true length / 96. */
  lengthTarget: Float32Array;
  /** Gloss-guided attention targets: tokens [B, T, S] 1 on the tokens of the sign at frame t; frames [B, T] 1 where
   * frame t has a target. */
  align?: { tokens: Float32Array; frames: Float32Array };
  B: number;
  S: number;
  T: number;
}

/** Training-only extras of the loss: input noise and the statistics the hand-shape term needs. */
export interface LossOptions {
  drop?: Dropout;
  /** Gaussian noise on the teacher-forced frames (not on the zero start frame nor the counter). */
  noise?: { std: number; rng: Rng };
  /** Scheduled sampling: each input frame is, with probability `prob`, the model's own prediction of it (from a
   * first, gradient-free teacher-forced pass) instead of the noisy target. */
  selfFeed?: { prob: number; rng: Rng };
  /** Training statistics: the hand term's scales, and the de-standardisation when `standardized`. */
  stats?: PoseStats;
  /** Batch targets (and so predictions) are standardised with `stats`. */
  standardized?: boolean;
}

let handSelection: Float32Array | null = null;
/** [384, 80]: column k = finger dim − wrist dim of HAND_REL_TERMS[k]. */
function handSelectionMatrix(): Float32Array {
  if (!handSelection) {
    handSelection = new Float32Array(POSE_DIM * HAND_REL_DIM);
    HAND_REL_TERMS.forEach(([a, w], k) => {
      handSelection![a * HAND_REL_DIM + k] = 1;
      handSelection![w * HAND_REL_DIM + k] = -1;
    });
  }
  return handSelection;
}

/**
 * Hand-shape loss: mean squared error of finger-minus-wrist offsets (x, y; both points present in the target),
 * each divided by its training std. Fingers move with the arm, so in plain MSE their shape is a tiny share of the
 * error; this term makes the handshape, which tells signs apart, count.
 */
export function handShapeLoss(pred: tf.Tensor, batch: GeneratorBatch, scales: PoseStats | undefined, standardized: boolean): tf.Scalar {
  const { B, T, targets, mask } = batch;
  const stats = standardized ? scales : undefined;
  const N = B * T;
  const relT = new Float32Array(N * HAND_REL_DIM);
  const w = new Float32Array(N * HAND_REL_DIM);
  const raw = (r: number, i: number) => (stats ? targets[r * POSE_DIM + i] * stats.std[i] + stats.mean[i] : targets[r * POSE_DIM + i]);
  let count = 0;
  for (let r = 0; r < N; r++) {
    if (mask[r] === 0) continue;
    for (let k = 0; k < HAND_REL_DIM; k++) {
      const [a, wr, pa, pw] = HAND_REL_TERMS[k];
      if (!(raw(r, pa) > 0.5 && raw(r, pw) > 0.5)) continue;
      relT[r * HAND_REL_DIM + k] = raw(r, a) - raw(r, wr);
      const s = scales ? scales.handRelStd[k] : 1;
      w[r * HAND_REL_DIM + k] = 1 / (s * s);
      count++;
    }
  }
  if (count === 0) return tf.scalar(0);
  const flat = pred.reshape([N, POSE_DIM]);
  const predRaw = stats ? tf.add(tf.mul(flat, tf.tensor(stats.std, [1, POSE_DIM])), tf.tensor(stats.mean, [1, POSE_DIM])) : flat;
  const relP = tf.matMul(predRaw, tf.tensor(handSelectionMatrix(), [POSE_DIM, HAND_REL_DIM]));
  const err = tf.mul(tf.square(tf.sub(relP, tf.tensor(relT, [N, HAND_REL_DIM]))), tf.tensor(w, [N, HAND_REL_DIM]));
  return tf.div(tf.sum(err), count) as tf.Scalar;
}

/**
 * pose MSE over valid frames (÷ valid frames × 384) + w·MSE(length ratio) + handLossWeight·hand-shape loss.
 * With `cfg.normalize` the batch targets are standardised and the pose MSE is in standard units.
 */
export function generatorLoss(
  p: ParamStore, cfg: GeneratorConfig, batch: GeneratorBatch, opts: LossOptions = {},
): { loss: tf.Scalar; pose: tf.Scalar; length: tf.Scalar; hand: tf.Scalar; align: tf.Scalar } {
  const { B, S, T } = batch;
  const enc = encodeText(p, cfg, batch.ids, B, S, opts.drop);
  const inputs = shiftedInputs(batch.targets, B, T, cfg.counter === 'progress' ? batchLengths(batch) : undefined);
  if (opts.noise && opts.noise.std > 0) addInputNoise(inputs, B, T, opts.noise.std, opts.noise.rng);
  if (opts.selfFeed && opts.selfFeed.prob > 0) {
    // The first pass's values are read out, so no gradient flows through them.
    const first = tf.tidy(() => decodeFrames(p, cfg, enc, tf.tensor(inputs, [B, T, FRAME_IN_DIM])).dataSync() as Float32Array);
    selfFeedInputs(inputs, first, batch.mask, B, T, opts.selfFeed.prob, opts.selfFeed.rng);
  }
  const aw = cfg.alignLossWeight ?? 0;
  let cross0: tf.Tensor | undefined;
  const pred = decodeFrames(p, cfg, enc, tf.tensor(inputs, [B, T, FRAME_IN_DIM]), opts.drop, aw > 0 && batch.align ? (a) => { cross0 = a; } : undefined);
  const mask = tf.tensor(batch.mask, [B, T, 1]);
  const sq = tf.mul(tf.square(tf.sub(pred, tf.tensor(batch.targets, [B, T, POSE_DIM]))), mask);
  const pose = tf.div(tf.sum(sq), tf.mul(tf.sum(mask), POSE_DIM)) as tf.Scalar;
  const length = tf.mean(tf.square(tf.sub(enc.lengthRatio, tf.tensor(batch.lengthTarget, [B])))) as tf.Scalar;
  const hw = cfg.handLossWeight ?? 0;
  const hand = hw > 0 ? handShapeLoss(pred, batch, opts.stats, opts.standardized === true) : tf.scalar(0);
  const align = cross0 && batch.align ? guidedAttentionLoss(cross0, batch.align, B, T, S) : tf.scalar(0);
  const loss = tf.addN([pose, tf.mul(length, cfg.lengthLossWeight), tf.mul(hand, hw), tf.mul(align, aw)]) as tf.Scalar;
  return { loss, pose, length, hand, align };
}

/**
 * Guided attention: the mean, over heads and over frames that have a target, of the attention mass that falls
 * outside the target tokens (0 when every head looks only at the sign's words, at most 1).
 */
export function guidedAttentionLoss(probs: tf.Tensor, align: NonNullable<GeneratorBatch['align']>, B: number, T: number, S: number): tf.Scalar {
  const labelled = align.frames.reduce((a, v) => a + v, 0);
  if (labelled === 0) return tf.scalar(0);
  const H = probs.shape[1] as number;
  const onTarget = tf.sum(tf.mul(probs, tf.tensor(align.tokens, [B, 1, T, S])), 3); // [B, H, T]
  const missed = tf.mul(tf.sub(1, onTarget), tf.tensor(align.frames, [B, 1, T]));
  return tf.div(tf.sum(missed), labelled * H) as tf.Scalar;
}

/**
 * Scheduled sampling, in place: input position t ≥ 1 (a real frame) takes, with probability `prob`, the prediction
 * `predicted[t − 1]` (the model's output for frame t − 1) in place of the teacher frame; the counter stays.
 */
export function selfFeedInputs(inputs: Float32Array, predicted: Float32Array, mask: Float32Array, B: number, T: number, prob: number, rng: Rng): void {
  for (let b = 0; b < B; b++) {
    for (let t = 1; t < T; t++) {
      if (mask[b * T + t] === 0 || rng.uniform(0, 1) >= prob) continue;
      inputs.set(predicted.subarray((b * T + t - 1) * POSE_DIM, (b * T + t) * POSE_DIM), (b * T + t) * FRAME_IN_DIM);
    }
  }
}

/** Adds N(0, std²) to the pose part of every teacher-forced position t ≥ 1 (position 0 stays the zero frame). */
export function addInputNoise(inputs: Float32Array, B: number, T: number, std: number, rng: Rng): void {
  for (let b = 0; b < B; b++) {
    for (let t = 1; t < T; t++) {
      const o = (b * T + t) * FRAME_IN_DIM;
      for (let i = 0; i < POSE_DIM; i++) inputs[o + i] += std * rng.normal();
    }
  }
}
