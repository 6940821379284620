/**
 * Features of one sign segment for the isolated sign recogniser (see README.md for the definition in prose).
 *
 * 1. Cut: frames [start, end) of the sequence.
 * 2. Resample: `pose/transforms` `resample(seg, 63, 'linear')` (ASLLVD-Skeleton's fixed clip length).
 * 3. Subset: the 27-point arm+hand subset `SUBSETS.armHand27` (nose, shoulders, elbows, wrists, 10 points a hand).
 * 4. Normalise: pixels centred on the segment's mean mid-shoulder point and divided by its mean shoulder width
 *    (`shoulderFrame`; the whole sequence's when no frame of the segment has both shoulders). A point missing in a
 *    frame takes its value from the nearest frame where it is present, moved with its anchor (fillGaps: fingers with
 *    their hand's wrist, a wrist with the other wrist point); a point never seen stays (0, 0) with presence 0. A hand
 *    point in a frame where its hand's wrist is missing counts as missing (a partial hand cannot be placed).
 * 5. Per frame (56 values): the 7 arm points (x, y); per hand (left, then right) the hand-wrist (x, y) and the other
 *    9 hand points relative to the hand wrist ×3 (so that a hand's shape weighs as much as its place); a presence
 *    flag per hand.
 * 6. Key frames (KEY_FRAMES = 6), where the hands slow down: hand speed v(t) = Σ over hands of the distance the hand
 *    centroid (mean of its 10 points) moves from frame t−1 to t+1, halved (one-sided at the ends), box-smoothed over
 *    5 frames; the frame of lowest speed is taken, frames closer than KEY_GAP (5) to a taken one are excluded, and so
 *    on until 6 are taken (ties: the earlier frame); they are then put in time order. Their 6 × 56 values.
 * 7. Path: at TRACK_FRAMES (16) evenly spaced frames round(i · 62 / 15), per hand the wrist (x, y) and the thumb,
 *    index and little tips relative to the wrist ×3: 16 × 16 values (movement shape and direction, twists).
 * 8. Duration: ln(seconds + 0.05) of the segment before resampling (1 value).
 * All values are clipped to ±8. FEATURE_DIM = 6·56 + 16·16 + 1 = 593.
 */
import { SignbenchError } from '../pose/errors.js';
import { PoseSequence } from '../pose/sequence.js';
import { CHANNELS, FRAME_STRIDE } from '../pose/skeleton.js';
import { resample, selectPoints, shoulderFrame, SUBSETS } from '../pose/transforms.js';

/** Frames every segment is resampled to (ASLLVD-Skeleton). */
export const SEGMENT_FRAMES = 63;
export const KEY_FRAMES = 6;
export const KEY_GAP = 5;
export const TRACK_FRAMES = 16;
const POINTS27 = SUBSETS.armHand27.length; // 27
const ARM = 7; // nose, l/r shoulder, l/r elbow, l/r wrist
const HAND = 10;
/** Index of each hand's first point inside the 27 (left hand, right hand). */
const HAND_AT = [ARM, ARM + HAND] as const;
/** Values per frame: 7 arm (x, y) + 2 × (wrist 2 + 9 × 2 relative) + 2 flags. */
export const FRAME_DIM = ARM * 2 + 2 * (2 + (HAND - 1) * 2) + 2;
const TRACK_DIM = 2 * (2 + 3 * 2);
/** Tips (inside a hand's 10) kept on the path: thumb tip, index tip, little tip. */
const TRACK_TIPS = [1, 3, 9] as const;
export const FEATURE_DIM = KEY_FRAMES * FRAME_DIM + TRACK_FRAMES * TRACK_DIM + 1;
const HAND_SCALE = 3;
const CLIP = 8;

