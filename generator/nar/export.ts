import { OnnxGraph } from '../../nn/onnx/graph.js';
import {
  onnxDecoderLayer, onnxDimOf, onnxEncoderLayer, onnxFeedForward, onnxGelu, onnxLayerNorm, onnxLinear, onnxPaddingMask,
  onnxTableRows, onnxWeight,
} from '../../nn/onnx/layers.js';
import { sinusoidalTable } from '../../nn/layers.js';
import type { WeightSource } from '../../nn/params.js';
import { POSE_DIM } from '../config.js';
import type { NarConfig } from './config.js';
import { PHASE_DIM } from './regulate.js';

/**
 * ONNX export of the non-autoregressive generator (opset 17), three graphs run once each per sentence:
 *
 * text_to_gloss.onnx
 *   in  tokens int64 [batch, tokens]  (<bos> … <eos>, 0-padded)
 *   out gloss_ids int64 [batch, slots] (argmax per slot: glosses, '?' for a question, <eos>, then <pad>),
 *       gloss_logits float [batch, slots, glossVocab]
 * gloss_encoder.onnx
 *   in  glosses int64 [batch, glosses]  (<bos> GLOSS … [?] <eos>, 0-padded)
 *   out states float [batch, glosses, d], log_durations float [batch, glosses, 2] (log(1 + frames) of the transition
 *       into each gloss and of the sign)
 * frame_decoder.onnx
 *   in  states float [batch, glosses, d], from_index int64 [batch, frames], to_index int64 [batch, frames],
 *       phase float [batch, frames, 12]  (the length regulator's output, generator/nar/regulate.ts),
 *       glosses int64 [batch, glosses] (only with sign templates, config.templateKeys > 0: the gloss encoder's input)
 *   out frames float [batch, frames, 384] (x, y, presence per point; full frame; de-normalised in the graph)
 * A batch of several sentences must be padded to one length by the caller; the runtime runs one at a time.
 */
export const TEXT_TO_GLOSS_FILE = 'text_to_gloss.onnx';
export const GLOSS_ENCODER_FILE = 'gloss_encoder.onnx';
export const FRAME_DECODER_FILE = 'frame_decoder.onnx';

function pe(g: OnnxGraph, rows: number, d: number): string {
  return g.initializer(`pe_${rows}_${d}`, { type: 'float32', dims: [rows, d], data: sinusoidalTable(rows, d) });
}

/** Token embedding × √d + sinusoidal positions, then pre-LN encoder layers `${prefix}.{i}`. */
function encoderStack(g: OnnxGraph, w: WeightSource, emb: string, ids: string, d: number, heads: number, layers: number, prefix: string, rows: number): { x: string; mask: string } {
  const e = g.op('Gather', [onnxWeight(g, w, emb), ids], { axis: 0 });
  let x = g.op('Add', [g.op('Mul', [e, g.constFloat([Math.sqrt(d)], [])]), onnxTableRows(g, pe(g, rows, d), ids, 1)]);
  const mask = onnxPaddingMask(g, ids);
  for (let i = 0; i < layers; i++) x = onnxEncoderLayer(g, w, `${prefix}.${i}`, x, heads, d, mask);
  return { x, mask };
}

export function buildTextToGlossGraph(w: WeightSource, cfg: NarConfig, metadata: Record<string, string> = {}, float16Weights = false): Uint8Array {
  const g = new OnnxGraph('signbench_nar_text_to_gloss');
  const dt = cfg.textD;
  const tokens = g.input('tokens', 'int64', ['batch', 'tokens']);
  const { x, mask } = encoderStack(g, w, 't2g.tok.w', tokens, dt, cfg.textHeads, cfg.textLayers, 't2g.enc', cfg.maxTextLen);
  // Learned slot queries, one per gloss position, expanded over the batch.
  const batch = onnxDimOf(g, tokens, 0);
  const shape = g.op('Concat', [batch, g.constInt64([cfg.glossSlots, dt])], { axis: 0 });
  let y = g.op('Expand', [g.op('Unsqueeze', [onnxWeight(g, w, 't2g.slot.w'), g.constInt64([0])]), shape]);
  for (let i = 0; i < cfg.slotLayers; i++) y = onnxDecoderLayer(g, w, `t2g.dec.${i}`, y, x, cfg.textHeads, dt, undefined, mask);
  const logits = onnxLinear(g, w, 't2g.out.head', onnxLayerNorm(g, w, 't2g.out.ln', y));
  g.identity(logits, 'gloss_logits');
  g.op('ArgMax', [logits], { axis: -1, keepdims: 0 }, 'gloss_ids');
  g.output('gloss_ids', 'int64', ['batch', cfg.glossSlots]);
  g.output('gloss_logits', 'float32', ['batch', cfg.glossSlots, 'gloss_vocab']);
  return g.toBytes({ docString: 'signbench non-autoregressive generator: text -> glosses (slot decoder)', metadata, float16Weights });
}

export function buildGlossEncoderGraph(w: WeightSource, cfg: NarConfig, metadata: Record<string, string> = {}, float16Weights = false): Uint8Array {
  const g = new OnnxGraph('signbench_nar_gloss_encoder');
  const glosses = g.input('glosses', 'int64', ['batch', 'glosses']);
  const { x } = encoderStack(g, w, 'g.tok.w', glosses, cfg.d, cfg.heads, cfg.glossLayers, 'g.enc', cfg.maxGlosses);
  g.identity(x, 'states');
  const h = onnxGelu(g, onnxLinear(g, w, 'dur.fc1', onnxLayerNorm(g, w, 'dur.ln', x)));
  g.identity(onnxLinear(g, w, 'dur.fc2', h), 'log_durations');
  g.output('states', 'float32', ['batch', 'glosses', cfg.d]);
  g.output('log_durations', 'float32', ['batch', 'glosses', 2]);
  return g.toBytes({ docString: 'signbench non-autoregressive generator: gloss encoder and duration head', metadata, float16Weights });
}

