import { OnnxGraph } from '../nn/onnx/graph.js';
import {
  onnxAttend, onnxFeedForward, onnxLayerNorm, onnxLinear, onnxPaddingMask, onnxSplitHeads, onnxTableRows,
  onnxGelu, onnxWeight, onnxEncoderLayer,
} from '../nn/onnx/layers.js';
import { sinusoidalTable } from '../nn/layers.js';
import type { WeightSource } from '../nn/params.js';
import { FRAME_IN_DIM, MAX_FRAMES, POSE_DIM, type GeneratorConfig } from './config.js';

/**
 * ONNX export of the generator (opset 17), two graphs:
 *
 * encoder.onnx
 *   in  tokens int64 [batch, tokens]  (<bos> … <eos>, 0-padded)
 *   out memory float [batch, tokens, d], memory_mask float [batch, 1, 1, tokens] (0 keep / −1e9 pad),
 *       length_ratio float [batch] (predicted frames / 96, sigmoid),
 *       cross_k_{l}, cross_v_{l} float [batch, heads, tokens, d/heads] for each decoder layer l
 *
 * decoder_step.onnx (one autoregressive step with a KV cache)
 *   in  frame float [batch, 384] (previous frame; zeros at step 0), step int64 [1] (0-based position),
 *       memory_mask, cross_k_{l}, cross_v_{l} (from the encoder),
 *       past_k_{l}, past_v_{l} float [batch, heads, past, d/heads] (past = step; empty at step 0),
 *       length float [batch] (only with counter "progress": the frames the sequence will have, framesFromRatio)
 *   out next_frame float [batch, 384], present_k_{l}, present_v_{l} [batch, heads, past + 1, d/heads]
 *
 * The step graph computes exactly what the full causal decoder computes at position `step`; the counter input is
 * step/96 (or step/length) and the positional encoding row is `step`.
 */

export const ENCODER_FILE = 'encoder.onnx';
export const DECODER_STEP_FILE = 'decoder_step.onnx';

function peInit(g: OnnxGraph, cfg: GeneratorConfig, rows: number): string {
  return g.initializer(`pe_${rows}`, { type: 'float32', dims: [rows, cfg.d], data: sinusoidalTable(rows, cfg.d) });
}

export function buildEncoderGraph(w: WeightSource, cfg: GeneratorConfig, metadata: Record<string, string> = {}): Uint8Array {
  const g = new OnnxGraph('signbench_generator_encoder');
  const { d, heads } = cfg;
  const dh = d / heads;
  const tokens = g.input('tokens', 'int64', ['batch', 'tokens']);
  const emb = g.op('Gather', [onnxWeight(g, w, 'tok.w'), tokens], { axis: 0 });
  const pe = onnxTableRows(g, peInit(g, cfg, cfg.maxTextLen), tokens, 1);
  let x = g.op('Add', [g.op('Mul', [emb, g.constFloat([Math.sqrt(d)], [])]), pe]);
  const mask = onnxPaddingMask(g, tokens);
  for (let i = 0; i < cfg.encoderLayers; i++) x = onnxEncoderLayer(g, w, `enc.${i}`, x, heads, d, mask);
  g.identity(x, 'memory');
  g.identity(mask, 'memory_mask');
  // Length head on the mean over non-pad tokens.
  const keep = g.op('Unsqueeze', [g.op('Cast', [g.op('Not', [g.op('Equal', [tokens, g.constInt64([0], [])])])], { to: 1 }), g.constInt64([2])]);
  const sum = g.op('ReduceSum', [g.op('Mul', [x, keep]), g.constInt64([1])], { keepdims: 0 });
  const count = g.op('ReduceSum', [keep, g.constInt64([1])], { keepdims: 0 });
  const pooled = g.op('Div', [sum, count]);
  const h = onnxGelu(g, onnxLinear(g, w, 'len.fc1', onnxLayerNorm(g, w, 'len.ln', pooled)));
  const ratio = g.op('Sigmoid', [onnxLinear(g, w, 'len.fc2', h)]);
  g.op('Reshape', [ratio, g.constInt64([-1])], {}, 'length_ratio');
  g.output('memory', 'float32', ['batch', 'tokens', d]);
  g.output('memory_mask', 'float32', ['batch', 1, 1, 'tokens']);
  g.output('length_ratio', 'float32', ['batch']);
  for (let l = 0; l < cfg.decoderLayers; l++) {
    g.identity(onnxSplitHeads(g, onnxLinear(g, w, `dec.${l}.cross.k`, x), heads, dh), `cross_k_${l}`);
    g.identity(onnxSplitHeads(g, onnxLinear(g, w, `dec.${l}.cross.v`, x), heads, dh), `cross_v_${l}`);
    g.output(`cross_k_${l}`, 'float32', ['batch', heads, 'tokens', dh]);
    g.output(`cross_v_${l}`, 'float32', ['batch', heads, 'tokens', dh]);
  }
  return g.toBytes({ docString: 'signbench SignDW-style generator: text encoder', metadata });
}

