import { initBackend, tf } from '../nn/backend.js';
import { Adam, warmupCosine } from '../nn/optim.js';
import { ParamStore } from '../nn/params.js';
import { Rng } from '../nn/rng.js';
import { trainLoop, type TrainLoopResult } from '../nn/train-loop.js';
import type { TrainRunOptions } from '../nn/train-loop.js';
import type { RecognizerConfig } from './config.js';
import { featureStats, type Dataset } from './dataset.js';
import { PHONOLOGY_CLASSES, PHONOLOGY_PARAMS } from './labels.js';
import { createRecognizer, recognizerForward } from './network.js';

/** What a recogniser checkpoint's `config` holds besides the weights. */
export interface RecognizerCheckpointConfig {
  model: 'recognizer';
  recognizer: RecognizerConfig;
  featureDim: number;
  glosses: string[];
  /** Feature standardisation (baked into the ONNX graph). */
  mean: number[];
  std: number[];
  seed: number;
}

/** `initFrom` is not supported: the recogniser trains from scratch in minutes. */
export interface TrainRecognizerOptions extends Omit<TrainRunOptions, 'initFrom'> {
  config: RecognizerConfig;
  glosses: string[];
  data: Dataset;
  corpusVersion?: string | null;
}

function crossEntropy(logits: tf.Tensor, labels: Int32Array, classes: number, smoothing: number): tf.Tensor {
  // labels < 0 are masked out; per-example loss, mean over unmasked examples
  const weights = Float32Array.from(labels, (l) => (l >= 0 ? 1 : 0));
  const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(labels, (l) => Math.max(0, l)), 'int32'), classes).toFloat();
  const target = smoothing > 0 ? tf.add(tf.mul(onehot, 1 - smoothing), smoothing / classes) : onehot;
  const ce = tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1));
  const count = weights.reduce((a, b) => a + b, 0);
  return tf.div(tf.sum(tf.mul(ce, tf.tensor1d(weights))), Math.max(1, count));
}

/** Trains the MLP recogniser on a precomputed dataset (checkpoints, loss.svg and resume through nn/train-loop). */
export async function trainRecognizer(opts: TrainRecognizerOptions): Promise<TrainLoopResult & { backend: string }> {
  const backend = await initBackend();
  const cfg = opts.config;
  const seed = opts.seed ?? 1;
  const steps = opts.steps ?? cfg.steps;
  const batch = opts.batch ?? cfg.batch;
  const { data } = opts;
  if (data.n === 0) throw new Error('trainRecognizer: the dataset is empty');
  const { mean, std } = featureStats(data);
  const params = new ParamStore(seed);
  createRecognizer(params, cfg, data.dim, opts.glosses.length);
  const optimizer = new Adam(params, { weightDecay: cfg.weightDecay, clipNorm: 5 });
  const ckptConfig: RecognizerCheckpointConfig = {
    model: 'recognizer', recognizer: cfg, featureDim: data.dim, glosses: opts.glosses,
    mean: Array.from(mean), std: Array.from(std), seed,
  };
  const D = data.dim;
  const res = trainLoop({
    params, optimizer, steps, outDir: opts.outDir, config: ckptConfig, resume: opts.resume,
    lr: warmupCosine({ lr: cfg.learningRate, totalSteps: steps, warmupSteps: cfg.warmupSteps, minLr: cfg.learningRate * 0.02 }),
    title: `recognizer ${cfg.name}`, onProgress: opts.onProgress, signal: opts.signal,
    extra: { corpusVersion: opts.corpusVersion ?? null, command: opts.command ?? null, batch, examples: data.n },
    lossAt: (step) => {
      const rng = new Rng(seed * 1_000_003 + step);
      const xb = new Float32Array(batch * D);
      const yb = new Int32Array(batch);
      const pb = PHONOLOGY_PARAMS.map(() => new Int32Array(batch));
      for (let b = 0; b < batch; b++) {
        const i = rng.int(data.n);
        const src = data.xMirror && rng.next() < cfg.mirror ? data.xMirror : data.x;
        for (let j = 0; j < D; j++) xb[b * D + j] = (src[i * D + j] - mean[j]) / std[j];
        yb[b] = data.labels[i];
        PHONOLOGY_PARAMS.forEach((_, k) => { pb[k][b] = data.phon[i * PHONOLOGY_PARAMS.length + k]; });
      }
      const x = tf.tensor2d(xb, [batch, D]);
      const out = recognizerForward(params, cfg, x, { rate: cfg.dropout, rng });
      const glossLoss = crossEntropy(out.gloss, yb, opts.glosses.length, cfg.labelSmoothing);
      let loss = glossLoss;
      const parts: Record<string, tf.Scalar> = { gloss: glossLoss as tf.Scalar };
      PHONOLOGY_PARAMS.forEach((k, n) => {
        const l = crossEntropy(out[k], pb[n], PHONOLOGY_CLASSES[k].length, 0);
        loss = tf.add(loss, tf.mul(l, cfg.headWeight));
      });
      return { loss: loss as tf.Scalar, parts };
    },
  });
  return { ...res, backend };
}
