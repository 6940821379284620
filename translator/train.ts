import * as tf from '@tensorflow/tfjs';
import { initBackend, type TrainingBackend } from '../nn/backend.js';
import { hasCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../nn/checkpoint.js';
import { Adam, warmupCosine } from '../nn/optim.js';
import { Rng } from '../nn/rng.js';
import { trainLoop, type TrainLoopResult, type TrainRunOptions } from '../nn/train-loop.js';
import { createLinear, linear } from '../nn/layers.js';
import { applyAugmentation, drawAugmentation } from './augment.js';
import { FeatureCache, padSources, padTargets, rowGlossLabels, smoothedCrossEntropy } from './batch.js';
import type { TrainingExample } from '../corpus/training.js';
import type { TranslatorConfig } from './config.js';
import { extractFeatures, FEATURE_DIM, FEATURE_STRIDE, type FrameFeatures } from './features.js';
import { createTranslatorParams, Network } from './network.js';
import { Vocab } from './vocab.js';
import { SignbenchError } from '../pose/errors.js';

/** `initFrom` is a checkpoint directory whose weights and vocabulary the run starts from. */
export interface TrainTranslatorOptions extends TrainRunOptions {
  config: TranslatorConfig;
  /** Training examples (the corpus's train split). */
  train: readonly TrainingExample[];
  checkpointEvery?: number;
  /** Recorded in the checkpoint manifest. */
  corpusVersion?: string;
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

/** The checkpoint a warm start begins from; it must have this config's architecture and a vocabulary. */
function loadInitCheckpoint(dir: string, cfg: TranslatorConfig): LoadedCheckpoint {
  if (!hasCheckpoint(dir)) throw new SignbenchError('not-found', `initFrom ${dir}: no checkpoint there (expected weights.bin and manifest.json)`, { detail: { option: 'initFrom' } });
  const ck = loadCheckpoint(dir);
  const saved = (ck.manifest.config as Partial<TranslatorCheckpointConfig> | undefined)?.translator;
  if (!ck.manifest.vocab) throw new SignbenchError('invalid-input', `initFrom ${dir}: the checkpoint has no vocabulary`, { detail: { option: 'initFrom' } });
  for (const k of ['dModel', 'heads', 'encoderLayers', 'decoderLayers', 'ff', 'vocabLevel'] as const) {
    if (saved?.[k] !== cfg[k]) throw new SignbenchError('invalid-input', `initFrom ${dir}: cannot start from this checkpoint: its ${k} is ${String(saved?.[k])}, the config has ${String(cfg[k])}`, { detail: { option: 'initFrom' } });
  }
  return ck;
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
  if (opts.train.length === 0) throw new Error('training: no training examples (is the train split empty?)');
  const backend = await initBackend({ prefer: opts.backend });
  const cfg = opts.config;
  const seed = opts.seed ?? 1;
  const batch = Math.max(1, Math.floor(opts.batch ?? cfg.batch));
  const steps = Math.max(1, Math.floor(opts.steps ?? cfg.steps));

  let vocab: Vocab;
  const resuming = Boolean(opts.resume) && hasCheckpoint(opts.outDir);
  if (resuming && opts.initFrom !== undefined) {
    throw new SignbenchError('conflict', `initFrom ${opts.initFrom}: ${opts.outDir} already holds a checkpoint; resume it without a warm start, or choose a new output directory`, { detail: { option: 'initFrom' } });
  }
  const init = opts.initFrom !== undefined && !resuming ? loadInitCheckpoint(opts.initFrom, cfg) : null;
  if (resuming) {
    const m = loadCheckpoint(opts.outDir).manifest;
    if (!m.vocab) throw new Error(`${opts.outDir}: checkpoint has no vocabulary; cannot resume`);
    vocab = new Vocab(cfg.vocabLevel, m.vocab);
  } else if (init) {
    vocab = new Vocab(cfg.vocabLevel, init.manifest.vocab ?? []);
  } else {
    vocab = Vocab.build(opts.train.map((e) => e.text), cfg.vocabLevel, { maxSize: cfg.maxVocab });
  }

  const params = createTranslatorParams(cfg, vocab.size, seed);
  // Auxiliary gloss head: direct per-row supervision makes the encoder learn the signs much sooner.
  const glossWeight = opts.glossLossWeight ?? 0.5;
  const glossNames = [...new Set(opts.train.flatMap((e) => (e.glosses ?? []).map((g) => g.gloss)))].sort();
  const useGloss = glossWeight > 0 && glossNames.length > 0;
  const glossIndex = new Map(glossNames.map((g, i) => [g, i + 1]));
  if (useGloss) createLinear(params, 'aux.gloss', cfg.dModel, glossNames.length + 1);
  init?.loadInto(params);
  const net = new Network(cfg, params);
  const optimizer = new Adam(params, { clipNorm: 1, weightDecay: 0.01 });
  const cache = new FeatureCache(cfg.maxSourceRows);
  const ckptConfig: TranslatorCheckpointConfig = {
    model: 'translator', translator: cfg, featureDim: FEATURE_DIM, featureStride: FEATURE_STRIDE, seed, batch,
  };

  const result = trainLoop({
    params,
    optimizer,
    lr: warmupCosine({ lr: cfg.learningRate, totalSteps: steps, warmupSteps: Math.min(cfg.warmupSteps, Math.floor(steps / 10)), minLr: cfg.learningRate * 0.05 }),
    steps,
    outDir: opts.outDir,
    config: ckptConfig,
    vocab: vocab.tokens.slice(),
    extra: {
      corpusVersion: opts.corpusVersion ?? null, command: opts.command ?? null, backend,
      glossLossWeight: useGloss ? glossWeight : 0, glossVocab: useGloss ? glossNames.length + 1 : 0,
      ...(init ? { initFrom: { dir: init.dir, step: init.manifest.step } } : {}),
    },
    resume: opts.resume,
    checkpointEvery: opts.checkpointEvery,
    onProgress: opts.onProgress ?? (() => undefined),
    signal: opts.signal,
    title: `translator ${cfg.name}`,
    lossAt: (step) => {
      const rng = new Rng(stepSeed(seed, step));
      const picked = Array.from({ length: batch }, () => opts.train[rng.int(opts.train.length)]);
      const augRng = new Rng(stepSeed(seed ^ 0x2545f491, step));
      const inputs = picked.map((e): { f: FrameFeatures & { frames: number }; glosses: TrainingExample['glosses'] } => {
        if (!(augRng.next() < (cfg.augment ?? 0))) return { f: cache.get(e), glosses: e.glosses };
        const warped = applyAugmentation(e.sequence(), e.glosses, drawAugmentation(augRng));
        const f = extractFeatures(warped.sequence, { maxRows: cfg.maxSourceRows });
        return { f: { ...f, frames: warped.sequence.frames }, glosses: warped.glosses };
      });
      const src = padSources(inputs.map((x) => x.f));
      const tgt = padTargets(picked.map((e) => e.text), vocab, cfg.maxTargetTokens);
      const features = tf.tensor3d(src.features, [src.batch, src.rows, FEATURE_DIM]);
      const valid = tf.tensor2d(src.valid, [src.batch, src.rows]);
      const memory = net.encode(features, valid);
      const logits = net.decodeFull(tf.tensor2d(tgt.input, [batch, tgt.len], 'int32'), memory, valid);
      const loss = smoothedCrossEntropy(logits, tgt, batch, cfg.labelSmoothing);
      if (!useGloss) return { loss };
      const labels = new Int32Array(src.batch * src.rows).fill(-1);
      inputs.forEach(({ f, glosses }, b) => labels.set(rowGlossLabels(glosses, f.rows, f.frames, glossIndex), b * src.rows));
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