/** The q, k, v weights (`part` w: [d, 3d], row-interleaved) or biases (b: [3d]) of `name` as one initializer. */
function fusedQkv(g: OnnxGraph, w: WeightSource, name: string, d: number, part: 'w' | 'b'): string {
  const [q, k, v] = ['q', 'k', 'v'].map((p) => w.weight(`${name}.${p}.${part}`).data);
  if (part === 'b') {
    const b = new Float32Array(3 * d);
    b.set(q, 0); b.set(k, d); b.set(v, 2 * d);
    return g.initializer(`${name}.qkv.b`, { type: 'float32', dims: [3 * d], data: b });
  }
  const m = new Float32Array(d * 3 * d);
  for (let r = 0; r < d; r++) {
    m.set(q.subarray(r * d, (r + 1) * d), r * 3 * d);
    m.set(k.subarray(r * d, (r + 1) * d), r * 3 * d + d);
    m.set(v.subarray(r * d, (r + 1) * d), r * 3 * d + 2 * d);
  }
  return g.initializer(`${name}.qkv.w`, { type: 'float32', dims: [d, 3 * d], data: m });
}

/** A WeightSource whose query projections (`*.self.q`, `*.cross.q`) are multiplied by `scale`. */
function scaledQueries(w: WeightSource, scale: number): WeightSource {
  return {
    weight(name: string) {
      const t = w.weight(name);
      if (!/\.(self|cross)\.q\.[wb]$/.test(name)) return t;
      return { shape: t.shape, data: t.data.map((v) => v * scale) };
    },
  };
}

