import type { TokenizerMode } from './tokenizer.js';
import { SignbenchError } from '../pose/errors.js';

export type CounterMode = 'absolute' | 'progress';

/** Frames the decoder emits (SignDW max_pose_frames). */
export const MAX_FRAMES = 96;
/** Highest output frame rate `generate` interpolates to. */
export const MAX_GENERATE_FPS = 240;
/** Pose features per frame: DWPose-128 × (x, y, presence) in centre-square [0,1] space. */
export const POSE_DIM = 384;
/** Decoder input per frame: pose + counter (t/96, or t/L with `counter: 'progress'`). */
export const FRAME_IN_DIM = POSE_DIM + 1;
/** Length truncation bounds (frames). */
export const MIN_FRAMES = 8;

/** Adam(W), the warm-up + cosine schedule, batch and steps: the same fields in both architectures' configs. */
export interface TrainingSchedule {
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  clipNorm: number;
  /** Sequences per step. */
  batch: number;
  steps: number;
}

/** Throws unless `cfg[key]` is an integer in [lo, hi]; the message names `where` and the field. */
export function checkIntField<T extends object>(cfg: T, key: keyof T & string, lo: number, hi: number, where: string): void {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new Error(`${where}: ${key} must be an integer in [${lo}, ${hi}], got ${String(v)}`);
}

export interface GeneratorConfig extends TrainingSchedule {
  name: string;
  d: number;
  heads: number;
  encoderLayers: number;
  decoderLayers: number;
  ff: number;
  dropout: number;
  tokenizer: TokenizerMode;
  /** Vocabulary cap including the specials. */
  maxVocab: number;
  maxTextLen: number;
  maxFrames: number;
  lengthLossWeight: number;
  /** Temporal stride over the training sequences (2: a 24-fps corpus is modelled at 12 fps; output fps = corpus
   * fps / stride). Sequences still over 96 frames are subsampled to 96 as in SignDW. Default 1. */
  frameStride?: number;
  /** Standardise every pose dimension with the training set's mean and std (manifest normalization.poseMean/poseStd). */
  normalize?: boolean;
  /** Std of Gaussian noise added to the teacher-forced previous frames (model units), so that the decoder leans on
   * the text and the counter instead of copying its input; Progressive Transformers' "Gaussian noise" augmentation. */
  inputNoise?: number;
  /** Scheduled-sampling probability: share of the teacher-forced input frames replaced by the model's own
   * predictions of them (a gradient-free first pass), so that it learns to go on from its own output. 0: off. */
  selfFeed?: number;
  /** Weight of the hand-shape loss: MSE of every finger point relative to its wrist (÷ its training std). */
  handLossWeight?: number;
  /** Re-place every training sequence at the training set's mean neck position and shoulder width
   * (generator/placement.ts), so that the targets do not vary with where and how large each signer is. */
  placement?: boolean;
  /** Decoder counter input: `absolute` t/96 (SignDW's, default) or `progress` t/L, with L the sequence's length in
   * frames (true length in training, the length head's at inference; the decoder-step graph then takes `length`). */
  counter?: CounterMode;
  /** Weight of the gloss-guided attention loss (generator/alignment.ts): the share of the first decoder layer's
   * cross-attention that misses the tokens of the sign being made, on corpora with gloss timings (word tokenizer). */
  alignLossWeight?: number;
}

const base = {
  dropout: 0.1, tokenizer: 'word' as TokenizerMode, maxVocab: 30_000, maxTextLen: 96, maxFrames: MAX_FRAMES,
  lengthLossWeight: 0.1, lr: 3e-4, minLr: 1e-5, warmupSteps: 100, weightDecay: 1e-2, clipNorm: 1.0,
  normalize: true, inputNoise: 0.5, handLossWeight: 0.5, frameStride: 2, counter: 'progress' as CounterMode, placement: true, selfFeed: 0.5,
};

