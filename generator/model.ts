import * as tf from '@tensorflow/tfjs';
import {
  causalMask, createDecoderLayer, createEmbedding, createEncoderLayer, createLayerNorm, createLinear, decoderLayer,
  embed, encoderLayer, gelu, layerNorm, linear, paddingMask, positional, type Dropout,
} from '../nn/layers.js';
import { ParamStore } from '../nn/params.js';
import { FRAME_IN_DIM, MAX_FRAMES, POSE_DIM, type GeneratorConfig } from './config.js';
import { PAD } from './tokenizer.js';

/**
 * The SignDW-style text→pose transformer in tfjs (reference §2.6): token embedding ×√d + sinusoidal PE →
 * pre-LN encoder (no final LN); length head on the masked mean of the memory; autoregressive pre-LN decoder over
 * previous frames (384 pose + counter t/96 → Linear, + PE, no √d) with causal self-attention and cross-attention;
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

/** Decoder over all positions at once: inputs [B, T, 385] → predicted frames [B, T, 384]. */
export function decodeFrames(p: ParamStore, cfg: GeneratorConfig, enc: Encoded, inputs: tf.Tensor, drop?: Dropout): tf.Tensor {
  const T = inputs.shape[1] as number;
  let x = tf.add(linear(p, 'frame_in', inputs), positional(T, cfg.d));
  const mask = causalMask(T);
  for (let i = 0; i < cfg.decoderLayers; i++) x = decoderLayer(p, `dec.${i}`, x, enc.memory, cfg.heads, mask, enc.memoryMask, drop);
  return linear(p, 'out.head', layerNorm(p, 'out.ln', x));
}

/**
 * Teacher-forcing decoder input [B, T, 385] from target frames [B, T, 384]: position 0 is the zero frame with
 * counter 0; position t holds target frame t−1 with counter t/96 (the same counter as at inference).
 */
export function shiftedInputs(targets: Float32Array, B: number, T: number): Float32Array {
  const out = new Float32Array(B * T * FRAME_IN_DIM);
  for (let b = 0; b < B; b++) {
    for (let t = 1; t < T; t++) {
      const dst = (b * T + t) * FRAME_IN_DIM;
      out.set(targets.subarray((b * T + t - 1) * POSE_DIM, (b * T + t) * POSE_DIM), dst);
      out[dst + POSE_DIM] = t / MAX_FRAMES;
    }
  }
  return out;
}

/** Greedy decoding by full re-decoding every step (reference behaviour, O(T²)); returns [B, steps, 384]. */
export function generateFull(p: ParamStore, cfg: GeneratorConfig, ids: Int32Array, B: number, S: number, steps = MAX_FRAMES): { frames: Float32Array; lengthRatio: Float32Array } {
  return tf.tidy(() => {
    const enc = encodeText(p, cfg, ids, B, S);
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
          inputs[dst + POSE_DIM] = (i + 1) / MAX_FRAMES;
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
  B: number;
  S: number;
  T: number;
}

/** pose MSE over valid frames (÷ valid frames × 384) + w·MSE(length ratio). */
export function generatorLoss(p: ParamStore, cfg: GeneratorConfig, batch: GeneratorBatch, drop?: Dropout): { loss: tf.Scalar; pose: tf.Scalar; length: tf.Scalar } {
  const { B, S, T } = batch;
  const enc = encodeText(p, cfg, batch.ids, B, S, drop);
  const pred = decodeFrames(p, cfg, enc, tf.tensor(shiftedInputs(batch.targets, B, T), [B, T, FRAME_IN_DIM]), drop);
  const mask = tf.tensor(batch.mask, [B, T, 1]);
  const sq = tf.mul(tf.square(tf.sub(pred, tf.tensor(batch.targets, [B, T, POSE_DIM]))), mask);
  const pose = tf.div(tf.sum(sq), tf.mul(tf.sum(mask), POSE_DIM)) as tf.Scalar;
  const length = tf.mean(tf.square(tf.sub(enc.lengthRatio, tf.tensor(batch.lengthTarget, [B])))) as tf.Scalar;
  return { loss: tf.add(pose, tf.mul(length, cfg.lengthLossWeight)) as tf.Scalar, pose, length };
}
