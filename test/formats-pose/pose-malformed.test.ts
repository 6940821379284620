import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { PoseSequence } from '../../pose/sequence.js';
import { encodePoseFile, encodePoseFileRaw, parsePoseFile, parsePoseFileRaw, type PoseFile } from '../../pose/formats/pose-format.js';
import { describeShared, sharedPath } from '../shared.js';

function smallDwpose(frames = 2): Uint8Array {
  const seq = PoseSequence.empty({ id: 's', fps: 25, width: 640, height: 480 }, frames);
  for (let t = 0; t < frames; t++) for (let p = 0; p < 128; p++) seq.set(t, p, 0.3 + p / 1000, 0.4 + t / 100, p % 5 === 0 ? 0 : 0.8);
  return encodePoseFile(seq);
}

function oneComponent(overrides: Partial<PoseFile> = {}): PoseFile {
  return {
    version: 0.2, width: 100, height: 100, depth: 0, fps: 25, frames: 2, people: 1, dims: 2,
    components: [{ name: 'POSE_LANDMARKS', format: 'XYC', points: ['NOSE', 'LEFT_SHOULDER'], limbs: [[0, 1]], colors: [[255, 0, 0]] }],
    data: new Float32Array([10, 20, 30, 40, 50, 60, 70, 80]), confidence: new Float32Array([1, 1, 1, 0]),
    ...overrides,
  };
}