/**
 * `stats`: the training mean/std of the 384 pose values; the output head is folded with them (W·std, b·std + mean) so
 * the graph emits pose values directly.
 */
export function buildFrameDecoderGraph(w: WeightSource, cfg: NarConfig, stats: { mean: ArrayLike<number>; std: ArrayLike<number> }, metadata: Record<string, string> = {}, float16Weights = false): Uint8Array {
  const g = new OnnxGraph('signbench_nar_frame_decoder');
  const d = cfg.d;
  const states = g.input('states', 'float32', ['batch', 'glosses', d]);
  const from = g.input('from_index', 'int64', ['batch', 'frames']);
  const to = g.input('to_index', 'int64', ['batch', 'frames']);
  const phase = g.input('phase', 'float32', ['batch', 'frames', PHASE_DIM]);
  // Each frame: W_a·state[from] + W_b·state[to] + b + W_p·phase + PE[t] (project the few gloss states, then gather).
  const shape = g.op('Concat', [g.op('Shape', [from]), g.constInt64([d])], { axis: 0 });
  const gather = (proj: string, idx: string) => g.op('GatherElements', [proj, g.op('Expand', [g.op('Unsqueeze', [idx, g.constInt64([2])]), shape])], { axis: 1 });
  let x = g.op('Add', [gather(onnxLinear(g, w, 'fr.a', states), from), gather(onnxLinear(g, w, 'fr.b', states), to)]);
  x = g.op('Add', [x, onnxLinear(g, w, 'fr.p', phase)]);
  x = g.op('Add', [x, onnxTableRows(g, pe(g, cfg.maxFrames, d), from, 1)]);
  const K = cfg.templateKeys ?? 0;
  let prior: string | undefined;
  if (K > 0) {
    // Template prior in pose units (table × std; the mean is in the folded output bias), as train_nar.py `prior`.
    const glosses = g.input('glosses', 'int64', ['batch', 'glosses']);
    const t = w.weight('prior.table');
    const V = t.shape[0];
    const raw = Float32Array.from(t.data, (v, i) => v * stats.std[i % POSE_DIM]);
    const table = g.initializer('prior.table.raw', { type: 'float32', dims: [V, K, POSE_DIM], data: raw });
    const gf = g.op('GatherElements', [glosses, from], { axis: 1 });
    const gt = g.op('GatherElements', [glosses, to], { axis: 1 });
    const col = (k: number) => g.op('Slice', [phase, g.constInt64([k]), g.constInt64([k + 1]), g.constInt64([2])]);
    const u = col(0);
    const hat = g.op('Relu', [g.op('Sub', [g.constFloat([1], []), g.op('Abs', [g.op('Sub', [g.op('Mul', [u, g.constFloat([K - 1], [])]), g.constFloat(Array.from({ length: K }, (_, k) => k), [K])])])])]);
    const sign = g.op('ReduceSum', [g.op('Mul', [g.op('Unsqueeze', [hat, g.constInt64([3])]), g.op('Gather', [table, gt], { axis: 0 })]), g.constInt64([2])], { keepdims: 0 });
    const key = (k: number, ids: string) => g.op('Gather', [g.op('Gather', [table, g.constInt64([k], [])], { axis: 1 }), ids], { axis: 0 });
    const endFrom = key(K - 1, gf);
    const startTo = key(0, gt);
    const ease = g.op('Sub', [g.constFloat([0.5], []), g.op('Mul', [g.constFloat([0.5], []), col(5)])]);
    const gap = g.op('Add', [endFrom, g.op('Mul', [ease, g.op('Sub', [startTo, endFrom])])]);
    prior = g.op('Add', [g.op('Mul', [col(2), sign]), g.op('Mul', [col(1), gap])]);
    // fr.q reads the standardised prior: fold 1/std into its rows.
    const q = w.weight('fr.q.w');
    const qw = Float32Array.from(q.data, (v, i) => v / stats.std[Math.floor(i / d)]);
    x = g.op('Add', [x, g.op('MatMul', [prior, g.initializer('fr.q.w.raw', { type: 'float32', dims: [POSE_DIM, d], data: qw })])]);
  }
  for (let i = 0; i < cfg.frameLayers; i++) x = onnxEncoderLayer(g, w, `fd.${i}`, x, cfg.heads, d, undefined);
  const head = w.weight('out.head.w');
  const bias = w.weight('out.head.b');
  const hw = new Float32Array(head.data.length);
  for (let r = 0; r < d; r++) for (let c = 0; c < POSE_DIM; c++) hw[r * POSE_DIM + c] = head.data[r * POSE_DIM + c] * stats.std[c];
  const hb = Float32Array.from(bias.data, (b, c) => b * stats.std[c] + stats.mean[c]);
  const folded: WeightSource = { weight: (n: string) => (n === 'head.w' ? { shape: [d, POSE_DIM], data: hw } : n === 'head.b' ? { shape: [POSE_DIM], data: hb } : w.weight(n)) };
  const y = onnxLinear(g, folded, 'head', onnxLayerNorm(g, w, 'out.ln', x));
  g.identity(prior ? g.op('Add', [y, prior]) : y, 'frames');
  g.output('frames', 'float32', ['batch', 'frames', POSE_DIM]);
  return g.toBytes({ docString: 'signbench non-autoregressive generator: frame decoder over the regulated frames', metadata, float16Weights });
}

// Kept in the export module so that a reader sees every op the graphs use.
export const USED_LAYERS = { onnxFeedForward };
