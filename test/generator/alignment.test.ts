import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../nn/backend.js';
import { frameAttentionTargets, glossParts, glossTokenPositions, tokenMatchesPart } from '../../generator/alignment.js';
import { getConfig } from '../../generator/config.js';
import { BatchSampler } from '../../generator/data.js';
import { guidedAttentionLoss } from '../../generator/model.js';
import { tokenize, Vocab } from '../../generator/tokenizer.js';
import { syntheticPairs } from './synthetic.js';

beforeAll(async () => {
  await initBackend();
});

describe('gloss → token alignment', () => {
  it('splits gloss names into lower-case parts', () => {
    expect(glossParts('POLICE-OFFICER')).toEqual(['police', 'officer']);
    expect(glossParts('fs-ANNA')).toEqual(['anna']);
    expect(glossParts('NOT')).toEqual(['not']);
  });

  it('matches regular and listed irregular inflections, never a different word with the same start', () => {
    for (const [t, p] of [['washes', 'wash'], ['carries', 'carry'], ['goes', 'go'], ['making', 'make'], ['won', 'win'], ['i', 'me'], ['went', 'go'], ['television', 'tv']]) {
      expect(tokenMatchesPart(t, p), `${t} ~ ${p}`).toBe(true);
    }
    for (const [t, p] of [['her', 'he'], ['their', 'they'], ['your', 'you'], ['he', 'her'], ['ran', 'rain'], ['a', 'an']]) {
      expect(tokenMatchesPart(t, p), `${t} !~ ${p}`).toBe(false);
    }
  });

  it('finds every token of a gloss', () => {
    const toks = tokenize('The police officer pays the police officer.');
    expect(glossTokenPositions('POLICE-OFFICER', toks)).toEqual([1, 2, 5, 6]);
    expect(glossTokenPositions('PAY', toks)).toEqual([3]);
    expect(glossTokenPositions('HOUSE', toks)).toEqual([]);
  });

  it('targets the sign being made, both signs on a transition, and nothing for unmatched signs', () => {
    const toks = tokenize('Yesterday the girl won.'); // yesterday the girl won .
    const glosses = [{ gloss: 'YESTERDAY', start: 2, end: 6 }, { gloss: 'GIRL', start: 10, end: 14 }, { gloss: 'WIN', start: 18, end: 20 }, { gloss: 'CAKE', start: 22, end: 24 }];
    const t = frameAttentionTargets(glosses, [0, 4, 8, 12, 16, 19, 21, 23, 30], toks, 1);
    // <bos> is position 0: yesterday 1, the 2, girl 3, won 4.
    expect(t).toEqual([[1], [1], [1, 3], [3], [3, 4], [4], [4], [], []]);
    // Positions past the encoded (truncated) ids are dropped.
    expect(frameAttentionTargets(glosses, [19], toks, 1, 4)).toEqual([[]]);
    expect(frameAttentionTargets([], [0, 1], toks)).toEqual([[], []]);
  });
});

describe('guided attention loss', () => {
  it('is 0 when every head looks only at the targets, 1 when none does, and ignores frames without a target', () => {
    const B = 1; const H = 2; const T = 3; const S = 4;
    const tokens = new Float32Array(B * T * S);
    tokens[0 * S + 1] = 1; // frame 0 → token 1
    tokens[1 * S + 2] = 1; // frame 1 → token 2
    const frames = Float32Array.from([1, 1, 0]);
    const onehot = (cols: number[]) => {
      const a = new Float32Array(B * H * T * S);
      for (let h = 0; h < H; h++) cols.forEach((c, t) => { a[(h * T + t) * S + c] = 1; });
      return tf.tensor(a, [B, H, T, S]);
    };
    expect(guidedAttentionLoss(onehot([1, 2, 0]), { tokens, frames }, B, T, S).dataSync()[0]).toBeCloseTo(0, 6);
    expect(guidedAttentionLoss(onehot([0, 0, 2]), { tokens, frames }, B, T, S).dataSync()[0]).toBeCloseTo(1, 6);
    // Half of frame 0's mass on target, frame 1 fully on target → 0.25 missed on average.
    const half = new Float32Array(B * H * T * S);
    for (let h = 0; h < H; h++) { half[(h * T) * S + 1] = 0.5; half[(h * T) * S + 3] = 0.5; half[(h * T + 1) * S + 2] = 1; }
    expect(guidedAttentionLoss(tf.tensor(half, [B, H, T, S]), { tokens, frames }, B, T, S).dataSync()[0]).toBeCloseTo(0.25, 6);
    expect(guidedAttentionLoss(onehot([0, 0, 0]), { tokens, frames: new Float32Array(T) }, B, T, S).dataSync()[0]).toBe(0);
  });

  it('batches carry per-frame targets on the word being signed when the weight is set', () => {
    const pairs = syntheticPairs(6, 3);
    const vocab = Vocab.build(pairs.map((p) => p.text));
    const cfg = getConfig('tiny', { alignLossWeight: 1, frameStride: 1 });
    const batch = new BatchSampler(pairs, vocab, cfg, 1, 6).batchOf([0, 1, 2, 3, 4, 5]);
    expect(batch.align).toBeDefined();
    const { tokens, frames } = batch.align!;
    const { T, S } = batch;
    for (let b = 0; b < 6; b++) {
      const words = tokenize(pairs[b].text);
      const len = batch.mask.subarray(b * T, (b + 1) * T).reduce((x, y) => x + y);
      for (let t = 0; t < len; t++) {
        expect(frames[b * T + t]).toBe(1);
        const targeted = Array.from({ length: S }, (_, s) => s).filter((s) => tokens[(b * T + t) * S + s] === 1);
        // Every targeted id is the word signed at frame t (6 frames a word; the tail holds the last word).
        const k = Math.min(Math.floor(t / 6), words.filter((w) => w !== '.').length - 1);
        expect(targeted.length).toBeGreaterThan(0);
        for (const s of targeted) expect(vocab.itos[batch.ids[b * S + s]]).toBe(words[k]);
      }
    }
    expect(new BatchSampler(pairs, vocab, getConfig('tiny'), 1, 6).batchOf([0]).align).toBeUndefined();
  });
});
