import { cvRound } from './round.js';

/**
 * OpenCV's sine table for whole degrees 0..450 (cosine is read at 450 − angle). OpenCV stores the values as
 * 7-decimal float literals; rebuilding them as float32(round(sin, 7 decimals)) gives the same floats.
 */
export const SIN_TABLE: Float32Array = (() => {
  const t = new Float32Array(451);
  for (let a = 0; a <= 450; a++) t[a] = Number(Math.sin((a * Math.PI) / 180).toFixed(7));
  return t;
})();

/**
 * `cv2.ellipse2Poly(center, axes, angle, arcStart, arcEnd, delta)` for integer arguments: the vertices as a flat
 * [x0, y0, x1, y1, …] list, consecutive duplicates removed (OpenCV ≥ 3.4: computed in double, then cvRound).
 */
export function ellipse2Poly(cx: number, cy: number, axisW: number, axisH: number, angle: number, arcStart: number, arcEnd: number, delta: number): number[] {
  if (!(delta > 0)) throw new Error(`ellipse2Poly: delta must be positive, got ${delta}`);
  angle = normaliseAngle(angle);
  if (arcStart > arcEnd) [arcStart, arcEnd] = [arcEnd, arcStart];
  while (arcStart < 0) {
    arcStart += 360;
    arcEnd += 360;
  }
  while (arcEnd > 360) {
    arcEnd -= 360;
    arcStart -= 360;
  }
  if (arcEnd - arcStart > 360) {
    arcStart = 0;
    arcEnd = 360;
  }
  const a = angle < 0 ? angle + 360 : angle;
  const alpha = SIN_TABLE[450 - a]; // cos
  const beta = SIN_TABLE[a]; // sin
  const out: number[] = [];
  let px = 0;
  let py = 0;
  for (let i = arcStart; i < arcEnd + delta; i += delta) {
    let deg = i > arcEnd ? arcEnd : i;
    if (deg < 0) deg += 360;
    const x = axisW * SIN_TABLE[450 - deg];
    const y = axisH * SIN_TABLE[deg];
    const vx = cvRound(cx + x * alpha - y * beta);
    const vy = cvRound(cy + x * beta + y * alpha);
    if (out.length === 0 || vx !== px || vy !== py) {
      out.push(vx, vy);
      px = vx;
      py = vy;
    }
  }
  if (out.length === 2) return [cx, cy, cx, cy];
  return out;
}

function normaliseAngle(angle: number): number {
  // OpenCV loops `while (angle < 0) angle += 360; while (angle > 360) angle -= 360;`, i.e. into [0, 360].
  if (angle < 0) angle += 360 * Math.ceil(-angle / 360);
  if (angle > 360) angle -= 360 * Math.ceil((angle - 360) / 360);
  return angle;
}
