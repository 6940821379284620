import { describe, expect, it } from 'vitest';
import { renderGlosses, SIGNERS } from '../../corpus/procedural/index.js';
import { isSignbenchError } from '../../pose/errors.js';
import { PoseSequence } from '../../pose/sequence.js';
import { BODY, FRAME_STRIDE, PARTS } from '../../pose/skeleton.js';
import { mirror, resample, SUBSETS } from '../../pose/transforms.js';
import {
  checkSegment, FEATURE_DIM, keyFrames, KEY_FRAMES, mirrorPoints, MIRROR27, normalisedSegment, SEGMENT_FRAMES, segmentFeatures,
} from '../../recognizer/features.js';

const sign = (who: number | (typeof SIGNERS)[number], seed = 5) => renderGlosses(['HOUSE', 'MOTHER', 'BOOK'], who, seed);

describe('the 27-point arm+hand subset', () => {
  it('is nose, shoulders, elbows, wrists and wrist/thumb tip/finger bases and tips of each hand', () => {
    const hand = (start: number) => [0, 4, 5, 8, 9, 12, 13, 16, 17, 20].map((i) => start + i);
    expect([...SUBSETS.armHand27]).toEqual([
      BODY.nose, BODY.lShoulder, BODY.rShoulder, BODY.lElbow, BODY.rElbow, BODY.lWrist, BODY.rWrist,
      ...hand(PARTS.leftHand.start), ...hand(PARTS.rightHand.start),
    ]);
    expect(SUBSETS.armHand27).toHaveLength(27);
    expect(new Set(SUBSETS.armHand27).size).toBe(27);
  });

  it('mirror partners pair left with right within the subset', () => {
    for (let k = 0; k < 27; k++) expect(MIRROR27[MIRROR27[k]]).toBe(k);
    expect(MIRROR27[1]).toBe(2); // l/r shoulder
    expect(MIRROR27[7]).toBe(17); // left wrist (hand) ↔ right wrist (hand)
  });
});

describe('63-frame resampling', () => {
  it('takes frame i from source time i·(T−1)/62, linearly interpolated', () => {
    const seq = PoseSequence.empty({ id: 'ramp', fps: 24, width: 100, height: 100 }, 10);
    for (let t = 0; t < 10; t++) for (const p of SUBSETS.armHand27) seq.set(t, p, t / 100, 0.5, 1);
    const r = resample(seq, SEGMENT_FRAMES, 'linear');
    expect(r.frames).toBe(63);
    for (let i = 0; i < 63; i++) expect(r.x(i, BODY.nose)).toBeCloseTo((i * 9) / 62 / 100, 6);
    expect(r.meta.fps).toBeCloseTo((24 * 63) / 10, 9);
  });

  it('normalises every segment to 63 frames of 27 points', () => {
    const seq = sign(0);
    const g = seq.meta.glosses![1];
    const { xy, valid } = normalisedSegment(seq, g.start, g.end);
    expect(xy.length).toBe(63 * 27 * 2);
    expect(valid.length).toBe(63 * 27);
    // shoulders sit about ±0.5 shoulder widths from the centre
    expect(Math.abs(xy[2 * 1]) + Math.abs(xy[2 * 2])).toBeCloseTo(1, 1);
  });
});

