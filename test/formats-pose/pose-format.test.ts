import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { BODY, PARTS } from '../../pose/skeleton.js';
import {
  DWPOSE_COMPONENTS, encodePoseFileRaw, parsePoseFile, parsePoseFileRaw, readPoseFile,
} from '../../pose/formats/pose-format.js';
import { describeShared, sharedPath } from '../shared.js';

const F = PARTS.face.start;
const LH = PARTS.leftHand.start;
const RH = PARTS.rightHand.start;

function load(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath(...parts)));
}

/** Spot values read by hand from the files (hexdump / an independent struct-based dump), frame t, point k raw. */
const FIXTURES: {
  file: string; version: number; frames: number; fps: number; width: number; height: number; layout: string;
  components: string[]; raw: { t: number; k: number; x: number; y: number; c: number };
}[] = [
  { file: 'autsl_signer0_sample1000.pose', version: 0.1, frames: 43, fps: 30, width: 512, height: 512, layout: 'holistic',
    components: ['POSE_LANDMARKS', 'FACE_LANDMARKS', 'LEFT_HAND_LANDMARKS', 'RIGHT_HAND_LANDMARKS'],
    raw: { t: 3, k: 0, x: 287.77142333984375, y: 222.20652770996094, c: 1 } },
  { file: 'phoenix14t_test_25October_2010_Monday_tagesschau-17.pose', version: 0.1, frames: 86, fps: 25, width: 210, height: 260,
    layout: 'holistic', components: ['POSE_LANDMARKS', 'FACE_LANDMARKS', 'LEFT_HAND_LANDMARKS', 'RIGHT_HAND_LANDMARKS'],
    raw: { t: 3, k: 0, x: 108.96748352050781, y: 60.32854461669922, c: 1 } },
  { file: 'src_js_pose_viewer_example_example.pose', version: 0.1, frames: 66, fps: 24, width: 1000, height: 1000, layout: 'openpose137',
    components: ['pose_keypoints_2d', 'face_keypoints_2d', 'hand_left_keypoints_2d', 'hand_right_keypoints_2d'],
    raw: { t: 3, k: 0, x: 754.1776733398438, y: 293.57183837890625, c: 0.8744289875030518 } },
  { file: 'src_js_pose_viewer_src_sample-data_example.pose', version: 0.2, frames: 97, fps: 25, width: 320, height: 240, layout: 'holistic',
    components: ['POSE_LANDMARKS', 'FACE_LANDMARKS', 'LEFT_HAND_LANDMARKS', 'RIGHT_HAND_LANDMARKS', 'POSE_WORLD_LANDMARKS'],
    raw: { t: 3, k: 0, x: 162.83840942382812, y: 63.69689178466797, c: 0.998727023601532 } },
  { file: 'src_python_tests_data_hand_estimation_6fb01565da31c5500d1ef2cd2906b06b.pose', version: 0.2, frames: 5, fps: 25, width: 640,
    height: 360, layout: 'holistic',
    components: ['POSE_LANDMARKS', 'FACE_LANDMARKS', 'LEFT_HAND_LANDMARKS', 'RIGHT_HAND_LANDMARKS', 'POSE_WORLD_LANDMARKS'],
    raw: { t: 3, k: 0, x: 359.5865173339844, y: 74.69776153564453, c: 0.9998052716255188 } },
  { file: 'src_python_tests_data_mediapipe.pose', version: 0.1, frames: 170, fps: 24, width: 1250, height: 1250, layout: 'holistic',
    components: ['POSE_LANDMARKS', 'FACE_LANDMARKS', 'LEFT_HAND_LANDMARKS', 'RIGHT_HAND_LANDMARKS'],
    raw: { t: 3, k: 0, x: 879.6834106445312, y: 651.42529296875, c: 0.997881293296814 } },
  { file: 'src_python_tests_data_mediapipe_hand_normalized.pose', version: 0.1, frames: 170, fps: 24, width: 223, height: 229,
    layout: 'holistic', components: ['RIGHT_HAND_LANDMARKS'],
    raw: { t: 9, k: 0, x: 113.25178527832031, y: 228.9213104248047, c: 1 } },
  { file: 'src_python_tests_data_mediapipe_long.pose', version: 0.1, frames: 278, fps: 24, width: 1250, height: 1250, layout: 'holistic',
    components: ['POSE_LANDMARKS', 'FACE_LANDMARKS', 'LEFT_HAND_LANDMARKS', 'RIGHT_HAND_LANDMARKS'],
    raw: { t: 3, k: 0, x: 879.6834106445312, y: 651.42529296875, c: 0.997881293296814 } },
  // v0.0: hexdump at 0x77f: 1800 5d00 0100 ffff → fps 24, 93 frames, 1 person, id -1, then Nose x, y, c.
  { file: 'src_python_tests_data_openpose.pose', version: 0, frames: 93, fps: 24, width: 1000, height: 1000, layout: 'openpose137',
    components: ['pose_keypoints_2d', 'face_keypoints_2d', 'hand_left_keypoints_2d', 'hand_right_keypoints_2d'],
    raw: { t: 0, k: 0, x: 158.32899475097656, y: 70.61470031738281, c: 0.9010639786720276 } },
];

