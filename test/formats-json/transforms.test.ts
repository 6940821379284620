import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoseSequence } from '../../pose/sequence.js';
import { BODY, FRAME_STRIDE, PARTS } from '../../pose/skeleton.js';
import { centreSquareCrop, keepPoints, mirror, resample, selectPoints, SUBSETS, toShoulderUnits, uncropSquare } from '../../pose/transforms.js';

function seqOf(frames: number, width = 1280, height = 720): PoseSequence {
  const s = PoseSequence.empty({ id: 's', fps: 24, width, height }, frames);
  for (let t = 0; t < frames; t++) {
    for (let p = 0; p < 128; p++) s.set(t, p, 0.3 + 0.001 * p + 0.01 * t, 0.4 + 0.002 * p, 0.9);
  }
  return s;
}

describe('transforms', () => {
  it('selects the 27-point arm+hand subset', () => {
    expect(SUBSETS.armHand27.length).toBe(27);
    expect(new Set(SUBSETS.armHand27).size).toBe(27);
    const s = seqOf(2);
    const sel = selectPoints(s, SUBSETS.armHand27);
    expect(sel.length).toBe(2 * 27 * 3);
    expect(sel[27 * 3 + 7 * 3]).toBe(s.x(1, PARTS.leftHand.start)); // frame 1, 8th point = left wrist
    expect(() => selectPoints(s, [128])).toThrow(/outside/);
    const kept = keepPoints(s, [BODY.neck]);
    expect(kept.c(0, BODY.neck)).toBeCloseTo(0.9);
    expect(kept.c(0, BODY.nose)).toBe(0);
  });

  it('mirror flips x, swaps sides, and is an involution', () => {
    const s = seqOf(3);
    const m = mirror(s);
    expect(m.x(0, BODY.lShoulder)).toBeCloseTo(1 - s.x(0, BODY.rShoulder), 6);
    expect(m.y(0, PARTS.rightHand.start + 3)).toBe(s.y(0, PARTS.leftHand.start + 3));
    const mm = mirror(m);
    for (let i = 0; i < s.data.length; i++) expect(mm.data[i]).toBeCloseTo(s.data[i], 6);
  });

  it('centre-square crop follows SignDW (offsets, invalid points zeroed, clipping) and inverts', () => {
    const s = PoseSequence.empty({ id: 'c', fps: 24, width: 1280, height: 720 }, 1);
    s.set(0, 0, 0.5, 0.5, 1); // centre → centre
    s.set(0, 1, 0.1, 0.5, 1); // x·W = 128 < ox = 280 → outside the crop
    s.set(0, 2, 0, 0.5, 1); // x ≤ 1e-6 → invalid
    s.set(0, 3, 0.6, 0.25, 0.7);
    const c = centreSquareCrop(s);
    expect(c.meta.width).toBe(720);
    expect([c.x(0, 0), c.y(0, 0), c.c(0, 0)]).toEqual([0.5, 0.5, 1]);
    expect([c.x(0, 1), c.y(0, 1), c.c(0, 1)]).toEqual([0, 0, 0]);
    expect(c.c(0, 2)).toBe(0);
    expect(c.x(0, 3)).toBeCloseTo((0.6 * 1280 - 280) / 720, 6);
    const back = uncropSquare(c, 1280, 720);
    expect(back.x(0, 3)).toBeCloseTo(0.6, 6);
    expect(back.y(0, 3)).toBeCloseTo(0.25, 6);
  });

  it('shoulder units put mid-shoulders at 0 and make shoulder width 1', () => {
    const s = seqOf(2);
    s.set(0, BODY.rShoulder, 0.4, 0.5, 1);
    s.set(0, BODY.lShoulder, 0.6, 0.5, 1);
    s.set(1, BODY.rShoulder, 0.4, 0.5, 1);
    s.set(1, BODY.lShoulder, 0.6, 0.5, 1);
    const u = toShoulderUnits(s);
    expect(u[BODY.rShoulder * 3]).toBeCloseTo(-0.5, 6);
    expect(u[BODY.lShoulder * 3]).toBeCloseTo(0.5, 6);
    const none = PoseSequence.empty({ id: 'none', fps: 24, width: 10, height: 10 }, 1);
    expect(() => toShoulderUnits(none)).toThrow(/none: no frame has both shoulders/);
  });

  it('resample: repeat copies source frames, linear interpolates present points only', () => {
    const s = seqOf(4);
    const r = resample(s, 8, 'repeat');
    expect(r.frames).toBe(8);
    expect(Array.from(r.frame(1))).toEqual(Array.from(s.frame(0)));
    expect(r.meta.fps).toBe(48);
    const l = resample(s, 7, 'linear');
    expect(l.x(1, 0)).toBeCloseTo((s.x(0, 0) + s.x(1, 0)) / 2, 6);
    const gap = seqOf(2);
    gap.set(1, 5, 0, 0, 0);
    const g = resample(gap, 3, 'linear');
    expect(g.x(1, 5)).toBe(gap.x(1, 5)); // midpoint: nearer neighbour (rounds up) where one side is missing
    expect(() => resample(s, 0)).toThrow(/positive integer/);
  });

  it('resample keeps frame count and bounds for any sizes (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 60 }), fc.constantFrom('repeat', 'linear'), (T, n, m) => {
      const r = resample(seqOf(T), n, m as 'repeat' | 'linear');
      expect(r.frames).toBe(n);
      expect(r.data.length).toBe(n * FRAME_STRIDE);
      expect(r.data.every(Number.isFinite)).toBe(true);
    }), { numRuns: 100 });
  });
});
