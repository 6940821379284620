import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from './params.js';
import type { Rng } from './rng.js';

/**
 * Transformer building blocks as plain functions over a ParamStore (faster on tfjs-wasm than tf.layers, see
 * reference/ml-stack.md). Each `createX(p, name, …)` adds the parameters; `x(p, name, …)` runs the forward pass.
 * Conventions: activations are [batch, time, features]; weights are [in, out] (y = x·W + b); additive masks hold
 * 0 (keep) or MASK_VALUE (drop) and broadcast to [batch, heads, query, key].
 */

/** Added to attention scores that must be ignored (finite, so that a fully masked row cannot produce NaN). */
export const MASK_VALUE = -1e9;
/** LayerNorm epsilon (PyTorch default). */
export const LN_EPS = 1e-5;

/** Optional dropout during training; `rng` supplies the per-call seeds so runs are reproducible. */
export interface Dropout {
  rate: number;
  rng: Rng;
}

export function dropout(x: tf.Tensor, d?: Dropout): tf.Tensor {
  if (!d || d.rate <= 0) return x;
  return tf.dropout(x, d.rate, undefined, d.rng.seed());
}

export function createLinear(p: ParamStore, name: string, inDim: number, outDim: number, bias = true): void {
  p.add(`${name}.w`, [inDim, outDim], 'xavier');
  if (bias) p.add(`${name}.b`, [outDim], 'zeros');
}

/** x [..., in] → [..., out]; flattens to 2-D so the matmul is one flag-free kernel. */
export function linear(p: ParamStore, name: string, x: tf.Tensor): tf.Tensor {
  const w = p.get(`${name}.w`);
  const [inDim, outDim] = w.shape as number[];
  const lead = x.shape.slice(0, -1);
  let y = tf.matMul(x.reshape([-1, inDim]), w);
  if (p.has(`${name}.b`)) y = tf.add(y, p.get(`${name}.b`));
  return y.reshape([...lead, outDim]);
}

export function createLayerNorm(p: ParamStore, name: string, dim: number): void {
  p.add(`${name}.g`, [dim], 'ones');
  p.add(`${name}.b`, [dim], 'zeros');
}

export function layerNorm(p: ParamStore, name: string, x: tf.Tensor, eps = LN_EPS): tf.Tensor {
  const axis = x.rank - 1;
  const mean = tf.mean(x, axis, true);
  const centred = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centred), axis, true);
  const normed = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normed, p.get(`${name}.g`)), p.get(`${name}.b`));
}

/** Exact (erf) GELU, as PyTorch's activation="gelu". */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** Sinusoidal positional encoding, row-major [maxLen, d]: sin on even channels, cos on odd (PyTorch tutorial form). */
export function sinusoidalTable(maxLen: number, d: number): Float32Array {
  const pe = new Float32Array(maxLen * d);
  for (let pos = 0; pos < maxLen; pos++) {
    for (let i = 0; i < d; i += 2) {
      const angle = pos * Math.exp((-i * Math.log(10000)) / d);
      pe[pos * d + i] = Math.sin(angle);
      if (i + 1 < d) pe[pos * d + i + 1] = Math.cos(angle);
    }
  }
  return pe;
}

/** The first `len` rows of the positional table as a [1, len, d] tensor. */
export function positional(len: number, d: number): tf.Tensor {
  return tf.tensor(sinusoidalTable(len, d), [1, len, d]);
}

/** Additive causal mask [1, 1, T, T]: position t sees 0..t. */
export function causalMask(T: number): tf.Tensor {
  const m = new Float32Array(T * T);
  for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = MASK_VALUE;
  return tf.tensor(m, [1, 1, T, T]);
}

/** Additive key-padding mask [B, 1, 1, S] from token ids (row-major [B, S]); id `padId` is masked. */
export function paddingMask(ids: Int32Array, batch: number, len: number, padId = 0): tf.Tensor {
  const m = new Float32Array(batch * len);
  for (let i = 0; i < ids.length; i++) if (ids[i] === padId) m[i] = MASK_VALUE;
  return tf.tensor(m, [batch, 1, 1, len]);
}

/** Token embedding by one-hot × matrix (tfjs-wasm lacks the UnsortedSegmentSum kernel that gather's gradient needs). */
export function createEmbedding(p: ParamStore, name: string, vocab: number, d: number): void {
  p.add(`${name}.w`, [vocab, d], 'xavier');
}

export function embed(p: ParamStore, name: string, ids: tf.Tensor): tf.Tensor {
  const w = p.get(`${name}.w`);
  const [vocab, d] = w.shape;
  const flat = tf.oneHot(ids.reshape([-1]).toInt(), vocab).toFloat();
  return tf.matMul(flat, w).reshape([...ids.shape, d]);
}

