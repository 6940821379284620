import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POSE_DIM, type GeneratorConfig } from './config.js';
import type { TrainingExample } from '../corpus/training.js';
import { BatchSampler } from './data.js';
import { HAND_REL_TERMS, statsToJson, type PoseStats } from './normalization.js';
import type { Vocab } from './tokenizer.js';

/**
 * A training pack: the generator's training examples exactly as the tfjs trainer sees them (token ids, model frames
 * re-placed and standardised, gloss-guided attention targets), written as flat little-endian arrays so that another
 * trainer (generator/torch/train.py) trains the same model on the same data without re-implementing the corpus,
 * the features or the tokenizer.
 *
 * <dir>/pack.json, and per split: <split>.tokens.i32 (ids, <bos>…<eos>), <split>.frames.f32 ([frames, 384]),
 * <split>.align.u8 ([frames, tokens] 0/1 attention targets; only with the align loss).
 */
export const PACK_FORMAT = 'signbench-generator-pack';
export const PACK_VERSION = 1;
export const PACK_MANIFEST = 'pack.json';

export interface PackSplit {
  examples: number;
  /** Tokens of each example (ids incl. <bos>/<eos>), in file order. */
  tokens: number[];
  /** Model frames of each example. */
  frames: number[];
  /** Whether <split>.align.u8 exists. */
  align: boolean;
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  version: number;
  config: GeneratorConfig;
  vocab: string[];
  /** Training statistics (poseStats): targets are standardised with mean/std; the hand loss uses handRelStd. */
  stats: ReturnType<typeof statsToJson> | null;
  /** HAND_REL_TERMS: [finger dim, wrist dim, finger presence dim, wrist presence dim]. */
  handTerms: (readonly [number, number, number, number])[];
  poseDim: number;
  splits: Record<string, PackSplit>;
}

/** Writes one split's arrays; returns its manifest entry. */
function writeSplit(dir: string, name: string, sampler: BatchSampler, onProgress?: (done: number, total: number) => void): PackSplit {
  const n = sampler.pairs.length;
  const tokens: number[] = [];
  const frames: number[] = [];
  const tokParts: Int32Array[] = [];
  const frameParts: Float32Array[] = [];
  const alignParts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const b = sampler.batchOf([i]);
    tokens.push(b.S);
    frames.push(b.T);
    tokParts.push(b.ids);
    frameParts.push(b.targets);
    if (b.align) alignParts.push(Uint8Array.from(b.align.tokens));
    onProgress?.(i + 1, n);
  }
  const write = (file: string, parts: ArrayBufferView[]) => {
    const tmp = join(dir, file + '.tmp');
    writeFileSync(tmp, Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
    renameSync(tmp, join(dir, file));
  };
  write(`${name}.tokens.i32`, tokParts);
  write(`${name}.frames.f32`, frameParts);
  if (sampler.aligns) write(`${name}.align.u8`, alignParts);
  return { examples: n, tokens, frames, align: sampler.aligns };
}

export interface WritePackOptions {
  dir: string;
  cfg: GeneratorConfig;
  vocab: Vocab;
  stats: PoseStats | null;
  splits: Record<string, TrainingExample[]>;
  seed: number;
  onProgress?: (split: string, done: number, total: number) => void;
}

/** Writes a training pack into `dir` (created if needed); pack.json is written last. */
export function writePack(opts: WritePackOptions): PackManifest {
  mkdirSync(opts.dir, { recursive: true });
  const splits: Record<string, PackSplit> = {};
  for (const [name, pairs] of Object.entries(opts.splits)) {
    if (!/^[a-z]+$/.test(name)) throw new Error(`pack split name "${name}" must be lower-case letters`);
    const sampler = new BatchSampler(pairs, opts.vocab, opts.cfg, opts.seed, 1, opts.stats, 0);
    splits[name] = writeSplit(opts.dir, name, sampler, opts.onProgress && ((d, t) => opts.onProgress?.(name, d, t)));
  }
  const manifest: PackManifest = {
    format: PACK_FORMAT, version: PACK_VERSION, config: opts.cfg, vocab: [...opts.vocab.itos],
    stats: opts.stats ? statsToJson(opts.stats) : null, handTerms: HAND_REL_TERMS.map((t) => t), poseDim: POSE_DIM, splits,
  };
  writeFileSync(join(opts.dir, PACK_MANIFEST), JSON.stringify(manifest));
  return manifest;
}
