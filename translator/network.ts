import * as tf from '@tensorflow/tfjs';
import {
  causalMask, createDecoderLayer, createEmbedding, createEncoderLayer, createLayerNorm, createLinear, decoderLayer,
  embed, encoderLayer, gelu, layerNorm, linear, MASK_VALUE, sinusoidalTable,
} from '../nn/layers.js';
import { ParamStore } from '../nn/params.js';
import type { TranslatorConfig } from './config.js';
import { FEATURE_DIM } from './features.js';

/**
 * The translator network in tfjs, built from nn/layers.ts over a ParamStore.
 *
 * Encoder: features [B, S, 640] → linear `in` + sinusoidal PE → pre-LN encoder layers `enc.i` → LayerNorm `enc.lnf`.
 * Decoder: one-hot embedding `emb` × √d + PE → pre-LN decoder layers `dec.i` (causal self-attention, cross-attention
 * to the encoder memory, GELU feed-forward) → LayerNorm `dec.lnf` → linear `out` (logits over the vocabulary).
 * `decodeStep` is the incremental form with a self-attention K/V cache: the computation of decoder_step.onnx.
 */
export function createTranslatorParams(cfg: TranslatorConfig, vocabSize: number, seed: number): ParamStore {
  const p = new ParamStore(seed);
  const d = cfg.dModel;
  const sizes = { d, heads: cfg.heads, ff: cfg.ff };
  createLinear(p, 'in', FEATURE_DIM, d);
  for (let i = 0; i < cfg.encoderLayers; i++) createEncoderLayer(p, `enc.${i}`, sizes);
  createLayerNorm(p, 'enc.lnf', d);
  createEmbedding(p, 'emb', vocabSize, d);
  for (let i = 0; i < cfg.decoderLayers; i++) createDecoderLayer(p, `dec.${i}`, sizes);
  createLayerNorm(p, 'dec.lnf', d);
  createLinear(p, 'out', d, vocabSize);
  return p;
}

export interface KV {
  k: tf.Tensor;
  v: tf.Tensor;
}

export class Network {
  readonly dh: number;
  readonly vocabSize: number;
  private peTable: Float32Array;

  constructor(readonly cfg: TranslatorConfig, readonly p: ParamStore) {
    this.dh = cfg.dModel / cfg.heads;
    this.vocabSize = p.get('emb.w').shape[0];
    this.peTable = sinusoidalTable(Math.max(cfg.maxSourceRows, cfg.maxTargetTokens + 2), cfg.dModel);
  }

  /** PE rows [start, start + len) as [1, len, d]. */
  pe(start: number, len: number): tf.Tensor {
    const d = this.cfg.dModel;
    if (start + len > this.peTable.length / d) this.peTable = sinusoidalTable(2 * (start + len), d);
    return tf.tensor(this.peTable.subarray(start * d, (start + len) * d), [1, len, d]);
  }

  /** Additive key-padding mask [B, 1, 1, S] from a 0/1 validity mask [B, S]. */
  static paddingMask(valid: tf.Tensor): tf.Tensor {
    const [B, S] = valid.shape;
    return tf.mul(tf.sub(1, valid), MASK_VALUE).reshape([B, 1, 1, S]);
  }

  /** features [B, S, F], valid [B, S] (1 = real row) → memory [B, S, d] (after `enc.lnf`). */
  encode(features: tf.Tensor, valid: tf.Tensor): tf.Tensor {
    const S = features.shape[1]!;
    const mask = Network.paddingMask(valid);
    let x = tf.add(linear(this.p, 'in', features), this.pe(0, S));
    for (let i = 0; i < this.cfg.encoderLayers; i++) x = encoderLayer(this.p, `enc.${i}`, x, this.cfg.heads, mask);
    return layerNorm(this.p, 'enc.lnf', x);
  }

  /** Mean of memory over valid rows: [B, d] (the pose embedding for the Fréchet metric). */
  static pool(memory: tf.Tensor, valid: tf.Tensor): tf.Tensor {
    const m = valid.expandDims(2);
    return tf.div(tf.sum(tf.mul(memory, m), 1), tf.maximum(tf.sum(m, 1), 1));
  }

