import type { TrainingExample } from '../corpus/training.js';
import { Rng } from '../nn/rng.js';
import { MAX_FRAMES, POSE_DIM, type GeneratorConfig } from './config.js';
import { frameAttentionTargets } from './alignment.js';
import { modelFrameIndices, sequenceToModelFrames, type ModelFrames } from './features.js';
import type { GeneratorBatch } from './model.js';
import { standardize, type PoseStats } from './normalization.js';
import { replace } from './placement.js';
import { PAD, tokenize, type Vocab } from './tokenizer.js';

/**
 * Deterministic batches: batch `step` holds the examples at positions step·B … step·B+B−1 of an endless stream
 * made of per-epoch shuffles (Rng(seed + epoch)), so any step can be rebuilt after a resume. Pose features are
 * computed on demand and cached up to a byte budget.
 */
export class BatchSampler {
  private readonly cache = new Map<number, ModelFrames & { targets?: number[][] }>();
  private cacheBytes = 0;
  private readonly perms = new Map<number, number[]>();
  private readonly tokenCache: number[][];

  constructor(
    readonly pairs: TrainingExample[],
    readonly vocab: Vocab,
    readonly cfg: GeneratorConfig,
    readonly seed: number,
    readonly batchSize: number,
    /** Training statistics: frames are re-placed at stats.placement (cfg.placement) and standardised (cfg.normalize). */
    readonly stats: PoseStats | null = null,
    readonly cacheBudgetBytes = 512 * 1024 * 1024,
  ) {
    if (pairs.length === 0) throw new Error('training corpus has no examples in the requested split');
    this.tokenCache = pairs.map((p) => vocab.encode(p.text, cfg.maxTextLen));
  }

  private permutation(epoch: number): number[] {
    let p = this.perms.get(epoch);
    if (!p) {
      p = new Rng(this.seed * 7919 + epoch).shuffle(Array.from({ length: this.pairs.length }, (_, i) => i));
      if (this.perms.size > 4) this.perms.delete(this.perms.keys().next().value as number);
      this.perms.set(epoch, p);
    }
    return p;
  }

  /** Whether batches carry gloss-guided attention targets (cfg.alignLossWeight > 0, word tokens). */
  get aligns(): boolean {
    return (this.cfg.alignLossWeight ?? 0) > 0 && this.cfg.tokenizer === 'word';
  }

  /** Model frames of example i, with per-frame attention targets when `aligns` (empty where the corpus has no glosses). */
  frames(i: number): ModelFrames & { targets?: number[][] } {
    const hit = this.cache.get(i);
    if (hit) return hit;
    const seq = this.pairs[i].sequence();
    const stride = this.cfg.frameStride ?? 1;
    const f: ModelFrames & { targets?: number[][] } = sequenceToModelFrames(seq, MAX_FRAMES, stride);
    if (f.length === 0) throw new Error(`training example ${this.pairs[i].id} has no frames`);
    if (this.cfg.placement && this.stats?.placement) replace(f, this.stats.placement);
    if (this.cfg.normalize && this.stats) standardize(f.frames, f.length, this.stats);
    if (this.aligns) {
      f.targets = frameAttentionTargets(seq.meta.glosses ?? [], modelFrameIndices(seq.frames, MAX_FRAMES, stride),
        tokenize(this.pairs[i].text, 'word'), 1, this.tokenCache[i].length - 1);
    }
    if (this.cacheBytes + f.frames.byteLength <= this.cacheBudgetBytes) {
      this.cache.set(i, f);
      this.cacheBytes += f.frames.byteLength;
    }
    return f;
  }

  indicesAt(step: number): number[] {
    const n = this.pairs.length;
    return Array.from({ length: this.batchSize }, (_, k) => {
      const g = step * this.batchSize + k;
      return this.permutation(Math.floor(g / n))[g % n];
    });
  }

  batchAt(step: number): GeneratorBatch {
    return this.batchOf(this.indicesAt(step));
  }

  /** Builds a padded batch from example indices. */
  batchOf(indices: number[]): GeneratorBatch {
    const B = indices.length;
    const toks = indices.map((i) => this.tokenCache[i]);
    const fr = indices.map((i) => this.frames(i));
    const S = Math.max(...toks.map((t) => t.length));
    const T = Math.max(...fr.map((f) => f.length));
    const ids = new Int32Array(B * S).fill(PAD);
    const targets = new Float32Array(B * T * POSE_DIM);
    const mask = new Float32Array(B * T);
    const lengthTarget = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      ids.set(toks[b], b * S);
      targets.set(fr[b].frames, b * T * POSE_DIM);
      mask.fill(1, b * T, b * T + fr[b].length);
      lengthTarget[b] = fr[b].length / MAX_FRAMES;
    }
    const batch: GeneratorBatch = { ids, targets, mask, lengthTarget, B, S, T };
    if (this.aligns) {
      const tokens = new Float32Array(B * T * S);
      const frames = new Float32Array(B * T);
      for (let b = 0; b < B; b++) {
        fr[b].targets?.forEach((pos, t) => {
          if (pos.length === 0) return;
          frames[b * T + t] = 1;
          for (const s of pos) tokens[(b * T + t) * S + s] = 1;
        });
      }
      batch.align = { tokens, frames };
    }
    return batch;
  }
}
