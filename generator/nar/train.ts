import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCheckpoint, type LoadedCheckpoint } from '../../nn/checkpoint.js';
import { lossCurveSvg, type CurvePoint } from '../../nn/curve.js';
import { MANIFEST_FILE } from '../../nn/manifest.js';
import { LOSS_SVG, type TrainProgress } from '../../nn/train-loop.js';
import { MODEL_FORMAT, MODEL_VERSION, type NarGeneratorManifest } from '../manifest.js';
import { statsFromJson } from '../normalization.js';
import { SPECIALS } from '../tokenizer.js';
import type { CorpusInfo, TrainGeneratorResult } from '../train.js';
import { runTorchTrainer } from '../torch-child.js';
import { checkTorch, defaultPython } from '../torch-train.js';
import { NAR_ARCHITECTURE, validateNarConfig, type NarConfig } from './config.js';
import { buildFrameDecoderGraph, buildGlossEncoderGraph, buildTextToGlossGraph, FRAME_DECODER_FILE, GLOSS_ENCODER_FILE, TEXT_TO_GLOSS_FILE } from './export.js';
import { writeNarPack } from './pack.js';
import type { TrainingExample } from '../../corpus/training.js';
import { PHASE_DIM } from './regulate.js';

/** The PyTorch trainer of the non-autoregressive generator. */
export const NAR_TRAINER = join(dirname(fileURLToPath(import.meta.url)), '..', 'torch', 'train_nar.py');

export interface TrainNarOptions {
  train: TrainingExample[];
  dev?: TrainingExample[];
  config: NarConfig;
  outDir: string;
  corpus: CorpusInfo;
  seed?: number;
  /** Seconds: the cosine schedule runs over wall time and training stops there, instead of the config's steps. */
  timeBudget?: number;
  /** Torch CPU threads (default 2; on cores shared with other jobs 1 is far faster, generator/README.md). */
  threads?: number;
  python?: string;
  command?: string;
  /** Keep <out>/pack after training. */
  keepPack?: boolean;
  /** The trainer's progress, parsed from its report every 50 steps. */
  onProgress?: (p: TrainProgress) => void;
  /** Messages of the pack step and the trainer (data, parameters, "done"), one line each. */
  onLog?: (line: string) => void;
  /** Kills the trainer and rejects with an `aborted` error. */
  signal?: AbortSignal;
}

export interface NarModelDirInfo {
  corpus: CorpusInfo;
  command: string;
  /** float16 weights in the ONNX files (default: config.float16Weights). */
  float16?: boolean;
}

