import * as tf from '@tensorflow/tfjs';
import { initBackend, type TrainingBackend } from '../nn/backend.js';
import { hasCheckpoint, loadCheckpoint } from '../nn/checkpoint.js';
import { Adam, warmupCosine } from '../nn/optim.js';
import { Rng } from '../nn/rng.js';
import { trainLoop, type TrainLoopResult } from '../nn/train-loop.js';
import { createLinear, linear } from '../nn/layers.js';
import { FeatureCache, padSources, padTargets, rowGlossLabels, smoothedCrossEntropy, type TrainExample } from './batch.js';
import type { TranslatorConfig } from './config.js';
import { FEATURE_DIM, FEATURE_STRIDE } from './features.js';
import { createTranslatorParams, Network } from './network.js';
import { Vocab } from './vocab.js';

export interface TrainTranslatorOptions {
  config: TranslatorConfig;
  /** Training pairs (the corpus's train split). */
  examples: readonly TrainExample[];
  outDir: string;
  steps?: number;
  batch?: number;
  seed?: number;
  resume?: boolean;
  progress?: boolean;
  logEvery?: number;
  checkpointEvery?: number;
  /** Recorded in the checkpoint manifest. */
  corpusVersion?: string;
  command?: string;
  backend?: TrainingBackend;
  /**
   * Weight of the auxiliary per-row gloss classification loss on the encoder (used when the examples carry timed
   * glosses; 0 = off). Default 0.5. The head (`aux.gloss`) is training-only and is not exported.
   */
  glossLossWeight?: number;
}

export interface TrainTranslatorResult extends TrainLoopResult {
  params: number;
  vocabSize: number;
  backend: TrainingBackend;
}

/** What a translator checkpoint stores as its `config` (enough to rebuild the network and its input pipeline). */
export interface TranslatorCheckpointConfig {
  model: 'translator';
  translator: TranslatorConfig;
  featureDim: number;
  featureStride: number;
  seed: number;
  batch: number;
}

/** Mixes the run seed and the step into a batch seed, so that batch `step` is the same on resume. */
function stepSeed(seed: number, step: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(step + 1, 0x165667b1)) >>> 0;
}

/**
 * Trains the translator with teacher forcing and label smoothing on `examples`, writing checkpoints (weights.bin,
 * manifest.json with the vocabulary) and loss.svg to `outDir`. Batch `step` is drawn from a PRNG seeded by
 * (seed, step), so a resumed run sees the same batches as an uninterrupted one.
 */
export async function trainTranslator(opts: TrainTranslatorOptions): Promise<TrainTranslatorResult> {
  if (opts.examples.length === 0) throw new Error('training: no training examples (is the train split empty?)');
  const backend = await initBackend({ prefer: opts.backend });
  const cfg = opts.config;
  const seed = opts.seed ?? 1;
  const batch = Math.max(1, Math.floor(opts.batch ?? cfg.batch));
  const steps = Math.max(1, Math.floor(opts.steps ?? cfg.steps));

  let vocab: Vocab;
  if (opts.resume && hasCheckpoint(opts.outDir)) {
    const m = loadCheckpoint(opts.outDir).manifest;
    if (!m.vocab) throw new Error(`${opts.outDir}: checkpoint has no vocabulary; cannot resume`);
    vocab = new Vocab(cfg.vocabLevel, m.vocab);
  } else {
    vocab = Vocab.build(opts.examples.map((e) => e.text), cfg.vocabLevel, { maxSize: cfg.maxVocab });
  }

  const params = createTranslatorParams(cfg, vocab.size, seed);
  // Auxiliary gloss head: direct per-row supervision makes the encoder learn the signs much sooner.
  const glossWeight = opts.glossLossWeight ?? 0.5;
  const glossNames = [...new Set(opts.examples.flatMap((e) => (e.glosses ?? []).map((g) => g.gloss)))].sort();
  const useGloss = glossWeight > 0 && glossNames.length > 0;
  const glossIndex = new Map(glossNames.map((g, i) => [g, i + 1]));
  if (useGloss) createLinear(params, 'aux.gloss', cfg.dModel, glossNames.length + 1);
  const net = new Network(cfg, params);
  const optimizer = new Adam(params, { clipNorm: 1, weightDecay: 0.01 });
  const cache = new FeatureCache(cfg.maxSourceRows);
  const ckptConfig: TranslatorCheckpointConfig = {
    model: 'translator', translator: cfg, featureDim: FEATURE_DIM, featureStride: FEATURE_STRIDE, seed, batch,
  };

  const result = trainLoop({
    params,
    optimizer,
    lr: warmupCosine({ lr: cfg.learningRate, totalSteps: steps, warmupSteps: cfg.warmupSteps, minLr: cfg.learningRate * 0.05 }),
    steps,
    outDir: opts.outDir,
    config: ckptConfig,
    vocab: vocab.tokens.slice(),
    extra: { corpusVersion: opts.corpusVersion ?? null, command: opts.command ?? null, backend, glossLossWeight: useGloss ? glossWeight : 0, glossVocab: useGloss ? glossNames.length + 1 : 0 },
    resume: opts.resume,
    checkpointEvery: opts.checkpointEvery,
    progress: opts.progress,
    logEvery: opts.logEvery ?? 50,
    title: `translator ${cfg.name}`,
    lossAt: (step) => {
      const rng = new Rng(stepSeed(seed, step));
      const picked = Array.from({ length: batch }, () => opts.examples[rng.int(opts.examples.length)]);
      const src = padSources(picked.map((e) => cache.get(e)));
      const tgt = padTargets(picked.map((e) => e.text), vocab, cfg.maxTargetTokens);
      const features = tf.tensor3d(src.features, [src.batch, src.rows, FEATURE_DIM]);
      const valid = tf.tensor2d(src.valid, [src.batch, src.rows]);
      const memory = net.encode(features, valid);
      const logits = net.decodeFull(tf.tensor2d(tgt.input, [batch, tgt.len], 'int32'), memory, valid);
      const loss = smoothedCrossEntropy(logits, tgt, batch, cfg.labelSmoothing);
      if (!useGloss) return { loss };
      const labels = new Int32Array(src.batch * src.rows).fill(-1);
      picked.forEach((e, b) => {
        const f = cache.get(e);
        labels.set(rowGlossLabels(e.glosses, f.rows, f.frames, glossIndex), b * src.rows);
      });
      const w = Float32Array.from(labels, (l) => (l >= 0 ? 1 : 0));
      const glossLogits = linear(params, 'aux.gloss', memory);
      const glossLoss = smoothedCrossEntropy(glossLogits, { len: src.rows, input: labels, output: labels.map((l) => Math.max(0, l)), weight: w }, batch, 0);
      return { loss: tf.add(loss, tf.mul(glossLoss, glossWeight)) as tf.Scalar };
    },
  });
  const out = { ...result, params: params.count(), vocabSize: vocab.size, backend };
  optimizer.dispose();
  params.dispose();
  return out;
}
