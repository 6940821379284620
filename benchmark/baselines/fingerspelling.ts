/**
 * Baselines of the fingerspelling suite (a suite with `task: 'fingerspelling'`, built from a corpus that
 * `signbench corpus build fingerspelling` wrote). Every one reads only the corpus's train split, in which no test
 * word occurs (the builder splits by the folded word, so a word is in one split in every language), and works per
 * sign language (each language is one signer, at its own place in the frame):
 *
 * - `mean-pose` (per language): the mean training pose of the item's sign language, held for that language's mean
 *   word length;
 * - `nearest-word`: the poses of the training word of the same sign language whose letter sequence is nearest
 *   (Levenshtein over the letter glosses, then the shorter length difference, then corpus order): retrieval;
 * - `char-generator`: a character-level model fitted at first use on the user's machine (seconds on one core). Per
 *   sign language and letter it learns a letter pose (the mean pose over the letter's holds in the training words:
 *   the letter's embedding in pose space) and a hold duration; per language a rest pose at the start and end of a
 *   word, rise/drop durations and the transition length between letters. It spells a word by holding each letter's
 *   pose for its duration, joined by smoothstep transitions, from rest and back to rest. A letter never seen in the
 *   training words of its language is the language's mean letter pose (counted in the row). Weights (float32)
 *   and a manifest go under `<dataDir>/models/fingerspelling-char/<corpus version>-v<N>-<hash of the word ids>/`; nothing is committed;
 *   the row records their hash (deterministic: the same corpus gives the same hash on any machine).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { transition } from '../../corpus/builders/fingerspelling/compose.js';
import type { CorpusEntry } from '../../corpus/entry.js';
import { openCorpus } from '../../corpus/format.js';
import { SignbenchError } from '../../pose/errors.js';
import { PoseSequence, type SequenceMeta } from '../../pose/sequence.js';
import { FRAME_STRIDE, POINTS } from '../../pose/skeleton.js';
import { sha256, sha256Dir } from '../hash.js';
import type { SuitePrompt } from '../suite/index.js';
import { meanPoseSequence } from './systems.js';

export interface TrainWord {
  entry: CorpusEntry;
  seq: PoseSequence;
}

/**
 * The train split of a fingerspelling corpus directory, read whole (a few hundred short words), without any word of
 * `heldOut` (the suite's prompts: the builder's split already keeps them out; this holds for a suite cut from
 * another split too).
 */
export async function readTrainWords(dir: string, heldOut: readonly Pick<SuitePrompt, 'text'>[], signal?: AbortSignal): Promise<{ version: string; words: TrainWord[] }> {
  const corpus = await openCorpus(dir);
  const fold = (s: string) => s.trim().toLowerCase();
  const held = new Set(heldOut.map((p) => fold(p.text)));
  const words: TrainWord[] = [];
  for await (const { entry, seq } of corpus.stream('train')) {
    if (signal?.aborted) throw new SignbenchError('aborted', 'baselines cancelled');
    if (!held.has(fold(entry.text))) words.push({ entry, seq });
  }
  return { version: corpus.version, words };
}

/** The letters a prompt spells: its glosses (one per letter clip), else the characters of its text. */
export function promptLetters(p: Pick<SuitePrompt, 'text' | 'glosses'>): string[] {
  return p.glosses && p.glosses.length > 0 ? p.glosses : [...p.text.toUpperCase()].filter((ch) => /\p{L}/u.test(ch));
}

function signLanguageOf(p: SuitePrompt): string {
  if (!p.signLanguage) throw new SignbenchError('invalid-input', `prompt ${p.id}: no signLanguage (a fingerspelling suite's prompts carry one)`);
  return p.signLanguage;
}

function byLanguage(words: readonly TrainWord[]): Map<string, TrainWord[]> {
  const out = new Map<string, TrainWord[]>();
  for (const w of words) {
    const list = out.get(w.entry.signLanguage) ?? [];
    list.push(w);
    out.set(w.entry.signLanguage, list);
  }
  return out;
}

function languageWords(groups: Map<string, TrainWord[]>, lang: string, id: string): TrainWord[] {
  const list = groups.get(lang);
  if (!list || list.length === 0) throw new SignbenchError('not-found', `prompt ${id}: the training split has no word in sign language '${lang}'`);
  return list;
}