export function buildDecoderStepGraph(w: WeightSource, cfg: GeneratorConfig, metadata: Record<string, string> = {}): Uint8Array {
  const g = new OnnxGraph('signbench_generator_decoder_step');
  const { d, heads } = cfg;
  const dh = d / heads;
  const frame = g.input('frame', 'float32', ['batch', POSE_DIM]);
  const step = g.input('step', 'int64', [1]);
  const memMask = g.input('memory_mask', 'float32', ['batch', 1, 1, 'tokens']);
  // frame_in over [pose | counter]: the pose rows multiply the frame; the counter row goes into the step table.
  const fw = w.weight('frame_in.w');
  if (fw.shape[0] !== FRAME_IN_DIM || fw.shape[1] !== d) throw new Error(`frame_in.w has shape [${fw.shape}], expected [${FRAME_IN_DIM},${d}]`);
  const wPose = g.initializer('frame_in.w.pose', { type: 'float32', dims: [POSE_DIM, d], data: fw.data.slice(0, POSE_DIM * d) });
  // Position-dependent input terms folded into one [96, d] table: PE[t] + (t/96)·W_counter + b; row `step`.
  // With the progress counter the table holds PE[t] + b, and (step/length)·W_counter is added per sequence.
  const progress = cfg.counter === 'progress';
  const pe = sinusoidalTable(MAX_FRAMES, d);
  const bias = w.weight('frame_in.b').data;
  const wCounter = fw.data.slice(POSE_DIM * d, (POSE_DIM + 1) * d);
  const stepTable = new Float32Array(MAX_FRAMES * d);
  for (let t = 0; t < MAX_FRAMES; t++) {
    for (let j = 0; j < d; j++) stepTable[t * d + j] = pe[t * d + j] + (progress ? 0 : (t / MAX_FRAMES) * wCounter[j]) + bias[j];
  }
  const table = g.initializer('frame_in.step_table', { type: 'float32', dims: [MAX_FRAMES, d], data: stepTable });
  // The step graph works on [B, d] (one position): MatMul + bias become Gemm after ORT's fusion, and
  // [B, d] ↔ [B, H, 1, dh] is a pure reshape (same memory order), so no Transpose nodes for the new position.
  let x = g.op('Add', [g.op('MatMul', [frame, wPose]), g.op('Gather', [table, step], { axis: 0 })]); // [B, d]
  if (progress) {
    const length = g.input('length', 'float32', ['batch']);
    const ratio = g.op('Div', [g.op('Cast', [step], { to: 1 /* FLOAT */ }), length]); // [B]
    const col = g.op('Unsqueeze', [ratio, g.constInt64([1])]); // [B, 1]
    const wc = g.initializer('frame_in.w.counter', { type: 'float32', dims: [1, d], data: wCounter });
    x = g.op('Add', [x, g.op('Mul', [col, wc])]);
  }
  const toHeads = (v: string) => g.op('Reshape', [v, g.constInt64([0, heads, 1, dh])]);
  const fromHeads = (v: string) => g.op('Reshape', [v, g.constInt64([0, d])]);
  // 1/√dh folded into the query projections.
  const ws = scaledQueries(w, 1 / Math.sqrt(dh));
  g.output('next_frame', 'float32', ['batch', POSE_DIM]);
  for (let l = 0; l < cfg.decoderLayers; l++) {
    const n = `dec.${l}`;
    const crossK = g.input(`cross_k_${l}`, 'float32', ['batch', heads, 'tokens', dh]);
    const crossV = g.input(`cross_v_${l}`, 'float32', ['batch', heads, 'tokens', dh]);
    const pastK = g.input(`past_k_${l}`, 'float32', ['batch', heads, 'past', dh]);
    const pastV = g.input(`past_v_${l}`, 'float32', ['batch', heads, 'past', dh]);
    const h1 = onnxLayerNorm(g, w, `${n}.ln1`, x);
    // q, k, v projections as one [d, 3d] matmul, split afterwards.
    const qkv = g.op('Add', [g.op('MatMul', [h1, fusedQkv(g, ws, `${n}.self`, d, 'w')]), fusedQkv(g, ws, `${n}.self`, d, 'b')]);
    const [qn, kn, vn] = g.node('Split', [qkv, g.constInt64([d, d, d])], { axis: 1 }, 3);
    const q = toHeads(qn);
    const k = g.op('Concat', [pastK, toHeads(kn)], { axis: 2 }, `present_k_${l}`);
    const v = g.op('Concat', [pastV, toHeads(vn)], { axis: 2 }, `present_v_${l}`);
    g.output(`present_k_${l}`, 'float32', ['batch', heads, 'past_plus_1', dh]);
    g.output(`present_v_${l}`, 'float32', ['batch', heads, 'past_plus_1', dh]);
    // The new position attends to every cached position: no mask needed.
    x = g.op('Add', [x, onnxLinear(g, w, `${n}.self.o`, fromHeads(onnxAttend(g, q, k, v, dh, undefined, 1)))]);
    const h2 = onnxLayerNorm(g, w, `${n}.ln2`, x);
    const q2 = toHeads(onnxLinear(g, ws, `${n}.cross.q`, h2));
    x = g.op('Add', [x, onnxLinear(g, w, `${n}.cross.o`, fromHeads(onnxAttend(g, q2, crossK, crossV, dh, memMask, 1)))]);
    x = g.op('Add', [x, onnxFeedForward(g, w, `${n}.ff`, onnxLayerNorm(g, w, `${n}.ln3`, x))]);
  }
  g.identity(onnxLinear(g, w, 'out.head', onnxLayerNorm(g, w, 'out.ln', x)), 'next_frame');
  return g.toBytes({ docString: 'signbench SignDW-style generator: one decoder step with KV cache', metadata });
}
