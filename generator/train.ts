import * as tf from '@tensorflow/tfjs';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../nn/backend.js';
import { hasCheckpoint, loadCheckpoint, type LoadedCheckpoint } from '../nn/checkpoint.js';
import { MANIFEST_FILE } from '../nn/manifest.js';
import { Adam, warmupCosine } from '../nn/optim.js';
import type { ParamStore, WeightSource } from '../nn/params.js';
import { Rng } from '../nn/rng.js';
import { LOSS_SVG, trainLoop, type TrainRunOptions } from '../nn/train-loop.js';
import { MAX_FRAMES, MIN_FRAMES, validateConfig, type GeneratorConfig } from './config.js';
import type { TrainingExample } from '../corpus/training.js';
import { BatchSampler } from './data.js';
import { buildDecoderStepGraph, buildEncoderGraph, DECODER_STEP_FILE, ENCODER_FILE } from './export.js';
import { MODEL_FORMAT, MODEL_VERSION, type GeneratorManifest } from './manifest.js';
import { sequenceToModelFrames } from './features.js';
import { createGeneratorParams, generatorLoss } from './model.js';
import { computePoseStats, statsFromJson, statsToJson, type PoseStats } from './normalization.js';
import { meanPlacement, replace } from './placement.js';
import { SPECIALS, Vocab } from './tokenizer.js';
import { writeFileAtomicSync } from '../pose/fsio.js';
import { SignbenchError } from '../pose/errors.js';

export const CHECKPOINT_SUBDIR = 'checkpoint';

export interface CorpusInfo {
  name: string;
  version: string;
  hash: string | null;
  sentences: number;
}

/**
 * `outDir` is the model directory: the ONNX export goes there, the resumable checkpoint into <outDir>/checkpoint/.
 * `initFrom` also takes the vocabulary and pose statistics of the checkpoint or model directory.
 */
export interface TrainGeneratorOptions extends TrainRunOptions {
  train: TrainingExample[];
  /** Held-out examples for the teacher-forced dev metrics (SignDW's evaluate()). */
  dev?: TrainingExample[];
  config: GeneratorConfig;
  corpus: CorpusInfo;
  /** Write the ONNX model directory at the end (default true). */
  exportModel?: boolean;
}

export interface TrainGeneratorResult {
  modelDir: string;
  checkpointDir: string;
  steps: number;
  finalLoss: number;
  stepsPerSecond: number;
  parameters: number;
  metrics: Record<string, number>;
  backend: string;
}

/** The training statistics are needed to standardise or re-place targets, or to scale the hand-shape loss. */
function needsStats(cfg: GeneratorConfig): boolean {
  return cfg.normalize === true || cfg.placement === true || (cfg.handLossWeight ?? 0) > 0;
}

/**
 * Statistics over at most `limit` training sequences spread evenly over the split; with cfg.placement, of the
 * sequences re-placed at their mean placement.
 */
function statsOfSample(train: TrainingExample[], cfg: GeneratorConfig, limit = 600): PoseStats {
  const step = Math.max(1, train.length / limit);
  const picked: TrainingExample[] = [];
  for (let x = 0; Math.floor(x) < train.length && picked.length < limit; x += step) picked.push(train[Math.floor(x)]);
  const frames = picked.map((p) => sequenceToModelFrames(p.sequence(), MAX_FRAMES, cfg.frameStride ?? 1));
  const placement = cfg.placement ? meanPlacement(frames) : null;
  if (placement) for (const f of frames) replace(f, placement);
  return { ...computePoseStats(frames), ...(placement ? { placement } : {}) };
}

/**
 * A checkpoint can be resumed only with the same architecture and input space. A warm start may change the frame
 * stride (the weights do not depend on it; the model relearns the pace) and may add encoder or decoder layers on top
 * of the saved ones (growLayers: they start as the identity).
 */
function checkSameArchitecture(ck: LoadedCheckpoint, cfg: GeneratorConfig, where: string, mode: 'resume' | 'init'): void {
  if (!ck.manifest.vocab) throw new Error(`${where}: no vocabulary to start from`);
  const saved = ck.manifest.config as Partial<GeneratorConfig>;
  const fixed: (keyof GeneratorConfig)[] = ['d', 'heads', 'ff', 'tokenizer', 'normalize'];
  if (mode === 'resume') fixed.push('frameStride', 'encoderLayers', 'decoderLayers');
  for (const k of fixed) {
    if (saved?.[k] !== cfg[k]) throw new Error(`${where}: cannot start from this checkpoint: its ${k} is ${String(saved?.[k])}, the requested config has ${String(cfg[k])}`);
  }
  for (const k of ['encoderLayers', 'decoderLayers'] as const) {
    const was = saved?.[k];
    if (typeof was !== 'number' || was > cfg[k]) throw new Error(`${where}: cannot start from this checkpoint: its ${k} is ${String(was)}, more than the requested ${cfg[k]} (a warm start may add layers, not drop them)`);
  }
}

