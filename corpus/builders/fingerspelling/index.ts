/**
 * Fingerspelling corpus from the fingerspelling lexicon (`index.csv` + one `.pose` clip per letter and sign
 * language): built-in words and short phrases per spoken language (words.ts) spelled with the real letter clips.
 *
 * - Each clip is trimmed to its index [start, end] ms, then cut to its hold; holds are joined by 3–5 frame
 *   smoothstep transitions (10 at a word gap); the word starts with the first clip's rise from rest and ends with
 *   the last clip's drop to rest (compose.ts).
 * - A word is kept only when every letter has a clip (multi-letter clips such as SCH, LL, zz are preferred; a
 *   letter with a diacritic falls back to its base letter when the alphabet has no clip of its own).
 * - Split by a hash of the folded word, so a word is in one split in every language; glosses: one span per letter
 *   (the hold's frames). Signer: the lexicon has one signer per clip folder (`fs-<folder>`, e.g. the `fsl` alphabet
 *   reuses the `ase` clips and so the `fs-ase` signer), i.e. one signer per language: say so when reporting
 *   signer-independence.
 * - Deterministic: sorted inputs, no randomness → byte-identical output for the same input and options.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PoseFormatError } from '../../../pose/errors.js';
import { readPoseFile } from '../../../pose/formats/pose-format.js';
import type { PoseSequence } from '../../../pose/sequence.js';
import { resample } from '../../../pose/transforms.js';
import { writeCorpus } from '../../format.js';
import type { CorpusEntry } from '../../entry.js';
import { contentVersion, hashSplit, requireDir, safeId, shortHash, snapToPixelGrid, type BuildBaseOptions, type BuildResult } from '../common.js';
import { composeWord, COMPOSE_DEFAULTS, cutLetter, type ComposeOptions, type LetterCut } from './compose.js';
import { alphabets, foldLetters, readLexiconIndex, spell, type LetterClip, type Spelled } from './lexicon.js';
import { WORDS } from './words.js';

export { WORDS, LETTER_FALLBACKS } from './words.js';
export { composeWord, cutLetter, findHold, transition, COMPOSE_DEFAULTS, type ComposeOptions, type ComposedWord, type LetterCut } from './compose.js';
export { readLexiconIndex, alphabets, spell, foldLetters, parseCsv, type LetterClip, type Alphabet, type Spelled } from './lexicon.js';

export const FINGERSPELLING_SOURCE = 'fingerspelling';
/** Largest letter clip read (bytes). */
const MAX_CLIP_BYTES = 64 * 1024 * 1024;

export interface FingerspellingOptions extends BuildBaseOptions, ComposeOptions {
  /** Only these sign languages (codes as in the index: `ase`, `gsg`, ...); default all. */
  signLanguages?: readonly string[];
  /** At most this many words per sign language (the first spellable ones of the list); default all. */
  maxWordsPerLanguage?: number;
  /** Word lists per spoken language replacing the built-in ones. */
  words?: Readonly<Record<string, readonly string[]>>;
  /** Frame rate of the corpus; clips at another rate are resampled to it (default 25, the lexicon's rate). */
  fps?: number;
}

/** One planned word: what to spell and its manifest fields (frames still unknown). */
export interface PlannedWord {
  id: string;
  text: string;
  language: string;
  signLanguage: string;
  signer: string;
  split: CorpusEntry['split'];
  spelled: Spelled[];
}

