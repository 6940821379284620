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
 * output size; the channel order is RGB as written.
 */
export function drawControlNet(canvas: RgbImage, frame: Float32Array): void {
  const W = canvas.width;
  const H = canvas.height;
  const x = (p: number) => clampCoord(frame[p * CHANNELS]);
  const y = (p: number) => clampCoord(frame[p * CHANNELS + 1]);
  const c = (p: number) => frame[p * CHANNELS + 2];
  const bodyValid = (p: number) => c(p) > CONTROLNET_THRESHOLD;
  const pointValid = (p: number) => c(p) >= CONTROLNET_THRESHOLD;

  for (let i = 0; i < DRAWN_LIMBS; i++) {
    const [a, b] = BODY_LIMBS[i];
    if (!(bodyValid(a) && bodyValid(b))) continue;
    const [cx, cy, half, angle] = limbEllipse(x(a), y(a), x(b), y(b), W, H);
    const poly = ellipse2Poly(cx, cy, half, 4, angle, 0, 360, 1);
    const [c0, c1, c2] = BODY_COLORS[i];
    fillConvexPoly(canvas, poly, c0, c1, c2);
  }
  canvas.mapBytes(DIM_0_6);

  for (let j = 0; j < PARTS.body.count; j++) {
    if (!bodyValid(j)) continue;
    const [c0, c1, c2] = BODY_COLORS[j];
    fillCircle(canvas, pixel(x(j), W), pixel(y(j), H), 4, c0, c1, c2);
  }

  // An invalid point becomes (−1, −1) in the annotator, i.e. pixel −W/−H, which the eps test rejects.
  const px = (p: number) => (pointValid(p) ? pixel(x(p), W) : -W);
  const py = (p: number) => (pointValid(p) ? pixel(y(p), H) : -H);
  for (const start of [PARTS.leftHand.start, PARTS.rightHand.start]) {
    for (let ie = 0; ie < HAND_EDGES.length; ie++) {
      const pa = start + HAND_EDGES[ie][0];
      const pb = start + HAND_EDGES[ie][1];
      const x1 = px(pa);
      const y1 = py(pa);
      const x2 = px(pb);
      const y2 = py(pb);
      if (!(x1 > EPS && y1 > EPS && x2 > EPS && y2 > EPS)) continue;
      const [c0, c1, c2] = HAND_EDGE_COLORS[ie];
      line(canvas, x1, y1, x2, y2, 2, c0, c1, c2);
    }
    for (let k = 0; k < PARTS.leftHand.count; k++) {
      const p = start + k;
      const kx = px(p);
      const ky = py(p);
      if (kx > EPS && ky > EPS) fillCircle(canvas, kx, ky, 4, 0, 0, 255);
    }
  }

  for (let k = 0; k < PARTS.face.count; k++) {
    const p = PARTS.face.start + k;
    const kx = px(p);
    const ky = py(p);
    if (kx > EPS && ky > EPS) fillCircle(canvas, kx, ky, 3, 255, 255, 255);
  }
}