/**
 * Warm start into a model with more layers than the checkpoint: the saved weights go where their names are, and
 * every added pre-LN layer gets zero output projections (attention `o`, feed-forward `fc2`), so that it adds nothing
 * to its residual stream and the grown model computes exactly what the checkpoint did.
 */
export function growLayers(params: ParamStore, ck: LoadedCheckpoint): string[] {
  const added = params.names().filter((n) => !ck.has(n));
  for (const name of added) {
    if (!/^(enc|dec)\.\d+\./.test(name)) throw new Error(`${join(ck.dir, MANIFEST_FILE)}: missing tensor ${name} that the model needs`);
    if (/\.(attn|self|cross)\.o\.[wb]$|\.ff\.fc2\.[wb]$/.test(name)) params.assign(name, new Float32Array(params.get(name).size));
  }
  ck.loadInto(params, (n) => ck.has(n));
  return [...new Set(added.map((n) => n.split('.').slice(0, 2).join('.')))];
}

/** Most common value (ties: first seen). */
function mode(values: number[], fallback: number): number {
  const counts = new Map<number, number>();
  let best = fallback;
  let bestN = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestN) { best = v; bestN = n; }
  }
  return best;
}

/** What a training run starts from: the effective config, vocabulary, statistics and the initial weights. */
export interface PreparedTraining {
  cfg: GeneratorConfig;
  seed: number;
  vocab: Vocab;
  stats: PoseStats | null;
  params: ParamStore;
  /** The checkpoint being resumed (tfjs trainer only), or null. */
  resumeFrom: LoadedCheckpoint | null;
  /** The warm start's checkpoint and directory, or null. */
  initFrom: LoadedCheckpoint | null;
  initDir: string | null;
  /** Layers added on top of the warm start (growLayers). */
  grown: string[];
  /** Checkpoint directory of the run: <outDir>/checkpoint. */
  ckptDir: string;
}

/**
 * Resolves the run's starting point, shared by the tfjs trainer and the PyTorch one (generator/torch-train.ts): the
 * config with --steps/--batch applied, the vocabulary (built, or the resumed / warm-started one), the training
 * statistics, and the parameters (fresh from the seed, or the warm start's, grown where layers were added).
 */
export function prepareTraining(opts: TrainGeneratorOptions): PreparedTraining {
  const seed = opts.seed ?? 27;
  const cfg: GeneratorConfig = { ...opts.config, ...(opts.steps ? { steps: opts.steps } : {}), ...(opts.batch ? { batch: opts.batch } : {}) };
  validateConfig(cfg, `config ${cfg.name}`);
  const ckptDir = join(opts.outDir, CHECKPOINT_SUBDIR);
  let vocab: Vocab;
  let resumeFrom: LoadedCheckpoint | null = null;
  let initFrom: LoadedCheckpoint | null = null;
  if (opts.resume && opts.initFrom !== undefined && hasCheckpoint(ckptDir)) {
    throw new SignbenchError('conflict', `initFrom ${opts.initFrom}: ${ckptDir} already holds a checkpoint; resume it without a warm start, or choose a new output directory`, { detail: { option: 'initFrom' } });
  }
  const initDir = opts.initFrom === undefined ? null : (hasCheckpoint(join(opts.initFrom, CHECKPOINT_SUBDIR)) ? join(opts.initFrom, CHECKPOINT_SUBDIR) : opts.initFrom);
  if (initDir !== null && !hasCheckpoint(initDir)) throw new SignbenchError('not-found', `initFrom ${opts.initFrom}: no checkpoint there (expected a checkpoint directory, or a model directory with ${CHECKPOINT_SUBDIR}/)`, { detail: { option: 'initFrom' } });
  if (opts.resume && hasCheckpoint(ckptDir)) {
    resumeFrom = loadCheckpoint(ckptDir);
    if (!resumeFrom.manifest.vocab) throw new Error(`${join(ckptDir, MANIFEST_FILE)}: no vocabulary to resume with`);
    checkSameArchitecture(resumeFrom, cfg, join(ckptDir, MANIFEST_FILE), 'resume');
    const saved = resumeFrom.manifest.config as Partial<GeneratorConfig>;
    for (const [k, was, now] of [['counter', saved.counter ?? 'absolute', cfg.counter ?? 'absolute'], ['placement', Boolean(saved.placement), Boolean(cfg.placement)]] as const) {
      if (was !== now) throw new Error(`${join(ckptDir, MANIFEST_FILE)}: cannot resume with ${k} ${now}: the run uses ${was} (start a new output directory warm-started from this one to switch)`);
    }
    vocab = new Vocab(resumeFrom.manifest.vocab, cfg.tokenizer);
  } else if (initDir !== null) {
    initFrom = loadCheckpoint(initDir);
    checkSameArchitecture(initFrom, cfg, join(initDir, MANIFEST_FILE), 'init');
    vocab = new Vocab(initFrom.manifest.vocab ?? [], cfg.tokenizer);
  } else {
    vocab = Vocab.build(opts.train.map((p) => p.text), { mode: cfg.tokenizer, maxSize: cfg.maxVocab });
  }
  // A warm start that switches placement or the frame stride needs statistics of the new targets.
  const initCfg = initFrom?.manifest.config as Partial<GeneratorConfig> | undefined;
  const initStatsFit = initCfg !== undefined && Boolean(initCfg.placement) === Boolean(cfg.placement) && (initCfg.frameStride ?? 1) === (cfg.frameStride ?? 1);
  const from = resumeFrom ?? (initStatsFit ? initFrom : null);
  const stats = needsStats(cfg)
    ? (from?.manifest.extra?.poseStats !== undefined
      ? statsFromJson(from.manifest.extra.poseStats, join(from.dir, MANIFEST_FILE))
      : statsOfSample(opts.train, cfg))
    : null;
  const params = createGeneratorParams(cfg, vocab.size, seed);
  const grown = initFrom ? growLayers(params, initFrom) : [];
  return { cfg, seed, vocab, stats, params, resumeFrom, initFrom, initDir, grown, ckptDir };
}

