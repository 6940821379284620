/**
 * Frames with two or more people render as the DWPose ControlNet annotator draws every detected person: compared
 * byte for byte with the annotator's drawing code run on Debian's OpenCV (skips without python3-opencv).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAME_STRIDE, CHANNELS, PARTS } from '../../pose/skeleton.js';
import { frameRenderer } from '../../render/index.js';
import { findOpenCvPython } from '../../bench/exactness/opencv-compare.js';
import { encodeSignVerseNpz, parseSignVerseNpz } from '../../pose/signverse/index.js';
import { multiPersonSequence } from '../signverse/helpers.js';

// The annotator (ControlNet-v1-1-nightly annotator/dwpose: __init__ + util.draw_bodypose/handpose/facepose), fed
// the people of each frame as its detector output would be (float32 candidate, subset 18·i + j or −1, hands stacked
// [L0..L(N-1), R0..R(N-1)], points under 0.3 at (−1, −1)).
const ANNOTATOR = `
import json, math, sys
import cv2, numpy as np
def hsv_to_rgb(h, s, v):
    i = int(h * 6.0); f = h * 6.0 - i; p = v * (1.0 - s); q = v * (1.0 - s * f); t = v * (1.0 - s * (1.0 - f))
    return [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i % 6]
limbSeq = [[2, 3], [2, 6], [3, 4], [4, 5], [6, 7], [7, 8], [2, 9], [9, 10], [10, 11], [2, 12], [12, 13], [13, 14],
           [2, 1], [1, 15], [15, 17], [1, 16], [16, 18], [3, 17], [6, 18]]
colors = [[255, 0, 0], [255, 85, 0], [255, 170, 0], [255, 255, 0], [170, 255, 0], [85, 255, 0], [0, 255, 0],
          [0, 255, 85], [0, 255, 170], [0, 255, 255], [0, 170, 255], [0, 85, 255], [0, 0, 255], [85, 0, 255],
          [170, 0, 255], [255, 0, 255], [255, 0, 170], [255, 0, 85]]
edges = [[0, 1], [1, 2], [2, 3], [3, 4], [0, 5], [5, 6], [6, 7], [7, 8], [0, 9], [9, 10], [10, 11], [11, 12],
         [0, 13], [13, 14], [14, 15], [15, 16], [0, 17], [17, 18], [18, 19], [19, 20]]
def draw_bodypose(canvas, candidate, subset):
    H, W, C = canvas.shape
    for i in range(17):
        for n in range(len(subset)):
            index = subset[n][np.array(limbSeq[i]) - 1]
            if -1 in index:
                continue
            Y = candidate[index.astype(int), 0] * float(W)
            X = candidate[index.astype(int), 1] * float(H)
            mX = np.mean(X); mY = np.mean(Y)
            length = ((X[0] - X[1]) ** 2 + (Y[0] - Y[1]) ** 2) ** 0.5
            angle = math.degrees(math.atan2(X[0] - X[1], Y[0] - Y[1]))
            polygon = cv2.ellipse2Poly((int(mY), int(mX)), (int(length / 2), 4), int(angle), 0, 360, 1)
            cv2.fillConvexPoly(canvas, polygon, colors[i])
    canvas = (canvas * 0.6).astype(np.uint8)
    for i in range(18):
        for n in range(len(subset)):
            index = int(subset[n][i])
            if index == -1:
                continue
            x, y = candidate[index][0:2]
            cv2.circle(canvas, (int(x * W), int(y * H)), 4, colors[i], thickness=-1)
    return canvas
def draw_handpose(canvas, all_hand_peaks):
    H, W, C = canvas.shape
    for peaks in all_hand_peaks:
        peaks = np.array(peaks)
        for ie, e in enumerate(edges):
            x1, y1 = peaks[e[0]]; x2, y2 = peaks[e[1]]
            x1 = int(x1 * W); y1 = int(y1 * H); x2 = int(x2 * W); y2 = int(y2 * H)
            if x1 > 0.01 and y1 > 0.01 and x2 > 0.01 and y2 > 0.01:
                cv2.line(canvas, (x1, y1), (x2, y2), np.array(hsv_to_rgb(ie / float(len(edges)), 1.0, 1.0)) * 255, thickness=2)
        for keypoint in peaks:
            x, y = keypoint
            x = int(x * W); y = int(y * H)
            if x > 0.01 and y > 0.01:
                cv2.circle(canvas, (x, y), 4, (0, 0, 255), thickness=-1)
    return canvas
def draw_facepose(canvas, all_lmks):
    H, W, C = canvas.shape
    for lmks in all_lmks:
        for lmk in np.array(lmks):
            x, y = lmk
            x = int(x * W); y = int(y * H)
            if x > 0.01 and y > 0.01:
                cv2.circle(canvas, (x, y), 3, (255, 255, 255), thickness=-1)
    return canvas
src = json.load(open(sys.argv[1]))
W, H = src['width'], src['height']
out = open(sys.argv[2], 'wb')
for people in src['frames']:
    canvas = np.zeros((H, W, 3), dtype=np.uint8)
    if people:
        P = np.array(people, dtype=np.float32).reshape(len(people), 128, 3)
        xy = P[:, :, :2].copy(); sc = P[:, :, 2]
        xy[sc < 0.3] = -1
        candidate = P[:, :18, :2].reshape(-1, 2)
        subset = np.where(sc[:, :18] > 0.3, np.arange(18)[None, :] + 18 * np.arange(len(people))[:, None], -1).astype(np.float64)
        hands = np.vstack([xy[:, 86:107], xy[:, 107:128]])
        faces = xy[:, 18:86]
        canvas = draw_bodypose(canvas, candidate, subset)
        canvas = draw_handpose(canvas, hands)
        canvas = draw_facepose(canvas, faces)
    out.write(canvas.tobytes())
`;

const cv = findOpenCvPython();
if (!cv) process.stderr.write('[skip] no python3 with cv2 + numpy (apt-get install python3-opencv): multi-person render check skipped\n');
const tmp = mkdtempSync(join(tmpdir(), 'signbench-multi-render-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!cv)('controlnet renders every person like the annotator', () => {
  it('two and three overlapping people, byte for byte, after a SignVerse round trip', () => {
    const W = 480;
    const H = 480;
    const base = multiPersonSequence(6, 3);
    // pull person 1 over the signer so that limbs, joints, hands and faces overlap; drop some points
    for (let t = 2; t < 6; t++) {
      const e = base.extraPeople![t]!;
      // frame 4: person 1's left hand lands 2 px beside the signer's right hand (the stacking order shows)
      const shift = t === 4 ? 0.405 : 0.17 + t * 0.003;
      for (let p = 0; p < 128; p++) e[p * CHANNELS] -= shift;
      e[3 * CHANNELS + 2] = 0; // a missing elbow: its limbs are not drawn
      e[(PARTS.leftHand.start + 5) * CHANNELS + 2] = 0.1; // a low hand point
      if (t === 5) e.subarray(FRAME_STRIDE).fill(0); // person 2 has nothing valid in the last frame
    }
    const seq = parseSignVerseNpz(encodeSignVerseNpz(base), 'multi.npz', undefined, undefined, { onWarning: () => undefined });
    const frames = Array.from({ length: seq.frames }, (_, t) =>
      Array.from({ length: seq.peopleWithPoints(t) }, (_, k) => Array.from(seq.person(t, k)!)),
    );
    const json = join(tmp, 'people.json');
    const ref = join(tmp, 'ref.rgb');
    writeFileSync(json, JSON.stringify({ width: W, height: H, frames }));
    const r = spawnSync(cv!.python, ['-c', ANNOTATOR, json, ref], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const expected = new Uint8Array(readFileSync(ref));
    const render = frameRenderer('controlnet', W, H);
    const size = W * H * 3;
    let drawnOthers = 0;
    for (let t = 0; t < seq.frames; t++) {
      const ours = render(seq, t);
      const want = expected.subarray(t * size, (t + 1) * size);
      let diff = 0;
      for (let i = 0; i < size; i++) if (ours[i] !== want[i]) diff++;
      expect({ t, diff }).toEqual({ t, diff: 0 });
      const signerOnly = seq.clone();
      signerOnly.setExtraPeople(null);
      const alone = frameRenderer('controlnet', W, H)(signerOnly, t);
      if (alone.some((v, i) => v !== want[i])) drawnOthers++;
    }
    expect(drawnOthers).toBe(4); // frames 2..5 show the other people
  });
});
