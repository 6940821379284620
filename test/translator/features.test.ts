import { describe, expect, it } from 'vitest';
import { PoseSequence } from '../../pose/sequence.js';
import { BODY, FRAME_STRIDE, POINTS } from '../../pose/skeleton.js';
import { extractFeatures, FEATURE_DIM, FEATURE_STRIDE, TranslatorInputError } from '../../translator/features.js';

/** A sequence with every point present, the neck at (cx, cy) and shoulders ±sw/2 around it (pixels). */
function makeSeq(frames: number, opts: { width?: number; height?: number; cx?: number; cy?: number; sw?: number; move?: number } = {}) {
  const width = opts.width ?? 640, height = opts.height ?? 480;
  const cx = opts.cx ?? 320, cy = opts.cy ?? 200, sw = opts.sw ?? 100, move = opts.move ?? 0;
  const seq = PoseSequence.empty({ id: 'synthetic', fps: 24, width, height }, frames);
  for (let t = 0; t < frames; t++) {
    for (let p = 0; p < POINTS; p++) {
      // Points spread on a fixed pattern in shoulder units, hands moving with t.
      const ux = ((p * 37) % 11) / 5 - 1 + (p >= 86 ? move * t : 0);
      const uy = ((p * 53) % 13) / 6 - 1;
      seq.set(t, p, (cx + ux * sw) / width, (cy + uy * sw) / height, 0.9);
    }
    seq.set(t, BODY.neck, cx / width, cy / height, 1);
    seq.set(t, BODY.rShoulder, (cx - sw / 2) / width, cy / height, 1);
    seq.set(t, BODY.lShoulder, (cx + sw / 2) / width, cy / height, 1);
  }
  return seq;
}

describe('extractFeatures', () => {
  it('pools frames with the default stride and has the documented layout', () => {
    expect(FEATURE_STRIDE).toBe(4);
    const f = extractFeatures(makeSeq(9));
    expect(f.rows).toBe(3);
    expect(extractFeatures(makeSeq(9), { stride: 2 }).rows).toBe(5);
    expect(f.dim).toBe(FEATURE_DIM);
    expect(f.data.length).toBe(3 * FEATURE_DIM);
    // Neck at the origin, right shoulder at x = -0.5 shoulder widths, every validity flag 1.
    expect(f.data[BODY.neck]).toBeCloseTo(0, 6);
    expect(f.data[POINTS + BODY.neck]).toBeCloseTo(0, 6);
    expect(f.data[BODY.rShoulder]).toBeCloseTo(-0.5, 5);
    for (let p = 0; p < POINTS; p++) expect(f.data[2 * POINTS + p]).toBe(1);
  });

  it('is invariant to translation, scale and resolution of the camera', () => {
    const a = extractFeatures(makeSeq(6, { move: 0.05 }));
    const b = extractFeatures(makeSeq(6, { width: 1920, height: 1080, cx: 900, cy: 500, sw: 260, move: 0.05 }));
    expect(a.rows).toBe(b.rows);
    for (let i = 0; i < a.data.length; i++) expect(b.data[i]).toBeCloseTo(a.data[i], 4);
  });

  it('gives velocities of moving points and zero for still ones', () => {
    const f = extractFeatures(makeSeq(4, { move: 0.1 }), { stride: 1 });
    const hand = 100; // a right-hand point
    expect(f.data[FEATURE_DIM + 3 * POINTS + hand]).toBeCloseTo(4 * 0.1, 4);
    expect(f.data[FEATURE_DIM + 3 * POINTS + BODY.nose]).toBeCloseTo(0, 6);
    expect(f.data[3 * POINTS + hand]).toBe(0); // frame 0 has no previous frame
  });

  it('zeroes missing points and their validity, and survives a missing neck', () => {
    const seq = makeSeq(2);
    seq.set(0, 100, 0.9, 0.9, 0);
    seq.set(1, BODY.neck, 0, 0, 0); // frame 1 falls back to the sequence's median reference
    const f = extractFeatures(seq, { stride: 1 });
    expect(f.data[100]).toBe(0);
    expect(f.data[POINTS + 100]).toBe(0);
    expect(f.data[2 * POINTS + 100]).toBe(0);
    expect(f.data[3 * POINTS + 100 + FEATURE_DIM]).toBe(0); // no velocity across a missing point
    expect(f.data[FEATURE_DIM + BODY.rShoulder]).toBeCloseTo(-0.5, 5);
    for (const v of f.data) expect(Number.isFinite(v)).toBe(true);
  });

  it('clips wild outliers', () => {
    const seq = makeSeq(1);
    seq.set(0, 50, 1e6, -1e6, 1);
    const f = extractFeatures(seq);
    expect(Math.abs(f.data[50])).toBeLessThanOrEqual(8);
    expect(Math.abs(f.data[POINTS + 50])).toBeLessThanOrEqual(8);
  });

  it('bounds the number of rows of very long sequences', () => {
    const f = extractFeatures(makeSeq(100), { maxRows: 16 });
    expect(f.rows).toBe(16);
  });

  it('rejects an empty sequence and one with all points missing, naming the sequence', () => {
    expect(() => extractFeatures(PoseSequence.empty({ id: 'clip7', fps: 24, width: 10, height: 10 }, 0))).toThrow(/clip7: .*empty/);
    expect(() => extractFeatures(PoseSequence.empty({ id: 'clip8', fps: 24, width: 10, height: 10 }, 5))).toThrow(TranslatorInputError);
    expect(() => extractFeatures(PoseSequence.empty({ id: 'clip8', fps: 24, width: 10, height: 10 }, 5))).toThrow(/all points are missing/);
    const nan = makeSeq(2);
    nan.data[FRAME_STRIDE + 4] = Number.NaN;
    expect(() => extractFeatures(nan)).toThrow(/non-finite/);
  });
});

describe('extractFeatures time base', () => {
  it('resamples other frame rates to 24 fps before pooling', () => {
    const at24 = makeSeq(48, { move: 0.02 });
    const at12 = PoseSequence.empty({ ...at24.meta, fps: 12 }, 24);
    for (let t = 0; t < 24; t++) at12.data.set(at24.frame(2 * t), t * FRAME_STRIDE);
    const a = extractFeatures(at24);
    const b = extractFeatures(at12);
    expect(b.rows).toBe(a.rows);
    expect(extractFeatures(at12, { fps: 0 }).rows).toBe(6);
  });
});