/** The manifest's record of a warm start (or the resumed run's), for checkpoint extra.initFrom. */
export function initFromRecord(prep: PreparedTraining): Record<string, unknown> {
  if (prep.initFrom) return { initFrom: { dir: prep.initDir, step: prep.initFrom.manifest.step, ...(prep.grown.length ? { addedLayers: prep.grown } : {}) } };
  return prep.resumeFrom?.manifest.extra?.initFrom ? { initFrom: prep.resumeFrom.manifest.extra.initFrom } : {};
}

/** Output frame rate and crop size from the training data: the most common among a few examples. */
export function outputMeta(train: TrainingExample[], cfg: GeneratorConfig): { fps: number; size: number } {
  const probe = train.slice(0, 16).map((p) => p.sequence());
  // The model runs at the corpus rate ÷ frameStride.
  const fps = mode(probe.map((s) => s.meta.fps), 24) / (cfg.frameStride ?? 1);
  const size = mode(probe.map((s) => Math.min(s.meta.width, s.meta.height)), 512);
  return { fps, size };
}

/** Trains the generator with tfjs (resumable), evaluates on dev, and exports the ONNX model directory. */
export async function trainGenerator(opts: TrainGeneratorOptions): Promise<TrainGeneratorResult> {
  const backend = await initBackend();
  const prep = prepareTraining(opts);
  const { cfg, seed, vocab, stats, params, ckptDir } = prep;
  const optimizer = new Adam(params, { weightDecay: cfg.weightDecay, clipNorm: cfg.clipNorm });
  const standardized = cfg.normalize === true;
  const sampler = new BatchSampler(opts.train, vocab, cfg, seed, cfg.batch, stats);
  // A peak set below the config's floor (e.g. --lr for fine-tuning) takes the floor down with it.
  const lr = warmupCosine({ lr: cfg.lr, minLr: Math.min(cfg.minLr, cfg.lr), totalSteps: cfg.steps, warmupSteps: Math.min(cfg.warmupSteps, Math.floor(cfg.steps / 10)) });
  const result = trainLoop({
    params, optimizer, lr, steps: cfg.steps, outDir: ckptDir, config: cfg, vocab: [...vocab.itos],
    resume: opts.resume, onProgress: opts.onProgress, signal: opts.signal,
    title: `generator ${cfg.name}`,
    extra: {
      seed, corpus: opts.corpus, command: opts.command ?? null, ...(stats ? { poseStats: statsToJson(stats) } : {}),
      ...initFromRecord(prep),
    },
    lossAt: (step) => {
      const drop = cfg.dropout > 0 ? { rate: cfg.dropout, rng: new Rng(seed * 1_000_003 + step) } : undefined;
      const noise = cfg.inputNoise ? { std: cfg.inputNoise, rng: new Rng(seed * 1_000_033 + step) } : undefined;
      const selfFeed = cfg.selfFeed ? { prob: cfg.selfFeed, rng: new Rng(seed * 1_000_037 + step) } : undefined;
      const r = generatorLoss(params, cfg, sampler.batchAt(step), { drop, noise, selfFeed, stats: stats ?? undefined, standardized });
      return {
        loss: r.loss,
        parts: { pose: r.pose, ...((cfg.handLossWeight ?? 0) > 0 ? { hand: r.hand } : {}), ...(sampler.aligns ? { align: r.align } : {}) },
      };
    },
  });
  const metrics: Record<string, number> = { train_loss_last: result.finalLoss };
  const tail = result.history.slice(-50);
  if (tail.length > 0) metrics.train_loss_mean_last50 = tail.reduce((a, p) => a + p.loss, 0) / tail.length;
  if (opts.dev && opts.dev.length > 0) Object.assign(metrics, evaluateTeacherForced(params, cfg, vocab, opts.dev, seed, stats));
  const { fps, size } = outputMeta(opts.train, cfg);
  const res: TrainGeneratorResult = {
    modelDir: opts.outDir, checkpointDir: ckptDir, steps: result.steps, finalLoss: result.finalLoss,
    stepsPerSecond: result.stepsPerSecond, parameters: params.count(), metrics, backend,
  };
  if (opts.exportModel !== false) {
    writeModelDir(opts.outDir, params, cfg, vocab, {
      corpus: opts.corpus, metrics, fps, size, stats,
      training: { command: opts.command ?? '', steps: result.steps, seed, backend, stepsPerSecond: result.stepsPerSecond, date: new Date().toISOString(), parameters: params.count() },
      lossSvg: join(ckptDir, LOSS_SVG),
    });
  }
  optimizer.dispose();
  params.dispose();
  return res;
}

