import { corpusGlosses, lexicon, renderGlosses, SIGNERS, TEST_SIGNERS, type ProceduralCorpus, type Split } from '../corpus/procedural/index.js';
import { hashSeed, Rng } from '../nn/rng.js';
import type { PoseSequence } from '../pose/sequence.js';

/**
 * Labelled sign segments from the procedural corpus, cut at its gloss timings:
 * - `signClips`: every gloss of the corpus (lexicon + fingerspelled names) signed `perSign` times inside a short
 *   carrier (a random sign before and after, with the corpus's co-articulation), by the train signers or by the
 *   held-out test signers in turn — balanced over glosses and signers.
 * - `corpusClips`: the gloss spans of the corpus's own sentences of one split.
 */

export interface SignClip {
  id: string;
  gloss: string;
  signer: string;
  leftHanded: boolean;
  /** The whole carrier sequence; the sign is frames [start, end). */
  seq: PoseSequence;
  start: number;
  end: number;
}

/** Phonological labels of a gloss from the lexicon (null for fingerspelled names). */
export interface PhonologyLabels {
  location: string;
  movement: string;
  orientation: string;
  handshape: string;
}

export function glossPhonology(gloss: string): PhonologyLabels | null {
  const s = lexicon().get(gloss);
  return s ? { location: s.location, movement: s.movement, orientation: s.palm, handshape: s.handshape } : null;
}

const TRAIN_SIGNERS = SIGNERS.map((_, i) => i).filter((i) => !TEST_SIGNERS.includes(i));

export interface SignClipOptions {
  /** `train`: the 12 training signers; `test`: the 4 held-out signers. */
  signers: 'train' | 'test';
  perSign: number;
  seed?: number;
  /** Glosses to draw (default: all of corpusGlosses()). */
  glosses?: readonly string[];
  /** Move each bound by up to this many frames (default 0: the exact gloss timing). */
  jitter?: number;
}

export function* signClips(opts: SignClipOptions): Generator<SignClip> {
  const pool = opts.signers === 'train' ? TRAIN_SIGNERS : [...TEST_SIGNERS];
  const glosses = opts.glosses ?? corpusGlosses();
  const carriers = [...lexicon().keys()].sort();
  const seed = opts.seed ?? 1;
  const jitter = opts.jitter ?? 0;
  for (let r = 0; r < opts.perSign; r++) {
    for (let gi = 0; gi < glosses.length; gi++) {
      const gloss = glosses[gi];
      const rng = new Rng(hashSeed('recog-clip', opts.signers, seed, r, gi));
      const signerIndex = pool[(r + gi) % pool.length];
      const seq = renderGlosses([rng.pick(carriers), gloss, rng.pick(carriers)], signerIndex, hashSeed('recog-render', opts.signers, seed, r, gi));
      const span = seq.meta.glosses![1];
      let { start, end } = span;
      if (jitter > 0) {
        start = Math.max(0, start + rng.intBetween(-jitter, jitter));
        end = Math.min(seq.frames, end + rng.intBetween(-jitter, jitter));
        if (end - start < 2) ({ start, end } = span);
      }
      const signer = SIGNERS[signerIndex];
      yield { id: `${opts.signers}-${r}-${gloss}`, gloss, signer: signer.id, leftHanded: signer.leftHanded, seq, start, end };
    }
  }
}

/** The gloss spans of one split of a procedural corpus, one clip each. */
export function* corpusClips(corpus: ProceduralCorpus, split: Split, limit = Infinity): Generator<SignClip> {
  let n = 0;
  for (const { entry, seq } of corpus.stream(split)) {
    if (n >= limit) return;
    n++;
    const leftHanded = SIGNERS.find((s) => s.id === entry.signer)?.leftHanded ?? false;
    for (let i = 0; i < entry.glosses.length; i++) {
      const g = entry.glosses[i];
      yield { id: `${entry.id}#${i}`, gloss: g.gloss, signer: entry.signer, leftHanded, seq, start: g.start, end: g.end };
    }
  }
}