describeShared(['fixtures', 'pose-format'], 'pose-format fixtures (real files)', () => {
  it('covers every file in fixtures/pose-format', () => {
    const files = readdirSync(sharedPath('fixtures', 'pose-format')).filter((f) => f.endsWith('.pose')).sort();
    expect(files).toEqual(FIXTURES.map((f) => f.file).sort());
  });

  for (const fx of FIXTURES) {
    it(`${fx.file}: v${fx.version}, ${fx.frames} frames, ${fx.fps} fps, ${fx.width}×${fx.height}`, () => {
      const bytes = load('fixtures', 'pose-format', fx.file);
      const raw = parsePoseFileRaw(bytes, fx.file);
      expect(raw.version).toBe(fx.version);
      expect(raw.frames).toBe(fx.frames);
      expect(raw.fps).toBe(fx.fps);
      expect([raw.width, raw.height]).toEqual([fx.width, fx.height]);
      expect(raw.components.map((c) => c.name)).toEqual(fx.components);
      const points = raw.components.reduce((s, c) => s + c.points.length, 0);
      const k = (fx.raw.t * raw.people) * points + fx.raw.k;
      expect(raw.data[k * raw.dims]).toBe(fx.raw.x);
      expect(raw.data[k * raw.dims + 1]).toBe(fx.raw.y);
      expect(raw.confidence[k]).toBe(fx.raw.c);

      const seq = parsePoseFile(bytes, fx.file);
      expect(seq.frames).toBe(fx.frames);
      expect(seq.meta.fps).toBe(fx.fps);
      expect([seq.meta.width, seq.meta.height]).toEqual([fx.width, fx.height]);
      expect(seq.meta.source).toBe(`pose:${fx.layout}`);
      expect(seq.meta.id).toBe(fx.file.replace(/\.pose$/, ''));
      seq.validate();
    });
  }

  it('v0.0 OpenPose: BODY_25 maps to body 18 and pixels are divided by the header size', () => {
    const seq = parsePoseFile(load('fixtures', 'pose-format', 'src_python_tests_data_openpose.pose'), 'openpose.pose');
    expect(seq.x(0, BODY.nose)).toBe(Math.fround(158.32899475097656 / 1000));
    expect(seq.y(0, BODY.nose)).toBe(Math.fround(70.61470031738281 / 1000));
    expect(seq.c(0, BODY.nose)).toBe(Math.fround(0.9010639786720276));
    // Neck is BODY_25 point 1: 160.907, 127.787 (second triple of the hexdump).
    expect(seq.x(0, BODY.neck)).toBeCloseTo(0.160907, 5);
    const raw = parsePoseFileRaw(load('fixtures', 'pose-format', 'src_python_tests_data_openpose.pose'), 'openpose.pose');
    expect(Array.from(raw.peoplePerFrame ?? []).every((n) => n === 1)).toBe(true);
    expect(raw.personIds?.[0]).toBe(-1);
    // BODY_25 RHip is point 9, COCO-18 r_hip is 8: the mapping skips MidHip.
    const points = 137;
    expect(seq.x(0, BODY.rHip)).toBe(Math.fround(raw.data[9 * 2] / 1000));
    expect(seq.c(0, BODY.rHip)).toBe(raw.confidence[9]);
    expect(points).toBe(raw.components.reduce((s, c) => s + c.points.length, 0));
  });

  it('holistic: right hand wrist and signer sides come through', () => {
    const seq = parsePoseFile(load('fixtures', 'pose-format', 'src_js_pose_viewer_src_sample-data_example.pose'), 'x.pose');
    expect(seq.x(17, RH)).toBe(Math.fround(121.58383178710938 / 320));
    expect(seq.y(17, RH)).toBe(Math.fround(169.4893798828125 / 240));
    expect(seq.c(17, RH)).toBe(1);
    // MediaPipe LEFT = signer's left = image right for a signer facing the camera; DWPose keeps that convention.
    for (let t = 0; t < seq.frames; t++) {
      if (seq.c(t, BODY.lShoulder) > 0 && seq.c(t, BODY.rShoulder) > 0) expect(seq.x(t, BODY.lShoulder)).toBeGreaterThan(seq.x(t, BODY.rShoulder));
    }
    // The neck is the mid-shoulder point.
    expect(seq.x(3, BODY.neck)).toBeCloseTo((seq.x(3, BODY.lShoulder) + seq.x(3, BODY.rShoulder)) / 2, 6);
    expect(seq.c(3, BODY.neck)).toBe(Math.min(seq.c(3, BODY.lShoulder), seq.c(3, BODY.rShoulder)));
  });

  it('hand-only holistic file: NaN coordinates of masked points become 0, the rest is missing', () => {
    const seq = parsePoseFile(load('fixtures', 'pose-format', 'src_python_tests_data_mediapipe_hand_normalized.pose'), 'h.pose');
    seq.validate();
    expect(seq.c(3, RH)).toBe(0);
    expect(seq.x(3, RH)).toBe(0);
    expect(seq.x(9, RH)).toBe(Math.fround(113.25178527832031 / 223));
    for (let t = 0; t < seq.frames; t++) for (let p = 0; p < RH; p++) expect(seq.c(t, p)).toBe(0);
  });

  it('reduced holistic (8/128/21/21): contours, eyes and mouth map; the nose (not in FACEMESH_CONTOURS) is missing', () => {
    const seq = parsePoseFile(load('fixtures', 'pose-format', 'src_python_tests_data_mediapipe.pose'), 'm.pose');
    let present = 0;
    for (let t = 0; t < seq.frames; t++) {
      for (let p = 27; p <= 35; p++) expect(seq.c(t, F + p)).toBe(0);
      expect(seq.c(t, BODY.nose)).toBe(0);
      if (seq.c(t, F + 36) > 0) {
        present++;
        for (const p of [0, 8, 16, 17, 26, 36, 45, 48, 54, 62, 66]) expect(seq.c(t, F + p)).toBeGreaterThan(0);
        expect(seq.x(t, F + 36)).toBeLessThan(seq.x(t, F + 45)); // signer's right eye at image left
        expect(seq.y(t, F + 19)).toBeLessThan(seq.y(t, F + 37)); // brow above eye
        expect(seq.y(t, F + 62)).toBeLessThan(seq.y(t, F + 8)); // mouth above chin
      }
    }
    expect(present).toBeGreaterThan(100);
  });

  it('v0.2 raw write → read is exact, and byte-identical for a v0.2 file', () => {
    for (const fx of FIXTURES) {
      const bytes = load('fixtures', 'pose-format', fx.file);
      const raw = parsePoseFileRaw(bytes, fx.file);
      const again = parsePoseFileRaw(encodePoseFileRaw(raw), 'again.pose');
      expect(again.version).toBe(0.2);
      expect(again.components).toEqual(raw.components);
      expect([again.width, again.height, again.depth, again.frames, again.people, again.dims]).toEqual([raw.width, raw.height, raw.depth, raw.frames, raw.people, raw.dims]);
      expect(Buffer.from(again.data.buffer).equals(Buffer.from(raw.data.buffer))).toBe(true);
      expect(Buffer.from(again.confidence.buffer).equals(Buffer.from(raw.confidence.buffer))).toBe(true);
      if (fx.version === 0.2) expect(Buffer.from(encodePoseFileRaw(raw)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('readPoseFile reads from disk', async () => {
    const seq = await readPoseFile(sharedPath('fixtures', 'pose-format', 'src_python_tests_data_openpose.pose'));
    expect(seq.frames).toBe(93);
  });
});

describeShared(['fixtures', 'dgs-sentence'], 'DGS sentence .pose files (reduced holistic, v0.2)', () => {
  it('test_1 original and updated parse with spot values', () => {
    const o = parsePoseFile(load('fixtures', 'dgs-sentence', 'test_1_original.pose'), 'test_1_original.pose');
    const u = parsePoseFile(load('fixtures', 'dgs-sentence', 'test_1_updated.pose'), 'test_1_updated.pose');
    expect([o.frames, u.frames]).toEqual([46, 69]);
    expect([o.meta.fps, o.meta.width, o.meta.height]).toEqual([25, 512, 512]);
    // POSE_LANDMARKS point 0 of the reduced set is LEFT_SHOULDER → body l_shoulder.
    expect(o.x(3, BODY.lShoulder)).toBe(Math.fround(358.4453125 / 512));
    expect(o.y(3, BODY.lShoulder)).toBe(Math.fround(249.66213989257812 / 512));
    expect(u.c(3, BODY.lShoulder)).toBe(Math.fround(0.9999181628227234));
    expect(o.x(0, RH)).toBe(Math.fround(109.31259155273438 / 512));
  });
});

describeShared(['corpus', 'dgs-sentences'], 'corpus/dgs-sentences: every .pose parses', () => {
  it('32 sentences × original/updated', () => {
    const known: Record<string, number> = { 'train/train_10_original.pose': 58, 'train/train_12_updated.pose': 369, 'train/train_13_updated.pose': 20 };
    let n = 0;
    for (const split of ['train', 'test']) {
      for (const f of readdirSync(sharedPath('corpus', 'dgs-sentences', split)).filter((x) => x.endsWith('.pose'))) {
        const seq = parsePoseFile(load('corpus', 'dgs-sentences', split, f), f);
        seq.validate();
        expect([seq.meta.fps, seq.meta.width, seq.meta.height, seq.meta.source]).toEqual([25, 512, 512, 'pose:holistic']);
        expect(seq.frames).toBeGreaterThan(0);
        const k = `${split}/${f}`;
        if (k in known) expect(seq.frames).toBe(known[k]);
        n++;
      }
    }
    expect(n).toBe(64);
  });
});

describeShared(['corpus', 'fingerspelling-lexicon'], 'corpus/fingerspelling-lexicon: all 626 clips', () => {
  it('parse as full holistic (33/478/21/21 + world), 500×500, with a face that lands in place', () => {
    const root = sharedPath('corpus', 'fingerspelling-lexicon');
    const rows = readFileSync(`${root}/index.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]);
    expect(rows.length).toBe(626);
    let frames = 0;
    let faceFrames = 0;
    let faceOk = 0;
    let handFrames = 0;
    const fps: Record<string, number> = {};
    for (const r of rows) {
      const bytes = new Uint8Array(readFileSync(`${root}/${r}`));
      const seq = parsePoseFile(bytes, r);
      fps[seq.meta.fps] = (fps[seq.meta.fps] ?? 0) + 1;
      expect([seq.meta.width, seq.meta.height]).toEqual([500, 500]);
      seq.validate();
      frames += seq.frames;
      for (let t = 0; t < seq.frames; t++) {
        if (seq.c(t, LH) > 0 || seq.c(t, RH) > 0) handFrames++;
        if (seq.c(t, F + 30) > 0 && seq.c(t, F + 36) > 0 && seq.c(t, F + 57) > 0) {
          faceFrames++;
          // nose tip (30) between the eyes and the lower lip; signer's right eye (36) at image left of the left (45).
          if (seq.y(t, F + 36) < seq.y(t, F + 30) && seq.y(t, F + 30) < seq.y(t, F + 57) && seq.x(t, F + 36) < seq.x(t, F + 45)) faceOk++;
        }
      }
    }
    expect(frames).toBe(16183);
    // float32 fps read back as the shortest decimal: 29.97 and float32(30000/1001) = 29.97003 both occur.
    expect(fps).toEqual({ 25: 510, 30: 59, 24: 1, 29.97: 29, 29.97003: 27 });
    expect(handFrames).toBeGreaterThan(frames * 0.5);
    expect(faceFrames).toBeGreaterThan(frames * 0.9);
    expect(faceOk / faceFrames).toBeGreaterThan(0.995);
  });

  it('one clip: header layout read by hand', () => {
    const bytes = load('corpus', 'fingerspelling-lexicon', 'ase', 'fs-stse28e9ac023b0e29ca0a3acc12dc46540.pose');
    const raw = parsePoseFileRaw(bytes, 'a.pose');
    expect(raw.components.map((c) => [c.name, c.format, c.points.length, c.limbs.length])).toEqual([
      ['POSE_LANDMARKS', 'XYZC', 33, 35], ['FACE_LANDMARKS', 'XYZC', 478, 2564], ['LEFT_HAND_LANDMARKS', 'XYZC', 21, 21],
      ['RIGHT_HAND_LANDMARKS', 'XYZC', 21, 21], ['POSE_WORLD_LANDMARKS', 'XYZC', 33, 35],
    ]);
    expect([raw.frames, raw.people, raw.dims]).toEqual([21, 1, 3]);
    expect(raw.components[0].points[11]).toBe('LEFT_SHOULDER');
  });
});

describe('layout detection', () => {
  it('names the components of an unknown layout', () => {
    const pf = parsePoseFileRaw(encodePoseFileRaw({
      version: 0.2, width: 10, height: 10, depth: 0, fps: 25, frames: 1, people: 1, dims: 2,
      components: [{ name: 'BODY_135', format: 'XYC', points: ['a', 'b'], limbs: [[0, 1]], colors: [[1, 2, 3]] }],
      data: new Float32Array(4), confidence: new Float32Array(2),
    }), 'x.pose');
    expect(pf.components[0].limbs).toEqual([[0, 1]]);
    expect(() => parsePoseFile(encodePoseFileRaw(pf), 'alpha.pose')).toThrow(/alpha\.pose: unknown \.pose layout: components BODY_135 \(2 XYC\)/);
  });

  it('the DWPose-128 components are named as documented', () => {
    expect(DWPOSE_COMPONENTS).toEqual(['DWPOSE_BODY_18', 'DWPOSE_FACE_68', 'DWPOSE_LEFT_HAND_21', 'DWPOSE_RIGHT_HAND_21']);
    expect(PoseFormatError).toBeTypeOf('function');
  });
});
