/**
 * The iBUG-68 face as a parametric template, in shoulder units with the nose tip (point 30) at the origin and a
 * rough depth per point so that the head can turn (head shake) by a yaw rotation. Non-manual markers act on it:
 * eyebrows (raise / furrow) and the mouth (open, wide, round, pressed, puffed cheeks).
 */

export interface FaceState {
  /** +1 raised brows (yes/no questions), −1 furrowed (wh-questions). */
  brow: number;
  /** Mouth opening 0..1, lip spreading 0..1, lip rounding 0..1, cheek puff 0..1. */
  open: number;
  wide: number;
  round: number;
  puff: number;
  /** Eyelid closure 0 (open) .. 1 (closed): blinks. */
  blink: number;
  /** Head yaw / pitch / roll in radians (yaw: head shake; pitch: nod, + = down). */
  yaw: number;
  pitch: number;
  roll: number;
}

export const NEUTRAL_FACE: FaceState = { brow: 0, open: 0, wide: 0, round: 0, puff: 0, blink: 0, yaw: 0, pitch: 0, roll: 0 };

/** Depth of the head's turning axis behind the nose tip. */
const AXIS_Z = -0.13;
/** 68 face points + body r_eye, l_eye, r_ear, l_ear. */
const N = 72;

// The static part of the template (jaw, nose, eye corners, ears) and per-point depth, computed once.
const JAW_SIN = Float64Array.from({ length: 17 }, (_, i) => Math.sin((Math.PI * i) / 16));
const JAW_X = Float64Array.from({ length: 17 }, (_, i) => -0.215 * Math.cos((Math.PI * i) / 16));
const JAW_Y = Float64Array.from(JAW_SIN, (sn) => -0.12 + 0.365 * Math.pow(sn, 1.5));
/** Eye contour offsets from the eye centre (36-41 and 42-47 share them): corner, top, top, corner, bottom, bottom. */
const EYE_DX = [-0.035, -0.035 / 3, 0.035 / 3, 0.035, 0.035 / 3, -0.035 / 3];
const EYE_DY = [0, -1, -1, 0, 0.8, 0.8];
/** Outer lip: x as a fraction of the half-width, y as 'top' (−), 'bottom' (+) or corner (0) with a weight. */
const LIP_FX = [-1, -0.6, -0.25, 0, 0.25, 0.6, 1, 0.6, 0.25, 0, -0.25, -0.6];
const LIP_FY = [0, -0.8, -1, -0.9, -1, -0.8, 0, 0.8, 1, 1, 1, 0.8];
const INNER_FX = [-1, -0.4, 0, 0.4, 1, 0.4, 0, -0.4];
const INNER_FY = [0, -1, -1, -1, 0, 1, 1, 1];

const xs = new Float64Array(N);
const ys = new Float64Array(N);
const zs = new Float64Array(N);

/**
 * Writes the 68 face points plus the body's eye and ear points into `out` as x, y pairs relative to the nose tip,
 * scaled by `size`: out[0..135] face, out[136..143] r_eye, l_eye, r_ear, l_ear.
 */
