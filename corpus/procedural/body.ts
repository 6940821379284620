import { BODY, CHANNELS, MIRROR_INDEX, PARTS, POINTS } from '../../pose/skeleton.js';
import { faceLocal, type FaceState } from './face.js';
import { handLocal, quatMatrix, type Quat } from './hand.js';
import type { Rng } from '../../nn/rng.js';
import type { Signer } from './signer.js';

/**
 * Poses one frame of the procedural signer. Everything is computed in "signer space": shoulder units (U), origin at
 * the neck, +x image right, +y down, for a right-handed signer whose dominant (anatomical right) hand is on the
 * image's left. The weak hand is computed as a right hand in mirrored space and reflected. Left-handed signers are
 * the whole frame mirrored (points swapped with MIRROR_INDEX). Finally the frame is placed in the 1280×720 image.
 */

/**
 * One hand's pose in its own right-hand space: where its contact point (halfway between the middle-finger knuckle
 * and the index tip) is, its shape and orientation.
 */
export interface HandPose {
  x: number;
  y: number;
  /** Depth in front of the shoulders (toward the camera), U. */
  z: number;
  /** Handshape parameter vector (see hand.ts). */
  shape: Float64Array;
  q: Quat;
  /** Apparent size factor (toward the camera > 1). */
  scale: number;
  /** 1: (x, y, z) is the contact point; 0: it is the wrist (fingerspelling: the wrist stays, the hand turns). */
  anchor: number;
}

export interface FramePose {
  dom: HandPose;
  weak: HandPose;
  face: FaceState;
  /** Hands whose points are dropped this frame (c = 0), as detectors sometimes miss them. */
  dropDom: boolean;
  dropWeak: boolean;
  /** Whole-body shift this frame (U): slow sway, so that a signer is never perfectly still. */
  swayX: number;
  swayY: number;
}

export const FRAME_WIDTH = 1280;
export const FRAME_HEIGHT = 720;

const MCP_INDEX = 9;
const INDEX_TIP = 8;

/** Reusable scratch buffers for one render loop (no allocation per frame). */
export class FrameScratch {
  readonly xy = new Float64Array(POINTS * 2);
  readonly conf = new Float32Array(POINTS);
  readonly local = new Float64Array(63);
  readonly rot = new Float64Array(9);
  readonly face = new Float64Array(144);
  readonly arm = new Float64Array(9);
  /** Elbow direction of the previous frame per arm (dominant, weak): the elbow swivels continuously. */
  readonly elbowDir = [new Float64Array(3), new Float64Array(3)];
  readonly pref = [0, 0, 0];
  /** Whether elbowDir holds a previous frame. */
  started = false;
  readonly shoulder = [0, 0, 0];
  readonly wrist = [0, 0, 0];
}

/** Head (nose tip) position in signer space. */
export function headPosition(signer: Signer): [number, number] {
  return [0, -signer.neckLength];
}

/**
 * Two-link IK in 3D: elbow for a shoulder S and wrist W with bone lengths a, b. W is pulled back inside the reach
 * when too far or too near. Of the circle of solutions the elbow nearest the direction `pref` (down and out) is
 * taken. Writes [ex, ey, ez, wx, wy, wz, nx, ny, nz] (n: the unit direction from the arm axis to the elbow).
 */
export function solveArm(s: readonly number[], w: readonly number[], a: number, b: number, pref: readonly number[],
  out: Float64Array): Float64Array {
  let dx = w[0] - s[0];
  let dy = w[1] - s[1];
  let dz = w[2] - s[2];
  let d = Math.hypot(dx, dy, dz);
  const maxD = (a + b) * 0.995;
  const minD = Math.abs(a - b) + 0.02;
  if (d > maxD || d < minD) {
    const target = d > maxD ? maxD : minD;
    if (d < 1e-9) { dx = 0; dy = 1; dz = 0; d = 1; }
    dx = (dx / d) * target; dy = (dy / d) * target; dz = (dz / d) * target;
    d = target;
  }
  const ux = dx / d, uy = dy / d, uz = dz / d;
  const along = (a * a - b * b + d * d) / (2 * d);
  const h = Math.sqrt(Math.max(0, a * a - along * along));
  // preferred direction made perpendicular to the shoulder-wrist axis
  const pd = pref[0] * ux + pref[1] * uy + pref[2] * uz;
  let nx = pref[0] - pd * ux, ny = pref[1] - pd * uy, nz = pref[2] - pd * uz;
  let nn = Math.hypot(nx, ny, nz);
  if (nn < 1e-6) { nx = -uy; ny = ux; nz = 0; nn = Math.hypot(nx, ny) || 1; }
  nx /= nn; ny /= nn; nz /= nn;
  out[0] = s[0] + along * ux + h * nx;
  out[1] = s[1] + along * uy + h * ny;
  out[2] = s[2] + along * uz + h * nz;
  out[3] = s[0] + dx; out[4] = s[1] + dy; out[5] = s[2] + dz;
  out[6] = nx; out[7] = ny; out[8] = nz;
  return out;
}

