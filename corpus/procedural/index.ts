import { createHash } from 'node:crypto';
import { PoseSequence } from '../../pose/sequence.js';
import type { CorpusEntry, Split } from '../entry.js';
import { FRAME_HEIGHT, FRAME_WIDTH } from './body.js';
import { sampleFrame, sentenceOf, type Sentence } from './grammar.js';
import { hashSeed, Rng } from '../../nn/rng.js';
import { SIGNERS, TEST_SIGNERS, type Signer } from './signer.js';
import { glossSpans, planSentence, renderTimeline } from './timeline.js';
import { lexicon } from './lexicon.js';
import { NAMES } from './words.js';

/**
 * The procedural signing corpus: English sentences, their glosses and DWPose-128 pose sequences of a synthetic
 * signer at 24 fps in a 1280×720 frame (the SignVerse frame size). Deterministic from the options; entries are cheap
 * to list, sequences are drawn on demand, one at a time.
 *
 * Sign language code `x-sbp` ("signbench procedural"), source `procedural`.
 */

export type { CorpusEntry, Split } from '../entry.js';

export interface ProceduralOptions {
  /** Number of sentences (default 5000). */
  sentences?: number;
  /** Seed of everything random (default 1). */
  seed?: number;
  /** Fraction of sentences in the dev split (default 0.1; dev shares signers with train). */
  devFraction?: number;
  /** Fraction in the test split (default 0.1; test uses only held-out signers). */
  testFraction?: number;
}

export interface ProceduralCorpus {
  /** `sbp-<sha256 prefix>` over the generator version and the normalised options. */
  version: string;
  entries: CorpusEntry[];
  sequence(entry: CorpusEntry): PoseSequence;
  /** The entry's sentence signed by another signer (index into SIGNERS), with the entry's timing and render seeds:
   * e.g. a test sentence by a training signer, the floor of a generator that knows only the training signers. */
  sequenceBy(entry: CorpusEntry, signer: number): PoseSequence;
  stream(split?: Split): Generator<{ entry: CorpusEntry; seq: PoseSequence }>;
}

/** Bump when any change alters generated output. */
export const GENERATOR_VERSION = 'signbench-procedural/1';
export const SIGN_LANGUAGE = 'x-sbp';
export const FPS = 24;

const TRAIN_SIGNERS = SIGNERS.map((_, i) => i).filter((i) => !TEST_SIGNERS.includes(i));

interface Plan {
  split: Split;
  signer: Signer;
  sentence: Sentence;
}

function normalise(opts: ProceduralOptions): Required<ProceduralOptions> {
  const sentences = opts.sentences ?? 5000;
  const seed = opts.seed ?? 1;
  const devFraction = opts.devFraction ?? 0.1;
  const testFraction = opts.testFraction ?? 0.1;
  if (!Number.isInteger(sentences) || sentences < 0 || sentences > 10_000_000) {
    throw new Error(`proceduralCorpus: sentences must be an integer in 0..10000000, got ${sentences}`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`proceduralCorpus: seed must be an integer in 0..4294967295, got ${seed}`);
  }
  if (!(devFraction >= 0 && testFraction >= 0 && devFraction + testFraction <= 1)) {
    throw new Error(`proceduralCorpus: devFraction and testFraction must be ≥ 0 and sum to ≤ 1`);
  }
  return { sentences, seed, devFraction, testFraction };
}

export function corpusVersion(opts: ProceduralOptions = {}): string {
  const o = normalise(opts);
  const h = createHash('sha256').update(GENERATOR_VERSION).update('\0')
    .update(JSON.stringify([o.sentences, o.seed, o.devFraction, o.testFraction])).digest('hex');
  return `sbp-${h.slice(0, 16)}`;
}

function planOf(o: Required<ProceduralOptions>, i: number): Plan {
  const rng = Rng.fromState(hashSeed('sbp-entry', o.seed, i));
  const r = rng.next();
  const split: Split = r < o.testFraction ? 'test' : r < o.testFraction + o.devFraction ? 'dev' : 'train';
  const signer = SIGNERS[split === 'test' ? rng.pick(TEST_SIGNERS) : rng.pick(TRAIN_SIGNERS)];
  return { split, signer, sentence: sentenceOf(sampleFrame(rng)) };
}

function timingRng(o: Required<ProceduralOptions>, i: number): Rng {
  return Rng.fromState(hashSeed('sbp-timing', o.seed, i));
}