export function faceLocal(s: FaceState, size: number, out: Float64Array): Float64Array {
  const jawDrop = 0.045 * s.open;
  for (let i = 0; i <= 16; i++) {
    let y = JAW_Y[i];
    if (y > 0.06) y += jawDrop * Math.min(1, (y - 0.06) / 0.18);
    xs[i] = i >= 3 && i <= 13 ? JAW_X[i] * (1 + 0.07 * s.puff) : JAW_X[i];
    ys[i] = y;
    zs[i] = 0.02 + 0.1 * JAW_SIN[i];
  }
  const raise = s.brow > 0 ? s.brow : 0;
  const furrow = s.brow < 0 ? -s.brow : 0;
  for (let k = 0; k < 5; k++) {
    const inner = k / 4; // 0 outer .. 1 inner
    const y = -0.155 - 0.02 * Math.sin((Math.PI * k) / 4) - 0.03 * raise + 0.018 * furrow;
    const x = 0.175 - 0.035 * k - 0.012 * furrow * inner;
    const z = 0.06 + 0.03 * inner;
    xs[17 + k] = -x; ys[17 + k] = y; zs[17 + k] = z;
    xs[26 - k] = x; ys[26 - k] = y; zs[26 - k] = z;
  }
  for (let k = 0; k < 4; k++) { xs[27 + k] = 0; ys[27 + k] = -0.11 + (0.11 * k) / 3; zs[27 + k] = 0.08 + 0.027 * k; }
  for (let k = 0; k < 5; k++) {
    const c = 1 - Math.abs(k - 2) / 2;
    xs[31 + k] = -0.05 + 0.025 * k; ys[31 + k] = 0.035 + 0.008 * c; zs[31 + k] = 0.1 + 0.02 * c;
  }
  const eyeOpen = 0.013 * (1 + 0.35 * raise - 0.25 * furrow) * (1 - 0.85 * s.blink);
  for (let j = 0; j < 6; j++) {
    const y = -0.108 + EYE_DY[j] * eyeOpen;
    const z = 0.06 + 0.02 * (1 - Math.abs(EYE_DX[j]) / 0.035);
    xs[36 + j] = -0.095 + EYE_DX[j]; ys[36 + j] = y; zs[36 + j] = z;
    xs[42 + j] = 0.095 + EYE_DX[j]; ys[42 + j] = y; zs[42 + j] = z;
  }
  const mw = 0.068 * (1 + 0.25 * s.wide - 0.32 * s.round + 0.05 * s.puff);
  const press = Math.max(0, 1 - s.open * 3) * 0.4;
  const ty = -0.018 * (1 - press) - 0.006 * s.open - 0.006 * s.round;
  const by = 0.022 * (1 - press) + 0.06 * s.open + 0.006 * s.round;
  const my = 0.105;
  for (let j = 0; j < 12; j++) {
    const fy = LIP_FY[j];
    xs[48 + j] = LIP_FX[j] * mw;
    ys[48 + j] = my + (fy < 0 ? -fy * ty : fy * by);
    zs[48 + j] = 0.1 - 0.04 * Math.abs(LIP_FX[j]);
  }
  const iw = mw * 0.8;
  const it = -0.003 - 0.004 * s.open;
  const ib = 0.003 + 0.05 * s.open;
  for (let j = 0; j < 8; j++) {
    const fy = INNER_FY[j];
    xs[60 + j] = INNER_FX[j] * iw;
    ys[60 + j] = my + (fy < 0 ? it : fy > 0 ? ib : 0);
    zs[60 + j] = 0.09;
  }
  xs[68] = -0.095; ys[68] = -0.108; zs[68] = 0.07;
  xs[69] = 0.095; ys[69] = -0.108; zs[69] = 0.07;
  xs[70] = -0.235; ys[70] = -0.07; zs[70] = -0.1;
  xs[71] = 0.235; ys[71] = -0.07; zs[71] = -0.1;
  // turn the head about an axis behind the nose: yaw (vertical axis), pitch (horizontal), then roll (image plane)
  const cy = Math.cos(s.yaw), sy = Math.sin(s.yaw);
  const cp = Math.cos(s.pitch), sp = Math.sin(s.pitch);
  const cr = Math.cos(s.roll), sr = Math.sin(s.roll);
  for (let i = 0; i < N; i++) {
    const z = zs[i] - AXIS_Z;
    const x1 = xs[i] * cy + z * sy;
    const z1 = -xs[i] * sy + z * cy;
    const y1 = ys[i] * cp + z1 * sp;
    out[i * 2] = (x1 * cr - y1 * sr) * size;
    out[i * 2 + 1] = (x1 * sr + y1 * cr) * size;
  }
  return out;
}
