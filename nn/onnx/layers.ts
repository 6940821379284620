import { LN_EPS, MASK_VALUE } from '../layers.js';
import type { WeightSource } from '../params.js';
import type { OnnxGraph } from './graph.js';

/**
 * ONNX emitters mirroring nn/layers.ts one for one (same parameter names, same math), so a model trained with
 * tfjs exports by walking the same structure. Values are graph value names; activations are [B, T, d].
 */

/** Adds the weight `name` from `w` as an initializer (once) and returns its value name. */
export function onnxWeight(g: OnnxGraph, w: WeightSource, name: string): string {
  if (!g.hasInitializer(name)) {
    const t = w.weight(name);
    g.initializer(name, { type: 'float32', dims: t.shape, data: t.data });
  }
  return name;
}

function hasWeight(w: WeightSource, name: string): boolean {
  try {
    w.weight(name);
    return true;
  } catch {
    return false;
  }
}

export function onnxLinear(g: OnnxGraph, w: WeightSource, name: string, x: string): string {
  const y = g.op('MatMul', [x, onnxWeight(g, w, `${name}.w`)]);
  return hasWeight(w, `${name}.b`) ? g.op('Add', [y, onnxWeight(g, w, `${name}.b`)]) : y;
}

export function onnxLayerNorm(g: OnnxGraph, w: WeightSource, name: string, x: string, eps = LN_EPS): string {
  return g.op('LayerNormalization', [x, onnxWeight(g, w, `${name}.g`), onnxWeight(g, w, `${name}.b`)], { axis: -1, epsilon: eps });
}

/** Exact GELU: 0.5·x·(1 + erf(x/√2)). */
export function onnxGelu(g: OnnxGraph, x: string): string {
  const e = g.op('Erf', [g.op('Mul', [x, g.constFloat([Math.SQRT1_2], [])])]);
  return g.op('Mul', [g.op('Mul', [x, g.constFloat([0.5], [])]), g.op('Add', [e, g.constFloat([1], [])])]);
}

/** [B, T, d] → [B, H, T, d/H]. */
export function onnxSplitHeads(g: OnnxGraph, x: string, heads: number, headDim: number): string {
  const r = g.op('Reshape', [x, g.constInt64([0, 0, heads, headDim])]);
  return g.op('Transpose', [r], { perm: [0, 2, 1, 3] });
}

/** [B, H, T, dh] → [B, T, H·dh]. */
export function onnxMergeHeads(g: OnnxGraph, x: string, d: number): string {
  const t = g.op('Transpose', [x], { perm: [0, 2, 1, 3] });
  return g.op('Reshape', [t, g.constInt64([0, 0, d])]);
}

/**
 * softmax(q·kᵀ·scale + mask)·v on split heads (q [B,H,Tq,dh], k and v [B,H,Tk,dh]); scale defaults to 1/√dh
 * (pass 1 when it is already folded into q's projection: one node less).
 */
export function onnxAttend(g: OnnxGraph, q: string, k: string, v: string, headDim: number, mask?: string, scale = 1 / Math.sqrt(headDim)): string {
  const kt = g.op('Transpose', [k], { perm: [0, 1, 3, 2] });
  let s = g.op('MatMul', [q, kt]);
  if (scale !== 1) s = g.op('Mul', [s, g.constFloat([scale], [])]);
  if (mask) s = g.op('Add', [s, mask]);
  return g.op('MatMul', [g.op('Softmax', [s], { axis: -1 }), v]);
}

export function onnxMultiHeadAttention(
  g: OnnxGraph, w: WeightSource, name: string, xq: string, xkv: string, heads: number, d: number, mask?: string,
): string {
  const dh = d / heads;
  const q = onnxSplitHeads(g, onnxLinear(g, w, `${name}.q`, xq), heads, dh);
  const k = onnxSplitHeads(g, onnxLinear(g, w, `${name}.k`, xkv), heads, dh);
  const v = onnxSplitHeads(g, onnxLinear(g, w, `${name}.v`, xkv), heads, dh);
  return onnxLinear(g, w, `${name}.o`, onnxMergeHeads(g, onnxAttend(g, q, k, v, dh, mask), d));
}