/** Per prompt, the mean training pose of its sign language held for that language's mean word length. */
export function meanPosePerLanguage(prompts: readonly SuitePrompt[], words: readonly TrainWord[]): Map<string, PoseSequence> {
  const groups = byLanguage(words);
  const means = new Map<string, PoseSequence>();
  const out = new Map<string, PoseSequence>();
  for (const p of prompts) {
    const lang = signLanguageOf(p);
    let m = means.get(lang);
    if (!m) {
      m = meanPoseSequence(languageWords(groups, lang, p.id).map((w) => w.seq), `mean-pose-${lang}`);
      means.set(lang, m);
    }
    out.set(p.id, m);
  }
  return out;
}

/** Levenshtein distance between two letter sequences. */
export function editDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Per prompt, the training word of its sign language with the nearest letter sequence (retrieval). */
export function nearestWordPoses(prompts: readonly SuitePrompt[], words: readonly TrainWord[]): Map<string, { seq: PoseSequence; word: string }> {
  const groups = byLanguage(words);
  const out = new Map<string, { seq: PoseSequence; word: string }>();
  for (const p of prompts) {
    const q = promptLetters(p);
    let best: TrainWord | null = null;
    let bestKey: [number, number] = [Infinity, Infinity];
    for (const w of languageWords(groups, signLanguageOf(p), p.id)) {
      const letters = w.entry.glosses.map((g) => g.gloss);
      const key: [number, number] = [editDistance(q, letters), Math.abs(q.length - letters.length)];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) { best = w; bestKey = key; }
    }
    out.set(p.id, { seq: best!.seq, word: best!.entry.text });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The character-level generator.

export const CHAR_MODEL_FORMAT = 'signbench-fingerspelling-char';
/** Bump when training or generation changes. */
export const CHAR_MODEL_VERSION = 1;
const WEIGHTS = 'weights.bin';
const MANIFEST = 'manifest.json';
const TRAIN_LOG = 'train-log.json';

interface LanguageModel {
  /** Letters in weight order. */
  letters: string[];
  /** Hold frames per letter (same order). */
  durations: number[];
  /** How many training holds each letter was fitted on. */
  counts: number[];
  riseFrames: number;
  dropFrames: number;
  transitionFrames: number;
  fps: number;
  width: number;
  height: number;
  /** Offset (in frames of 384 floats) of this language's block in the weights: rest-in, rest-out, mean letter, letters…. */
  offset: number;
}

export interface CharModelManifest {
  format: typeof CHAR_MODEL_FORMAT;
  version: number;
  /** The corpus it was fitted on (its train split). */
  corpusVersion: string;
  trainWords: number;
  languages: Record<string, LanguageModel>;
}

export interface CharModel {
  dir: string;
  manifest: CharModelManifest;
  weights: Float32Array;
  /** sha256 over the manifest and the weights: the same train split gives the same hash on any machine. */
  hash: string;
  /** Seconds the fit took (kept beside the model, outside the hash). */
  trainSeconds: number | null;
}

/** Point-wise mean of frames: x, y over the frames where a point is seen; c its mean there, 0 if seen in under half. */
class FrameMean {
  private readonly sum = new Float64Array(FRAME_STRIDE);
  private readonly seen = new Float64Array(POINTS);
  private n = 0;
  add(f: Float32Array): void {
    this.n++;
    for (let p = 0; p < POINTS; p++) {
      if (!(f[3 * p + 2]! > 0)) continue;
      this.sum[3 * p] += f[3 * p]!; this.sum[3 * p + 1] += f[3 * p + 1]!; this.sum[3 * p + 2] += f[3 * p + 2]!; this.seen[p]++;
    }
  }
  get count(): number { return this.n; }
  value(): Float32Array {
    const out = new Float32Array(FRAME_STRIDE);
    for (let p = 0; p < POINTS; p++) {
      const k = this.seen[p]!;
      if (k === 0 || k < this.n / 2) continue;
      for (let j = 0; j < 3; j++) out[3 * p + j] = this.sum[3 * p + j]! / k;
    }
    return out;
  }
}

const avg = (xs: readonly number[], fallback: number) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : fallback);