/** Writes the three ONNX graphs, manifest.json and loss.svg from a checkpoint of generator/torch/train_nar.py. */
export function exportNarCheckpoint(checkpoint: string | LoadedCheckpoint, outDir: string, info: NarModelDirInfo): NarGeneratorManifest {
  const ck = typeof checkpoint === 'string' ? loadCheckpoint(checkpoint) : checkpoint;
  const where = join(ck.dir, MANIFEST_FILE);
  const cfg = ck.manifest.config as NarConfig;
  validateNarConfig(cfg, where);
  const extra = ck.manifest.extra ?? {};
  const glossVocab = ck.manifest.vocab;
  const textVocab = extra.textVocab as string[] | undefined;
  if (!glossVocab || !Array.isArray(textVocab)) throw new Error(`${where}: the gloss vocabulary (vocab) or extra.textVocab is missing`);
  const stats = statsFromJson(extra.poseStats, where);
  const frame = extra.frame as { width: number; height: number; fps: number } | undefined;
  if (!frame || !(frame.width > 0 && frame.height > 0 && frame.fps > 0)) throw new Error(`${where}: extra.frame (width, height, fps) is missing`);
  mkdirSync(outDir, { recursive: true });
  const meta = { signbench_format: MODEL_FORMAT, architecture: NAR_ARCHITECTURE, config: cfg.name };
  const f16 = info.float16 ?? cfg.float16Weights ?? false;
  const graphCfg = { ...cfg, float16Weights: f16 };
  writeFileSync(join(outDir, TEXT_TO_GLOSS_FILE), buildTextToGlossGraph(ck, cfg, meta, f16));
  writeFileSync(join(outDir, GLOSS_ENCODER_FILE), buildGlossEncoderGraph(ck, cfg, meta, f16));
  writeFileSync(join(outDir, FRAME_DECODER_FILE), buildFrameDecoderGraph(ck, cfg, stats, meta, f16));
  const history = (Array.isArray(extra.history) ? extra.history : []) as CurvePoint[];
  if (history.length > 0) writeFileSync(join(outDir, LOSS_SVG), lossCurveSvg([{ name: 'train', points: history }], { title: `generator ${cfg.name} (non-autoregressive, PyTorch)` }));
  else if (existsSync(join(ck.dir, LOSS_SVG))) copyFileSync(join(ck.dir, LOSS_SVG), join(outDir, LOSS_SVG));
  const trainer = (extra.trainer ?? {}) as { device?: string; threads?: number; stepsPerSecond?: number; seconds?: number };
  const metrics: Record<string, number> = { ...(extra.metrics as Record<string, number> | undefined) };
  const last = history[history.length - 1]?.loss;
  if (last !== undefined) metrics.train_loss_last = last;
  if (trainer.seconds !== undefined) metrics.train_seconds = trainer.seconds;
  const parameters = ck.manifest.tensors.filter((t) => !t.name.startsWith('adam.')).reduce((a, t) => a + t.length, 0);
  const manifest: NarGeneratorManifest = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    architecture: NAR_ARCHITECTURE,
    files: { textToGloss: TEXT_TO_GLOSS_FILE, glossEncoder: GLOSS_ENCODER_FILE, frameDecoder: FRAME_DECODER_FILE, ...(existsSync(join(outDir, LOSS_SVG)) ? { lossCurve: LOSS_SVG } : {}) },
    io: {
      textToGloss: {
        inputs: { tokens: ['int64', ['batch', 'tokens']] },
        outputs: { gloss_ids: ['int64', ['batch', cfg.glossSlots]], gloss_logits: ['float32', ['batch', cfg.glossSlots, glossVocab.length]] },
      },
      glossEncoder: {
        inputs: { glosses: ['int64', ['batch', 'glosses']] },
        outputs: { states: ['float32', ['batch', 'glosses', cfg.d]], log_durations: ['float32', ['batch', 'glosses', 2]] },
      },
      frameDecoder: {
        inputs: {
          states: ['float32', ['batch', 'glosses', cfg.d]], from_index: ['int64', ['batch', 'frames']], to_index: ['int64', ['batch', 'frames']],
          phase: ['float32', ['batch', 'frames', PHASE_DIM]],
        },
        ...(cfg.templateKeys ? { templateInputs: { glosses: ['int64', ['batch', 'glosses']] } } : {}),
        outputs: { frames: ['float32', ['batch', 'frames', 384]] },
      },
      glossSequence: '<bos> GLOSS … [?] <eos>; ? marks a question and takes no time',
      durations: 'frames = round(exp(log_durations) − 1): [transition into the gloss, the sign]; <bos>, ? and the sign of <eos> take 0',
      regulation: 'generator/nar/regulate.ts: gap frames go from the last signed gloss to this one, sign frames stay on it; phase = [u, gap, sign, n/24, sin/cos(kπu) k=1..4]',
    },
    tokenizer: { mode: 'word', lowercase: true, pattern: "[\\w']+|[^\\w\\s]", specials: SPECIALS, maxTextLen: cfg.maxTextLen },
    vocab: textVocab,
    glossVocab,
    config: graphCfg,
    normalization: {
      space: 'full-frame', layout: 'dwpose128-xyp', width: frame.width, height: frame.height, fps: frame.fps,
      maxFrames: cfg.maxFrames, minFrames: 8, presenceThreshold: 0.5, phaseDim: PHASE_DIM,
    },
    corpus: info.corpus,
    metrics,
    training: {
      command: info.command, steps: ck.manifest.step, seed: typeof extra.seed === 'number' ? extra.seed : 0,
      backend: `torch (${trainer.device ?? 'cpu'}, ${trainer.threads ?? '?'} threads)`, stepsPerSecond: trainer.stepsPerSecond ?? 0,
      date: new Date().toISOString(), parameters,
    },
  };
  writeFileSync(join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

/**
 * Trains the non-autoregressive generator: writes the pack (generator/nar/pack.ts), runs
 * generator/torch/train_nar.py on the CPU (or wherever PyTorch runs), exports the model directory.
 */
export async function trainNarGenerator(opts: TrainNarOptions): Promise<TrainGeneratorResult> {
  const python = opts.python ?? defaultPython();
  checkTorch(python);
  const packDir = join(opts.outDir, 'pack');
  const ckptDir = join(opts.outDir, 'checkpoint');
  const t0 = performance.now();
  writeNarPack({ dir: packDir, cfg: opts.config, splits: { train: opts.train, ...(opts.dev?.length ? { dev: opts.dev } : {}) } });
  opts.onLog?.(`[nar] packed ${opts.train.length} training examples in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${packDir}`);
  // Passive OpenMP waits: on shared cores a spinning worker burns the time its partner thread needs.
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  await runTorchTrainer(python, NAR_TRAINER, [
    packDir, '--out', ckptDir, '--seed', String(opts.seed ?? 27), '--threads', String(opts.threads ?? 2),
    ...(opts.timeBudget ? ['--time-budget', String(opts.timeBudget)] : []), '--log-every', '50',
  ], 'non-autoregressive training', { ...opts, env });
  const ck = loadCheckpoint(ckptDir);
  const m = exportNarCheckpoint(ck, opts.outDir, { corpus: opts.corpus, command: opts.command ?? '' });
  if (!opts.keepPack) rmSync(packDir, { recursive: true, force: true });
  return {
    modelDir: opts.outDir, checkpointDir: ckptDir, steps: m.training.steps, finalLoss: m.metrics.train_loss_last ?? NaN,
    stepsPerSecond: m.training.stepsPerSecond, parameters: m.training.parameters, metrics: m.metrics, backend: m.training.backend,
  };
}