/** Checks a [start, end) segment of `seq`; throws invalid-input naming the sequence. Returns integer bounds. */
export function checkSegment(seq: PoseSequence, start = 0, end = seq.frames): { start: number; end: number } {
  if (seq.frames === 0) throw new SignbenchError('invalid-input', `${seq.id}: the sequence has no frames`);
  if (!Number.isInteger(start) || !Number.isInteger(end)) {
    throw new SignbenchError('invalid-input', `${seq.id}: segment bounds must be integers, got [${start}, ${end})`);
  }
  if (start < 0 || end > seq.frames || start >= end) {
    throw new SignbenchError('invalid-input', `${seq.id}: segment [${start}, ${end}) is outside the clip's ${seq.frames} frames (need 0 ≤ start < end ≤ ${seq.frames})`);
  }
  return { start, end };
}

/** Frames [start, end) as their own sequence (data shared with `seq`). */
export function cutSegment(seq: PoseSequence, start: number, end: number): PoseSequence {
  checkSegment(seq, start, end);
  return new PoseSequence({ ...seq.meta, glosses: undefined }, seq.data.subarray(start * FRAME_STRIDE, end * FRAME_STRIDE),
    seq.people.subarray(start, end));
}

/**
 * Steps 1–4: the segment as 63 frames × 27 points × (x, y) in shoulder units, with per-point presence after gap
 * filling (`valid[t·27 + k]`).
 */
export function normalisedSegment(seq: PoseSequence, start = 0, end = seq.frames): { xy: Float32Array; valid: Uint8Array } {
  const seg = cutSegment(seq, start, end);
  const frame = shoulderFrame(seg) ?? shoulderFrame(seq);
  if (!frame) throw new SignbenchError('invalid-input', `${seq.id}: no frame has both shoulders, cannot normalise the segment`);
  const pts = selectPoints(resample(seg, SEGMENT_FRAMES, 'linear'), SUBSETS.armHand27);
  const { width: W, height: H } = seq.meta;
  const n = SEGMENT_FRAMES;
  const xy = new Float32Array(n * POINTS27 * 2);
  const valid = new Uint8Array(n * POINTS27);
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < POINTS27; k++) {
      const o = (t * POINTS27 + k) * CHANNELS;
      if (!(pts[o + 2] > 0) || !Number.isFinite(pts[o]) || !Number.isFinite(pts[o + 1])) continue;
      xy[(t * POINTS27 + k) * 2] = (pts[o] * W - frame.cx) / frame.scale;
      xy[(t * POINTS27 + k) * 2 + 1] = (pts[o + 1] * H - frame.cy) / frame.scale;
      valid[t * POINTS27 + k] = 1;
    }
  }
  // A hand without its wrist is too little of a hand to place: its other points are dropped in that frame too.
  for (let t = 0; t < n; t++) {
    for (const h of HAND_AT) {
      if (valid[t * POINTS27 + h]) continue;
      for (let j = 1; j < HAND; j++) {
        valid[t * POINTS27 + h + j] = 0;
        xy[(t * POINTS27 + h + j) * 2] = 0;
        xy[(t * POINTS27 + h + j) * 2 + 1] = 0;
      }
    }
  }
  fillGaps(xy, valid);
  return { xy, valid };
}

/**
 * The point each point is filled relative to: a hand's points follow its hand wrist, a hand wrist its body wrist and
 * a body wrist its hand wrist; the nose, shoulders and elbows have none (−1).
 */
const ANCHOR27: readonly number[] = [-1, -1, -1, -1, -1, HAND_AT[0], HAND_AT[1],
  ...[0, 1].flatMap((h) => Array.from({ length: HAND }, (_, j) => (j === 0 ? 5 + h : HAND_AT[h])))];

/**
 * Step 4's gap filling, in place: a point missing in frame t takes its value from the nearest frame s where it is
 * present, moved by its anchor's displacement from s to t where the anchor is present in both (so that a lost
 * fingertip stays on its hand, and a lost wrist goes with the other wrist point); a point never present stays (0, 0).
 * `valid` keeps the original presence.
 */