/** Fits the model on training words (deterministic: the same words give the same weights). */
export function fitCharModel(words: readonly TrainWord[], corpusVersion: string, signal?: AbortSignal): { manifest: CharModelManifest; weights: Float32Array } {
  const groups = [...byLanguage(words)].sort(([a], [b]) => a.localeCompare(b));
  const blocks: Float32Array[] = [];
  let offset = 0;
  const languages: Record<string, LanguageModel> = {};
  for (const [lang, list] of groups) {
    if (signal?.aborted) throw new SignbenchError('aborted', 'char model training cancelled');
    const restIn = new FrameMean();
    const restOut = new FrameMean();
    const all = new FrameMean();
    const letters = new Map<string, { mean: FrameMean; frames: number[] }>();
    const rise: number[] = [];
    const drop: number[] = [];
    const gaps: number[] = [];
    for (const { entry, seq } of list) {
      const spans = entry.glosses.filter((g) => g.end > g.start && g.end <= seq.frames);
      if (spans.length === 0) continue;
      restIn.add(seq.frame(0));
      restOut.add(seq.frame(seq.frames - 1));
      rise.push(spans[0]!.start);
      drop.push(seq.frames - spans[spans.length - 1]!.end);
      for (let i = 1; i < spans.length; i++) gaps.push(spans[i]!.start - spans[i - 1]!.end);
      for (const g of spans) {
        let l = letters.get(g.gloss);
        if (!l) letters.set(g.gloss, (l = { mean: new FrameMean(), frames: [] }));
        l.frames.push(g.end - g.start);
        for (let t = g.start; t < g.end; t++) { l.mean.add(seq.frame(t)); all.add(seq.frame(t)); }
      }
    }
    if (letters.size === 0) continue;
    // The median transition: word gaps inside phrases are longer and rarer, and should not stretch every transition.
    gaps.sort((a, b) => a - b);
    const names = [...letters.keys()].sort();
    const first = list[0]!.seq.meta;
    languages[lang] = {
      letters: names,
      durations: names.map((n) => Math.max(1, Math.round(avg(letters.get(n)!.frames, 1)))),
      counts: names.map((n) => letters.get(n)!.frames.length),
      riseFrames: Math.round(avg(rise, 0)),
      dropFrames: Math.round(avg(drop, 0)),
      transitionFrames: gaps.length ? Math.max(1, gaps[gaps.length >> 1]!) : 4,
      fps: first.fps, width: first.width, height: first.height,
      offset,
    };
    blocks.push(restIn.value(), restOut.value(), all.value(), ...names.map((n) => letters.get(n)!.mean.value()));
    offset += 3 + names.length;
  }
  if (offset === 0) throw new SignbenchError('invalid-input', 'char model: no training word has letter glosses');
  const weights = new Float32Array(offset * FRAME_STRIDE);
  blocks.forEach((b, i) => weights.set(b, i * FRAME_STRIDE));
  const manifest: CharModelManifest = { format: CHAR_MODEL_FORMAT, version: CHAR_MODEL_VERSION, corpusVersion, trainWords: words.length, languages };
  return { manifest, weights };
}

/** Where the model fitted on these words of a corpus lives under the data directory. */
export function charModelDir(dataDir: string, corpusVersion: string, words: readonly TrainWord[]): string {
  const ids = sha256(words.map((w) => w.entry.id).sort().join('\n')).slice(0, 8);
  return join(dataDir, 'models', 'fingerspelling-char', `${corpusVersion}-v${CHAR_MODEL_VERSION}-${ids}`);
}

export async function loadCharModel(dir: string): Promise<CharModel> {
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as CharModelManifest;
  if (manifest.format !== CHAR_MODEL_FORMAT || manifest.version !== CHAR_MODEL_VERSION) {
    throw new SignbenchError('invalid-input', `${dir}: not a ${CHAR_MODEL_FORMAT} v${CHAR_MODEL_VERSION} model`);
  }
  const buf = await readFile(join(dir, WEIGHTS));
  const weights = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const log = existsSync(join(dir, TRAIN_LOG)) ? JSON.parse(await readFile(join(dir, TRAIN_LOG), 'utf8')) as { trainSeconds?: number } : {};
  return { dir, manifest, weights, hash: await sha256Dir(dir, (rel) => rel === MANIFEST || rel === WEIGHTS), trainSeconds: log.trainSeconds ?? null };
}