function expectPoseError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PoseFormatError);
    expect((e as Error).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected a PoseFormatError matching ${pattern}`);
}

/** A v0.0 file built byte by byte: one XYC component with `points` points, per-frame people counts. */
function v00(peoplePerFrame: number[], points = 1): Uint8Array {
  const parts: number[] = [];
  const u16 = (v: number) => parts.push(v & 255, v >> 8);
  const f32 = (v: number) => parts.push(...new Uint8Array(new Float32Array([v]).buffer));
  const str = (s: string) => { u16(s.length); for (const ch of s) parts.push(ch.charCodeAt(0)); };
  f32(0); u16(100); u16(100); u16(0); u16(1);
  str('pose_keypoints_2d'); str('XYC'); u16(points); u16(0); u16(0);
  for (let i = 0; i < points; i++) str(`P${i}`);
  u16(25); u16(peoplePerFrame.length);
  for (const n of peoplePerFrame) {
    u16(n);
    for (let p = 0; p < n; p++) { u16(p); for (let i = 0; i < points; i++) { f32(10); f32(20); f32(0.5); } }
  }
  return new Uint8Array(parts);
}

describe('malformed .pose input', () => {
  it('truncated header names the file and what is short', () => {
    const bytes = smallDwpose();
    expectPoseError(() => parsePoseFileRaw(bytes.subarray(0, 3), 'cut.pose'), /^cut\.pose: truncated: version needs 4 bytes/);
    expectPoseError(() => parsePoseFileRaw(bytes.subarray(0, 40), 'cut.pose'), /^cut\.pose: truncated: .*DWPOSE_BODY_18/);
  });

  it('truncated or padded body', () => {
    const bytes = smallDwpose();
    expectPoseError(() => parsePoseFileRaw(bytes.subarray(0, bytes.length - 4), 'b.pose'), /truncated body: 2 frames × 1 people × 256 points × \(2 coordinates \+ confidence\) × 4 bytes = 6144 bytes, only 6140 left \(4 short\)/);
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes);
    expectPoseError(() => parsePoseFileRaw(padded, 'b.pose'), /body has 8 bytes more than/);
  });

  it('wrong version', () => {
    const bytes = smallDwpose().slice();
    new DataView(bytes.buffer).setFloat32(0, 0.3, true);
    expectPoseError(() => parsePoseFileRaw(bytes, 'v.pose'), /unsupported \.pose version 0\.3/);
    new DataView(bytes.buffer).setFloat32(0, Number.NaN, true);
    expectPoseError(() => parsePoseFileRaw(bytes, 'v.pose'), /unsupported \.pose version NaN/);
  });

  it('absurd counts are refused before any allocation', () => {
    const pf = encodePoseFileRaw(oneComponent());
    const body = pf.length - (2 * 2 * 3 * 4) - 10; // offset of fps
    const frames = pf.slice();
    new DataView(frames.buffer).setUint32(body + 4, 0xffffffff, true);
    expectPoseError(() => parsePoseFileRaw(frames, 'f.pose'), /4294967295 frames, over the 1000000 limit/);
    const people = pf.slice();
    new DataView(people.buffer).setUint16(body + 8, 65535, true);
    expectPoseError(() => parsePoseFileRaw(people, 'p.pose'), /65535 people per frame, over the 64 limit/);
    const comps = pf.slice();
    new DataView(comps.buffer).setUint16(10, 65535, true);
    expectPoseError(() => parsePoseFileRaw(comps, 'c.pose'), /truncated/);
    const pts = pf.slice();
    // name "POSE_LANDMARKS" (2+14) and format "XYC" (2+3) follow the component count at 12.
    new DataView(pts.buffer).setUint16(12 + 16 + 5, 65535, true);
    expectPoseError(() => parsePoseFileRaw(pts, 'n.pose'), /truncated: component 0 \(POSE_LANDMARKS\): 65535 point names/);
    expectPoseError(() => parsePoseFileRaw(pf, 'l.pose', { maxBytes: 10, maxFrames: 10, maxEntries: 10, maxPeople: 1 }), /over the 10-byte limit/);
  });

  it('limbs outside the component are refused', () => {
    const bytes = encodePoseFileRaw(oneComponent({ components: [{ name: 'X', format: 'XYC', points: ['a', 'b'], limbs: [[0, 7]], colors: [] }] }));
    expectPoseError(() => parsePoseFileRaw(bytes, 'limb.pose'), /limb 0 \(0, 7\) is outside its 2 points/);
  });

  it('v0.0: per-frame people, bounds and allocation', () => {
    const ok = parsePoseFileRaw(v00([1, 0, 2]), 'v0.pose');
    expect([ok.version, ok.frames, ok.people, ok.dims]).toEqual([0, 3, 2, 2]);
    expect(Array.from(ok.peoplePerFrame ?? [])).toEqual([1, 0, 2]);
    expect(Array.from(ok.personIds ?? [])).toEqual([0, -1, -1, -1, 0, 1]);
    expect(Array.from(ok.confidence)).toEqual([0.5, 0, 0, 0, 0.5, 0.5]);
    const cut = v00([1, 1]);
    expectPoseError(() => parsePoseFileRaw(cut.subarray(0, cut.length - 1), 'v0.pose'), /truncated: frame 1: 1 people × 14 bytes/);
    expectPoseError(() => parsePoseFileRaw(v00([65]), 'v0.pose'), /frame 0: 65 people, over the 64 limit/);
    // 60 000 empty frames and one with 64 people would need 60 001 × 64 dense slots from a ~120 kB file.
    expectPoseError(() => parsePoseFileRaw(v00([...new Array(60000).fill(0), 64], 40), 'big.pose'), /refusing/);
  });

  it('NaN: in a present point, in a confidence, anywhere in our own layout', () => {
    const nanPresent = oneComponent();
    nanPresent.data[0] = Number.NaN;
    expectPoseError(() => parsePoseFile(encodePoseFileRaw(nanPresent), 'nan.pose'), /non-finite coordinates \(NaN, 20\) at frame 0, point 0/);
    const nanConf = oneComponent();
    nanConf.confidence[1] = Number.NaN;
    expectPoseError(() => parsePoseFile(encodePoseFileRaw(nanConf), 'nan.pose'), /non-finite confidence NaN at frame 0, point 1/);
    const nanMasked = oneComponent();
    nanMasked.data[6] = Number.NaN; // frame 1, point 1 has confidence 0: masked, becomes 0
    const seq = parsePoseFile(encodePoseFileRaw(nanMasked), 'nan.pose');
    expect(seq.x(1, 5)).toBe(0);
    expect(seq.c(1, 5)).toBe(0);
    const own = parsePoseFileRaw(smallDwpose(), 'own.pose');
    own.data[(128 + 5) * 2] = Number.NaN; // the hidden exact copy of point 5
    expectPoseError(() => parsePoseFile(encodePoseFileRaw(own), 'own.pose'), /non-finite value at frame 0, point 5/);
  });

  it('zero frame size or fps cannot be normalised', () => {
    expectPoseError(() => parsePoseFile(encodePoseFileRaw(oneComponent({ width: 0 })), 'z.pose'), /frame size 0×100/);
    expectPoseError(() => parsePoseFile(encodePoseFileRaw(oneComponent({ fps: 0 })), 'z.pose'), /fps must be a number from 0\.1 to 1000, got 0/);
  });

  it('edge cases: no person slots, zero frames, several people (first present person, people counted)', () => {
    const none = parsePoseFile(encodePoseFileRaw(oneComponent({ people: 0, data: new Float32Array(0), confidence: new Float32Array(0) })), 'none.pose');
    expect([none.frames, none.maxPeople, none.c(0, 5)]).toEqual([2, 0, 0]);
    const many = oneComponent({ people: 0, frames: 1_000_000, data: new Float32Array(0), confidence: new Float32Array(0) });
    expectPoseError(() => parsePoseFile(encodePoseFileRaw(many), 'many.pose'), /1000000 frames would need 1536000000 bytes of memory for a \d+-byte file; refusing/);
    const empty = parsePoseFile(encodePoseFile(PoseSequence.empty({ id: 'z', fps: 25, width: 10, height: 10 }, 0)), 'zero.pose');
    expect(empty.frames).toBe(0);
    // 2 frames × 2 people × 2 points: frame 0 has both people, frame 1 only the second.
    const two = oneComponent({
      people: 2,
      data: new Float32Array([10, 20, 30, 40, 11, 21, 31, 41, 0, 0, 0, 0, 12, 22, 32, 42]),
      confidence: new Float32Array([1, 1, 0.5, 0.5, 0, 0, 0.25, 0.25]),
    });
    const seq = parsePoseFile(encodePoseFileRaw(two), 'two.pose');
    expect(Array.from(seq.people)).toEqual([2, 1]);
    expect([seq.x(0, 5), seq.c(0, 5)]).toEqual([Math.fround(0.3), 1]); // person 0 (LEFT_SHOULDER → body 5)
    expect([seq.x(1, 5), seq.c(1, 5)]).toEqual([Math.fround(0.32), 0.25]); // person 1, the only one present
  });

  it('header only (.poseheader)', () => {
    const bytes = smallDwpose();
    const headerEnd = bytes.length - (2 * 256 * 3 * 4) - 10; // 128 points + the hidden exact copy
    const h = parsePoseFileRaw(bytes.subarray(0, headerEnd), 'x.poseheader', undefined, { headerOnly: true });
    expect(h.components.map((c) => c.points.length)).toEqual([18, 68, 21, 21, 128]);
    expect([h.width, h.height, h.frames]).toEqual([640, 480, 0]);
  });
});

describeShared(['fixtures', 'pose-format'], 'fuzz: mutated .pose bytes only ever raise PoseFormatError', () => {
  // Small bases of every version: our v0.2 writer's output, a v0.1 header with 2 frames, a v0.0 header with 2 frames.
  const bases: Uint8Array[] = [smallDwpose()];
  const v01 = new Uint8Array(readFileSync(sharedPath('fixtures', 'pose-format', 'src_python_tests_data_mediapipe_hand_normalized.pose')));
  // 170 frames × 1 × 21 × 3 data floats, then 170 × 21 confidences: keep frames 0-1 of both.
  const dataStart = 566 + 6;
  const v01Small = new Uint8Array(dataStart + 2 * 21 * 4 * 4);
  v01Small.set(v01.subarray(0, dataStart + 2 * 21 * 3 * 4));
  v01Small.set(v01.subarray(dataStart + 170 * 21 * 3 * 4, dataStart + 170 * 21 * 3 * 4 + 2 * 21 * 4), dataStart + 2 * 21 * 3 * 4);
  new DataView(v01Small.buffer).setUint16(566 + 2, 2, true);
  bases.push(v01Small);
  const v0 = new Uint8Array(readFileSync(sharedPath('fixtures', 'pose-format', 'src_python_tests_data_openpose.pose')));
  const v0Small = v0.slice(0, 1919 + 4 + 2 * (2 + 2 + 137 * 3 * 4));
  new DataView(v0Small.buffer).setUint16(1919 + 2, 2, true);
  bases.push(v0Small);

  it('the bases parse', () => {
    for (const b of bases) expect(parsePoseFile(b, 'base.pose').frames).toBe(2);
  });

  it('thousands of mutations', () => {
    let parsed = 0;
    let refused = 0;
    fc.assert(fc.property(
      fc.integer({ min: 0, max: bases.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.option(fc.nat(), { nil: undefined }),
      (which, edits, cut) => {
        const base = bases[which];
        // Bias half of the edits into the header, where counts live.
        const bytes = base.slice(0, cut === undefined ? base.length : cut % (base.length + 1));
        for (const [pos, v] of edits) if (bytes.length > 0) bytes[(pos % 2 === 0 ? pos % Math.min(bytes.length, 600) : pos % bytes.length)] = v;
        try {
          parsePoseFile(bytes, 'fuzz.pose');
          parsed++;
        } catch (e) {
          if (!(e instanceof PoseFormatError)) throw e;
          expect(e.message.startsWith('fuzz.pose: ')).toBe(true);
          refused++;
        }
      }), { numRuns: 3000 });
    expect(parsed).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
