import { BODY_LIMBS, CHANNELS, HAND_EDGES, PARTS } from '../pose/skeleton.js';
import type { RgbImage } from './raster/image.js';
import { DIM_0_6 } from './raster/image.js';
import { ellipse2Poly } from './raster/ellipse.js';
import { fillConvexPoly } from './raster/polygon.js';
import { fillCircle } from './raster/circle.js';
import { line } from './raster/thick-line.js';
import { saturateU8 } from './raster/round.js';
import { BODY_COLORS, DRAWN_LIMBS, HAND_EDGE_HSV } from './palette.js';
import { EPS, limbEllipse, pixel } from './geometry.js';
import { clampCoord } from './frame-data.js';

/** DWPose's detector threshold: body joints need a score above it, hand and face points at least it. */
export const CONTROLNET_THRESHOLD = 0.3;

/** Hand edge colours as OpenCV receives them (`hsv_to_rgb(...) * 255`, floats rounded by OpenCV). */
const HAND_EDGE_COLORS = HAND_EDGE_HSV.map((rgb) => rgb.map((v) => saturateU8(v * 255)) as [number, number, number]);

/**
 * Draws one frame in the DWPose ControlNet annotator convention (reference notes §3.9) onto a black canvas of the
 * output size; the channel order is RGB as written. `others` are the frame's other people (PoseSequence
 * extraPeople), drawn as the annotator draws every detected person: each limb for every person, the ×0.6 dimming,
 * each joint for every person, the hands [L0 … L(N-1), R0 … R(N-1)], then every face.
 */
export function drawControlNet(canvas: RgbImage, frame: Float32Array, others: readonly Float32Array[] = []): void {
  const W = canvas.width;
  const H = canvas.height;
  const people = others.length === 0 ? [frame] : [frame, ...others];
  const x = (f: Float32Array, p: number) => clampCoord(f[p * CHANNELS]);
  const y = (f: Float32Array, p: number) => clampCoord(f[p * CHANNELS + 1]);
  const bodyValid = (f: Float32Array, p: number) => f[p * CHANNELS + 2] > CONTROLNET_THRESHOLD;
  const pointValid = (f: Float32Array, p: number) => f[p * CHANNELS + 2] >= CONTROLNET_THRESHOLD;

  for (let i = 0; i < DRAWN_LIMBS; i++) {
    const [a, b] = BODY_LIMBS[i];
    const [c0, c1, c2] = BODY_COLORS[i];
    for (const f of people) {
      if (!(bodyValid(f, a) && bodyValid(f, b))) continue;
      const [cx, cy, half, angle] = limbEllipse(x(f, a), y(f, a), x(f, b), y(f, b), W, H);
      fillConvexPoly(canvas, ellipse2Poly(cx, cy, half, 4, angle, 0, 360, 1), c0, c1, c2);
    }
  }
  canvas.mapBytes(DIM_0_6);

  for (let j = 0; j < PARTS.body.count; j++) {
    const [c0, c1, c2] = BODY_COLORS[j];
    for (const f of people) if (bodyValid(f, j)) fillCircle(canvas, pixel(x(f, j), W), pixel(y(f, j), H), 4, c0, c1, c2);
  }

  // An invalid point becomes (−1, −1) in the annotator, i.e. pixel −W/−H, which the eps test rejects.
  const px = (f: Float32Array, p: number) => (pointValid(f, p) ? pixel(x(f, p), W) : -W);
  const py = (f: Float32Array, p: number) => (pointValid(f, p) ? pixel(y(f, p), H) : -H);
  for (const start of [PARTS.leftHand.start, PARTS.rightHand.start]) {
    for (const f of people) {
      for (let ie = 0; ie < HAND_EDGES.length; ie++) {
        const pa = start + HAND_EDGES[ie][0];
        const pb = start + HAND_EDGES[ie][1];
        const x1 = px(f, pa);
        const y1 = py(f, pa);
        const x2 = px(f, pb);
        const y2 = py(f, pb);
        if (!(x1 > EPS && y1 > EPS && x2 > EPS && y2 > EPS)) continue;
        const [c0, c1, c2] = HAND_EDGE_COLORS[ie];
        line(canvas, x1, y1, x2, y2, 2, c0, c1, c2);
      }
      for (let k = 0; k < PARTS.leftHand.count; k++) {
        const kx = px(f, start + k);
        const ky = py(f, start + k);
        if (kx > EPS && ky > EPS) fillCircle(canvas, kx, ky, 4, 0, 0, 255);
      }
    }
  }

  for (const f of people) {
    for (let k = 0; k < PARTS.face.count; k++) {
      const kx = px(f, PARTS.face.start + k);
      const ky = py(f, PARTS.face.start + k);
      if (kx > EPS && ky > EPS) fillCircle(canvas, kx, ky, 3, 255, 255, 255);
    }
  }
}
