/**
 * Transforms of canonical sequences used by models, seeds and metrics. Each returns a new sequence (or array) and
 * leaves its input untouched.
 */
import { PoseSequence } from './sequence.js';
import { BODY, CHANNELS, FRAME_STRIDE, MIRROR_INDEX, PARTS, POINTS } from './skeleton.js';

const hand = (start: number, idx: readonly number[]) => idx.map((i) => start + i);
const HAND_10 = [0, 4, 5, 8, 9, 12, 13, 16, 17, 20] as const; // wrist, thumb tip, each finger's base and tip

/**
 * Named point subsets (canonical indices).
 * - `armHand27`: the 27-point arm+hand subset of skeleton-based isolated sign recognition (SL-GCN / SAM-SLR style
 *   pipelines, also used on ASLLVD): nose, shoulders, elbows, wrists and 10 points per hand (wrist, thumb tip, the
 *   base and tip of the other four fingers). Order: nose, l/r shoulder, l/r elbow, l/r wrist, then each hand (left,
 *   right) as hand points 0, 4, 5, 8, 9, 12, 13, 16, 17, 20 — in COCO-WholeBody numbering 0, 5–10, 91, 95, 96, 99,
 *   100, 103, 104, 107, 108, 111 and the right hand's 112, 116, …, 132. The recogniser (recognizer/) reads it over
 *   clips resampled to 63 frames, as ASLLVD-Skeleton does.
 * - `upperBody`: the 8 body points Progressive Transformers keeps (nose, neck, shoulders, elbows, wrists).
 * - `manual`: upper body + both full hands (50 points, PT's layout).
 */
export const SUBSETS = Object.freeze({
  armHand27: Object.freeze([
    BODY.nose, BODY.lShoulder, BODY.rShoulder, BODY.lElbow, BODY.rElbow, BODY.lWrist, BODY.rWrist,
    ...hand(PARTS.leftHand.start, HAND_10), ...hand(PARTS.rightHand.start, HAND_10),
  ]),
  upperBody: Object.freeze([0, 1, 2, 3, 4, 5, 6, 7]),
  manual: Object.freeze([
    0, 1, 2, 3, 4, 5, 6, 7,
    ...Array.from({ length: 21 }, (_, i) => PARTS.leftHand.start + i),
    ...Array.from({ length: 21 }, (_, i) => PARTS.rightHand.start + i),
  ]),
  body: Object.freeze(Array.from({ length: PARTS.body.count }, (_, i) => PARTS.body.start + i)),
  face: Object.freeze(Array.from({ length: PARTS.face.count }, (_, i) => PARTS.face.start + i)),
  hands: Object.freeze(Array.from({ length: 42 }, (_, i) => PARTS.leftHand.start + i)),
});

export type SubsetName = keyof typeof SUBSETS;

/** Points `indices` of every frame, packed as `[frame][k][x, y, c]`. */
export function selectPoints(seq: PoseSequence, indices: readonly number[]): Float32Array {
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= POINTS) throw new RangeError(`point index ${i} is outside 0..${POINTS - 1}`);
  }
  const k = indices.length;
  const out = new Float32Array(seq.frames * k * CHANNELS);
  for (let t = 0; t < seq.frames; t++) {
    const src = t * FRAME_STRIDE;
    const dst = t * k * CHANNELS;
    for (let j = 0; j < k; j++) {
      const s = src + indices[j] * CHANNELS;
      out[dst + j * 3] = seq.data[s];
      out[dst + j * 3 + 1] = seq.data[s + 1];
      out[dst + j * 3 + 2] = seq.data[s + 2];
    }
  }
  return out;
}

/** The sequence with every point outside `indices` marked missing (c = 0, coordinates kept). */
export function keepPoints(seq: PoseSequence, indices: readonly number[]): PoseSequence {
  const keep = new Uint8Array(POINTS);
  for (const i of indices) keep[i] = 1;
  const out = seq.clone();
  for (let t = 0; t < out.frames; t++) {
    for (let p = 0; p < POINTS; p++) if (!keep[p]) out.data[t * FRAME_STRIDE + p * CHANNELS + 2] = 0;
  }
  return out;
}

