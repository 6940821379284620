/**
 * The 21-point hand by forward kinematics. A handshape is a small vector of joint angles (finger flexion, spread,
 * thumb abduction/opposition/flexion); the hand is built in a 3D hand frame and turned into camera space by the palm
 * orientation, then projected orthographically to 2D.
 *
 * Hand frame (a right hand): +y along the extended fingers, +z out of the palm (fingers curl toward +z), +x toward
 * the thumb side. Units: hand lengths (wrist to middle fingertip of a flat hand ≈ 1).
 * Camera space: +X image right, +Y image down, +Z toward the viewer. The signer faces the viewer, so a right hand
 * sits on the image's left. Left hands are built as right hands and mirrored (X → −X) by the caller.
 */

/** Flexion of one finger at its MCP, PIP and DIP joints, radians (0 = straight). */
export type FingerFlex = readonly [number, number, number];

export interface Handshape {
  name: string;
  /** index, middle, ring, little */
  fingers: readonly [FingerFlex, FingerFlex, FingerFlex, FingerFlex];
  /** 0 = fingers together, 1 = fully spread. */
  spread: number;
  /** Thumb: in-plane abduction from the index side (rad), opposition toward the palm (rad), MCP and IP flexion. */
  thumb: readonly [number, number, number, number];
}

/** Number of parameters in a flattened handshape (for interpolation). */
export const HANDSHAPE_PARAMS = 17;

export function handshapeVector(h: Handshape): Float64Array {
  const v = new Float64Array(HANDSHAPE_PARAMS);
  let k = 0;
  for (const f of h.fingers) { v[k++] = f[0]; v[k++] = f[1]; v[k++] = f[2]; }
  v[k++] = h.spread;
  for (const t of h.thumb) v[k++] = t;
  return v;
}

// Finger bases on the palm (hand frame) and phalanx lengths: index, middle, ring, little.
const MCP: readonly (readonly [number, number])[] = [[0.105, 0.5], [0.03, 0.53], [-0.045, 0.51], [-0.115, 0.465]];
const PHALANX: readonly (readonly [number, number, number])[] = [
  [0.2, 0.12, 0.09], [0.22, 0.14, 0.1], [0.21, 0.135, 0.09], [0.16, 0.1, 0.08],
];
const SPLAY: readonly number[] = [0.2, 0.0, -0.17, -0.34];
const THUMB_CMC: readonly [number, number, number] = [0.1, 0.14, 0.03];
const THUMB_LEN: readonly [number, number, number] = [0.2, 0.14, 0.11];

/**
 * Fills `out` (63 numbers: 21 points × x, y, z in the hand frame) for a handshape given as a parameter vector.
 */
export function handLocal(p: ArrayLike<number>, out: Float64Array): Float64Array {
  out.fill(0, 0, 3); // wrist at the origin
  const spread = p[12];
  for (let f = 0; f < 4; f++) {
    const ang = SPLAY[f] * (0.25 + spread);
    const bx = Math.sin(ang);
    const by = Math.cos(ang);
    let x = MCP[f][0];
    let y = MCP[f][1];
    let z = 0;
    const base = (5 + f * 4) * 3;
    out[base] = x; out[base + 1] = y; out[base + 2] = z;
    let phi = 0;
    for (let j = 0; j < 3; j++) {
      phi += p[f * 3 + j];
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      const len = PHALANX[f][j];
      x += bx * c * len;
      y += by * c * len;
      z += s * len;
      const o = base + (j + 1) * 3;
      out[o] = x; out[o + 1] = y; out[o + 2] = z;
    }
  }
  // Thumb: metacarpal direction from abduction/opposition, then curl toward the palm's ulnar side.
  const abd = p[13];
  const opp = p[14];
  const d0x = Math.sin(abd) * Math.cos(opp);
  const d0y = Math.cos(abd) * Math.cos(opp);
  const d0z = Math.sin(opp);
  // Curl direction: across the palm (−x) and into it (+z), made orthogonal to d0.
  let cx = -0.8, cy = 0.1, cz = 0.6;
  const dot = cx * d0x + cy * d0y + cz * d0z;
  cx -= dot * d0x; cy -= dot * d0y; cz -= dot * d0z;
  const cn = Math.hypot(cx, cy, cz) || 1;
  cx /= cn; cy /= cn; cz /= cn;
  let x = THUMB_CMC[0], y = THUMB_CMC[1], z = THUMB_CMC[2];
  out[3] = x; out[4] = y; out[5] = z;
  const flex = [0, p[15], p[16]];
  let phi = 0;
  for (let j = 0; j < 3; j++) {
    phi += flex[j];
    const c = Math.cos(phi);
    const s = Math.sin(phi);
    const len = THUMB_LEN[j];
    x += (d0x * c + cx * s) * len;
    y += (d0y * c + cy * s) * len;
    z += (d0z * c + cz * s) * len;
    const o = (2 + j) * 3;
    out[o] = x; out[o + 1] = y; out[o + 2] = z;
  }
  return out;
}

