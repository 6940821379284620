import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { GlossSpan, PoseSequence } from '../../pose/sequence.js';
import { BODY } from '../../pose/skeleton.js';
import { mirror } from '../../pose/transforms.js';
import { POSE_DIM } from '../config.js';
import type { TrainingExample } from '../../corpus/training.js';
import type { ModelFrames } from '../features.js';
import { computePoseStats, HAND_REL_TERMS, standardize, statsToJson, type PoseStats } from '../normalization.js';
import { meanPlacement, replace } from '../placement.js';
import { SPECIALS, Vocab } from '../tokenizer.js';
import type { NarConfig } from './config.js';
import { sequenceToFullFrames } from './features.js';
import { glossTokens, QUESTION } from './glosses.js';

/**
 * The non-autoregressive generator's training pack (read by generator/torch/train_nar.py): per split, flat
 * little-endian arrays beside pack.json —
 *   <split>.text.i32    text token ids (<bos> … <eos>) of each example, concatenated;
 *   <split>.gloss.i32   the pose stage's gloss ids (<bos> glosses [?] <eos>);
 *   <split>.dur.i32     per gloss id two frame counts: the transition into it (gap) and the sign itself;
 *   <split>.frames.f32  [frames, 384] full-frame model frames, re-placed and standardised.
 */
export const NAR_PACK_FORMAT = 'signbench-generator-nar-pack';
export const NAR_PACK_VERSION = 1;

export interface NarPackSplit {
  examples: number;
  text: number[];
  gloss: number[];
  frames: number[];
}

export interface NarPackManifest {
  format: typeof NAR_PACK_FORMAT;
  version: number;
  config: NarConfig;
  textVocab: string[];
  glossVocab: string[];
  stats: ReturnType<typeof statsToJson>;
  handTerms: (readonly [number, number, number, number])[];
  poseDim: number;
  /** Frame size of the training sequences (generated sequences get it) and their frame rate. */
  width: number;
  height: number;
  fps: number;
  splits: Record<string, NarPackSplit>;
}

/**
 * Per gloss id [gap, sign] frame counts from the sign spans of a sequence of `frames` frames: a gloss's gap is the
 * time since the previous sign ended (the first one's includes the starting rest), <eos>'s gap is the return to
 * rest; <bos> and '?' take no time.
 */
export function glossDurations(spans: readonly GlossSpan[], frames: number, tokens: string[]): number[] {
  const out: number[] = [];
  let k = 0;
  let end = 0;
  for (const tok of tokens) {
    if (tok === '<bos>' || tok === QUESTION) out.push(0, 0);
    else if (tok === '<eos>') out.push(Math.max(0, frames - end), 0);
    else {
      const s = spans[k++];
      out.push(Math.max(0, s.start - end), Math.max(0, s.end - s.start));
      end = Math.max(end, s.end);
    }
  }
  return out;
}

/**
 * Whether the signer of `seq` signs with the left hand: its left wrist travels further than its right one.
 * A text-only model cannot know a signer's handedness; trained on both, it draws the average of a sign and its mirror
 * image (both hands half-raised), so left-handed sequences are mirrored to right-handed ones (`dominantRight`).
 */
export function leftDominant(seq: PoseSequence): boolean {
  const path = (p: number) => {
    let sum = 0;
    for (let t = 1; t < seq.frames; t++) {
      if (!(seq.c(t, p) > 0 && seq.c(t - 1, p) > 0)) continue;
      sum += Math.hypot((seq.x(t, p) - seq.x(t - 1, p)) * seq.meta.width, (seq.y(t, p) - seq.y(t - 1, p)) * seq.meta.height);
    }
    return sum;
  };
  return path(BODY.lWrist) > path(BODY.rWrist);
}

/** The sequence as the model trains on it: mirrored when its signer is left-dominant (and the config asks). */
function trainingView(seq: PoseSequence, cfg: NarConfig): PoseSequence {
  return cfg.dominantRight && leftDominant(seq) ? mirror(seq) : seq;
}

function statsOf(frames: ModelFrames[], placement: boolean): PoseStats {
  const where = placement ? meanPlacement(frames) : null;
  const sample = frames.map((f) => ({ frames: f.frames.slice(), length: f.length }));
  if (where) for (const f of sample) replace(f, where);
  return { ...computePoseStats(sample), ...(where ? { placement: where } : {}) };
}

export interface WriteNarPackOptions {
  dir: string;
  cfg: NarConfig;
  splits: Record<string, TrainingExample[]>;
  onProgress?: (split: string, done: number, total: number) => void;
}