export function proceduralCorpus(opts: ProceduralOptions = {}): ProceduralCorpus {
  const o = normalise(opts);
  const version = corpusVersion(o);
  const entries: CorpusEntry[] = [];
  const indexOf = new Map<string, number>();
  for (let i = 0; i < o.sentences; i++) {
    const p = planOf(o, i);
    const tl = planSentence(p.sentence, p.signer, timingRng(o, i));
    const id = `sbp-${o.seed}-${String(i).padStart(6, '0')}`;
    indexOf.set(id, i);
    entries.push({
      id, text: p.sentence.text, glosses: glossSpans(tl), language: 'en', signLanguage: SIGN_LANGUAGE,
      signer: p.signer.id, split: p.split, frames: tl.frames, fps: FPS, source: 'procedural',
    });
  }
  const sequenceBy = (entry: CorpusEntry, signerIndex?: number): PoseSequence => {
    const i = indexOf.get(entry.id);
    if (i === undefined) throw new Error(`proceduralCorpus: entry '${entry.id}' is not part of corpus ${version}`);
    if (signerIndex !== undefined && !(Number.isInteger(signerIndex) && signerIndex >= 0 && signerIndex < SIGNERS.length)) {
      throw new Error(`proceduralCorpus: signer must be an integer in [0, ${SIGNERS.length - 1}], got ${signerIndex}`);
    }
    const planned = planOf(o, i);
    const p = signerIndex === undefined ? planned : { ...planned, signer: SIGNERS[signerIndex] };
    const tl = planSentence(p.sentence, p.signer, timingRng(o, i));
    const data = renderTimeline(tl, p.signer, Rng.fromState(hashSeed('sbp-render', o.seed, i)));
    const e = entries[i];
    const spans = glossSpans(tl);
    return new PoseSequence({
      id: e.id, fps: FPS, width: FRAME_WIDTH, height: FRAME_HEIGHT, text: e.text,
      gloss: spans.map((g) => g.gloss).join(' '), glosses: spans, language: e.language,
      signLanguage: e.signLanguage, signer: p.signer.id, source: e.source,
    }, data);
  };
  const sequence = (entry: CorpusEntry): PoseSequence => sequenceBy(entry);
  function* stream(split?: Split): Generator<{ entry: CorpusEntry; seq: PoseSequence }> {
    for (const entry of entries) {
      if (split && entry.split !== split) continue;
      yield { entry, seq: sequence(entry) };
    }
  }
  return { version, entries, sequence, sequenceBy: (entry, signer) => sequenceBy(entry, signer), stream };
}

/**
 * A gloss string signed by one signer (an index into SIGNERS, or a Signer) without a sentence around it: rest, the glosses with
 * co-articulation, rest — as the corpus draws its sentences, with gloss timings. Deterministic from `seed`. Used to cut
 * sign segments of every sign by every signer (recognizer/), in context.
 */
export function renderGlosses(glosses: readonly string[], who: number | Signer, seed: number): PoseSequence {
  const signer = typeof who === 'number' ? SIGNERS[who] : who;
  if (!signer) throw new Error(`renderGlosses: no signer ${String(who)} (0..${SIGNERS.length - 1})`);
  const tl = planSentence({ glosses: [...glosses], nonManual: [] }, signer, new Rng(hashSeed('sbp-glosses-timing', seed)));
  const data = renderTimeline(tl, signer, new Rng(hashSeed('sbp-glosses-render', seed)));
  const spans = glossSpans(tl);
  return new PoseSequence({
    id: `sbp-glosses-${seed}`, fps: FPS, width: FRAME_WIDTH, height: FRAME_HEIGHT, text: null, gloss: glosses.join(' '),
    glosses: spans, language: null, signLanguage: SIGN_LANGUAGE, signer: signer.id, source: 'procedural',
  }, data);
}

/** Every gloss the procedural corpus can produce: the lexicon's signs, then the fingerspelled names (`fs-NAME`). */
export function corpusGlosses(): string[] {
  return [...[...lexicon().keys()].sort(), ...NAMES.map((n) => 'fs-' + n.toUpperCase())];
}

export { SIGNERS, TEST_SIGNERS } from './signer.js';
export type { Signer } from './signer.js';
export { lexicon, LOCATIONS, MOVEMENTS, type SignDef } from './lexicon.js';
export { HANDSHAPES, ALPHABET } from './handshapes.js';
export { sampleFrame, sentenceOf, englishOf, glossOf, type Sentence, type SentenceFrame } from './grammar.js';
