/**
 * Colours of the DWPose/OpenPose drawing (reference notes §3.2–3.3), as the code tuples written into the canvas.
 * The SignVerse styles swap channels 0 and 2 at the very end; the ControlNet style writes them as RGB.
 */

/** Body limb i (the 17 drawn pairs of BODY_LIMBS) and body joint j both use colour index i / j. */
export const BODY_COLORS: readonly (readonly [number, number, number])[] = [
  [255, 0, 0], [255, 85, 0], [255, 170, 0], [255, 255, 0], [170, 255, 0], [85, 255, 0], [0, 255, 0],
  [0, 255, 85], [0, 255, 170], [0, 255, 255], [0, 170, 255], [0, 85, 255], [0, 0, 255], [85, 0, 255],
  [170, 0, 255], [255, 0, 255], [255, 0, 170], [255, 0, 85],
];

/** The 17 body limbs the renderers draw (`range(17)` of limbSeq), same order as BODY_LIMBS in pose/skeleton. */
export const DRAWN_LIMBS = 17;

/**
 * `matplotlib.colors.hsv_to_rgb([h, s, v])` in float64, step for step (its rounding shows in the truncated hand
 * colours, e.g. 0.3 → 76.5000…01).
 */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  if (s === 0) return [v, v, v];
  const i = Math.trunc(h * 6.0);
  const f = h * 6.0 - i;
  const p = v * (1.0 - s);
  const q = v * (1.0 - s * f);
  const t = v * (1.0 - s * (1.0 - f));
  switch (((i % 6) + 6) % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

/** Unscaled float colour of hand edge ie (0..19): hsv_to_rgb([ie / 20, 1, 1]). */
export const HAND_EDGE_HSV: readonly (readonly [number, number, number])[] = Array.from({ length: 20 }, (_, ie) => hsvToRgb(ie / 20, 1.0, 1.0));