/** Which words each alphabet can spell, in a fixed order (alphabets sorted by sign language, words as listed). */
export async function planFingerspelling(src: string, opts: Omit<FingerspellingOptions, 'src' | 'out'> = {}): Promise<{ plan: PlannedWord[]; clips: LetterClip[] }> {
  await requireDir(src, 'fingerspelling lexicon');
  const clips = await readLexiconIndex(src);
  const wanted = opts.signLanguages ? new Set(opts.signLanguages) : null;
  const max = opts.maxWordsPerLanguage ?? Infinity;
  if (!(max >= 0)) throw new Error(`fingerspelling: maxWordsPerLanguage must be ≥ 0, got ${opts.maxWordsPerLanguage}`);
  const plan: PlannedWord[] = [];
  for (const alphabet of alphabets(clips)) {
    if (wanted && !wanted.has(alphabet.signLanguage)) continue;
    const words = opts.words?.[alphabet.spokenLanguage] ?? WORDS[alphabet.spokenLanguage] ?? [];
    const seen = new Set<string>();
    let n = 0;
    for (const word of words) {
      if (n >= max) break;
      const folded = foldLetters(word.trim(), alphabet.spokenLanguage);
      if (!folded || seen.has(folded)) continue;
      const spelled = spell(word, alphabet);
      if (!spelled) continue;
      seen.add(folded);
      n++;
      const first = spelled.find((s): s is Extract<Spelled, { kind: 'letter' }> => s.kind === 'letter')!;
      plan.push({
        id: safeId(`fs-${alphabet.signLanguage}-${alphabet.spokenLanguage}-${asciiSlug(word)}-${shortHash(`${alphabet.spokenLanguage}:${word}`, 6)}`),
        text: word.trim(),
        language: alphabet.spokenLanguage,
        signLanguage: alphabet.signLanguage,
        signer: `fs-${first.clip.path.split('/')[0]}`,
        split: hashSplit('fingerspelling-word', folded),
        spelled,
      });
    }
  }
  if (wanted) {
    const known = new Set(clips.map((c) => c.signLanguage));
    const unknown = [...wanted].filter((s) => !known.has(s));
    if (unknown.length) throw new Error(`fingerspelling: sign language(s) ${unknown.join(', ')} not in ${join(src, 'index.csv')} (has ${[...known].sort().join(', ')})`);
  }
  return { plan, clips };
}

/** Lower-case ASCII letters and digits of a word (diacritics dropped), `-` between runs; `w` when nothing is left. */
function asciiSlug(word: string): string {
  const s = word.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s.slice(0, 40) || 'w';
}

/** Reads a letter clip, trims it to its [start, end] ms (clamped to the clip) and resamples it to `fps`. */
async function readClip(c: LetterClip, fps: number): Promise<PoseSequence> {
  const where = `fingerspelling lexicon index.csv line ${c.line}`;
  const st = await stat(c.file).catch(() => null);
  if (!st?.isFile()) throw new Error(`${where}: clip ${c.path} is missing (${c.file})`);
  let seq: PoseSequence;
  try {
    seq = await readPoseFile(c.file, { maxBytes: MAX_CLIP_BYTES });
  } catch (err) {
    if (err instanceof PoseFormatError) throw new Error(`${where}: clip ${c.path} is unreadable: ${err.message}`, { cause: err });
    throw err;
  }
  const own = seq.meta.fps;
  const start = Math.floor((c.startMs * own) / 1000);
  const end = Math.min(seq.frames, Math.ceil((c.endMs * own) / 1000));
  if (start >= end) throw new Error(`${where}: clip ${c.path} has ${seq.frames} frames at ${own} fps, none inside [${c.startMs}, ${c.endMs}] ms`);
  const trimmed = start === 0 && end === seq.frames ? seq : seq.slice(start, end);
  if (own === fps) return trimmed;
  // A few clips were recorded at another rate (e.g. 24 fps): resample to the corpus rate, keeping the duration.
  const out = resample(trimmed, Math.max(1, Math.round((trimmed.frames * fps) / own)), 'linear');
  out.meta = { ...trimmed.meta, fps };
  return out;
}

