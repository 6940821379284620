import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { parseDwposeFrameNpy, parseDwposeFrameNpz } from '../../pose/formats/dwpose-npz.js';
import { encodeNpy, type NpyArray } from '../../pose/npy.js';
import { NumpyScalar, type PickleInput } from '../../pose/pickle.js';
import { PARTS } from '../../pose/skeleton.js';
import { writeZip } from '../../pose/zip.js';
import { describeShared, sharedPath } from '../shared.js';
import { f4, person } from './helpers.js';

const DIR = ['fixtures', 'dwpose-frame'] as const;
const objectNpy = (v: PickleInput) => encodeNpy({ dtype: 'O', shape: [], data: [v] } as unknown as NpyArray);

describeShared([...DIR], 'DWPose frame fixtures', () => {
  const base = sharedPath(...DIR, 'human_signer_00000001');
  const json = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { num_persons: number; person_0: Record<string, number[] | number[][]> };

  for (const ext of ['npy', 'npz'] as const) {
    it(`reads the .${ext} frame (person-centric, float64) and matches the JSON`, () => {
      const bytes = new Uint8Array(readFileSync(`${base}.${ext}`));
      const s = ext === 'npy' ? parseDwposeFrameNpy(bytes, `f.${ext}`) : parseDwposeFrameNpz(bytes, `f.${ext}`);
      expect(s.frames).toBe(1);
      expect(s.people[0]).toBe(1);
      expect(s.meta.id).toBe('f');
      const p = json.person_0;
      const parts: [string, number, boolean][] = [['body', PARTS.body.start, true], ['face', PARTS.face.start, false], ['left_hand', PARTS.leftHand.start, false], ['right_hand', PARTS.rightHand.start, false]];
      for (const [name, start, subset] of parts) {
        const kp = p[`${name}_keypoints`] as number[][];
        const sc = p[`${name}_scores`] as number[];
        kp.forEach(([x, y], i) => {
          expect(s.x(0, start + i)).toBe(Math.fround(x));
          expect(s.y(0, start + i)).toBe(Math.fround(y));
          expect(s.c(0, start + i)).toBe(subset ? (sc[i] >= 0 ? 1 : 0) : Math.fround(sc[i]));
        });
      }
      // body scores [0..8, -1, -1, 11, -1, -1, 14..17]
      expect([9, 10, 12, 13].map((j) => s.c(0, j))).toEqual([0, 0, 0, 0]);
    });
  }
});

describe('DWPose frame layouts', () => {
  it('reads flat per-frame npz payloads (pipeline --per-frame-npz)', () => {
    const entries: [string, PickleInput][] = person('person_000', 0);
    const zip = writeZip([
      { name: 'num_persons.npy', data: encodeNpy({ dtype: 'i4', shape: [], data: Int32Array.of(1) }) },
      { name: 'frame_width.npy', data: encodeNpy({ dtype: 'i4', shape: [], data: Int32Array.of(1920) }) },
      { name: 'frame_height.npy', data: encodeNpy({ dtype: 'i4', shape: [], data: Int32Array.of(1080) }) },
      ...entries.map(([k, v]) => ({ name: `${k}.npy`, data: encodeNpy(toNpy(v)) })),
    ]);
    const s = parseDwposeFrameNpz(zip, '00000001.npz');
    expect([s.meta.width, s.meta.height]).toEqual([1920, 1080]);
    expect(s.x(0, PARTS.rightHand.start)).toBeCloseTo(0.4, 6);
  });

  it('reads the old DWPose dict (bodies / hands / faces)', () => {
    const d = new Map<string, PickleInput>([
      ['bodies', f4([18, 2], Array.from({ length: 36 }, (_, i) => i / 100))],
      ['body_scores', f4([1, 18], Array.from({ length: 18 }, (_, j) => (j === 2 ? -1 : j)))],
      ['hands', f4([2, 21, 2], Array.from({ length: 84 }, (_, i) => i / 1000))],
      ['hands_scores', f4([2, 21], Array.from({ length: 42 }, (_, i) => i / 100))],
      ['faces', f4([1, 68, 2], new Array(136).fill(0.5))],
      ['faces_scores', f4([1, 68], new Array(68).fill(0.9))],
    ]);
    const s = parseDwposeFrameNpy(objectNpy(d), 'old.npy');
    expect([s.c(0, 1), s.c(0, 2)]).toEqual([1, 0]);
    expect(s.x(0, PARTS.rightHand.start)).toBe(Math.fround(42 / 1000));
    expect(s.c(0, PARTS.rightHand.start)).toBe(Math.fround(0.21));
  });

  it('reads an empty frame (num_persons 0) and rejects unknown dicts and NaN', () => {
    const empty = parseDwposeFrameNpy(objectNpy(new Map([['num_persons', new NumpyScalar('<i4', 0)]])), 'e.npy');
    expect(empty.people[0]).toBe(0);
    expect(() => parseDwposeFrameNpy(objectNpy(new Map([['foo', 1]])), 'u.npy')).toThrow(/u\.npy: no DWPose keys/);
    const nan = new Map<string, PickleInput>(person('person_000', 0, { person_000_face_scores: f4([68], new Array(68).fill(Number.NaN)) }));
    expect(() => parseDwposeFrameNpy(objectNpy(nan), 'n.npy')).toThrow(PoseFormatError);
    expect(() => parseDwposeFrameNpy(encodeNpy({ dtype: 'f4', shape: [2], data: new Float32Array(2) }), 'f.npy')).toThrow(/does not hold a pickled frame dict/);
  });
});

function toNpy(v: PickleInput): NpyArray {
  const ref = v as ReturnType<typeof f4>;
  return { dtype: 'f4', shape: ref.shape, data: new Float32Array((ref.raw as Uint8Array).slice().buffer) };
}