/**
 * SignDW's evaluate(): teacher-forced pose MSE (in the training units: standard units with cfg.normalize), length
 * MSE and hand-shape loss on up to 64 dev pairs.
 */
export function evaluateTeacherForced(
  params: ReturnType<typeof createGeneratorParams>, cfg: GeneratorConfig, vocab: Vocab, dev: TrainingExample[], seed: number,
  stats: PoseStats | null = null,
): Record<string, number> {
  const standardized = cfg.normalize === true && stats !== null;
  const sampler = new BatchSampler(dev.slice(0, 64), vocab, cfg, seed, Math.min(16, dev.length), stats);
  let pose = 0;
  let len = 0;
  let hand = 0;
  let align = 0;
  let n = 0;
  const all = Array.from({ length: sampler.pairs.length }, (_, i) => i);
  for (let i = 0; i < all.length; i += 16) {
    const b = sampler.batchOf(all.slice(i, i + 16));
    const [p, l, h, a] = tf.tidy(() => {
      const r = generatorLoss(params, cfg, b, { stats: stats ?? undefined, standardized });
      return [r.pose.dataSync()[0], r.length.dataSync()[0], r.hand.dataSync()[0], r.align.dataSync()[0]];
    });
    align += a * b.B;
    pose += p * b.B;
    len += l * b.B;
    hand += h * b.B;
    n += b.B;
  }
  const hw = cfg.handLossWeight ?? 0;
  const aw = sampler.aligns ? cfg.alignLossWeight ?? 0 : 0;
  return {
    dev_pose_mse: pose / n, dev_length_mse: len / n, ...(hw > 0 ? { dev_hand_mse: hand / n } : {}),
    ...(aw > 0 ? { dev_align_miss: align / n } : {}),
    dev_total: (pose + cfg.lengthLossWeight * len + hw * hand + aw * align) / n, dev_examples: n,
  };
}

export interface ModelDirInfo {
  corpus: CorpusInfo;
  metrics: Record<string, number>;
  fps: number;
  size: number;
  training: GeneratorManifest['training'];
  /** Training statistics; with cfg.normalize their mean/std become normalization.poseMean/poseStd. */
  stats?: PoseStats | null;
  lossSvg?: string;
}