// ---- orientation: rotation matrices and quaternions -------------------------------------------------------------

export type Vec3 = readonly [number, number, number];
/** Unit quaternion [w, x, y, z]. */
export type Quat = [number, number, number, number];

function norm3(v: Vec3): [number, number, number] {
  const n = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

function cross(a: Vec3, b: Vec3): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * The rotation taking the hand frame to camera space for a right hand whose fingers point along `fingers` and whose
 * palm faces `palm` (camera-space directions; `palm` is made orthogonal to `fingers`).
 */
export function orientationQuat(fingers: Vec3, palm: Vec3): Quat {
  const y = norm3(fingers);
  const d = palm[0] * y[0] + palm[1] * y[1] + palm[2] * y[2];
  let z = norm3([palm[0] - d * y[0], palm[1] - d * y[1], palm[2] - d * y[2]]);
  if (Math.hypot(palm[0] - d * y[0], palm[1] - d * y[1], palm[2] - d * y[2]) < 1e-6) z = norm3(cross(y, [1, 0, 0]));
  const x = cross(z, y); // thumb side: palm × fingers (see the frame convention above)
  // Columns x, y, z of the rotation matrix → quaternion.
  const m00 = x[0], m01 = y[0], m02 = z[0];
  const m10 = x[1], m11 = y[1], m12 = z[1];
  const m20 = x[2], m21 = y[2], m22 = z[2];
  const tr = m00 + m11 + m22;
  let q: Quat;
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    q = [0.25 * s, (m21 - m12) / s, (m02 - m20) / s, (m10 - m01) / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = Math.sqrt(1 + m00 - m11 - m22) * 2;
    q = [(m21 - m12) / s, 0.25 * s, (m01 + m10) / s, (m02 + m20) / s];
  } else if (m11 > m22) {
    const s = Math.sqrt(1 + m11 - m00 - m22) * 2;
    q = [(m02 - m20) / s, (m01 + m10) / s, 0.25 * s, (m12 + m21) / s];
  } else {
    const s = Math.sqrt(1 + m22 - m00 - m11) * 2;
    q = [(m10 - m01) / s, (m02 + m20) / s, (m12 + m21) / s, 0.25 * s];
  }
  return normQuat(q);
}

function normQuat(q: Quat): Quat {
  const n = Math.hypot(q[0], q[1], q[2], q[3]) || 1;
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

/** Spherical interpolation between unit quaternions (shortest path). */
export function slerp(a: Quat, b: Quat, t: number): Quat {
  let d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
  let bb: Quat = b;
  if (d < 0) { d = -d; bb = [-b[0], -b[1], -b[2], -b[3]]; }
  if (d > 0.9995) {
    return normQuat([a[0] + t * (bb[0] - a[0]), a[1] + t * (bb[1] - a[1]), a[2] + t * (bb[2] - a[2]), a[3] + t * (bb[3] - a[3])]);
  }
  const th = Math.acos(d);
  const s = Math.sin(th);
  const wa = Math.sin((1 - t) * th) / s;
  const wb = Math.sin(t * th) / s;
  return [wa * a[0] + wb * bb[0], wa * a[1] + wb * bb[1], wa * a[2] + wb * bb[2], wa * a[3] + wb * bb[3]];
}

/** Rotation by `angle` about a camera-space axis, composed after q (q' = r·q). */
export function rotateQuat(q: Quat, axis: Vec3, angle: number): Quat {
  const [ax, ay, az] = norm3(axis);
  const s = Math.sin(angle / 2);
  const r: Quat = [Math.cos(angle / 2), ax * s, ay * s, az * s];
  return normQuat([
    r[0] * q[0] - r[1] * q[1] - r[2] * q[2] - r[3] * q[3],
    r[0] * q[1] + r[1] * q[0] + r[2] * q[3] - r[3] * q[2],
    r[0] * q[2] - r[1] * q[3] + r[2] * q[0] + r[3] * q[1],
    r[0] * q[3] + r[1] * q[2] - r[2] * q[1] + r[3] * q[0],
  ]);
}

/** Row-major 3×3 matrix of a unit quaternion. */
export function quatMatrix(q: Quat, out: Float64Array): Float64Array {
  const [w, x, y, z] = q;
  out[0] = 1 - 2 * (y * y + z * z); out[1] = 2 * (x * y - w * z); out[2] = 2 * (x * z + w * y);
  out[3] = 2 * (x * y + w * z); out[4] = 1 - 2 * (x * x + z * z); out[5] = 2 * (y * z - w * x);
  out[6] = 2 * (x * z - w * y); out[7] = 2 * (y * z + w * x); out[8] = 1 - 2 * (x * x + y * y);
  return out;
}