function fillGaps(xy: Float32Array, valid: Uint8Array): void {
  const n = valid.length / POINTS27;
  for (let k = 0; k < POINTS27; k++) {
    const a = ANCHOR27[k];
    let prev = -1;
    for (let t = 0; t < n; t++) {
      if (valid[t * POINTS27 + k]) { prev = t; continue; }
      let next = t + 1;
      while (next < n && !valid[next * POINTS27 + k]) next++;
      if (prev < 0 && next >= n) break; // never present
      // nearest present frame, preferring one where the anchor is present with t
      const candidates = [prev, next < n ? next : -1].filter((s) => s >= 0).sort((x, y) => Math.abs(x - t) - Math.abs(y - t) || x - y);
      const withAnchor = a >= 0 && valid[t * POINTS27 + a] ? candidates.find((s) => valid[s * POINTS27 + a]) : undefined;
      const src = withAnchor ?? candidates[0];
      let dx = 0;
      let dy = 0;
      if (withAnchor !== undefined) {
        dx = xy[(t * POINTS27 + a) * 2] - xy[(src * POINTS27 + a) * 2];
        dy = xy[(t * POINTS27 + a) * 2 + 1] - xy[(src * POINTS27 + a) * 2 + 1];
      }
      xy[(t * POINTS27 + k) * 2] = xy[(src * POINTS27 + k) * 2] + dx;
      xy[(t * POINTS27 + k) * 2 + 1] = xy[(src * POINTS27 + k) * 2 + 1] + dy;
    }
  }
}

/** Step 6's speed curve (length 63) over normalised points. */
export function handSpeed(xy: Float32Array): Float64Array {
  const n = SEGMENT_FRAMES;
  const cx = new Float64Array(n * 4);
  for (let t = 0; t < n; t++) {
    for (let h = 0; h < 2; h++) {
      let sx = 0;
      let sy = 0;
      for (let j = 0; j < HAND; j++) {
        sx += xy[(t * POINTS27 + HAND_AT[h] + j) * 2];
        sy += xy[(t * POINTS27 + HAND_AT[h] + j) * 2 + 1];
      }
      cx[t * 4 + h * 2] = sx / HAND;
      cx[t * 4 + h * 2 + 1] = sy / HAND;
    }
  }
  const raw = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const a = Math.max(0, t - 1);
    const b = Math.min(n - 1, t + 1);
    let v = 0;
    for (let h = 0; h < 2; h++) v += Math.hypot(cx[b * 4 + h * 2] - cx[a * 4 + h * 2], cx[b * 4 + h * 2 + 1] - cx[a * 4 + h * 2 + 1]);
    raw[t] = v / (b - a);
  }
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s = 0;
    let c = 0;
    for (let d = -2; d <= 2; d++) {
      const u = t + d;
      if (u >= 0 && u < n) { s += raw[u]; c++; }
    }
    out[t] = s / c;
  }
  return out;
}

/** Step 6's rule: KEY_FRAMES frames of lowest speed, at least KEY_GAP apart, in time order. */
export function keyFrames(speed: ArrayLike<number>, count = KEY_FRAMES, gap = KEY_GAP): number[] {
  const n = speed.length;
  const taken: number[] = [];
  const blocked = new Uint8Array(n);
  while (taken.length < count) {
    let best = -1;
    for (let t = 0; t < n; t++) if (!blocked[t] && (best < 0 || speed[t] < speed[best])) best = t;
    if (best < 0) break; // too short for `count` frames `gap` apart: relax the gap for the rest
    taken.push(best);
    for (let d = -gap + 1; d < gap; d++) if (best + d >= 0 && best + d < n) blocked[best + d] = 1;
  }
  for (let t = 0; taken.length < count && t < n; t++) if (!taken.includes(t)) taken.push(t);
  return taken.sort((a, b) => a - b);
}

const clip = (v: number) => (v > CLIP ? CLIP : v < -CLIP ? -CLIP : v);

