import type { RgbImage } from './image.js';
import { line2, line8 } from './line.js';

const XY_SHIFT = 16;
const XY_ONE = 65536;

/**
 * `cv2.fillConvexPoly(img, pts, color, LINE_8, shift)`: `pts` holds npts (x, y) pairs in fixed point with `shift`
 * fractional bits. The outline is drawn first (Line for shift 0, Line2 otherwise), then the polygon is scanned
 * with two edge walkers in XY_SHIFT fixed point, exactly as OpenCV's FillConvexPoly does.
 */
export function fillConvexPolyFixed(img: RgbImage, pts: ArrayLike<number>, npts: number, shift: number, c0: number, c1: number, c2: number): void {
  if (npts <= 0) return;
  const up = 2 ** (XY_SHIFT - shift); // << (XY_SHIFT - shift)
  const down = 2 ** shift; // >> shift
  const delta = shift === 0 ? 0 : 2 ** (shift - 1); // 1 << shift >> 1
  const half = XY_ONE / 2; // delta1 = delta2 for non-antialiased lines

  let p0x = pts[2 * (npts - 1)] * up;
  let p0y = pts[2 * (npts - 1) + 1] * up;
  let xmin = pts[0];
  let xmax = xmin;
  let ymin = pts[1];
  let ymax = ymin;
  let imin = 0;
  for (let i = 0; i < npts; i++) {
    const vx = pts[2 * i];
    const vy = pts[2 * i + 1];
    if (vy < ymin) {
      ymin = vy;
      imin = i;
    }
    if (vy > ymax) ymax = vy;
    if (vx > xmax) xmax = vx;
    if (vx < xmin) xmin = vx;
    const px = vx * up;
    const py = vy * up;
    if (shift === 0) {
      line8(img, Math.floor(p0x / XY_ONE), Math.floor(p0y / XY_ONE), Math.floor(px / XY_ONE), Math.floor(py / XY_ONE), c0, c1, c2);
    } else {
      line2(img, p0x, p0y, px, py, c0, c1, c2);
    }
    p0x = px;
    p0y = py;
  }

  xmin = Math.floor((xmin + delta) / down);
  xmax = Math.floor((xmax + delta) / down);
  ymin = Math.floor((ymin + delta) / down);
  ymax = Math.floor((ymax + delta) / down);
  const { width, height } = img;
  if (npts < 3 || xmax < 0 || ymax < 0 || xmin >= width || ymin >= height) return;
  ymax = Math.min(ymax, height - 1);

  // Two edge walkers: [idx, di, x, dx, ye] each; edge 0 walks forward, edge 1 backward around the polygon.
  const idx = [imin, imin];
  const di = [1, npts - 1];
  const ex = [-XY_ONE, -XY_ONE];
  const edx = [0, 0];
  const ye = [ymin, ymin];
  let edges = npts;
  let y = ymin;
  do {
    for (let i = 0; i < 2; i++) {
      if (y >= ye[i]) {
        let idx0 = idx[i];
        let j = idx0 + di[i];
        if (j >= npts) j -= npts;
        for (; edges-- > 0; ) {
          const ty = Math.floor((pts[2 * j + 1] + delta) / down);
          if (ty > y) {
            const xs = pts[2 * idx0] * up;
            const xe = pts[2 * j] * up;
            ye[i] = ty;
            edx[i] = Math.trunc(((xe - xs) * 2 + (ty - y)) / (2 * (ty - y)));
            ex[i] = xs;
            idx[i] = j;
            break;
          }
          idx0 = j;
          j += di[i];
          if (j >= npts) j -= npts;
        }
      }
    }
    if (edges < 0) break;
    if (y >= 0) {
      const left = ex[0] > ex[1] ? 1 : 0;
      let xx1 = Math.floor((ex[left] + half) / XY_ONE);
      let xx2 = Math.floor((ex[1 - left] + half) / XY_ONE);
      if (xx2 >= 0 && xx1 < width) {
        if (xx1 < 0) xx1 = 0;
        if (xx2 >= width) xx2 = width - 1;
        img.hline(y, xx1, xx2, c0, c1, c2);
      }
    }
    ex[0] += edx[0];
    ex[1] += edx[1];
  } while (++y <= ymax);
}

/** `cv2.fillConvexPoly` for integer points (shift 0), given as a flat [x0, y0, x1, y1, …] list. */
export function fillConvexPoly(img: RgbImage, pts: ArrayLike<number>, c0: number, c1: number, c2: number): void {
  fillConvexPolyFixed(img, pts, pts.length >> 1, 0, c0, c1, c2);
}