/**
 * The model fitted on `words` (of corpus `corpusVersion`): loaded from `<dataDir>/models/…` when there, else fitted
 * and written there (a directory moved into place in one rename).
 */
export async function charModel(dataDir: string, corpusVersion: string, words: readonly TrainWord[], signal?: AbortSignal): Promise<CharModel> {
  const dir = charModelDir(dataDir, corpusVersion, words);
  if (existsSync(join(dir, MANIFEST))) return loadCharModel(dir);
  const t0 = performance.now();
  const { manifest, weights } = fitCharModel(words, corpusVersion, signal);
  const trainSeconds = Math.round((performance.now() - t0) / 10) / 100;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(join(tmp, WEIGHTS), new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
    await writeFile(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    await writeFile(join(tmp, TRAIN_LOG), JSON.stringify({ trainSeconds, cpus: availableParallelism() }) + '\n');
    await rename(tmp, dir).catch(async (err: unknown) => {
      if (!existsSync(join(dir, MANIFEST))) throw err;
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return loadCharModel(dir);
}

/** Spells `letters` in sign language `lang`: rest → letter holds joined by transitions → rest. */
export function generateWord(model: CharModel, lang: string, letters: readonly string[], id: string): PoseSequence {
  const m = model.manifest.languages[lang];
  if (!m) throw new SignbenchError('not-found', `char model: no sign language '${lang}' (it knows ${Object.keys(model.manifest.languages).join(', ')})`);
  const frame = (k: number) => model.weights.subarray((m.offset + k) * FRAME_STRIDE, (m.offset + k + 1) * FRAME_STRIDE);
  const meanDuration = Math.max(1, Math.round(avg(m.durations, 8)));
  const chunks: Float32Array[] = [];
  const people: number[] = [];
  const hold = (f: Float32Array, k: number) => {
    for (let i = 0; i < k; i++) { chunks.push(f); people.push(1); }
  };
  const move = (a: Float32Array, b: Float32Array, k: number) => {
    if (k <= 0) return;
    const tr = transition(a, b, k);
    for (let i = 0; i < k; i++) { chunks.push(tr.data.subarray(i * FRAME_STRIDE, (i + 1) * FRAME_STRIDE)); people.push(tr.people[i]!); }
  };
  let prev = frame(0);
  hold(prev, 1);
  letters.forEach((letter, i) => {
    const k = m.letters.indexOf(letter);
    const pose = k >= 0 ? frame(3 + k) : frame(2);
    move(prev, pose, i === 0 ? m.riseFrames - 1 : m.transitionFrames);
    hold(pose, k >= 0 ? m.durations[k]! : meanDuration);
    prev = pose;
  });
  move(prev, frame(1), m.dropFrames - 1);
  hold(frame(1), 1);
  const data = new Float32Array(chunks.length * FRAME_STRIDE);
  chunks.forEach((c, i) => data.set(c, i * FRAME_STRIDE));
  const meta: SequenceMeta = { id, fps: m.fps, width: m.width, height: m.height, text: null, signLanguage: lang, source: CHAR_MODEL_FORMAT };
  return new PoseSequence(meta, data, Uint8Array.from(people));
}

/** Per prompt, the char model's poses; `unseen` counts letters the model never saw in their language. */
export function charGeneratorPoses(model: CharModel, prompts: readonly SuitePrompt[]): { poses: Map<string, PoseSequence>; unseen: number; letters: number } {
  const poses = new Map<string, PoseSequence>();
  let unseen = 0;
  let letters = 0;
  for (const p of prompts) {
    const lang = signLanguageOf(p);
    const ls = promptLetters(p);
    const known = model.manifest.languages[lang]?.letters;
    letters += ls.length;
    if (known) unseen += ls.filter((l) => !known.includes(l)).length;
    poses.set(p.id, generateWord(model, lang, ls, p.id));
  }
  return { poses, unseen, letters };
}
