import type { RgbImage } from './image.js';

/**
 * `cv2.circle(img, center, radius, color, thickness=-1)` with LINE_8 and shift 0: OpenCV's midpoint `Circle` with
 * fill, four horizontal spans per step, clipped to the image.
 */
export function fillCircle(img: RgbImage, cx: number, cy: number, radius: number, c0: number, c1: number, c2: number): void {
  const { width, height } = img;
  let err = 0;
  let dx = radius;
  let dy = 0;
  let plus = 1;
  let minus = (radius << 1) - 1;
  const inside = cx >= radius && cx < width - radius && cy >= radius && cy < height - radius;
  while (dx >= dy) {
    const y11 = cy - dy;
    const y12 = cy + dy;
    const y21 = cy - dx;
    const y22 = cy + dx;
    let x11 = cx - dx;
    let x12 = cx + dx;
    let x21 = cx - dy;
    let x22 = cx + dy;
    if (inside) {
      img.hline(y11, x11, x12, c0, c1, c2);
      img.hline(y12, x11, x12, c0, c1, c2);
      img.hline(y21, x21, x22, c0, c1, c2);
      img.hline(y22, x21, x22, c0, c1, c2);
    } else if (x11 < width && x12 >= 0 && y21 < height && y22 >= 0) {
      x11 = Math.max(x11, 0);
      x12 = Math.min(x12, width - 1);
      if (y11 >= 0 && y11 < height) img.hline(y11, x11, x12, c0, c1, c2);
      if (y12 >= 0 && y12 < height) img.hline(y12, x11, x12, c0, c1, c2);
      if (x21 < width && x22 >= 0) {
        x21 = Math.max(x21, 0);
        x22 = Math.min(x22, width - 1);
        if (y21 >= 0 && y21 < height) img.hline(y21, x21, x22, c0, c1, c2);
        if (y22 >= 0 && y22 < height) img.hline(y22, x21, x22, c0, c1, c2);
      }
    }
    dy++;
    err += plus;
    plus += 2;
    const step = err <= 0 ? 0 : -1; // mask = (err <= 0) - 1
    err -= minus & step;
    dx += step;
    minus -= step & 2;
  }
}
