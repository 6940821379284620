/**
 * Shared pixel-coordinate helpers for the DWPose drawings (how the Python code turns normalised floats into
 * OpenCV's integer points).
 */

/**
 * Integer pixel coordinates are clamped to ±2^20 px: Python would hand OpenCV arbitrarily large ints (and OpenCV
 * would refuse those beyond int32), so far-off points have no reference behaviour; the clamp keeps every
 * fixed-point computation exact and every scan bounded.
 */
export const PIXEL_LIMIT = 1 << 20;

/** Python `int(v * size)` for a point coordinate, clamped to ±PIXEL_LIMIT. */
export function pixel(v: number, size: number): number {
  const p = Math.trunc(v * size);
  return p > PIXEL_LIMIT ? PIXEL_LIMIT : p < -PIXEL_LIMIT ? -PIXEL_LIMIT : p;
}

/** `cv2` needs all four endpoint ints of a hand edge (and each point) above eps = 0.01. */
export const EPS = 0.01;

/**
 * Ellipse parameters of a body limb as the Python code computes them from a float32 candidate array
 * (`Y = candidate[idx, 0] * float(W)` etc.): the products, mean and differences are float32 (NumPy array and
 * float32-scalar arithmetic), while `**2`, the sum, the square root and `/2` run in float64 (NumPy 1.x promotes a
 * float32 scalar with a Python int to float64). Returns [cx, cy, halfLength, angleDeg], all Python `int()`s.
 */
export function limbEllipse(xa: number, ya: number, xb: number, yb: number, width: number, height: number): [number, number, number, number] {
  const f = Math.fround;
  const Y0 = f(xa * width);
  const Y1 = f(xb * width);
  const X0 = f(ya * height);
  const X1 = f(yb * height);
  const mX = f(X0 + X1) / 2;
  const mY = f(Y0 + Y1) / 2;
  const dX = f(X0 - X1);
  const dY = f(Y0 - Y1);
  const length = Math.sqrt(dX * dX + dY * dY);
  const angle = Math.atan2(dX, dY) * (180 / Math.PI); // math.degrees
  return [clampPx(Math.trunc(mY)), clampPx(Math.trunc(mX)), clampPx(Math.trunc(length / 2)), Math.trunc(angle)];
}

function clampPx(p: number): number {
  return p > PIXEL_LIMIT ? PIXEL_LIMIT : p < -PIXEL_LIMIT ? -PIXEL_LIMIT : p;
}