/** Horizontal mirror: x → 1 − x, and every left point swapped with its right partner (hands, body, face). */
export function mirror(seq: PoseSequence): PoseSequence {
  const data = new Float32Array(seq.data.length);
  for (let t = 0; t < seq.frames; t++) {
    const base = t * FRAME_STRIDE;
    for (let p = 0; p < POINTS; p++) {
      const s = base + p * CHANNELS;
      const d = base + MIRROR_INDEX[p] * CHANNELS;
      data[d] = 1 - seq.data[s];
      data[d + 1] = seq.data[s + 1];
      data[d + 2] = seq.data[s + 2];
    }
  }
  return new PoseSequence({ ...seq.meta }, data, seq.people.slice());
}

/**
 * SignDW's centre-square crop (model space): with c = min(W, H) and offsets ((W − c)/2, (H − c)/2),
 * x' = (x·W − ox)/c, y' = (y·H − oy)/c. A point is invalid if its original x or y ≤ 1e-6, if it is missing, or if it
 * falls outside the crop; invalid points become (0, 0) with c = 0. Coordinates are then clipped to [0, 1]. The result's
 * frame is the c × c square.
 */
export function centreSquareCrop(seq: PoseSequence): PoseSequence {
  const { width: W, height: H } = seq.meta;
  const c = Math.min(W, H);
  const ox = (W - c) / 2;
  const oy = (H - c) / 2;
  const data = new Float32Array(seq.data.length);
  for (let o = 0; o < data.length; o += CHANNELS) {
    const x = seq.data[o];
    const y = seq.data[o + 1];
    const conf = seq.data[o + 2];
    const cx = (x * W - ox) / c;
    const cy = (y * H - oy) / c;
    if (conf <= 0 || x <= 1e-6 || y <= 1e-6 || cx < 0 || cx > 1 || cy < 0 || cy > 1) continue; // stays (0, 0, 0)
    data[o] = Math.min(1, Math.max(0, cx));
    data[o + 1] = Math.min(1, Math.max(0, cy));
    data[o + 2] = conf;
  }
  return new PoseSequence({ ...seq.meta, width: c, height: c }, data, seq.people.slice());
}

/** Inverse of centreSquareCrop's coordinate map, into a W × H frame (validity is not restored). */
export function uncropSquare(seq: PoseSequence, width: number, height: number): PoseSequence {
  const c = Math.min(width, height);
  const ox = (width - c) / 2;
  const oy = (height - c) / 2;
  const data = seq.data.slice();
  for (let o = 0; o < data.length; o += CHANNELS) {
    if (data[o + 2] <= 0) continue;
    data[o] = (data[o] * c + ox) / width;
    data[o + 1] = (data[o + 1] * c + oy) / height;
  }
  return new PoseSequence({ ...seq.meta, width, height }, data, seq.people.slice());
}

/** The neck-centred, shoulder-width frame of a sequence (pixels), from the frames where both shoulders are present. */
export function shoulderFrame(seq: PoseSequence): { cx: number; cy: number; scale: number } | null {
  const { width: W, height: H } = seq.meta;
  let sum = 0;
  let cx = 0;
  let cy = 0;
  let n = 0;
  for (let t = 0; t < seq.frames; t++) {
    if (seq.c(t, BODY.rShoulder) <= 0 || seq.c(t, BODY.lShoulder) <= 0) continue;
    const dx = (seq.x(t, BODY.rShoulder) - seq.x(t, BODY.lShoulder)) * W;
    const dy = (seq.y(t, BODY.rShoulder) - seq.y(t, BODY.lShoulder)) * H;
    sum += Math.hypot(dx, dy);
    cx += (seq.x(t, BODY.rShoulder) + seq.x(t, BODY.lShoulder)) * W / 2;
    cy += (seq.y(t, BODY.rShoulder) + seq.y(t, BODY.lShoulder)) * H / 2;
    n++;
  }
  if (n === 0 || sum === 0) return null;
  return { cx: cx / n, cy: cy / n, scale: sum / n };
}

