import type { VocabLevel } from './vocab.js';
import { SignbenchError } from '../pose/errors.js';

/** Widest beam search: each hypothesis carries its own K/V cache, so memory grows with the beam. */
export const MAX_BEAM = 64;
/** Largest translation batch. */
export const MAX_BATCH = 1024;

/** Architecture and training defaults of a translator model. */
export interface TranslatorConfig {
  name: string;
  dModel: number;
  heads: number;
  encoderLayers: number;
  decoderLayers: number;
  ff: number;
  /** Most encoder rows (after temporal pooling); longer inputs are resampled down to it. */
  maxSourceRows: number;
  /** Most output tokens, EOS excluded. */
  maxTargetTokens: number;
  vocabLevel: VocabLevel;
  /** Largest vocabulary kept when building it from the corpus. */
  maxVocab: number;
  labelSmoothing: number;
  learningRate: number;
  warmupSteps: number;
  batch: number;
  steps: number;
  /**
   * Share of training examples augmented (translator/augment.ts: centre-square view, tempo, phase, 6–12 fps sources,
   * smoothing) so that the judge reads generated poses as it reads the corpus; 0 = off. Absent in older checkpoints (0).
   */
  augment?: number;
}

export const CONFIGS: Readonly<Record<string, TranslatorConfig>> = Object.freeze({
  /** CPU default: ≈ 1.0M parameters (with the procedural vocabulary); about 0.4 s per step at batch 16 on one idle wasm core. */
  tiny: {
    name: 'tiny', dModel: 128, heads: 4, encoderLayers: 2, decoderLayers: 2, ff: 512,
    maxSourceRows: 160, maxTargetTokens: 40, vocabLevel: 'word', maxVocab: 4000,
    labelSmoothing: 0.1, learningRate: 1.5e-3, warmupSteps: 200, batch: 16, steps: 2000, augment: 0.5,
  },
  /** A wider, deeper variant for machines with a faster backend. */
  small: {
    name: 'small', dModel: 256, heads: 4, encoderLayers: 3, decoderLayers: 3, ff: 1024,
    maxSourceRows: 256, maxTargetTokens: 48, vocabLevel: 'word', maxVocab: 8000,
    labelSmoothing: 0.1, learningRate: 5e-4, warmupSteps: 800, batch: 32, steps: 20000, augment: 0.5,
  },
  /** Character-level tiny model (open vocabulary, longer outputs). */
  'tiny-char': {
    name: 'tiny-char', dModel: 128, heads: 4, encoderLayers: 2, decoderLayers: 2, ff: 512,
    maxSourceRows: 160, maxTargetTokens: 160, vocabLevel: 'char', maxVocab: 200,
    labelSmoothing: 0.1, learningRate: 1e-3, warmupSteps: 300, batch: 16, steps: 8000, augment: 0.5,
  },
});

export function getConfig(name: string, overrides: Partial<TranslatorConfig> = {}): TranslatorConfig {
  const base = CONFIGS[name];
  if (!base) throw new SignbenchError('invalid-input', `config: unknown translator config "${name}" (known: ${Object.keys(CONFIGS).join(', ')})`, { detail: { option: 'config' } });
  const cfg = { ...base, ...overrides };
  if (cfg.augment !== undefined && !(cfg.augment >= 0 && cfg.augment <= 1)) {
    throw new Error(`config ${name}: augment must be a probability in [0, 1], got ${String(cfg.augment)}`);
  }
  if (cfg.dModel % cfg.heads !== 0) throw new Error(`config ${name}: dModel ${cfg.dModel} is not divisible by heads ${cfg.heads}`);
  return cfg;
}
