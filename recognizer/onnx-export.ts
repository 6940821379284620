import { OnnxGraph } from '../nn/onnx/graph.js';
import { onnxLinear } from '../nn/onnx/layers.js';
import type { WeightSource } from '../nn/params.js';
import type { RecognizerConfig } from './config.js';
import { PHONOLOGY_CLASSES, PHONOLOGY_PARAMS } from './labels.js';

export const INPUTS = ['features'] as const;
export const OUTPUTS = ['gloss_probs', ...PHONOLOGY_PARAMS.map((k) => `${k}_probs`)] as const;

/**
 * recognizer.onnx: `features` [batch, dim] f32 (recognizer/features.ts, raw) → standardisation (baked in) → the MLP
 * → softmax probabilities per head: `gloss_probs` [batch, glosses], `location_probs`, `movement_probs`,
 * `orientation_probs`, `handshape_probs`.
 */
export function exportRecognizerGraph(cfg: RecognizerConfig, w: WeightSource, dim: number, classes: number,
  mean: ArrayLike<number>, std: ArrayLike<number>): Uint8Array {
  const g = new OnnxGraph('recognizer');
  const x = g.input('features', 'float32', ['batch', dim]);
  const inv = Float32Array.from(std, (s) => 1 / s);
  let h = g.op('Mul', [g.op('Sub', [x, g.constFloat(Float32Array.from(mean))]), g.constFloat(inv)]);
  for (let i = 0; i < cfg.hidden.length; i++) h = g.op('Relu', [onnxLinear(g, w, `mlp.${i}`, h)]);
  g.op('Softmax', [onnxLinear(g, w, 'head.gloss', h)], { axis: -1 }, 'gloss_probs');
  g.output('gloss_probs', 'float32', ['batch', classes]);
  for (const k of PHONOLOGY_PARAMS) {
    g.op('Softmax', [onnxLinear(g, w, `head.${k}`, h)], { axis: -1 }, `${k}_probs`);
    g.output(`${k}_probs`, 'float32', ['batch', PHONOLOGY_CLASSES[k].length]);
  }
  return g.toBytes({ producer: 'signbench-recognizer' });
}
