import { sinusoidalTable, MASK_VALUE } from '../nn/layers.js';
import { OnnxGraph } from '../nn/onnx/graph.js';
import {
  onnxAttend, onnxEncoderLayer, onnxFeedForward, onnxLayerNorm, onnxLinear, onnxMergeHeads, onnxSplitHeads, onnxTableRows,
  onnxWeight,
} from '../nn/onnx/layers.js';
import type { WeightSource } from '../nn/params.js';
import type { TranslatorConfig } from './config.js';
import { FEATURE_DIM } from './features.js';

/**
 * ONNX export of the translator (opset 17), mirroring network.ts:
 *
 * encoder.onnx
 *   in  features [batch, rows, 640] float32, valid [batch, rows] float32 (1 = real row, 0 = padding)
 *   out pooled [batch, d] (mean of the memory over valid rows), cross_k_i / cross_v_i [batch, H, rows, dh] for
 *       every decoder layer i (the cross-attention keys/values, computed once per input)
 * decoder_step.onnx
 *   in  tokens [n] int64 (the last token of each hypothesis), position [1] int64 (its index, BOS = 0),
 *       valid [n, rows], cross_k_i / cross_v_i [n, H, rows, dh], past_k_i / past_v_i [n, H, past, dh]
 *   out log_probs [n, V], present_k_i / present_v_i [n, H, past + 1, dh]
 * The first step passes past tensors with past = 0.
 */
export interface ExportedGraphs {
  encoder: Uint8Array;
  decoderStep: Uint8Array;
}

export function encoderIo(cfg: TranslatorConfig): { inputs: string[]; outputs: string[] } {
  const outputs = ['pooled'];
  for (let i = 0; i < cfg.decoderLayers; i++) outputs.push(`cross_k_${i}`, `cross_v_${i}`);
  return { inputs: ['features', 'valid'], outputs };
}

export function decoderIo(cfg: TranslatorConfig): { inputs: string[]; outputs: string[] } {
  const inputs = ['tokens', 'position', 'valid'];
  const outputs = ['log_probs'];
  for (let i = 0; i < cfg.decoderLayers; i++) {
    inputs.push(`cross_k_${i}`, `cross_v_${i}`, `past_k_${i}`, `past_v_${i}`);
    outputs.push(`present_k_${i}`, `present_v_${i}`);
  }
  return { inputs, outputs };
}

function encoderGraph(cfg: TranslatorConfig, w: WeightSource): Uint8Array {
  const g = new OnnxGraph('translator_encoder');
  const d = cfg.dModel, H = cfg.heads, dh = d / H;
  const features = g.input('features', 'float32', ['batch', 'rows', FEATURE_DIM]);
  const valid = g.input('valid', 'float32', ['batch', 'rows']);
  const pe = g.initializer('pe_source', { type: 'float32', dims: [cfg.maxSourceRows, d], data: sinusoidalTable(cfg.maxSourceRows, d) });
  let x = g.op('Add', [onnxLinear(g, w, 'in', features), onnxTableRows(g, pe, features, 1)]);
  const inv = g.op('Sub', [g.constFloat([1], []), valid]);
  const mask = g.op('Unsqueeze', [g.op('Mul', [inv, g.constFloat([MASK_VALUE], [])]), g.constInt64([1, 2])]);
  for (let i = 0; i < cfg.encoderLayers; i++) x = onnxEncoderLayer(g, w, `enc.${i}`, x, H, d, mask);
  const memory = onnxLayerNorm(g, w, 'enc.lnf', x);
  const v3 = g.op('Unsqueeze', [valid, g.constInt64([2])]);
  const sum = g.op('ReduceSum', [g.op('Mul', [memory, v3]), g.constInt64([1])], { keepdims: 0 });
  const count = g.op('Max', [g.op('ReduceSum', [valid, g.constInt64([1])], { keepdims: 1 }), g.constFloat([1], [])]);
  g.op('Div', [sum, count], {}, 'pooled');
  g.output('pooled', 'float32', ['batch', d]);
  for (let i = 0; i < cfg.decoderLayers; i++) {
    g.identity(onnxSplitHeads(g, onnxLinear(g, w, `dec.${i}.cross.k`, memory), H, dh), `cross_k_${i}`);
    g.identity(onnxSplitHeads(g, onnxLinear(g, w, `dec.${i}.cross.v`, memory), H, dh), `cross_v_${i}`);
    g.output(`cross_k_${i}`, 'float32', ['batch', H, 'rows', dh]);
    g.output(`cross_v_${i}`, 'float32', ['batch', H, 'rows', dh]);
  }
  return g.toBytes({ docString: 'signbench pose→text translator: encoder' });
}

