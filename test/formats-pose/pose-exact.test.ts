import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoseSequence } from '../../pose/sequence.js';
import { FRAME_STRIDE } from '../../pose/skeleton.js';
import {
  DWPOSE_COMPONENTS, encodePoseFile, EXACT_COMPONENT, FRAME_SIZE_MARKER, parsePoseFile, parsePoseFileRaw,
} from '../../pose/formats/pose-format.js';

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const anyFloat32 = fc.float({ noNaN: true, noDefaultInfinity: true });
const realistic = fc.float({ min: Math.fround(-0.5), max: Math.fround(1.5), noNaN: true });
const frameSize = fc.oneof(
  fc.integer({ min: 1, max: 65535 }),
  fc.constantFrom(1280, 720, 1920, 1080, 500, 512, 210, 260, 3840, 2160),
  fc.double({ min: 0.5, max: 1e6, noNaN: true }), // not a uint16 integer: the marker keeps it
);

function sequenceArb(values: fc.Arbitrary<number>) {
  return fc.record({
    frames: fc.integer({ min: 1, max: 3 }),
    width: frameSize,
    height: frameSize,
    fps: fc.constantFrom(24, 25, 29.97, 30, 50),
    seed: fc.array(values, { minLength: 64, maxLength: 64 }),
    conf: fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 16, maxLength: 16 }),
    salt: fc.integer({ min: 0, max: 1000 }),
  }).map(({ frames, width, height, fps, seed, conf, salt }) => {
    const data = new Float32Array(frames * FRAME_STRIDE);
    for (let i = 0; i < data.length; i++) {
      data[i] = (i % 3 === 2) ? conf[(i * 7 + salt) % conf.length] : seed[(i * 13 + salt) % seed.length];
    }
    return new PoseSequence({ id: 'prop', fps, width, height }, data);
  });
}

describe('DWPose-128 .pose: exact round trips', () => {
  it('every float32 coordinate and confidence comes back bit for bit (random values, random frame sizes)', () => {
    fc.assert(fc.property(sequenceArb(fc.oneof(anyFloat32, realistic)), (seq) => {
      const back = parsePoseFile(encodePoseFile(seq), 'prop.pose');
      expect(sameBits(back.data, seq.data)).toBe(true);
      expect([back.meta.width, back.meta.height]).toEqual([seq.meta.width, seq.meta.height]);
      expect(back.meta.fps).toBe(seq.meta.fps);
      expect(back.frames).toBe(seq.frames);
    }), { numRuns: 300 });
  });

  it('realistic data (pixels ÷ frame size) stays a plain .pose in pixels of the real frame', () => {
    fc.assert(fc.property(
      fc.integer({ min: 16, max: 4096 }), fc.integer({ min: 16, max: 4096 }),
      fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { minLength: 2 * 128, maxLength: 2 * 128 }),
      (w, h, u) => {
        const seq = PoseSequence.empty({ id: 'r', fps: 24, width: w, height: h }, 1);
        for (let p = 0; p < 128; p++) seq.set(0, p, Math.fround(Math.fround(u[2 * p] * w) / w), Math.fround(Math.fround(u[2 * p + 1] * h) / h), 0.5);
        const bytes = encodePoseFile(seq);
        const raw = parsePoseFileRaw(bytes, 'r.pose');
        expect(raw.components.map((c) => c.name)).toEqual([...DWPOSE_COMPONENTS]);
        expect([raw.width, raw.height, raw.version, raw.dims]).toEqual([w, h, 0.2, 2]);
        // Pixels are within 2 ulps of x·W: a viewer draws them where they belong.
        for (let p = 0; p < 128; p++) expect(Math.abs(raw.data[p * 2] - seq.x(0, p) * w)).toBeLessThanOrEqual(Math.max(1e-9, w * 1e-6));
        expect(sameBits(parsePoseFile(bytes, 'r.pose').data, seq.data)).toBe(true);
      }), { numRuns: 200 });
  });

  it('values that cannot come back from pixels get a hidden exact copy; the header keeps the real size', () => {
    // x with a large mantissa at W = 1280 (mantissa 1.25): float32(x·1280) is coarser than x.
    const seq = PoseSequence.empty({ id: 'm', fps: 24, width: 1280, height: 720 }, 2);
    for (let t = 0; t < 2; t++) for (let p = 0; p < 128; p++) seq.set(t, p, Math.fround(0.9999 - p * 1e-7), Math.fround(0.99 - p * 3e-8), t === 0 ? 1 : 0.5);
    const bytes = encodePoseFile(seq);
    const raw = parsePoseFileRaw(bytes, 'm.pose');
    expect([raw.width, raw.height]).toEqual([1280, 720]);
    expect(raw.components.map((c) => [c.name, c.points.length])).toEqual([
      ['DWPOSE_BODY_18', 18], ['DWPOSE_FACE_68', 68], ['DWPOSE_LEFT_HAND_21', 21], ['DWPOSE_RIGHT_HAND_21', 21], [EXACT_COMPONENT, 128],
    ]);
    // Hidden: every point of the exact copy has confidence 0 (masked for pose-format readers and pose-viewer).
    for (let t = 0; t < 2; t++) for (let p = 128; p < 256; p++) expect(raw.confidence[t * 256 + p]).toBe(0);
    // The visible pixels are still where they belong.
    expect(raw.data[0]).toBeCloseTo(0.9999 * 1280, 2);
    const back = parsePoseFile(bytes, 'm.pose');
    expect([back.meta.width, back.meta.height]).toEqual([1280, 720]);
    expect(sameBits(back.data, seq.data)).toBe(true);
  });

  it('huge values and a frame size that is not a uint16 integer still come back', () => {
    const seq = PoseSequence.empty({ id: 'h', fps: 25, width: 640.5, height: 70000 }, 1);
    seq.set(0, 0, 3e38, -3e38, 1);
    seq.set(0, 1, 1e-45, -1e-45, 0);
    const bytes = encodePoseFile(seq);
    const raw = parsePoseFileRaw(bytes, 'h.pose');
    expect([raw.width, raw.height]).toEqual([641, 65535]);
    expect(raw.components.at(-1)).toMatchObject({ name: `${FRAME_SIZE_MARKER}640.5x70000`, points: [] });
    expect(Array.from(raw.data).every(Number.isFinite)).toBe(true);
    const back = parsePoseFile(bytes, 'h.pose');
    expect(sameBits(back.data, seq.data)).toBe(true);
    expect([back.meta.width, back.meta.height]).toEqual([640.5, 70000]);
  });

  it('keeps per-frame emptiness and rejects non-finite input', () => {
    const seq = PoseSequence.empty({ id: 'e', fps: 25, width: 100, height: 100 }, 3);
    seq.set(1, 5, 0.5, 0.5, 0.9);
    const back = parsePoseFile(encodePoseFile(seq), 'e.pose');
    expect(Array.from(back.people)).toEqual([0, 1, 0]);
    seq.set(2, 3, Number.NaN, 0, 1);
    expect(() => encodePoseFile(seq)).toThrow(/non-finite/);
  });
});