/** Named configurations. `signdw-40m` is SignDW's default (d 512, 8 heads, 4+4 layers, FF 2048). */
export const CONFIGS: Readonly<Record<string, GeneratorConfig>> = Object.freeze({
  tiny: {
    ...base, name: 'tiny', d: 128, heads: 4, encoderLayers: 2, decoderLayers: 2, ff: 512, dropout: 0, lr: 1e-3, batch: 16, steps: 3000,
    // 6 fps on CPU: half the frames make a step twice as fast and halve the free-running steps (generator/README.md).
    frameStride: 4, selfFeed: 0.8,
  },
  // The shipped model: trained with --accelerator torch on a GPU (generator/README.md); 12 fps.
  compact: {
    ...base, name: 'compact', d: 192, heads: 4, encoderLayers: 3, decoderLayers: 3, ff: 768, dropout: 0.1, lr: 6e-4, batch: 64, steps: 10_000,
    selfFeed: 0.8,
  },
  small: { ...base, name: 'small', d: 256, heads: 4, encoderLayers: 4, decoderLayers: 4, ff: 1024, lr: 5e-4, batch: 16, steps: 10_000 },
  'signdw-40m': { ...base, name: 'signdw-40m', d: 512, heads: 8, encoderLayers: 4, decoderLayers: 4, ff: 2048, batch: 32, steps: 20_000 },
});

export function getConfig(name: string, overrides: Partial<GeneratorConfig> = {}): GeneratorConfig {
  const c = CONFIGS[name];
  if (!c) throw new SignbenchError('invalid-input', `config: unknown generator config "${name}" (known: ${Object.keys(CONFIGS).join(', ')})`, { detail: { option: 'config' } });
  const cfg = { ...c, ...overrides };
  validateConfig(cfg, `config ${name}`);
  return cfg;
}

/** Throws naming `where` when a configuration is unusable (e.g. from a manifest). */
export function validateConfig(cfg: GeneratorConfig, where: string): void {
  const int = (k: keyof GeneratorConfig, lo: number, hi: number) => checkIntField(cfg, k, lo, hi, where);
  int('d', 4, 8192);
  int('heads', 1, 128);
  int('encoderLayers', 1, 64);
  int('decoderLayers', 1, 64);
  int('ff', 1, 65_536);
  int('maxTextLen', 3, 4096);
  if (cfg.d % cfg.heads !== 0) throw new Error(`${where}: d ${cfg.d} is not divisible by heads ${cfg.heads}`);
  if (cfg.d % 2 !== 0) throw new Error(`${where}: d must be even (length head uses d/2)`);
  if (cfg.maxFrames !== MAX_FRAMES) throw new Error(`${where}: maxFrames must be ${MAX_FRAMES}, got ${cfg.maxFrames}`);
  if (cfg.frameStride !== undefined && !(Number.isInteger(cfg.frameStride) && cfg.frameStride >= 1 && cfg.frameStride <= 16)) {
    throw new Error(`${where}: frameStride must be an integer in [1, 16], got ${String(cfg.frameStride)}`);
  }
  if (cfg.selfFeed !== undefined && !(typeof cfg.selfFeed === 'number' && cfg.selfFeed >= 0 && cfg.selfFeed <= 1)) throw new Error(`${where}: selfFeed must be a number in [0, 1], got ${String(cfg.selfFeed)}`);
  for (const k of ['inputNoise', 'handLossWeight', 'alignLossWeight'] as const) {
    const v = cfg[k];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 100)) throw new Error(`${where}: ${k} must be a number in [0, 100], got ${String(v)}`);
  }
  if (cfg.counter !== undefined && cfg.counter !== 'absolute' && cfg.counter !== 'progress') throw new Error(`${where}: counter must be "absolute" or "progress", got ${String(cfg.counter)}`);
  for (const k of ['normalize', 'placement'] as const) {
    if (cfg[k] !== undefined && typeof cfg[k] !== 'boolean') throw new Error(`${where}: ${k} must be true or false`);
  }
  if (cfg.tokenizer !== 'word' && cfg.tokenizer !== 'char') throw new Error(`${where}: tokenizer must be "word" or "char"`);
}
