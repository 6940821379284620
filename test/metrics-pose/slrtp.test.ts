import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FRAME_STRIDE, POINTS, PoseSequence } from '../../pose/index.js';
import { readSignVerse } from '../../pose/signverse/index.js';
import { slrtpPoseScores } from '../../benchmark/protocols/slrtp.js';
import { describeShared, sharedPath } from '../shared.js';
import { mapPoints, randomSequence } from './helpers.js';

/** `frames` identical frames: every point at (x, y) with c = 1. */
function still(id: string, frames: number, fps: number, x = 0.5, y = 0.5): PoseSequence {
  const data = new Float32Array(frames * FRAME_STRIDE);
  for (let t = 0; t < frames; t++) for (let p = 0; p < POINTS; p++) data.set([x, y, 1], t * FRAME_STRIDE + p * 3);
  return new PoseSequence({ id, fps, width: 1280, height: 720 }, data);
}

describe('slrtp pose protocol (synthetic)', () => {
  it('identical sets: DTW-MJE 0, PT DTW 0, ratios 1', () => {
    const refs = [randomSequence('x', 31, 1), randomSequence('y', 20, 2)];
    const s = slrtpPoseScores(refs.map((r) => r.clone()), refs);
    expect(s).toMatchObject({ n: 2, dtw_mje: 0, total_distance: 1, avg_duration: 1, pt_dtw: 0 });
    expect(s.signature).toMatch(/^slrtp\|part:pose\|frames:ref-half,hyp-half-if-25fps\|points:dwpose128-xy-source-unmasked\|dtw_mje:fastdtw-0\.3\.4-r1-/);
  });

  it('halves the reference always and the hypothesis only at 25 fps (or when told)', () => {
    const ref = still('a', 10, 25); // → 5 frames
    expect(slrtpPoseScores([still('a', 10, 25)], [ref]).avg_duration).toBe(1);
    expect(slrtpPoseScores([still('a', 10, 12)], [ref]).avg_duration).toBe(2);
    expect(slrtpPoseScores([still('a', 10, 24)], [ref]).avg_duration).toBe(2);
    expect(slrtpPoseScores([still('a', 10, 12)], [ref], { halveHypothesis: true }).avg_duration).toBe(1);
    expect(slrtpPoseScores([still('a', 10, 25)], [ref], { halveHypothesis: false }).avg_duration).toBe(2);
    expect(slrtpPoseScores([still('a', 11, 25)], [still('a', 11, 25)]).avg_duration).toBe(1); // [::2] keeps 6 of 11
  });

  it('pools the joint error over all aligned frames of all pairs (not a mean of means)', () => {
    const refs = [still('p', 8, 25), still('q', 4, 25)]; // → 4 and 2 frames
    const hyps = [still('p', 8, 25, 0.6, 0.5), still('q', 4, 25, 0.5, 0.8)]; // offsets 0.1 and 0.3
    const s = slrtpPoseScores(hyps, refs);
    expect(s.dtw_mje).toBeCloseTo((4 * 0.1 + 2 * 0.3) / 6, 6);
  });

  it('total distance: mean of the right- and left-wrist path-length ratios', () => {
    const walk = (id: string, frames: number, rightStep: number, leftStep: number) =>
      mapPoints(still(id, frames, 25), (t, p, [x, y, c]) => [p === 4 ? x + t * rightStep : p === 7 ? x + t * leftStep : x, y, c]);
    const refs = [walk('a', 11, 0.01, 0.02)]; // kept frames 0, 2, …, 10: right 0.1, left 0.2
    const hyps = [walk('a', 11, 0.005, 0.03)]; // right 0.05, left 0.3
    expect(slrtpPoseScores(hyps, refs).total_distance).toBeCloseTo((0.5 + 1.5) / 2, 6);
    expect(slrtpPoseScores(hyps, [still('a', 11, 25)]).total_distance).toBeNull(); // reference wrists never move
  });

  it('pt_dtw: exact L1 DTW / reference length, trimmed at the counter peak when there is a counter', () => {
    const ref = still('a', 10, 25, 0.5, 0.5); // → frames 0, 2, 4, 6, 8
    const hyp = still('a', 6, 12, 0.6, 0.5); // not halved: 6 frames; L1 per frame pair = 128 × 0.1
    expect(slrtpPoseScores([hyp], [ref]).pt_dtw).toBeCloseTo((12.8 * 6) / 5, 5);
    const counter = Float32Array.from({ length: 10 }, (_, t) => t / 9); // peaks at kept frame 4 → keep 4 frames
    const s = slrtpPoseScores([hyp], [ref], { counter: (_seq, side) => (side === 'ref' ? counter : null) });
    expect(s.pt_dtw).toBeCloseTo((12.8 * 6) / 4, 5);
    expect(s.signature).toMatch(/pt_dtw:exact-l1-counter-trim-per-ref-len/);
  });

  it('skips empty sequences in the DTW scores and pairs by id in any order', () => {
    const refs = [randomSequence('x', 12, 1), randomSequence('y', 12, 2)];
    const hyps = [refs[1].clone(), PoseSequence.empty({ ...refs[0].meta }, 0)];
    const s = slrtpPoseScores(hyps, refs);
    expect(s.n).toBe(2);
    expect(s.dtw_mje).toBe(0);
    expect(s.pt_dtw).toBe(0);
    expect(s.avg_duration).toBeCloseTo(0.5, 12);
  });

  it('errors: unmatched ids listed, duplicates, empty reference set', () => {
    const a = randomSequence('a', 5, 1);
    const b = randomSequence('b', 5, 2);
    const c = randomSequence('c', 5, 3);
    expect(() => slrtpPoseScores([a, c], [a, b])).toThrow(/reference id\(s\) without a hypothesis: 'b'.*hypothesis id\(s\) without a reference: 'c'/);
    expect(() => slrtpPoseScores([a, a.clone()], [a])).toThrow(/duplicate hypothesis ids: 'a'/);
    expect(() => slrtpPoseScores([a], [])).toThrow(/reference set is empty/);
  });
});

describeShared(['fixtures', 'slrtp'], 'slrtp pose protocol on fixtures/slrtp (SignVerse shards)', () => {
  it('reproduces expected.json dtw_mje, total_distance and avg_duration to 1e-6 relative', async () => {
    const read = async (name: string) => {
      const out: PoseSequence[] = [];
      for await (const s of readSignVerse(sharedPath('fixtures', 'slrtp', name))) out.push(s);
      return out;
    };
    const expected = JSON.parse(readFileSync(sharedPath('fixtures', 'slrtp', 'expected.json'), 'utf8')) as Record<string, number> & { pairs: string[] };
    const hyps = await read('hyp.tar');
    const refs = await read('ref.tar');
    expect(refs.map((r) => r.id).sort()).toEqual([...expected.pairs].sort());
    for (const fastdtwVariant of ['python', 'cython'] as const) {
      const s = slrtpPoseScores(hyps, refs, { fastdtwVariant });
      expect(s.n).toBe(expected.pairs.length);
      for (const k of ['dtw_mje', 'total_distance', 'avg_duration'] as const) {
        const got = s[k];
        expect(got).not.toBeNull();
        expect(Math.abs((got as number) - expected[k]) / Math.abs(expected[k])).toBeLessThan(1e-6);
      }
    }
  });
});
