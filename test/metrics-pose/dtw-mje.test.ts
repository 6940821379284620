import { describe, expect, it } from 'vitest';
import { PARTS, PoseSequence } from '../../pose/index.js';
import { dtwMje, dtwMjeCorpus, dtwMjeSignature } from '../../benchmark/metrics/pose/dtw-mje.js';
import { mapPoints, randomSequence } from './helpers.js';

const inRange = (p: number, part: keyof typeof PARTS) => p >= PARTS[part].start && p < PARTS[part].start + PARTS[part].count;

describe('DTW-MJE', () => {
  const a = randomSequence('a', 30, 1);
  const b = randomSequence('b', 22, 2);

  it('is 0 for identical sequences, with every part 0 and length ratio 1', () => {
    const r = dtwMje(a, a.clone());
    expect(r.dtwMje).toBe(0);
    expect(r.pathLength).toBe(30);
    expect(r.lengthRatio).toBe(1);
    for (const v of Object.values(r.parts)) expect(v).toBe(0);
  });

  it('is 0 against a time-stretched copy (frames repeated), and positive against another sequence', () => {
    const stretched = new PoseSequence({ ...a.meta }, new Float32Array(a.frames * 2 * 384));
    for (let t = 0; t < a.frames * 2; t++) stretched.data.set(a.frame(Math.floor(t / 2)), t * 384);
    const r = dtwMje(stretched, a);
    expect(r.dtwMje).toBe(0);
    expect(r.lengthRatio).toBe(2);
    expect(dtwMje(a, b).dtwMje).toBeGreaterThan(0.01);
  });

  it('is symmetric', () => {
    for (const space of ['centre-square', 'shoulder-width'] as const) {
      const ab = dtwMje(a, b, { space });
      const ba = dtwMje(b, a, { space });
      expect(ab.cost).toBeCloseTo(ba.cost, 12);
      expect(ab.dtwMje).toBeCloseTo(ba.dtwMje, 12);
      expect(ab.lengthRatio).toBeCloseTo(1 / ba.lengthRatio, 12);
    }
  });

  it('measures a constant hand offset in the hands only, in centre-square units', () => {
    // Move both hands by 36 px right in a 1280×720 frame: 36/720 = 0.05 of the centre square.
    const shifted = mapPoints(a, (_t, p, [x, y, c]) => [inRange(p, 'leftHand') || inRange(p, 'rightHand') ? x + 36 / 1280 : x, y, c]);
    const r = dtwMje(shifted, a);
    expect(r.parts.body).toBe(0);
    expect(r.parts.face).toBe(0);
    expect(r.parts.hands).toBeCloseTo(0.05, 6);
    expect(r.parts.leftHand).toBeCloseTo(0.05, 6);
    expect(r.dtwMje).toBeLessThanOrEqual(0.05 * 42 / 128 + 1e-7);
  });

  it('uses only points valid in both frames, with the empty-frame conventions', () => {
    // Hands missing in the hypothesis: the hand error is not counted at all.
    const noHands = mapPoints(a, (_t, p, [x, y, c]) => (inRange(p, 'leftHand') || inRange(p, 'rightHand') ? [9, 9, 0] : [x, y, c]));
    const r = dtwMje(noHands, a);
    expect(r.dtwMje).toBe(0);
    expect(r.parts.hands).toBeNull();
    // Fully empty frames against present ones cost emptyCost; empty against empty costs 0.
    const empty = PoseSequence.empty({ ...a.meta, id: 'e' }, 4);
    expect(dtwMje(empty, a.slice(0, 3), { emptyCost: 0.7 }).dtwMje).toBeCloseTo(0.7, 12);
    expect(dtwMje(empty, empty.clone()).dtwMje).toBe(0);
  });

  it('shoulder-width units scale with the shoulders', () => {
    const r1 = dtwMje(a, b, { space: 'shoulder-width' });
    expect(r1.dtwMje).toBeGreaterThan(0);
    expect(dtwMjeSignature({ space: 'shoulder-width' })).toMatch(/^dtw_mje\|space:shoulder-width\|.*\|version:/);
  });

  it('corpus: macro mean over pairs, empty pairs skipped, errors when nothing is left', () => {
    const c = dtwMjeCorpus([[a, a], [b, a], [PoseSequence.empty({ ...a.meta, id: 'z' }, 0), a]]);
    expect(c.n).toBe(2);
    expect(c.skipped).toBe(1);
    expect(c.dtwMje).toBeCloseTo(dtwMje(b, a).dtwMje / 2, 12);
    expect(c.lengthRatio).toBeCloseTo((1 + 22 / 30) / 2, 12);
    expect(() => dtwMjeCorpus([[PoseSequence.empty({ ...a.meta }, 0), a]])).toThrow(/no pair/);
    expect(() => dtwMje(PoseSequence.empty({ ...a.meta }, 0), a)).toThrow(/non-empty/);
  });
});
