import type { RgbImage } from './image.js';
import { cvRound, shr16 } from './round.js';
import { HALF, line8, XY_ONE, XY_SHIFT } from './line.js';
import { fillConvexPolyFixed } from './polygon.js';
import { fillCircle } from './circle.js';

/**
 * `cv2.line(img, p0, p1, color, thickness, LINE_8)` for integer points: thickness ≤ 1 is a one-pixel line,
 * thicker lines are a fixed-point quadrilateral plus a filled circle at each end (OpenCV `ThickLine`).
 */
export function line(img: RgbImage, x0: number, y0: number, x1: number, y1: number, thickness: number, c0: number, c1: number, c2: number): void {
  if (thickness <= 1) {
    line8(img, x0, y0, x1, y1, c0, c1, c2);
    return;
  }
  const p0x = x0 * XY_ONE;
  const p0y = y0 * XY_ONE;
  const p1x = x1 * XY_ONE;
  const p1y = y1 * XY_ONE;
  const dx = (p0x - p1x) / XY_ONE;
  const dy = (p1y - p0y) / XY_ONE;
  let r = dx * dx + dy * dy;
  const odd = thickness & 1;
  const half = thickness * (XY_ONE / 2); // thickness << (XY_SHIFT - 1)
  if (Math.abs(r) > Number.EPSILON) {
    r = (half + odd * XY_ONE * 0.5) / Math.sqrt(r);
    const dpx = cvRound(dy * r);
    const dpy = cvRound(dx * r);
    const quad = [p0x + dpx, p0y + dpy, p0x - dpx, p0y - dpy, p1x - dpx, p1y - dpy, p1x + dpx, p1y + dpy];
    fillConvexPolyFixed(img, quad, 4, XY_SHIFT, c0, c1, c2);
  }
  const radius = shr16(half + HALF);
  fillCircle(img, x0, y0, radius, c0, c1, c2);
  fillCircle(img, x1, y1, radius, c0, c1, c2);
}
