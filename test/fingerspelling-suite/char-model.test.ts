/**
 * The fingerspelling baselines on hand-made words (no ../shared): the char model learns each letter's pose and hold
 * length, spells unseen words from them, and falls back to the mean letter for a letter it never saw; nearest-word
 * retrieval stays within the sign language.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  charGeneratorPoses, charModel, editDistance, fitCharModel, generateWord, meanPosePerLanguage, nearestWordPoses, type TrainWord,
} from '../../benchmark/baselines/fingerspelling.js';
import type { CorpusEntry } from '../../corpus/entry.js';
import { PoseSequence } from '../../pose/sequence.js';
import { FRAME_STRIDE, PARTS } from '../../pose/skeleton.js';
import { tempDir } from '../corpus-builders/helpers.js';

/** A frame whose right hand sits at x = `x` (all other points missing). */
function handAt(x: number): Float32Array {
  const f = new Float32Array(FRAME_STRIDE);
  for (let p = PARTS.rightHand.start; p < PARTS.rightHand.start + PARTS.rightHand.count; p++) f.set([x, 0.5, 0.9], 3 * p);
  return f;
}

const LETTER_X: Record<string, number> = { A: 0.2, B: 0.4, C: 0.6, D: 0.8 };
const REST = 0.1;

/** A word: 2 rest frames, each letter held `hold` frames with 2 transition frames between, 2 rest frames. */
function word(lang: string, letters: string[], hold = 4): TrainWord {
  const frames: Float32Array[] = [handAt(REST), handAt(REST)];
  const glosses = letters.map((l, i) => {
    if (i > 0) frames.push(handAt(0.5), handAt(0.5));
    const start = frames.length;
    for (let k = 0; k < hold; k++) frames.push(handAt(LETTER_X[l]!));
    return { gloss: l, start, end: frames.length };
  });
  frames.push(handAt(REST), handAt(REST));
  const data = new Float32Array(frames.length * FRAME_STRIDE);
  frames.forEach((f, i) => data.set(f, i * FRAME_STRIDE));
  const text = letters.join('').toLowerCase();
  const entry: CorpusEntry = { id: `${lang}-${text}`, text, glosses, language: 'en', signLanguage: lang, signer: `fs-${lang}`, split: 'train', frames: frames.length, fps: 25, source: 'fingerspelling' };
  return { entry, seq: new PoseSequence({ id: entry.id, fps: 25, width: 500, height: 500 }, data) };
}

const rightHandX = (seq: PoseSequence, t: number) => seq.x(t, PARTS.rightHand.start);

describe('fingerspelling baselines', () => {
  const train = [word('ase', ['A', 'B']), word('ase', ['B', 'C']), word('gsg', ['A', 'D'], 6)];
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => { tmp = await tempDir('fs-char'); });
  afterAll(async () => { await tmp.cleanup(); });

  it('fits letter poses, hold lengths, rise/drop and transitions per sign language', () => {
    const { manifest, weights } = fitCharModel(train, 'test-corpus');
    expect(Object.keys(manifest.languages)).toEqual(['ase', 'gsg']);
    const ase = manifest.languages.ase!;
    expect(ase.letters).toEqual(['A', 'B', 'C']);
    expect(ase.durations).toEqual([4, 4, 4]);
    expect(ase.counts).toEqual([1, 2, 1]);
    expect([ase.riseFrames, ase.dropFrames, ase.transitionFrames]).toEqual([2, 2, 2]);
    expect(manifest.languages.gsg!.durations).toEqual([6, 6]);
    // rest-in, rest-out, mean letter, then A, B, C for ase; the same for gsg's A, D
    expect(weights.length).toBe((3 + 3 + 3 + 2) * FRAME_STRIDE);
    const b = weights.subarray((ase.offset + 3 + 1) * FRAME_STRIDE);
    expect(b[3 * PARTS.rightHand.start]).toBeCloseTo(LETTER_X.B!, 6);
    // deterministic: a second fit gives the same manifest and weights
    const again = fitCharModel(train, 'test-corpus');
    expect(again.manifest).toEqual(manifest);
    expect(Buffer.from(again.weights.buffer).equals(Buffer.from(weights.buffer))).toBe(true);
  });

  it('spells an unseen word from its letters, and the mean letter for a letter never seen in that language', async () => {
    const model = await charModel(tmp.dir, 'test-corpus', train);
    expect(await readFile(join(model.dir, 'manifest.json'), 'utf8')).toContain('"test-corpus"');
    expect(model.trainSeconds).toBeGreaterThanOrEqual(0);
    const seq = generateWord(model, 'ase', ['C', 'A'], 'x');
    // 1 rest + 1 rise + 4 C + 2 transition + 4 A + 1 drop + 1 rest
    expect(seq.frames).toBe(14);
    expect(rightHandX(seq, 0)).toBeCloseTo(REST, 6);
    expect(rightHandX(seq, 2)).toBeCloseTo(LETTER_X.C!, 6);
    expect(rightHandX(seq, 5)).toBeCloseTo(LETTER_X.C!, 6);
    expect(rightHandX(seq, 8)).toBeCloseTo(LETTER_X.A!, 6);
    expect(rightHandX(seq, 13)).toBeCloseTo(REST, 6);
    const { poses, unseen, letters } = charGeneratorPoses(model, [
      { id: 'p1', text: 'cab', glosses: ['C', 'A', 'B'], signLanguage: 'ase' },
      { id: 'p2', text: 'da', glosses: ['D', 'A'], signLanguage: 'ase' },
    ]);
    expect([unseen, letters]).toEqual([1, 5]);
    const mean = (LETTER_X.A! * 1 * 4 + LETTER_X.B! * 2 * 4 + LETTER_X.C! * 1 * 4) / 16;
    expect(rightHandX(poses.get('p2')!, 2)).toBeCloseTo(mean, 5);
    expect(() => generateWord(model, 'bzs', ['A'], 'y')).toThrow(/no sign language 'bzs'/);
  });

  it('retrieves the nearest word by letters within the sign language, and the mean pose per language', () => {
    expect(editDistance(['A', 'B'], ['B', 'C'])).toBe(2);
    expect(editDistance(['S', 'CH', 'A'], ['S', 'CH'])).toBe(1);
    const picks = nearestWordPoses([
      { id: 'q1', text: 'bcd', glosses: ['B', 'C', 'D'], signLanguage: 'ase' },
      { id: 'q2', text: 'ab', glosses: ['A', 'B'], signLanguage: 'gsg' },
    ], train);
    expect(picks.get('q1')!.word).toBe('bc');
    expect(picks.get('q2')!.word).toBe('ad');
    const means = meanPosePerLanguage([{ id: 'm', text: 'x', signLanguage: 'gsg' }], train);
    expect(means.get('m')!.frames).toBe(train[2]!.seq.frames);
    expect(() => nearestWordPoses([{ id: 'z', text: 'a', glosses: ['A'] }], train)).toThrow(/no signLanguage/);
  });
});
