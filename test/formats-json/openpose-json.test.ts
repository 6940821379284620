import { describe, expect, it } from 'vitest';
import { inferFrameSize, parseOpenPoseFrames, readOpenPoseJson } from '../../pose/formats/openpose-json.js';
import { PARTS } from '../../pose/skeleton.js';
import { describeShared, sharedPath } from '../shared.js';

const CLIP = '_2FBDaOPYig_4-3-rgb_front';

describeShared(['fixtures', 'openpose-json'], 'OpenPose JSON fixture (How2Sign clip, BODY_25 + face 70)', () => {
  it('reads 62 frames, infers 1280×720, maps BODY_25 to 18 and picks up the sentence', async () => {
    const seq = await readOpenPoseJson(sharedPath('fixtures', 'openpose-json', CLIP));
    expect(seq.frames).toBe(62);
    expect(seq.meta).toMatchObject({ id: CLIP, width: 1280, height: 720, fps: 25 });
    expect(seq.meta.text).toBe('So what is happening, you see all the bubbles on top right there.');
    expect(seq.maxPeople).toBe(1);
    // frame 0 nose: (682.258, 225.831, 0.94329) px
    expect(seq.x(0, 0)).toBeCloseTo(682.258 / 1280, 6);
    expect(seq.y(0, 0)).toBeCloseTo(225.831 / 720, 6);
    expect(seq.c(0, 0)).toBeCloseTo(0.94329, 5);
    // BODY_25 9 (RHip 611.721, 658.762) becomes canonical r_hip 8; MidHip (680.262) is dropped
    expect(seq.x(0, 8)).toBeCloseTo(611.721 / 1280, 6);
    // BODY_25 10 (RKnee) is (0,0,0) → missing
    expect(seq.c(0, 9)).toBe(0);
    // BODY_25 15 (REye 656.797, 202.259) → canonical 14
    expect(seq.x(0, 14)).toBeCloseTo(656.797 / 1280, 6);
    // face point 0 (622.216, 203.244)
    expect(seq.x(0, PARTS.face.start)).toBeCloseTo(622.216 / 1280, 6);
  });

  it('uses a given frame size instead of inferring one', async () => {
    const seq = await readOpenPoseJson(sharedPath('fixtures', 'openpose-json', CLIP), { width: 1920, height: 1080 });
    expect(seq.x(0, 0)).toBeCloseTo(682.258 / 1920, 6);
  });
});

describe('OpenPose JSON', () => {
  const person = (n: number) => ({ pose_keypoints_2d: Array.from({ length: n * 3 }, (_, i) => (i % 3 === 2 ? 0.9 : 100 + i)) });

  it('accepts COCO-18 bodies and frames with nobody', () => {
    const seq = parseOpenPoseFrames([{ people: [person(18)] }, { people: [] }], 'a', { width: 640, height: 480 });
    expect(Array.from(seq.people)).toEqual([1, 0]);
    expect(seq.x(0, 17)).toBeCloseTo((100 + 51) / 640, 6);
    expect(seq.c(0, PARTS.face.start)).toBe(0); // no face computed
  });

  it('rejects wrong lengths and non-numbers with the file and key', () => {
    expect(() => parseOpenPoseFrames([{ people: [person(20)] }], 'b.json')).toThrow(/b\.json: people\[0\]\.pose_keypoints_2d: expected 54 \(COCO-18\) or 75/);
    const p = person(25);
    p.pose_keypoints_2d[4] = Number.NaN;
    expect(() => parseOpenPoseFrames([{ people: [p] }], 'c.json')).toThrow(/c\.json: .*expected a finite number/);
    expect(() => parseOpenPoseFrames([{ nobody: 1 }], 'd.json')).toThrow(/people: expected an array/);
  });

  it('infers common frame sizes from the signer centre', () => {
    expect(inferFrameSize(821, 715, 682)).toEqual({ width: 1280, height: 720 });
    expect(inferFrameSize(200, 250)).toEqual({ width: 210, height: 260 });
    expect(inferFrameSize(5000, 100)).toEqual({ width: 5008, height: 112 });
  });
});