const MIN_WRIST_DEPTH = 0.08;
const MIN_REACH = 0.85;

/** Elbows hang down, a little outward and back. */
const ELBOW_PREF = [-0.2, 1, 0] as const;
/** Weight of the previous frame's elbow direction in this frame's preference. */
const ELBOW_INERTIA = 0.5;

/** Poses one arm and its hand (right-hand space; `mirror` reflects the result to the other side). */
function poseArm(signer: Signer, hand: HandPose, arm: 0 | 1, handStart: number, elbowIdx: number,
  wristIdx: number, s: FrameScratch): void {
  const mirror = arm === 1;
  const L = signer.handLength * hand.scale;
  const loc = handLocal(hand.shape, s.local);
  const m = quatMatrix(hand.q, s.rot);
  // contact point: halfway between the middle MCP and the index tip
  const lx = (loc[MCP_INDEX * 3] + loc[INDEX_TIP * 3]) / 2;
  const ly = (loc[MCP_INDEX * 3 + 1] + loc[INDEX_TIP * 3 + 1]) / 2;
  const lz = (loc[MCP_INDEX * 3 + 2] + loc[INDEX_TIP * 3 + 2]) / 2;
  const k = L * hand.anchor;
  const cx = (m[0] * lx + m[1] * ly + m[2] * lz) * k;
  const cy = (m[3] * lx + m[4] * ly + m[5] * lz) * k;
  const cz = (m[6] * lx + m[7] * ly + m[8] * lz) * k;
  s.shoulder[0] = -signer.shoulderWidth / 2; s.shoulder[1] = signer.shoulderDrop; s.shoulder[2] = 0;
  s.wrist[0] = hand.x - cx; s.wrist[1] = hand.y - cy; s.wrist[2] = hand.z - cz;
  // Keep the wrist in front of the body and out of the shoulder by moving it toward the camera only: depth does not
  // change the 2D picture, but a wrist folded onto the shoulder would make the elbow swing.
  const ddx = s.wrist[0] - s.shoulder[0];
  const ddy = s.wrist[1] - s.shoulder[1];
  s.wrist[2] = Math.max(s.wrist[2], MIN_WRIST_DEPTH, Math.sqrt(Math.max(0, MIN_REACH * MIN_REACH - ddx * ddx - ddy * ddy)));
  // Preferred elbow direction: mostly last frame's (no sudden swivel where 'down' is nearly along the arm), pulled
  // toward down-and-out.
  const prev = s.elbowDir[arm];
  for (let k = 0; k < 3; k++) s.pref[k] = s.started ? ELBOW_INERTIA * prev[k] + (1 - ELBOW_INERTIA) * ELBOW_PREF[k] : ELBOW_PREF[k];
  solveArm(s.shoulder, s.wrist, signer.upperArm, signer.forearm, s.pref, s.arm);
  prev[0] = s.arm[6]; prev[1] = s.arm[7]; prev[2] = s.arm[8];
  const wx = s.arm[3];
  const wy = s.arm[4];
  const sign = mirror ? -1 : 1;
  const xy = s.xy;
  xy[elbowIdx * 2] = sign * s.arm[0]; xy[elbowIdx * 2 + 1] = s.arm[1];
  xy[wristIdx * 2] = sign * wx; xy[wristIdx * 2 + 1] = wy;
  for (let j = 0; j < 21; j++) {
    const px = loc[j * 3], py = loc[j * 3 + 1], pz = loc[j * 3 + 2];
    const o = (handStart + j) * 2;
    xy[o] = sign * (wx + (m[0] * px + m[1] * py + m[2] * pz) * L);
    xy[o + 1] = wy + (m[3] * px + m[4] * py + m[5] * pz) * L;
  }
}

/**
 * Writes frame `t` of the pose into `data` (DWPose-128, x/y normalised to 1280×720, c confidence). `rng` drives
 * jitter and confidences.
 */