  tokenEmbedding(tokens: tf.Tensor, start: number): tf.Tensor {
    const L = tokens.shape[tokens.rank - 1];
    return tf.add(tf.mul(embed(this.p, 'emb', tokens), Math.sqrt(this.cfg.dModel)), this.pe(start, L));
  }

  /** Teacher-forced decoding: tokens [B, L] → logits [B, L, V]. */
  decodeFull(tokens: tf.Tensor, memory: tf.Tensor, valid: tf.Tensor): tf.Tensor {
    const L = tokens.shape[1]!;
    const memMask = Network.paddingMask(valid);
    const selfMask = causalMask(L);
    let x = this.tokenEmbedding(tokens, 0);
    for (let i = 0; i < this.cfg.decoderLayers; i++) {
      x = decoderLayer(this.p, `dec.${i}`, x, memory, this.cfg.heads, selfMask, memMask);
    }
    return linear(this.p, 'out', layerNorm(this.p, 'dec.lnf', x));
  }

  private split(x: tf.Tensor): tf.Tensor {
    const [B, T] = x.shape;
    return tf.transpose(x.reshape([B, T, this.cfg.heads, this.dh]), [0, 2, 1, 3]);
  }

  private merge(x: tf.Tensor): tf.Tensor {
    const [B, , T] = x.shape;
    return tf.transpose(x, [0, 2, 1, 3]).reshape([B, T, this.cfg.dModel]);
  }

  private attend(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask: tf.Tensor | null): tf.Tensor {
    let s = tf.mul(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(this.dh));
    if (mask) s = tf.add(s, mask);
    return tf.matMul(tf.softmax(s), v);
  }

  /** Cross-attention keys and values of every decoder layer, [B, H, S, dh] each (precomputed once per input). */
  crossKV(memory: tf.Tensor): KV[] {
    const out: KV[] = [];
    for (let i = 0; i < this.cfg.decoderLayers; i++) {
      out.push({ k: this.split(linear(this.p, `dec.${i}.cross.k`, memory)), v: this.split(linear(this.p, `dec.${i}.cross.v`, memory)) });
    }
    return out;
  }

  /**
   * One incremental decoder step: tokens [N] at `position`, past self K/V per layer [N, H, P, dh] (empty list when
   * P = 0) → log-probabilities [N, V] and the present K/V [N, H, P+1, dh].
   */
  decodeStep(tokens: tf.Tensor, position: number, past: KV[], cross: KV[], valid: tf.Tensor): { logProbs: tf.Tensor; present: KV[] } {
    const N = tokens.shape[0];
    const memMask = Network.paddingMask(valid);
    let x = this.tokenEmbedding(tokens.reshape([N, 1]), position);
    const present: KV[] = [];
    for (let i = 0; i < this.cfg.decoderLayers; i++) {
      const n = `dec.${i}`;
      const h1 = layerNorm(this.p, `${n}.ln1`, x);
      let k = this.split(linear(this.p, `${n}.self.k`, h1));
      let v = this.split(linear(this.p, `${n}.self.v`, h1));
      if (past.length) {
        k = tf.concat([past[i].k, k], 2);
        v = tf.concat([past[i].v, v], 2);
      }
      present.push({ k, v });
      const a = this.attend(this.split(linear(this.p, `${n}.self.q`, h1)), k, v, null);
      x = tf.add(x, linear(this.p, `${n}.self.o`, this.merge(a)));
      const h2 = layerNorm(this.p, `${n}.ln2`, x);
      const c = this.attend(this.split(linear(this.p, `${n}.cross.q`, h2)), cross[i].k, cross[i].v, memMask);
      x = tf.add(x, linear(this.p, `${n}.cross.o`, this.merge(c)));
      const h3 = layerNorm(this.p, `${n}.ln3`, x);
      x = tf.add(x, linear(this.p, `${n}.ff.fc2`, gelu(linear(this.p, `${n}.ff.fc1`, h3))));
    }
    const logits = linear(this.p, 'out', layerNorm(this.p, 'dec.lnf', x)).reshape([N, this.vocabSize]);
    return { logProbs: tf.logSoftmax(logits), present };
  }
}