/** Writes the fingerspelling corpus to `opts.out`. */
export async function buildFingerspelling(opts: FingerspellingOptions): Promise<BuildResult> {
  const { plan, clips } = await planFingerspelling(opts.src, opts);
  if (plan.length === 0) throw new Error(`fingerspelling: no word of the word lists can be spelled with ${join(opts.src, 'index.csv')}`);
  const compose: Required<ComposeOptions> = {
    maxLetterFrames: opts.maxLetterFrames ?? COMPOSE_DEFAULTS.maxLetterFrames,
    transitionStep: opts.transitionStep ?? COMPOSE_DEFAULTS.transitionStep,
    minTransition: opts.minTransition ?? COMPOSE_DEFAULTS.minTransition,
    maxTransition: opts.maxTransition ?? COMPOSE_DEFAULTS.maxTransition,
    gapFrames: opts.gapFrames ?? COMPOSE_DEFAULTS.gapFrames,
    withRest: opts.withRest ?? COMPOSE_DEFAULTS.withRest,
  };
  if (!(Number.isInteger(compose.maxLetterFrames) && compose.maxLetterFrames >= 1)) throw new Error(`fingerspelling: maxLetterFrames must be a positive integer, got ${compose.maxLetterFrames}`);
  if (!(compose.minTransition >= 1 && compose.maxTransition >= compose.minTransition)) throw new Error(`fingerspelling: need 1 ≤ minTransition ≤ maxTransition, got ${compose.minTransition}, ${compose.maxTransition}`);
  const fps = opts.fps ?? 25;
  if (!(Number.isFinite(fps) && fps > 0)) throw new Error(`fingerspelling: fps must be a positive number, got ${opts.fps}`);
  const used = new Map<string, LetterClip>();
  for (const w of plan) for (const s of w.spelled) if (s.kind === 'letter') used.set(s.clip.path, s.clip);
  // Every clip is checked (exists, readable) before anything is written.
  for (const c of used.values()) {
    const st = await stat(c.file).catch(() => null);
    if (!st?.isFile()) throw new Error(`fingerspelling lexicon index.csv line ${c.line}: clip ${c.path} is missing (${c.file})`);
  }
  const version = await contentVersion('fingerspelling', opts.src, [join(opts.src, 'index.csv'), ...[...used.values()].map((c) => c.file)], {
    compose, fps, plan: plan.map((w) => [w.id, w.text, w.split, w.signer, w.spelled.map((s) => (s.kind === 'gap' ? ' ' : s.clip.path))]),
    indexLines: clips.length,
  });
  const cuts = new Map<string, LetterCut>();
  const cutOf = async (c: LetterClip): Promise<LetterCut> => {
    let cut = cuts.get(c.path);
    if (!cut) cuts.set(c.path, (cut = cutLetter(await readClip(c, fps), c.gloss, compose.maxLetterFrames)));
    return { ...cut, gloss: c.gloss };
  };
  async function* items(): AsyncGenerator<{ entry: CorpusEntry; seq: PoseSequence }> {
    for (const w of plan) {
      const letters: (LetterCut | null)[] = [];
      for (const s of w.spelled) letters.push(s.kind === 'gap' ? null : await cutOf(s.clip));
      const firstCut = letters.find((l): l is LetterCut => l !== null)!;
      const { width, height } = firstCut.hold.meta;
      for (const l of letters) {
        if (l && (l.hold.meta.width !== width || l.hold.meta.height !== height)) {
          throw new Error(`fingerspelling: '${w.text}' (${w.signLanguage}) mixes clips of ${width}×${height} and ${l.hold.meta.width}×${l.hold.meta.height} frames`);
        }
      }
      const { seq, glosses } = composeWord(letters, {
        id: w.id, fps, width, height, text: w.text, gloss: glosses0(letters), language: w.language,
        signLanguage: w.signLanguage, signer: w.signer, source: FINGERSPELLING_SOURCE,
      }, compose);
      seq.meta.glosses = glosses;
      snapToPixelGrid(seq);
      const entry: CorpusEntry = {
        id: w.id, text: w.text, glosses, language: w.language, signLanguage: w.signLanguage, signer: w.signer,
        split: w.split, frames: seq.frames, fps, source: FINGERSPELLING_SOURCE,
      };
      yield { entry, seq };
    }
  }
  const total = plan.length;
  const { written } = await writeCorpus(opts.out, items(), {
    version, overwrite: opts.overwrite, onProgress: (n) => opts.onProgress?.(n, total),
  });
  return { written, version };
}

function glosses0(letters: readonly (LetterCut | null)[]): string {
  return letters.filter((l): l is LetterCut => l !== null).map((l) => l.gloss).join(' ');
}
