import { CHANNELS, FRAME_STRIDE, POINTS } from '../pose/skeleton.js';
import { PoseSequence, type SequenceMeta } from '../pose/sequence.js';
import { MAX_FRAMES, MIN_FRAMES, POSE_DIM } from './config.js';

/**
 * Pose ↔ model features.
 *
 * Model space (the generator's I/O contract): per frame the DWPose-128 points in canonical order, each as
 * (x, y, p) with x, y in SignDW's centre-square crop space [0, 1] and p = presence (1 present, 0 missing).
 * - Centre-square transform (reference §2.4): s = min(W, H), ox = (W − s)/2, oy = (H − s)/2,
 *   x' = (x·W − ox)/s, y' = (y·H − oy)/s. A point is missing when its confidence is ≤ 0, when x ≤ 1e-6 or
 *   y ≤ 1e-6 in the source frame, or when it falls outside the crop; missing points become (0, 0, 0).
 * - Confidences are not regressed as raw scores (their scale differs by source: SignVerse body 0/1, hand/face raw
 *   SimCC); the model regresses presence. On output a point is present iff p ≥ 0.5, with c = min(p, 1).
 * - Empty frames (people 0) are all-zero frames and still count as valid targets, as in SignDW.
 */

/** Python/NumPy round (half to even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Frame indices `round(linspace(0, n−1, k))` used to subsample sequences longer than k frames. */
export function subsampleIndices(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => roundHalfEven((i * (n - 1)) / (k - 1)));
}

/**
 * Frames the model sees: every `stride`-th frame (a fixed lower frame rate, so that the counter means the same time
 * in every sentence), then, if still over k, SignDW's `round(linspace)` subsampling to k.
 */
export function modelFrameIndices(n: number, k: number, stride = 1): number[] {
  const strided = Array.from({ length: Math.ceil(n / stride) }, (_, i) => i * stride);
  return subsampleIndices(strided.length, k).map((i) => strided[i]);
}

export interface ModelFrames {
  /** [length, 384] row-major. */
  frames: Float32Array;
  length: number;
}

/** PoseSequence → model frames (centre-square, presence, every `stride`-th frame, at most 96 frames). */
export function sequenceToModelFrames(seq: PoseSequence, maxFrames = MAX_FRAMES, stride = 1): ModelFrames {
  const W = seq.meta.width;
  const H = seq.meta.height;
  if (!(W > 0 && H > 0)) throw new Error(`${seq.id}: frame size must be positive, got ${W}×${H}`);
  const s = Math.min(W, H);
  const ox = (W - s) / 2;
  const oy = (H - s) / 2;
  const idx = modelFrameIndices(seq.frames, maxFrames, stride);
  const out = new Float32Array(idx.length * POSE_DIM);
  for (let k = 0; k < idx.length; k++) {
    const t = idx[k];
    if (seq.people[t] === 0) continue;
    const src = t * FRAME_STRIDE;
    const dst = k * POSE_DIM;
    for (let p = 0; p < POINTS; p++) {
      const x = seq.data[src + p * CHANNELS];
      const y = seq.data[src + p * CHANNELS + 1];
      const c = seq.data[src + p * CHANNELS + 2];
      if (!(c > 0) || !(x > 1e-6) || !(y > 1e-6)) continue;
      const cx = (x * W - ox) / s;
      const cy = (y * H - oy) / s;
      if (!(cx >= 0 && cx <= 1 && cy >= 0 && cy <= 1)) continue;
      out[dst + p * 3] = cx;
      out[dst + p * 3 + 1] = cy;
      out[dst + p * 3 + 2] = 1;
    }
  }
  return { frames: out, length: idx.length };
}

/** Number of frames to keep from the length head's ratio r ∈ (0, 1): clamp(round_half_even(r·96), 8, 96). */
export function framesFromRatio(ratio: number, maxFrames = MAX_FRAMES): number {
  const n = Number.isFinite(ratio) ? roundHalfEven(ratio * maxFrames) : MIN_FRAMES;
  return Math.min(maxFrames, Math.max(MIN_FRAMES, n));
}

/**
 * Model frames → PoseSequence. x, y are already fractions of a square frame, so meta width = height = `size`
 * (the crop size recorded at training; any size gives the same normalised points).
 */
export function modelFramesToSequence(frames: Float32Array, length: number, meta: Partial<SequenceMeta> & { size: number; fps: number }): PoseSequence {
  const data = new Float32Array(length * FRAME_STRIDE);
  for (let t = 0; t < length; t++) {
    for (let p = 0; p < POINTS; p++) {
      const i = t * POSE_DIM + p * 3;
      const pres = frames[i + 2];
      const o = t * FRAME_STRIDE + p * CHANNELS;
      data[o] = frames[i];
      data[o + 1] = frames[i + 1];
      data[o + 2] = pres >= 0.5 ? Math.min(1, pres) : 0;
    }
  }
  const { size, fps, ...rest } = meta;
  return new PoseSequence({ id: rest.id ?? 'generated', source: 'signbench-generator', ...rest, fps, width: size, height: size }, data);
}
