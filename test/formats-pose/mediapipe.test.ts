import { describe, expect, it } from 'vitest';
import { BODY, PARTS } from '../../pose/skeleton.js';
import {
  emptyHolisticFrames, holisticToDwpose, MEDIAPIPE_FACE_TO_IBUG68, MEDIAPIPE_POSE_NAMES, MEDIAPIPE_POSE_TO_BODY18,
} from '../../pose/formats/mediapipe.js';

const at = (d: Float32Array, t: number, p: number) => Array.from(d.subarray(t * 384 + p * 3, t * 384 + p * 3 + 3));

describe('holisticToDwpose', () => {
  it('body: named landmarks, neck = mid-shoulders with the smaller confidence', () => {
    const h = emptyHolisticFrames(2);
    const put = (t: number, k: number, x: number, y: number, c: number) => h.pose.set([x, y, c], (t * 33 + k) * 3);
    put(0, 0, 0.5, 0.2, 0.9); // nose
    put(0, 11, 0.6, 0.4, 0.75); // LEFT_SHOULDER
    put(0, 12, 0.4, 0.4, 0.5); // RIGHT_SHOULDER
    put(0, 16, 0.3, 0.6, 1); // RIGHT_WRIST
    put(0, 7, 0.58, 0.2, 1); // LEFT_EAR
    put(1, 11, 0.6, 0.4, 1); // frame 1: right shoulder missing
    const d = holisticToDwpose(h);
    expect(at(d, 0, BODY.nose)).toEqual([0.5, 0.2, 0.9].map(Math.fround));
    expect(at(d, 0, BODY.neck)).toEqual([0.5, 0.4, 0.5].map(Math.fround));
    expect(at(d, 0, BODY.lShoulder)).toEqual([0.6, 0.4, 0.75].map(Math.fround));
    expect(at(d, 0, BODY.rShoulder)).toEqual([0.4, 0.4, 0.5].map(Math.fround));
    expect(at(d, 0, BODY.rWrist)).toEqual([0.3, 0.6, 1].map(Math.fround));
    expect(at(d, 0, BODY.lEar)).toEqual([0.58, 0.2, 1].map(Math.fround));
    expect(at(d, 1, BODY.neck)[2]).toBe(0);
    expect(at(d, 1, BODY.lShoulder)[2]).toBe(1);
  });

  it('the body table names the expected MediaPipe landmarks', () => {
    const names = MEDIAPIPE_POSE_TO_BODY18.map((k) => (k < 0 ? 'NECK' : MEDIAPIPE_POSE_NAMES[k]));
    expect(names).toEqual([
      'NOSE', 'NECK', 'RIGHT_SHOULDER', 'RIGHT_ELBOW', 'RIGHT_WRIST', 'LEFT_SHOULDER', 'LEFT_ELBOW', 'LEFT_WRIST',
      'RIGHT_HIP', 'RIGHT_KNEE', 'RIGHT_ANKLE', 'LEFT_HIP', 'LEFT_KNEE', 'LEFT_ANKLE', 'RIGHT_EYE', 'LEFT_EYE',
      'RIGHT_EAR', 'LEFT_EAR',
    ]);
  });

  it('face: 68 entries of valid mesh indices; pairs are averaged over the landmarks present', () => {
    expect(MEDIAPIPE_FACE_TO_IBUG68.length).toBe(68);
    for (const idx of MEDIAPIPE_FACE_TO_IBUG68) for (const k of idx) expect(k >= 0 && k < 468).toBe(true);
    const h = emptyHolisticFrames(1);
    h.face.set([0.4, 0.5, 1], 168 * 3);
    h.face.set([0.6, 0.7, 0.5], 6 * 3);
    h.face.set([0.45, 0.55, 1], 197 * 3); // 195 missing: point 28 comes from 197 alone
    h.face.set([0.5, 0.6, 1], 4 * 3);
    const d = holisticToDwpose(h);
    const f = PARTS.face.start;
    expect(at(d, 0, f + 27)).toEqual([0.5, 0.6, 0.5].map(Math.fround));
    expect(at(d, 0, f + 28)).toEqual([0.45, 0.55, 1].map(Math.fround));
    expect(at(d, 0, f + 30)).toEqual([0.5, 0.6, 1].map(Math.fround));
    expect(at(d, 0, f + 0)[2]).toBe(0);
  });

  it('hands are copied 1:1 to the same side; negative confidence becomes 0', () => {
    const h = emptyHolisticFrames(1);
    for (let k = 0; k < 21; k++) {
      h.leftHand.set([0.1 + k / 100, 0.2, 1], k * 3);
      h.rightHand.set([0.7 + k / 100, 0.3, k === 5 ? -0.5 : 0.8], k * 3);
    }
    const d = holisticToDwpose(h);
    for (let k = 0; k < 21; k++) {
      expect(at(d, 0, PARTS.leftHand.start + k)[0]).toBe(Math.fround(0.1 + k / 100));
      expect(at(d, 0, PARTS.rightHand.start + k)[0]).toBe(Math.fround(0.7 + k / 100));
    }
    expect(at(d, 0, PARTS.rightHand.start + 5)[2]).toBe(0);
  });
});
