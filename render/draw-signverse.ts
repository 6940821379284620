import { BODY_LIMBS, CHANNELS, HAND_EDGES, PARTS } from '../pose/skeleton.js';
import type { RgbImage } from './raster/image.js';
import { DIM_0_6 } from './raster/image.js';
import { ellipse2Poly } from './raster/ellipse.js';
import { fillConvexPoly } from './raster/polygon.js';
import { fillCircle } from './raster/circle.js';
import { line } from './raster/thick-line.js';
import { cvRound, saturateU8 } from './raster/round.js';
import { BODY_COLORS, DRAWN_LIMBS, HAND_EDGE_HSV } from './palette.js';
import { EPS, limbEllipse, pixel } from './geometry.js';
import { clampCoord } from './frame-data.js';

/** Line and point scales of SignVerse's RENDER_STYLES (reference notes §3.6). */
export interface SignVerseScales {
  lineScale: number;
  pointScale: number;
}

/** The SignVerse canvas: the output's short side scaled to 2160 (`ref_w`), `int()` of each side. */
export function signVerseCanvasSize(width: number, height: number, refW = 2160): { width: number; height: number } {
  const sz = Math.min(width, height);
  const sr = sz !== refW ? refW / sz : 1;
  return { width: Math.trunc(width * sr), height: Math.trunc(height * sr) };
}

/**
 * Python scalar arithmetic here follows NumPy 1.x promotion, the SignVerse environment (easy_dwpose pins numpy
 * ^1.26): a float32 scalar times a Python int is float64, so `int(score * 255)` and `int(x * W)` are plain double
 * products; the hand edge weight `score[a] * score[b]` (float32 × float32) stays float32.
 *
 * Draws one frame of the SignVerse person-centric rendering (`draw_pose` with a `person_0` dict, §3.1–3.5) onto a
 * black canvas, before the down-scale and channel swap: body limbs where both joints are present, the ×0.6
 * dimming, all 18 joints (the person-centric subset never hides one), both hands with score-scaled colours, then
 * the face points in score gray.
 */
export function drawSignVerse(canvas: RgbImage, frame: Float32Array, scales: SignVerseScales): void {
  const W = canvas.width;
  const H = canvas.height;
  const stick = Math.max(1, cvRound(4 * scales.lineScale));
  const jointRadius = Math.max(1, cvRound(4 * scales.pointScale));
  const handThickness = Math.max(1, cvRound(2 * scales.lineScale));
  const handRadius = Math.max(1, cvRound(4 * scales.pointScale));
  const faceRadius = Math.max(1, cvRound(3 * scales.pointScale));
  const x = (p: number) => clampCoord(frame[p * CHANNELS]);
  const y = (p: number) => clampCoord(frame[p * CHANNELS + 1]);
  const c = (p: number) => frame[p * CHANNELS + 2];

  // Body limbs: score 1 for a present joint (SignVerse: stored score ≥ 0), drawn when both are ≥ 0.3.
  for (let i = 0; i < DRAWN_LIMBS; i++) {
    const [a, b] = BODY_LIMBS[i];
    if (!(c(a) > 0 && c(b) > 0)) continue;
    const [cx, cy, half, angle] = limbEllipse(x(a), y(a), x(b), y(b), W, H);
    const poly = ellipse2Poly(cx, cy, half, stick, angle, 0, 360, 1);
    const [c0, c1, c2] = BODY_COLORS[i];
    fillConvexPoly(canvas, poly, c0, c1, c2);
  }
  canvas.mapBytes(DIM_0_6);

  for (let j = 0; j < PARTS.body.count; j++) {
    const [c0, c1, c2] = BODY_COLORS[j];
    fillCircle(canvas, pixel(x(j), W), pixel(y(j), H), jointRadius, c0, c1, c2);
  }

  for (const start of [PARTS.leftHand.start, PARTS.rightHand.start]) {
    for (let ie = 0; ie < HAND_EDGES.length; ie++) {
      const [ea, eb] = HAND_EDGES[ie];
      const pa = start + ea;
      const pb = start + eb;
      const x1 = pixel(x(pa), W);
      const y1 = pixel(y(pa), H);
      const x2 = pixel(x(pb), W);
      const y2 = pixel(y(pb), H);
      if (!(x1 > EPS && y1 > EPS && x2 > EPS && y2 > EPS)) continue;
      const s = Math.fround(c(pa) * c(pb)); // float32 × float32 stays float32
      const hsv = HAND_EDGE_HSV[ie];
      line(canvas, x1, y1, x2, y2, handThickness,
        saturateU8(Math.trunc(hsv[0] * s * 255)), saturateU8(Math.trunc(hsv[1] * s * 255)), saturateU8(Math.trunc(hsv[2] * s * 255)));
    }
    for (let k = 0; k < PARTS.leftHand.count; k++) {
      const p = start + k;
      const px = pixel(x(p), W);
      const py = pixel(y(p), H);
      if (px > EPS && py > EPS) fillCircle(canvas, px, py, handRadius, 0, 0, saturateU8(Math.trunc(c(p) * 255)));
    }
  }

  for (let k = 0; k < PARTS.face.count; k++) {
    const p = PARTS.face.start + k;
    const px = pixel(x(p), W);
    const py = pixel(y(p), H);
    if (px > EPS && py > EPS) {
      const g = saturateU8(Math.trunc(c(p) * 255));
      fillCircle(canvas, px, py, faceRadius, g, g, g);
    }
  }
}
