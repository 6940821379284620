import type { RgbImage } from './image.js';
import { shr16 } from './round.js';

/** OpenCV's fixed-point precision for sub-pixel coordinates (XY_SHIFT). */
export const XY_SHIFT = 16;
export const XY_ONE = 65536;
export const HALF = 32768;

/**
 * Cohen–Sutherland clipping of a segment to [0, w-1]×[0, h-1] with OpenCV's integer arithmetic (divisions
 * truncate toward zero). Returns the clipped endpoints, or null when the segment lies outside.
 */
export function clipLine(w: number, h: number, x1: number, y1: number, x2: number, y2: number): [number, number, number, number] | null {
  if (w <= 0 || h <= 0) return null;
  const right = w - 1;
  const bottom = h - 1;
  let c1 = code(x1, y1, right, bottom);
  let c2 = code(x2, y2, right, bottom);
  if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
    if (c1 & 12) {
      const a = c1 < 8 ? 0 : bottom;
      x1 += mulDivTrunc(a - y1, x2 - x1, y2 - y1);
      y1 = a;
      c1 = (x1 < 0 ? 1 : 0) + (x1 > right ? 2 : 0);
    }
    if (c2 & 12) {
      const a = c2 < 8 ? 0 : bottom;
      x2 += mulDivTrunc(a - y2, x2 - x1, y2 - y1);
      y2 = a;
      c2 = (x2 < 0 ? 1 : 0) + (x2 > right ? 2 : 0);
    }
    if ((c1 & c2) === 0 && (c1 | c2) !== 0) {
      if (c1) {
        const a = c1 === 1 ? 0 : right;
        y1 += mulDivTrunc(a - x1, y2 - y1, x2 - x1);
        x1 = a;
        c1 = 0;
      }
      if (c2) {
        const a = c2 === 1 ? 0 : right;
        y2 += mulDivTrunc(a - x2, y2 - y1, x2 - x1);
        x2 = a;
        c2 = 0;
      }
    }
  }
  return (c1 | c2) === 0 ? [x1, y1, x2, y2] : null;
}

/** Integer a·b/c truncated toward zero like C int64 arithmetic; exact beyond 2^53 via BigInt. */
function mulDivTrunc(a: number, b: number, c: number): number {
  const p = a * b;
  if (Math.abs(p) < Number.MAX_SAFE_INTEGER) return Math.trunc(p / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

function code(x: number, y: number, right: number, bottom: number): number {
  return (x < 0 ? 1 : 0) + (x > right ? 2 : 0) + (y < 0 ? 4 : 0) + (y > bottom ? 8 : 0);
}

/** A one-pixel 8-connected line between integer points (OpenCV `Line` via LineIterator, left to right). */
export function line8(img: RgbImage, x1: number, y1: number, x2: number, y2: number, c0: number, c1: number, c2: number): void {
  const { width, height } = img;
  if (x1 < 0 || x1 >= width || x2 < 0 || x2 >= width || y1 < 0 || y1 >= height || y2 < 0 || y2 >= height) {
    const clipped = clipLine(width, height, x1, y1, x2, y2);
    if (!clipped) return;
    [x1, y1, x2, y2] = clipped;
  }
  let dx = x2 - x1;
  let dy = y2 - y1;
  if (dx < 0) {
    dx = -dx;
    dy = -dy;
    x1 = x2;
    y1 = y2;
  }
  let stepY = 1;
  if (dy < 0) {
    dy = -dy;
    stepY = -1;
  }
  const vertical = dy > dx;
  const major = vertical ? dy : dx;
  const minor = vertical ? dx : dy;
  let err = major - (minor + minor);
  const plusDelta = major + major;
  const minusDelta = -(minor + minor);
  let x = x1;
  let y = y1;
  for (let i = 0; i <= major; i++) {
    img.pixel(x, y, c0, c1, c2);
    const diagonal = err < 0;
    err += minusDelta + (diagonal ? plusDelta : 0);
    if (vertical) {
      y += stepY;
      if (diagonal) x += 1;
    } else {
      x += 1;
      if (diagonal) y += stepY;
    }
  }
}

/** OpenCV `Line2`: an 8-connected line between fixed-point (XY_SHIFT) points, used for polygon edges with shift > 0. */
export function line2(img: RgbImage, x1: number, y1: number, x2: number, y2: number, c0: number, c1: number, c2: number): void {
  const { width, height } = img;
  const clipped = clipLine(width * XY_ONE, height * XY_ONE, x1, y1, x2, y2);
  if (!clipped) return;
  [x1, y1, x2, y2] = clipped;
  let dx = x2 - x1;
  let dy = y2 - y1;
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  let xStep: number;
  let yStep: number;
  let ecount: number;
  if (ax > ay) {
    if (dx < 0) {
      [x1, x2] = [x2, x1];
      [y1, y2] = [y2, y1];
      dy = -dy;
    }
    xStep = XY_ONE;
    yStep = Math.trunc((dy * XY_ONE) / oddUp(ax));
    ecount = shr16(x2 - x1);
  } else {
    if (dy < 0) {
      [x1, x2] = [x2, x1];
      [y1, y2] = [y2, y1];
      dx = -dx;
    }
    xStep = Math.trunc((dx * XY_ONE) / oddUp(ay));
    yStep = XY_ONE;
    ecount = shr16(y2 - y1);
  }
  x1 += HALF;
  y1 += HALF;
  put(img, shr16(x2 + HALF), shr16(y2 + HALF), c0, c1, c2);
  if (ax > ay) {
    let x = shr16(x1);
    for (; ecount >= 0; ecount--) {
      put(img, x, shr16(y1), c0, c1, c2);
      x++;
      y1 += yStep;
    }
  } else {
    let y = shr16(y1);
    for (; ecount >= 0; ecount--) {
      put(img, shr16(x1), y, c0, c1, c2);
      x1 += xStep;
      y++;
    }
  }
}

/** `v | 1` for a non-negative int64 value (JS `|` would truncate to 32 bits). */
function oddUp(v: number): number {
  return v % 2 === 0 ? v + 1 : v;
}

function put(img: RgbImage, x: number, y: number, c0: number, c1: number, c2: number): void {
  if (x >= 0 && x < img.width && y >= 0 && y < img.height) img.pixel(x, y, c0, c1, c2);
}