function splitHeads(x: tf.Tensor, heads: number): tf.Tensor {
  const [B, T, d] = x.shape;
  return tf.transpose(x.reshape([B, T, heads, d / heads]), [0, 2, 1, 3]);
}

function mergeHeads(x: tf.Tensor): tf.Tensor {
  const [B, H, T, dh] = x.shape;
  return tf.transpose(x, [0, 2, 1, 3]).reshape([B, T, H * dh]);
}

export function createAttention(p: ParamStore, name: string, d: number): void {
  for (const part of ['q', 'k', 'v', 'o']) createLinear(p, `${name}.${part}`, d, d);
}

/**
 * Multi-head attention: softmax(q·kᵀ/√dh + mask)·v, with kᵀ an explicit transpose (flag-free matmul).
 * xq [B, Tq, d], xkv [B, Tk, d] → [B, Tq, d]. `onProbs` receives the attention probabilities [B, H, Tq, Tk] (before
 * dropout), for losses on the attention itself.
 */
export function multiHeadAttention(
  p: ParamStore, name: string, xq: tf.Tensor, xkv: tf.Tensor, heads: number, mask?: tf.Tensor, drop?: Dropout,
  onProbs?: (probs: tf.Tensor) => void,
): tf.Tensor {
  const d = xq.shape[xq.rank - 1];
  const q = splitHeads(linear(p, `${name}.q`, xq), heads);
  const k = splitHeads(linear(p, `${name}.k`, xkv), heads);
  const v = splitHeads(linear(p, `${name}.v`, xkv), heads);
  let scores = tf.mul(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(d / heads));
  if (mask) scores = tf.add(scores, mask);
  const probs = tf.softmax(scores);
  onProbs?.(probs);
  const attn = dropout(probs, drop);
  return linear(p, `${name}.o`, mergeHeads(tf.matMul(attn, v)));
}

export function createFeedForward(p: ParamStore, name: string, d: number, ff: number): void {
  createLinear(p, `${name}.fc1`, d, ff);
  createLinear(p, `${name}.fc2`, ff, d);
}

export function feedForward(p: ParamStore, name: string, x: tf.Tensor, drop?: Dropout): tf.Tensor {
  return linear(p, `${name}.fc2`, dropout(gelu(linear(p, `${name}.fc1`, x)), drop));
}

/** Sizes shared by encoder and decoder layers. */
export interface LayerSizes {
  d: number;
  heads: number;
  ff: number;
}

export function createEncoderLayer(p: ParamStore, name: string, s: LayerSizes): void {
  createLayerNorm(p, `${name}.ln1`, s.d);
  createAttention(p, `${name}.attn`, s.d);
  createLayerNorm(p, `${name}.ln2`, s.d);
  createFeedForward(p, `${name}.ff`, s.d, s.ff);
}

/** Pre-LN encoder layer: x + Attn(LN(x)); x + FF(LN(x)). */
export function encoderLayer(p: ParamStore, name: string, x: tf.Tensor, heads: number, mask?: tf.Tensor, drop?: Dropout): tf.Tensor {
  const h = layerNorm(p, `${name}.ln1`, x);
  x = tf.add(x, dropout(multiHeadAttention(p, `${name}.attn`, h, h, heads, mask, drop), drop));
  return tf.add(x, dropout(feedForward(p, `${name}.ff`, layerNorm(p, `${name}.ln2`, x), drop), drop));
}

export function createDecoderLayer(p: ParamStore, name: string, s: LayerSizes): void {
  createLayerNorm(p, `${name}.ln1`, s.d);
  createAttention(p, `${name}.self`, s.d);
  createLayerNorm(p, `${name}.ln2`, s.d);
  createAttention(p, `${name}.cross`, s.d);
  createLayerNorm(p, `${name}.ln3`, s.d);
  createFeedForward(p, `${name}.ff`, s.d, s.ff);
}

/** Pre-LN decoder layer: causal self-attention, cross-attention to `memory` (probabilities to `onCross`), feed-forward. */
export function decoderLayer(
  p: ParamStore, name: string, x: tf.Tensor, memory: tf.Tensor, heads: number,
  selfMask?: tf.Tensor, memoryMask?: tf.Tensor, drop?: Dropout, onCross?: (probs: tf.Tensor) => void,
): tf.Tensor {
  const h1 = layerNorm(p, `${name}.ln1`, x);
  x = tf.add(x, dropout(multiHeadAttention(p, `${name}.self`, h1, h1, heads, selfMask, drop), drop));
  const h2 = layerNorm(p, `${name}.ln2`, x);
  x = tf.add(x, dropout(multiHeadAttention(p, `${name}.cross`, h2, memory, heads, memoryMask, drop, onCross), drop));
  return tf.add(x, dropout(feedForward(p, `${name}.ff`, layerNorm(p, `${name}.ln3`, x), drop), drop));
}