function decoderStepGraph(cfg: TranslatorConfig, w: WeightSource, vocabSize: number): Uint8Array {
  const g = new OnnxGraph('translator_decoder_step');
  const d = cfg.dModel, H = cfg.heads, dh = d / H;
  const tokens = g.input('tokens', 'int64', ['n']);
  const position = g.input('position', 'int64', [1]);
  const valid = g.input('valid', 'float32', ['n', 'rows']);
  const maxPos = cfg.maxTargetTokens + 2;
  const pe = g.initializer('pe_target', { type: 'float32', dims: [maxPos, d], data: sinusoidalTable(maxPos, d) });
  // Gather is exactly the one-hot matmul used in training.
  const e = g.op('Mul', [g.op('Gather', [onnxWeight(g, w, 'emb.w'), tokens], { axis: 0 }), g.constFloat([Math.sqrt(d)], [])]);
  let x = g.op('Unsqueeze', [g.op('Add', [e, g.op('Gather', [pe, position], { axis: 0 })]), g.constInt64([1])]); // [n, 1, d]
  const inv = g.op('Sub', [g.constFloat([1], []), valid]);
  const memMask = g.op('Unsqueeze', [g.op('Mul', [inv, g.constFloat([MASK_VALUE], [])]), g.constInt64([1, 2])]);
  for (let i = 0; i < cfg.decoderLayers; i++) {
    const n = `dec.${i}`;
    const crossK = g.input(`cross_k_${i}`, 'float32', ['n', H, 'rows', dh]);
    const crossV = g.input(`cross_v_${i}`, 'float32', ['n', H, 'rows', dh]);
    const pastK = g.input(`past_k_${i}`, 'float32', ['n', H, 'past', dh]);
    const pastV = g.input(`past_v_${i}`, 'float32', ['n', H, 'past', dh]);
    const h1 = onnxLayerNorm(g, w, `${n}.ln1`, x);
    const k = g.op('Concat', [pastK, onnxSplitHeads(g, onnxLinear(g, w, `${n}.self.k`, h1), H, dh)], { axis: 2 }, `present_k_${i}`);
    const v = g.op('Concat', [pastV, onnxSplitHeads(g, onnxLinear(g, w, `${n}.self.v`, h1), H, dh)], { axis: 2 }, `present_v_${i}`);
    g.output(k, 'float32', ['n', H, 'present', dh]);
    g.output(v, 'float32', ['n', H, 'present', dh]);
    const q = onnxSplitHeads(g, onnxLinear(g, w, `${n}.self.q`, h1), H, dh);
    x = g.op('Add', [x, onnxLinear(g, w, `${n}.self.o`, onnxMergeHeads(g, onnxAttend(g, q, k, v, dh), d))]);
    const h2 = onnxLayerNorm(g, w, `${n}.ln2`, x);
    const cq = onnxSplitHeads(g, onnxLinear(g, w, `${n}.cross.q`, h2), H, dh);
    x = g.op('Add', [x, onnxLinear(g, w, `${n}.cross.o`, onnxMergeHeads(g, onnxAttend(g, cq, crossK, crossV, dh, memMask), d))]);
    x = g.op('Add', [x, onnxFeedForward(g, w, `${n}.ff`, onnxLayerNorm(g, w, `${n}.ln3`, x))]);
  }
  const logits = onnxLinear(g, w, 'out', onnxLayerNorm(g, w, 'dec.lnf', x));
  const flat = g.op('Reshape', [logits, g.constInt64([-1, vocabSize])]);
  g.op('LogSoftmax', [flat], { axis: -1 }, 'log_probs');
  g.output('log_probs', 'float32', ['n', vocabSize]);
  return g.toBytes({ docString: 'signbench pose→text translator: one decoder step with self-attention K/V cache' });
}

/** Both graphs of a translator with weights from `w` (a ParamStore or a loaded checkpoint). */
export function exportTranslatorGraphs(cfg: TranslatorConfig, w: WeightSource, vocabSize: number): ExportedGraphs {
  return { encoder: encoderGraph(cfg, w), decoderStep: decoderStepGraph(cfg, w, vocabSize) };
}
