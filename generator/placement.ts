import { BODY } from '../pose/skeleton.js';
import { POSE_DIM } from './config.js';
import type { ModelFrames } from './features.js';

/**
 * Where a signer stands in the frame: the neck (x, y) and the shoulder width, in model units (centre-square [0, 1]).
 *
 * Signers differ in size and place in the frame far more than signs differ from each other in where the hands go
 * relative to the body, and a text→pose regressor cannot know which signer it is drawing. Re-placing every training
 * sequence at the training set's mean neck and shoulder width (`placement: true`) takes that variation out of the
 * targets: the model learns the signs on one body, drawn where the average signer stands. Generated sequences come
 * out there too, which is the best guess for an unknown signer.
 */
export interface Placement {
  x: number;
  y: number;
  scale: number;
}

const NECK = BODY.neck;
const R_SHOULDER = BODY.rShoulder;
const L_SHOULDER = BODY.lShoulder;

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median neck and shoulder width over the frames that have the neck and both shoulders; null when none does. */
export function placementOf(f: ModelFrames): Placement | null {
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let t = 0; t < f.length; t++) {
    const o = t * POSE_DIM;
    if (!(f.frames[o + NECK * 3 + 2] > 0.5 && f.frames[o + R_SHOULDER * 3 + 2] > 0.5 && f.frames[o + L_SHOULDER * 3 + 2] > 0.5)) continue;
    const w = Math.hypot(f.frames[o + R_SHOULDER * 3] - f.frames[o + L_SHOULDER * 3], f.frames[o + R_SHOULDER * 3 + 1] - f.frames[o + L_SHOULDER * 3 + 1]);
    if (!(w > 1e-4)) continue;
    xs.push(f.frames[o + NECK * 3]);
    ys.push(f.frames[o + NECK * 3 + 1]);
    ws.push(w);
  }
  return xs.length === 0 ? null : { x: median(xs), y: median(ys), scale: median(ws) };
}

/** Mean of the placements of the given sequences (those that have one); null when none has. */
export function meanPlacement(seqs: Iterable<ModelFrames>): Placement | null {
  let x = 0;
  let y = 0;
  let s = 0;
  let n = 0;
  for (const f of seqs) {
    const p = placementOf(f);
    if (!p) continue;
    x += p.x; y += p.y; s += p.scale; n++;
  }
  return n === 0 ? null : { x: x / n, y: y / n, scale: s / n };
}

/**
 * In place: moves and scales the present points of `f` so that its placement becomes `to` (a sequence without a
 * neck and shoulders is left as it is). Presence is untouched.
 */
export function replace(f: ModelFrames, to: Placement): void {
  const from = placementOf(f);
  if (!from) return;
  const k = to.scale / from.scale;
  for (let t = 0; t < f.length; t++) {
    const o = t * POSE_DIM;
    for (let i = 0; i < POSE_DIM; i += 3) {
      if (!(f.frames[o + i + 2] > 0.5)) continue;
      f.frames[o + i] = (f.frames[o + i] - from.x) * k + to.x;
      f.frames[o + i + 1] = (f.frames[o + i + 1] - from.y) * k + to.y;
    }
  }
}

export function placementFromJson(v: unknown, where: string): Placement {
  const o = v as Partial<Placement> | null;
  for (const k of ['x', 'y', 'scale'] as const) {
    if (typeof o?.[k] !== 'number' || !Number.isFinite(o[k])) throw new Error(`${where}: placement.${k} must be a finite number`);
  }
  if (!((o as Placement).scale > 0)) throw new Error(`${where}: placement.scale must be positive`);
  return { x: (o as Placement).x, y: (o as Placement).y, scale: (o as Placement).scale };
}
