import { tf } from '../nn/backend.js';
import { createLinear, dropout, linear, type Dropout } from '../nn/layers.js';
import type { ParamStore } from '../nn/params.js';
import type { RecognizerConfig } from './config.js';
import { PHONOLOGY_CLASSES, PHONOLOGY_PARAMS, type PhonologyParam } from './labels.js';

/**
 * The recogniser: standardised features → (Linear → ReLU → dropout) × layers → a gloss head and one head per
 * phonological parameter. Parameter names: `mlp.i` (hidden layers), `head.gloss`, `head.location`, ….
 */
export function createRecognizer(p: ParamStore, cfg: RecognizerConfig, inDim: number, classes: number): void {
  let d = inDim;
  cfg.hidden.forEach((h, i) => { createLinear(p, `mlp.${i}`, d, h); d = h; });
  createLinear(p, 'head.gloss', d, classes);
  for (const k of PHONOLOGY_PARAMS) createLinear(p, `head.${k}`, d, PHONOLOGY_CLASSES[k].length);
}

export type HeadLogits = { gloss: tf.Tensor } & Record<PhonologyParam, tf.Tensor>;

/** x [batch, inDim] (already standardised) → logits per head. */
export function recognizerForward(p: ParamStore, cfg: RecognizerConfig, x: tf.Tensor, drop?: Dropout): HeadLogits {
  let h = x;
  for (let i = 0; i < cfg.hidden.length; i++) h = dropout(tf.relu(linear(p, `mlp.${i}`, h)), drop);
  const out = { gloss: linear(p, 'head.gloss', h) } as HeadLogits;
  for (const k of PHONOLOGY_PARAMS) out[k] = linear(p, `head.${k}`, h);
  return out;
}