export function renderFrame(signer: Signer, pose: FramePose, rng: Rng, data: Float32Array, t: number, s: FrameScratch): void {
  const xy = s.xy;
  const conf = s.conf;
  conf.fill(1);
  // torso
  const sw = signer.shoulderWidth / 2;
  xy[BODY.neck * 2] = 0; xy[BODY.neck * 2 + 1] = 0;
  xy[BODY.rShoulder * 2] = -sw; xy[BODY.rShoulder * 2 + 1] = signer.shoulderDrop;
  xy[BODY.lShoulder * 2] = sw; xy[BODY.lShoulder * 2 + 1] = signer.shoulderDrop;
  const hw = signer.hipWidth / 2;
  const legs: [number, number, number][] = [
    [BODY.rHip, -hw, signer.torsoLength], [BODY.lHip, hw, signer.torsoLength],
    [BODY.rKnee, -hw * 0.95, signer.torsoLength + 0.95], [BODY.lKnee, hw * 0.95, signer.torsoLength + 0.95],
    [BODY.rAnkle, -hw * 0.9, signer.torsoLength + 1.85], [BODY.lAnkle, hw * 0.9, signer.torsoLength + 1.85],
  ];
  for (const [i, x, y] of legs) { xy[i * 2] = x; xy[i * 2 + 1] = y; }
  // legs are below the frame: present in coordinates, absent by confidence (as DWPose reports them)
  conf[BODY.rKnee] = 0; conf[BODY.lKnee] = 0; conf[BODY.rAnkle] = 0; conf[BODY.lAnkle] = 0;
  // head and face
  const [hx, hy] = headPosition(signer);
  faceLocal(pose.face, signer.headSize, s.face);
  const f0 = PARTS.face.start;
  for (let i = 0; i < 68; i++) {
    xy[(f0 + i) * 2] = hx + s.face[i * 2];
    xy[(f0 + i) * 2 + 1] = hy + s.face[i * 2 + 1];
  }
  xy[BODY.nose * 2] = xy[(f0 + 30) * 2]; xy[BODY.nose * 2 + 1] = xy[(f0 + 30) * 2 + 1];
  const extra = [BODY.rEye, BODY.lEye, BODY.rEar, BODY.lEar];
  for (let k = 0; k < 4; k++) {
    xy[extra[k] * 2] = hx + s.face[(68 + k) * 2];
    xy[extra[k] * 2 + 1] = hy + s.face[(68 + k) * 2 + 1];
  }
  // arms and hands: dominant = anatomical right; the weak hand mirrored
  poseArm(signer, pose.dom, 0, PARTS.rightHand.start, BODY.rElbow, BODY.rWrist, s);
  poseArm(signer, pose.weak, 1, PARTS.leftHand.start, BODY.lElbow, BODY.lWrist, s);
  s.started = true;
  // detector-like confidences: face high, hands lower and noisier; dropped hands 0
  for (let i = 0; i < 68; i++) conf[f0 + i] = 0.85 + 0.15 * rng.next();
  for (const [start, dropped] of [[PARTS.rightHand.start, pose.dropDom], [PARTS.leftHand.start, pose.dropWeak]] as const) {
    for (let j = 0; j < 21; j++) conf[start + j] = dropped ? 0 : 0.45 + 0.5 * rng.next();
  }
  // place in the frame: jitter in pixels, mirror for left-handed signers
  const px = signer.pxPerUnit;
  const ox = signer.neckX * FRAME_WIDTH + pose.swayX * px;
  const oy = signer.neckY * FRAME_HEIGHT + pose.swayY * px;
  const base = t * POINTS * CHANNELS;
  const jit = signer.jitterPx;
  for (let p = 0; p < POINTS; p++) {
    const src = signer.leftHanded ? MIRROR_INDEX[p] : p;
    const sx = signer.leftHanded ? -xy[src * 2] : xy[src * 2];
    const j = p < PARTS.face.start ? jit : p < PARTS.leftHand.start ? jit * 0.5 : jit * 0.8;
    const o = base + p * CHANNELS;
    // x = float32(pixel) / width: what a pixel-based file gives back exactly (see pose/formats/pose-format.ts)
    data[o] = Math.fround(ox + sx * px + j * rng.normalBounded()) / FRAME_WIDTH;
    data[o + 1] = Math.fround(oy + xy[src * 2 + 1] * px + j * rng.normalBounded()) / FRAME_HEIGHT;
    data[o + 2] = conf[src];
  }
}
