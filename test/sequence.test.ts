import { describe, expect, it } from 'vitest';
import { FRAME_STRIDE, MIRROR_INDEX, POINTS, PARTS, PoseFormatError, PoseSequence } from '../pose/index.js';

describe('PoseSequence', () => {
  it('stores 128 points × (x, y, c) per frame in one Float32Array', () => {
    const s = PoseSequence.empty({ id: 'a', fps: 24, width: 640, height: 480 }, 3);
    expect(s.frames).toBe(3);
    expect(s.data.length).toBe(3 * 128 * 3);
    expect(FRAME_STRIDE).toBe(384);
    s.set(1, 4, 0.25, 0.5, 1);
    expect([s.x(1, 4), s.y(1, 4), s.c(1, 4)]).toEqual([0.25, 0.5, 1]);
    expect(s.frame(1)[4 * 3 + 1]).toBe(0.5);
    expect(s.maxPeople).toBe(0);
  });

  it('infers people per frame from confidences when not given', () => {
    const d = new Float32Array(2 * FRAME_STRIDE);
    d[FRAME_STRIDE + 2] = 0.9;
    const s = new PoseSequence({ id: 'b', fps: 25, width: 1, height: 1 }, d);
    expect(Array.from(s.people)).toEqual([0, 1]);
  });

  it('slices and clones without sharing memory', () => {
    const s = PoseSequence.empty({ id: 'c', fps: 24, width: 10, height: 10 }, 4);
    s.set(2, 0, 1, 2, 3);
    const t = s.slice(2, 3);
    expect(t.frames).toBe(1);
    expect(t.x(0, 0)).toBe(1);
    t.set(0, 0, 9, 9, 9);
    expect(s.x(2, 0)).toBe(1);
  });

  it('rejects a wrong data length and non-finite values with the file named', () => {
    expect(() => new PoseSequence({ id: 'bad', fps: 24, width: 1, height: 1 }, new Float32Array(5))).toThrow(PoseFormatError);
    const s = PoseSequence.empty({ id: 'nan', fps: 24, width: 1, height: 1 }, 2);
    s.set(1, 3, NaN, 0, 1);
    expect(() => s.validate('x.pose')).toThrow(/x\.pose: non-finite value NaN at frame 1, point 3/);
    expect(() => PoseSequence.empty({ id: 'z', fps: 0, width: 1, height: 1 }, 1).validate()).toThrow(/fps/);
  });

  it('mirror map is an involution that swaps hands and body sides', () => {
    for (let i = 0; i < POINTS; i++) expect(MIRROR_INDEX[MIRROR_INDEX[i]]).toBe(i);
    expect(MIRROR_INDEX[2]).toBe(5);
    expect(MIRROR_INDEX[PARTS.leftHand.start + 7]).toBe(PARTS.rightHand.start + 7);
    expect(MIRROR_INDEX[PARTS.face.start + 30]).toBe(PARTS.face.start + 30); // nose tip stays
  });
});