describe('mirroring', () => {
  it('is exact on normalised points: twice is the identity, bit for bit', () => {
    const seq = sign(4);
    const g = seq.meta.glosses![1];
    const p = normalisedSegment(seq, g.start, g.end);
    const twice = mirrorPoints(...Object.values(mirrorPoints(p.xy, p.valid)) as [Float32Array, Uint8Array]);
    expect(Buffer.from(twice.xy.buffer).equals(Buffer.from(p.xy.buffer))).toBe(true);
    expect(Buffer.from(twice.valid).equals(Buffer.from(p.valid))).toBe(true);
    const f = segmentFeatures(seq, g.start, g.end).features;
    expect(f).not.toEqual(segmentFeatures(seq, g.start, g.end, { mirrored: true }).features);
  });

  it('pose/transforms mirror twice gives the sequence back (within float32 rounding)', () => {
    const seq = sign(1);
    const back = mirror(mirror(seq));
    let max = 0;
    for (let i = 0; i < seq.data.length; i++) max = Math.max(max, Math.abs(back.data[i] - seq.data[i]));
    expect(max).toBeLessThan(1e-6);
  });

  it('a left-handed sign mirrored matches the same signer signing right-handed', () => {
    const left = SIGNERS.find((s) => s.leftHanded)!;
    const right = { ...left, leftHanded: false };
    const a = sign(left, 9);
    const b = sign(right, 9);
    const g = a.meta.glosses![1];
    expect(b.meta.glosses![1]).toEqual(g);
    const pa = normalisedSegment(mirror(a), g.start, g.end);
    const pb = normalisedSegment(b, g.start, g.end);
    const pm = mirrorPoints(normalisedSegment(a, g.start, g.end).xy, normalisedSegment(a, g.start, g.end).valid);
    let maxSeq = 0;
    let maxPts = 0;
    let unmirrored = 0;
    const pu = normalisedSegment(a, g.start, g.end);
    for (let i = 0; i < pb.xy.length; i++) {
      maxSeq = Math.max(maxSeq, Math.abs(pa.xy[i] - pb.xy[i]));
      maxPts = Math.max(maxPts, Math.abs(pm.xy[i] - pb.xy[i]));
      unmirrored = Math.max(unmirrored, Math.abs(pu.xy[i] - pb.xy[i]));
    }
    // only the keypoint jitter (about 1 px of a 230 px shoulder width) differs
    expect(maxSeq).toBeLessThan(0.05);
    expect(maxPts).toBeLessThan(0.05);
    expect(unmirrored).toBeGreaterThan(0.3);
  });
});

describe('key frames', () => {
  it('takes the slowest frames at least 5 apart, in time order', () => {
    const speed = Array.from({ length: 63 }, (_, t) => Math.abs(Math.sin(t / 6)) + t / 1000);
    const k = keyFrames(speed);
    expect(k).toHaveLength(KEY_FRAMES);
    expect([...k].sort((a, b) => a - b)).toEqual(k);
    for (let i = 1; i < k.length; i++) expect(k[i] - k[i - 1]).toBeGreaterThanOrEqual(5);
    expect(k[0]).toBe(0); // sin(0) = 0 is the slowest
    expect(k).toContain(19); // near π·6 ≈ 18.85
  });

  it('fills up when the curve is too short for the gap', () => {
    expect(keyFrames([3, 2, 1])).toEqual([0, 1, 2]);
    expect(keyFrames(Array.from({ length: 12 }, (_, t) => 12 - t))).toEqual([0, 1, 2, 3, 6, 11]);
  });
});

describe('bad input', () => {
  const seq = sign(0);
  const bad = (f: () => unknown, re: RegExp) => {
    try { f(); } catch (err) {
      expect(isSignbenchError(err, 'invalid-input')).toBe(true);
      expect((err as Error).message).toMatch(re);
      return;
    }
    throw new Error('expected an error');
  };
  it('refuses 0 frames, segments outside the clip and empty segments', () => {
    bad(() => segmentFeatures(PoseSequence.empty({ id: 'empty', fps: 24, width: 10, height: 10 }, 0)), /empty: the sequence has no frames/);
    bad(() => checkSegment(seq, 0, seq.frames + 1), /outside the clip's \d+ frames/);
    bad(() => checkSegment(seq, -1, 3), /outside/);
    bad(() => checkSegment(seq, 5, 5), /outside/);
    bad(() => checkSegment(seq, 1.5, 3), /integers/);
  });
  it('refuses a clip without shoulders', () => {
    const s = PoseSequence.empty({ id: 'noshoulders', fps: 24, width: 10, height: 10 }, 4);
    s.data.fill(0.5);
    for (let t = 0; t < 4; t++) { s.set(t, BODY.lShoulder, 0, 0, 0); s.set(t, BODY.rShoulder, 0, 0, 0); }
    bad(() => segmentFeatures(s), /no frame has both shoulders/);
  });
  it('gives finite features of the documented size', () => {
    const f = segmentFeatures(seq, 0, seq.frames).features;
    expect(f.length).toBe(FEATURE_DIM);
    expect(f.every(Number.isFinite)).toBe(true);
    expect(FRAME_STRIDE).toBe(384);
  });
});