export function onnxFeedForward(g: OnnxGraph, w: WeightSource, name: string, x: string): string {
  return onnxLinear(g, w, `${name}.fc2`, onnxGelu(g, onnxLinear(g, w, `${name}.fc1`, x)));
}

export function onnxEncoderLayer(g: OnnxGraph, w: WeightSource, name: string, x: string, heads: number, d: number, mask?: string): string {
  const h = onnxLayerNorm(g, w, `${name}.ln1`, x);
  x = g.op('Add', [x, onnxMultiHeadAttention(g, w, `${name}.attn`, h, h, heads, d, mask)]);
  return g.op('Add', [x, onnxFeedForward(g, w, `${name}.ff`, onnxLayerNorm(g, w, `${name}.ln2`, x))]);
}

/** Full (uncached) pre-LN decoder layer, as decoderLayer in nn/layers.ts. */
export function onnxDecoderLayer(
  g: OnnxGraph, w: WeightSource, name: string, x: string, memory: string, heads: number, d: number,
  selfMask?: string, memoryMask?: string,
): string {
  const h1 = onnxLayerNorm(g, w, `${name}.ln1`, x);
  x = g.op('Add', [x, onnxMultiHeadAttention(g, w, `${name}.self`, h1, h1, heads, d, selfMask)]);
  const h2 = onnxLayerNorm(g, w, `${name}.ln2`, x);
  x = g.op('Add', [x, onnxMultiHeadAttention(g, w, `${name}.cross`, h2, memory, heads, d, memoryMask)]);
  return g.op('Add', [x, onnxFeedForward(g, w, `${name}.ff`, onnxLayerNorm(g, w, `${name}.ln3`, x))]);
}

/** Additive key-padding mask [B, 1, 1, S] (float) from int64 ids [B, S]: MASK_VALUE where id == padId. */
export function onnxPaddingMask(g: OnnxGraph, ids: string, padId = 0): string {
  const eq = g.op('Equal', [ids, g.constInt64([padId], [])]);
  const m = g.op('Where', [eq, g.constFloat([MASK_VALUE], []), g.constFloat([0], [])]);
  return g.op('Unsqueeze', [m, g.constInt64([1, 2])]);
}

/** The length of axis `axis` of `x` as an int64 [1] tensor. */
export function onnxDimOf(g: OnnxGraph, x: string, axis: number): string {
  return g.op('Shape', [x], { start: axis, end: axis + 1 });
}

/**
 * Additive causal mask [1, 1, T, T] for T = x.shape[axis] (≤ maxLen), sliced from a [maxLen, maxLen] constant.
 */
export function onnxCausalMask(g: OnnxGraph, x: string, axis: number, maxLen: number): string {
  const m = new Float32Array(maxLen * maxLen);
  for (let i = 0; i < maxLen; i++) for (let j = i + 1; j < maxLen; j++) m[i * maxLen + j] = MASK_VALUE;
  const table = g.initializer(`causal_mask_${maxLen}`, { type: 'float32', dims: [1, 1, maxLen, maxLen], data: m });
  const T = onnxDimOf(g, x, axis);
  const zero = g.constInt64([0, 0]);
  const ends = g.op('Concat', [T, T], { axis: 0 });
  return g.op('Slice', [table, zero, ends, g.constInt64([2, 3])]);
}

/** Rows [0, T) of a [maxLen, d] table as [1, T, d] (positional encodings), T = x.shape[axis]. */
export function onnxTableRows(g: OnnxGraph, tableName: string, x: string, axis: number): string {
  const T = onnxDimOf(g, x, axis);
  const rows = g.op('Slice', [tableName, g.constInt64([0]), T, g.constInt64([0])]);
  return g.op('Unsqueeze', [rows, g.constInt64([0])]);
}
