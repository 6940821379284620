import { SignbenchError } from '../../pose/errors.js';
import { checkIntField, type TrainingSchedule } from '../config.js';

/**
 * Configurations of the non-autoregressive generator (generator/nar/): text → glosses (slot decoder), glosses →
 * durations (per gloss: the transition into it and the sign itself), length regulation, frames (a transformer over
 * all frames at once). generator/README.md § Non-autoregressive explains the design and the measurements behind it.
 */
export const NAR_ARCHITECTURE = 'non-autoregressive';

/** `batch` counts sequences (frames vary; ~125 per procedural sentence). */
export interface NarConfig extends TrainingSchedule {
  name: string;
  architecture: typeof NAR_ARCHITECTURE;
  /** Text → gloss stage: width, heads, text-encoder layers, slot-decoder layers, gloss slots (max glosses + '?' + <eos>). */
  textD: number;
  textHeads: number;
  textLayers: number;
  slotLayers: number;
  glossSlots: number;
  /** Pose stage: width, heads, gloss-encoder layers, frame-decoder layers, feed-forward width. */
  d: number;
  heads: number;
  glossLayers: number;
  frameLayers: number;
  ff: number;
  dropout: number;
  /** Most glosses (incl. <bos>, '?', <eos>) and frames the pose stage takes. */
  maxGlosses: number;
  maxFrames: number;
  maxTextLen: number;
  /** The frame decoder draws every frameStride-th frame of the regulated 24-fps timeline (2: 12 fps); the runtime
   * interpolates back to the corpus rate. */
  frameStride: number;
  /** Sign templates: K keyframes per gloss (the training mean of its sign, interpolated at the phase; transitions
   * eased between them, as the corpus moves) that the frame decoder refines; 0 = none. */
  templateKeys?: number;
  /** Mirror the training sequences of left-dominant signers (their left wrist travels further), so that the model
   * learns one handedness instead of the average of a sign and its mirror image. */
  dominantRight?: boolean;
  /** Store the ONNX weights as float16 (cast to float32 when a graph starts): half the model directory. */
  float16Weights?: boolean;
  /** Loss weights: hand shape (finger − wrist), log-duration MSE, gloss cross-entropy. */
  handLossWeight: number;
  durationLossWeight: number;
  glossLossWeight: number;
  placement: boolean;
}

const base = {
  architecture: NAR_ARCHITECTURE, textHeads: 4, slotLayers: 2, glossSlots: 12, heads: 4, dropout: 0,
  maxGlosses: 64, maxFrames: 512, maxTextLen: 96, frameStride: 2, handLossWeight: 0.5, durationLossWeight: 1, glossLossWeight: 1,
  placement: true, lr: 1e-3, minLr: 2e-5, warmupSteps: 100, weightDecay: 1e-2, clipNorm: 1.0,
} as const;

export const NAR_CONFIGS: Readonly<Record<string, NarConfig>> = Object.freeze({
  // The default generator (models/generator): trained on this machine's 2 CPU cores.
  nar: { ...base, name: 'nar', textD: 128, textLayers: 2, d: 128, glossLayers: 2, frameLayers: 3, ff: 512, batch: 12, steps: 6000, dominantRight: true, float16Weights: true },
  // Seconds-long smoke training (tests).
  'nar-tiny': { ...base, name: 'nar-tiny', textD: 16, textHeads: 2, textLayers: 1, slotLayers: 1, d: 16, heads: 2, glossLayers: 1, frameLayers: 1, ff: 32, batch: 4, steps: 4, warmupSteps: 1, templateKeys: 4 },
});

export function isNarConfigName(name: string): boolean {
  return Object.hasOwn(NAR_CONFIGS, name);
}

export function getNarConfig(name: string, overrides: Partial<NarConfig> = {}): NarConfig {
  const c = NAR_CONFIGS[name];
  if (!c) throw new SignbenchError('invalid-input', `config: unknown non-autoregressive config "${name}" (known: ${Object.keys(NAR_CONFIGS).join(', ')})`, { detail: { option: 'config' } });
  const cfg = { ...c, ...overrides };
  validateNarConfig(cfg, `config ${name}`);
  return cfg;
}

/** Throws naming `where` when a configuration is unusable (e.g. from a manifest). */
export function validateNarConfig(cfg: NarConfig, where: string): void {
  if (cfg?.architecture !== NAR_ARCHITECTURE) throw new Error(`${where}: architecture must be "${NAR_ARCHITECTURE}"`);
  const int = (k: keyof NarConfig, lo: number, hi: number) => checkIntField(cfg, k, lo, hi, where);
  for (const k of ['textD', 'd'] as const) int(k, 2, 4096);
  for (const k of ['textHeads', 'heads'] as const) int(k, 1, 64);
  for (const k of ['textLayers', 'slotLayers', 'glossLayers', 'frameLayers'] as const) int(k, 1, 32);
  int('ff', 1, 65_536);
  int('glossSlots', 2, 256);
  int('maxGlosses', 3, 4096);
  int('maxFrames', 8, 100_000);
  int('maxTextLen', 3, 4096);
  int('frameStride', 1, 8);
  if (cfg.templateKeys !== undefined) int('templateKeys', 0, 64);
  if (cfg.textD % cfg.textHeads !== 0) throw new Error(`${where}: textD ${cfg.textD} is not divisible by textHeads ${cfg.textHeads}`);
  if (cfg.d % cfg.heads !== 0) throw new Error(`${where}: d ${cfg.d} is not divisible by heads ${cfg.heads}`);
  if (cfg.d % 2 !== 0 || cfg.textD % 2 !== 0) throw new Error(`${where}: d and textD must be even (sinusoidal positions)`);
}