/** Writes encoder.onnx, decoder_step.onnx, manifest.json and loss.svg into `dir`. */
export function writeModelDir(dir: string, w: WeightSource, cfg: GeneratorConfig, vocab: Vocab, info: ModelDirInfo): GeneratorManifest {
  mkdirSync(dir, { recursive: true });
  const meta = { signbench_format: MODEL_FORMAT, config: cfg.name, corpus_version: info.corpus.version };
  writeFileAtomicSync(join(dir, ENCODER_FILE), buildEncoderGraph(w, cfg, meta));
  writeFileAtomicSync(join(dir, DECODER_STEP_FILE), buildDecoderStepGraph(w, cfg, meta));
  const hasCurve = Boolean(info.lossSvg && existsSync(info.lossSvg));
  if (hasCurve && info.lossSvg !== join(dir, LOSS_SVG)) copyFileSync(info.lossSvg as string, join(dir, LOSS_SVG));
  const dh = cfg.d / cfg.heads;
  const manifest: GeneratorManifest = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    architecture: 'autoregressive',
    files: { encoder: ENCODER_FILE, decoderStep: DECODER_STEP_FILE, ...(hasCurve ? { lossCurve: LOSS_SVG } : {}) },
    io: {
      encoder: {
        inputs: { tokens: ['int64', ['batch', 'tokens']] },
        outputs: {
          memory: ['float32', ['batch', 'tokens', cfg.d]],
          memory_mask: ['float32', ['batch', 1, 1, 'tokens']],
          length_ratio: ['float32', ['batch']],
          'cross_k_{l}, cross_v_{l}': ['float32', ['batch', cfg.heads, 'tokens', dh]],
        },
      },
      decoderStep: {
        inputs: {
          frame: ['float32', ['batch', 384]], step: ['int64', [1]], memory_mask: ['float32', ['batch', 1, 1, 'tokens']],
          'cross_k_{l}, cross_v_{l}': ['float32', ['batch', cfg.heads, 'tokens', dh]],
          'past_k_{l}, past_v_{l}': ['float32', ['batch', cfg.heads, 'step', dh]],
          ...(cfg.counter === 'progress' ? { length: ['float32', ['batch']] as [string, (string | number)[]] } : {}),
        },
        outputs: { next_frame: ['float32', ['batch', 384]], 'present_k_{l}, present_v_{l}': ['float32', ['batch', cfg.heads, 'step+1', dh]] },
        layers: cfg.decoderLayers,
      },
      steps: MAX_FRAMES,
      lengthRule: 'clamp(round_half_even(length_ratio*96), 8, 96)',
      counter: cfg.counter === 'progress' ? 'step/length (length = the length rule\'s frames, fed as decoderStep input "length")' : 'step/96',
    },
    tokenizer: { mode: cfg.tokenizer, lowercase: true, pattern: cfg.tokenizer === 'word' ? "[\\w']+|[^\\w\\s]" : 'code points; whitespace runs -> ▁', specials: SPECIALS, maxTextLen: cfg.maxTextLen },
    vocab: [...vocab.itos],
    config: cfg,
    normalization: {
      space: 'centre-square', layout: 'dwpose128-xyp', size: info.size, fps: info.fps, maxFrames: MAX_FRAMES, minFrames: MIN_FRAMES,
      presenceThreshold: 0.5,
      poseMean: cfg.normalize && info.stats ? Array.from(info.stats.mean) : null,
      poseStd: cfg.normalize && info.stats ? Array.from(info.stats.std) : null,
    },
    corpus: info.corpus,
    metrics: info.metrics,
    training: info.training,
  };
  writeFileAtomicSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

/**
 * Re-exports the ONNX model directory from a checkpoint (a directory, or one already loaded): after an interrupted
 * run, or from the PyTorch trainer's checkpoint. Statistics come from its extra.poseStats, loss.svg from beside it.
 */
export function exportFromCheckpoint(checkpoint: string | LoadedCheckpoint, outDir: string, info: Omit<ModelDirInfo, 'lossSvg' | 'stats'>): GeneratorManifest {
  const ck = typeof checkpoint === 'string' ? loadCheckpoint(checkpoint) : checkpoint;
  const checkpointDir = ck.dir;
  const cfg = ck.manifest.config as GeneratorConfig;
  validateConfig(cfg, join(checkpointDir, MANIFEST_FILE));
  if (!ck.manifest.vocab) throw new Error(`${join(checkpointDir, MANIFEST_FILE)}: no vocabulary`);
  const saved = ck.manifest.extra?.poseStats;
  const stats = saved !== undefined ? statsFromJson(saved, join(checkpointDir, MANIFEST_FILE)) : null;
  if (cfg.normalize && !stats) throw new Error(`${join(checkpointDir, MANIFEST_FILE)}: config.normalize is set but extra.poseStats is missing`);
  return writeModelDir(outDir, ck, cfg, new Vocab(ck.manifest.vocab, cfg.tokenizer), { ...info, stats, lossSvg: join(checkpointDir, LOSS_SVG) });
}
