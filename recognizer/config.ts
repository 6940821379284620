import { SignbenchError } from '../pose/errors.js';

/** Architecture and training defaults of a recogniser (an MLP over key-frame features, recognizer/features.ts). */
export interface RecognizerConfig {
  name: string;
  /** Hidden layer widths (ReLU after each). */
  hidden: number[];
  dropout: number;
  learningRate: number;
  warmupSteps: number;
  weightDecay: number;
  batch: number;
  steps: number;
  /** Training clips per gloss (cut from carrier sentences of the train signers, round-robin over signers). */
  perSign: number;
  /** Probability that a training example is seen mirrored (pose/transforms `mirror`). */
  mirror: number;
  /**
   * Share of training clips seen through SignDW's centre-square view (pose/transforms `centreSquareCrop`: points
   * outside the square are lost), as generated poses are.
   */
  crop: number;
  /** Training segment bounds are moved by up to this many frames each (uniform), for cuts that are not exact. */
  jitter: number;
  /** Weight of each phonology head's loss (location, movement, palm, handshape) beside the gloss loss. */
  headWeight: number;
  labelSmoothing: number;
}

export const CONFIGS: Readonly<Record<string, RecognizerConfig>> = Object.freeze({
  /** CPU default: ≈ 0.5M parameters, a few minutes on one shared core. */
  mlp: {
    name: 'mlp', hidden: [384, 384], dropout: 0.2, learningRate: 2e-3, warmupSteps: 100, weightDecay: 1e-4, batch: 128,
    steps: 4000, perSign: 36, mirror: 0.5, crop: 0.5, jitter: 2, headWeight: 0.3, labelSmoothing: 0.05,
  },
  /** Seconds-long smoke run (tests). */
  smoke: {
    name: 'smoke', hidden: [32], dropout: 0, learningRate: 3e-3, warmupSteps: 5, weightDecay: 0, batch: 32,
    steps: 40, perSign: 2, mirror: 0.5, crop: 0.4, jitter: 1, headWeight: 0.3, labelSmoothing: 0,
  },
});

export function getConfig(name: string, overrides: Partial<RecognizerConfig> = {}): RecognizerConfig {
  const base = CONFIGS[name];
  if (!base) throw new SignbenchError('invalid-input', `config: unknown recognizer config "${name}" (known: ${Object.keys(CONFIGS).join(', ')})`, { detail: { option: 'config' } });
  const cfg = { ...base, ...overrides };
  if (!(cfg.mirror >= 0 && cfg.mirror <= 1)) throw new Error(`config ${name}: mirror must be a probability in [0, 1]`);
  if (!(cfg.crop >= 0 && cfg.crop <= 1)) throw new Error(`config ${name}: crop must be a probability in [0, 1]`);
  if (!cfg.hidden.every((h) => Number.isInteger(h) && h > 0)) throw new Error(`config ${name}: hidden sizes must be positive integers`);
  return cfg;
}