function writeFrame(xy: Float32Array, valid: Uint8Array, t: number, out: Float32Array, at: number): void {
  let o = at;
  const base = t * POINTS27;
  for (let k = 0; k < ARM; k++) {
    out[o++] = clip(xy[(base + k) * 2]);
    out[o++] = clip(xy[(base + k) * 2 + 1]);
  }
  for (let h = 0; h < 2; h++) {
    const w = base + HAND_AT[h];
    const wx = xy[w * 2];
    const wy = xy[w * 2 + 1];
    out[o++] = clip(wx);
    out[o++] = clip(wy);
    for (let j = 1; j < HAND; j++) {
      out[o++] = clip((xy[(w + j) * 2] - wx) * HAND_SCALE);
      out[o++] = clip((xy[(w + j) * 2 + 1] - wy) * HAND_SCALE);
    }
  }
  for (let h = 0; h < 2; h++) {
    let present = 0;
    for (let j = 0; j < HAND; j++) present += valid[base + HAND_AT[h] + j];
    out[o++] = present / HAND;
  }
}

/** Partner of each of the 27 points under mirroring: nose stays, left and right arm points and hands swap. */
export const MIRROR27: readonly number[] = [0, 2, 1, 4, 3, 6, 5,
  ...Array.from({ length: HAND }, (_, j) => ARM + HAND + j), ...Array.from({ length: HAND }, (_, j) => ARM + j)];

/**
 * Mirrors normalised points about the body's midline: x → −x (shoulder units are centred on the mid-shoulder point)
 * and every point swapped with its partner. Negation and swaps are exact, so mirroring twice gives back the same
 * bits; the mirroring augmentation of training uses it.
 */
export function mirrorPoints(xy: Float32Array, valid: Uint8Array): { xy: Float32Array; valid: Uint8Array } {
  const frames = valid.length / POINTS27;
  const oxy = new Float32Array(xy.length);
  const ov = new Uint8Array(valid.length);
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < POINTS27; k++) {
      const s = t * POINTS27 + k;
      const d = t * POINTS27 + MIRROR27[k];
      oxy[2 * d] = -xy[2 * s];
      oxy[2 * d + 1] = xy[2 * s + 1];
      ov[d] = valid[s];
    }
  }
  return { xy: oxy, valid: ov };
}

export interface SegmentFeatures {
  features: Float32Array;
  /** The key frames chosen (indices into the 63 resampled frames). */
  keyFrames: number[];
}

/** The FEATURE_DIM-vector of frames [start, end) of `seq` (the whole sequence by default). */
export function segmentFeatures(seq: PoseSequence, start = 0, end = seq.frames, opts: { mirrored?: boolean } = {}): SegmentFeatures {
  let { xy, valid } = normalisedSegment(seq, start, end);
  if (opts.mirrored) ({ xy, valid } = mirrorPoints(xy, valid));
  return { features: featuresFromPoints(xy, valid, (end - start) / (seq.meta.fps > 0 ? seq.meta.fps : 24)), keyFrames: keyFrames(handSpeed(xy)) };
}

/** Steps 5–8 from normalised points. */
export function featuresFromPoints(xy: Float32Array, valid: Uint8Array, seconds: number): Float32Array {
  const out = new Float32Array(FEATURE_DIM);
  const keys = keyFrames(handSpeed(xy));
  let o = 0;
  for (const t of keys) { writeFrame(xy, valid, t, out, o); o += FRAME_DIM; }
  for (let i = 0; i < TRACK_FRAMES; i++) {
    const t = Math.round((i * (SEGMENT_FRAMES - 1)) / (TRACK_FRAMES - 1));
    for (let h = 0; h < 2; h++) {
      const w = t * POINTS27 + HAND_AT[h];
      const wx = xy[w * 2];
      const wy = xy[w * 2 + 1];
      out[o++] = clip(wx);
      out[o++] = clip(wy);
      for (const j of TRACK_TIPS) {
        out[o++] = clip((xy[(w + j) * 2] - wx) * HAND_SCALE);
        out[o++] = clip((xy[(w + j) * 2 + 1] - wy) * HAND_SCALE);
      }
    }
  }
  out[o++] = clip(Math.log(Math.max(0, seconds) + 0.05));
  if (o !== FEATURE_DIM) throw new Error(`recognizer features: wrote ${o} values, expected ${FEATURE_DIM}`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new SignbenchError('invalid-input', 'segment features are not finite (non-finite coordinates in the input)');
  }
  return out;
}