/**
 * Coordinates in shoulder-width units: (pixel − mid-shoulder) / mean shoulder width, so that signers of any size and
 * position compare. Packed `[frame][point][x, y, c]`; c is kept. Throws when no frame has both shoulders.
 */
export function toShoulderUnits(seq: PoseSequence): Float32Array {
  const f = shoulderFrame(seq);
  if (!f) throw new Error(`${seq.id}: no frame has both shoulders, cannot normalise by shoulder width`);
  const { width: W, height: H } = seq.meta;
  const out = new Float32Array(seq.data.length);
  for (let o = 0; o < out.length; o += CHANNELS) {
    out[o] = (seq.data[o] * W - f.cx) / f.scale;
    out[o + 1] = (seq.data[o + 1] * H - f.cy) / f.scale;
    out[o + 2] = seq.data[o + 2];
  }
  return out;
}

export type ResampleMethod = 'repeat' | 'linear';

/**
 * Resamples to exactly `frames` frames.
 * - `repeat`: frame i takes source frame floor(i · T / n) — frames are repeated (or dropped), never invented, as
 *   ASLLVD-style fixed-length pipelines do.
 * - `linear`: source time s = i · (T − 1)/(n − 1); x, y interpolated between the two neighbours where the point is
 *   present in both, else the nearer neighbour's value (so a missing point never drags a present one to (0, 0)).
 * The fps is scaled so that the duration is kept.
 */
export function resample(seq: PoseSequence, frames: number, method: ResampleMethod = 'linear'): PoseSequence {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`resample: frames must be a positive integer, got ${frames}`);
  const T = seq.frames;
  if (T === 0) throw new RangeError(`resample: ${seq.id} has no frames`);
  const data = new Float32Array(frames * FRAME_STRIDE);
  const people = new Uint8Array(frames);
  for (let i = 0; i < frames; i++) {
    const dst = i * FRAME_STRIDE;
    if (method === 'repeat') {
      const s = Math.min(T - 1, Math.floor((i * T) / frames));
      data.set(seq.data.subarray(s * FRAME_STRIDE, (s + 1) * FRAME_STRIDE), dst);
      people[i] = seq.people[s];
      continue;
    }
    const pos = frames === 1 ? 0 : (i * (T - 1)) / (frames - 1);
    const a = Math.floor(pos);
    const b = Math.min(T - 1, a + 1);
    const w = pos - a;
    const near = w < 0.5 ? a : b;
    people[i] = seq.people[near];
    for (let p = 0; p < POINTS; p++) {
      const oa = a * FRAME_STRIDE + p * CHANNELS;
      const ob = b * FRAME_STRIDE + p * CHANNELS;
      const d = dst + p * CHANNELS;
      if (seq.data[oa + 2] > 0 && seq.data[ob + 2] > 0) {
        data[d] = seq.data[oa] + (seq.data[ob] - seq.data[oa]) * w;
        data[d + 1] = seq.data[oa + 1] + (seq.data[ob + 1] - seq.data[oa + 1]) * w;
        data[d + 2] = seq.data[oa + 2] + (seq.data[ob + 2] - seq.data[oa + 2]) * w;
      } else {
        const on = near * FRAME_STRIDE + p * CHANNELS;
        data[d] = seq.data[on];
        data[d + 1] = seq.data[on + 1];
        data[d + 2] = seq.data[on + 2];
      }
    }
  }
  return new PoseSequence({ ...seq.meta, fps: (seq.meta.fps * frames) / T }, data, people);
}