/** Writes the pack (vocabularies and statistics from the train split); pack.json last. */
export function writeNarPack(opts: WriteNarPackOptions): NarPackManifest {
  const { cfg } = opts;
  const train = opts.splits.train ?? [];
  if (train.length === 0) throw new Error('non-autoregressive training: the train split is empty');
  for (const [name, pairs] of Object.entries(opts.splits)) {
    const bad = pairs.find((p) => !p.glosses || p.glosses.length === 0);
    if (bad) throw new Error(`non-autoregressive training: ${name} example ${bad.id} has no gloss timings (the corpus must time its glosses, as the procedural corpus does)`);
  }
  mkdirSync(opts.dir, { recursive: true });
  const textVocab = Vocab.build(train.map((p) => p.text), { maxSize: 30_000 });
  const glossCounts = new Map<string, number>();
  for (const p of train) for (const g of p.glosses!) glossCounts.set(g.gloss, (glossCounts.get(g.gloss) ?? 0) + 1);
  const glossVocab = [...SPECIALS, QUESTION, ...[...glossCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([g]) => g)];
  const glossId = new Map(glossVocab.map((g, i) => [g, i]));
  // Statistics from up to 600 training sequences spread over the split.
  const step = Math.max(1, train.length / 600);
  const sample: ModelFrames[] = [];
  let meta: { width: number; height: number; fps: number } | undefined;
  for (let x = 0; Math.floor(x) < train.length && sample.length < 600; x += step) {
    const seq = trainingView(train[Math.floor(x)].sequence(), cfg);
    meta ??= { width: seq.meta.width, height: seq.meta.height, fps: seq.meta.fps };
    sample.push(sequenceToFullFrames(seq, cfg.maxFrames));
  }
  const stats = statsOf(sample, cfg.placement);
  const splits: Record<string, NarPackSplit> = {};
  for (const [name, pairs] of Object.entries(opts.splits)) {
    if (!/^[a-z]+$/.test(name)) throw new Error(`pack split name "${name}" must be lower-case letters`);
    // Streamed to <file>.tmp as examples are made: a large corpus's frames exceed what one Buffer holds (2 GiB).
    const kinds = ['text', 'gloss', 'dur', 'frames'] as const;
    const fileOf = (kind: (typeof kinds)[number]) => join(opts.dir, `${name}.${kind}.${kind === 'frames' ? 'f32' : 'i32'}`);
    const fds = Object.fromEntries(kinds.map((k) => [k, openSync(fileOf(k) + '.tmp', 'w')])) as Record<(typeof kinds)[number], number>;
    const put = (kind: (typeof kinds)[number], a: ArrayBufferView) => { writeSync(fds[kind], new Uint8Array(a.buffer, a.byteOffset, a.byteLength)); };
    const split: NarPackSplit = { examples: 0, text: [], gloss: [], frames: [] };
    pairs.forEach((p, i) => {
      const seq = trainingView(p.sequence(), cfg);
      if (seq.frames > cfg.maxFrames) return; // longer than the model draws: left out
      const f = sequenceToFullFrames(seq, cfg.maxFrames);
      if (stats.placement) replace(f, stats.placement);
      standardize(f.frames, f.length, stats);
      const ids = textVocab.encode(p.text, cfg.maxTextLen);
      const toks = glossTokens(p.glosses!.map((g) => g.gloss), p.text);
      if (toks.length > cfg.maxGlosses) return;
      put('text', Int32Array.from(ids));
      put('gloss', Int32Array.from(toks, (t) => glossId.get(t) ?? 1));
      put('dur', Int32Array.from(glossDurations(p.glosses!, f.length, toks)));
      put('frames', f.frames.subarray(0, f.length * POSE_DIM));
      split.examples++;
      split.text.push(ids.length);
      split.gloss.push(toks.length);
      split.frames.push(f.length);
      opts.onProgress?.(name, i + 1, pairs.length);
    });
    for (const kind of kinds) {
      closeSync(fds[kind]);
      renameSync(fileOf(kind) + '.tmp', fileOf(kind));
    }
    splits[name] = split;
  }
  const manifest: NarPackManifest = {
    format: NAR_PACK_FORMAT, version: NAR_PACK_VERSION, config: cfg, textVocab: [...textVocab.itos], glossVocab,
    stats: statsToJson(stats), handTerms: HAND_REL_TERMS.map((t) => t), poseDim: POSE_DIM,
    width: meta?.width ?? 1280, height: meta?.height ?? 720, fps: meta?.fps ?? 24, splits,
  };
  writeFileSync(join(opts.dir, 'pack.json'), JSON.stringify(manifest));
  return manifest;
}
