import { CHANNELS, FRAME_STRIDE, POINTS } from '../../pose/skeleton.js';
import { PoseSequence, type SequenceMeta } from '../../pose/sequence.js';
import { POSE_DIM } from '../config.js';
import type { ModelFrames } from '../features.js';

/**
 * Full-frame features of the non-autoregressive generator: per frame the DWPose-128 points in canonical order, each
 * (x, y, p) with x, y the sequence's own normalised frame coordinates (no crop: nothing that leaves the centre square
 * is lost) and p = presence (1 iff c > 0, x > 1e-6, y > 1e-6). Every frame is kept (the corpus rate, 24 fps).
 */
export function sequenceToFullFrames(seq: PoseSequence, maxFrames: number): ModelFrames {
  const n = Math.min(seq.frames, maxFrames);
  const out = new Float32Array(n * POSE_DIM);
  for (let t = 0; t < n; t++) {
    if (seq.people[t] === 0) continue;
    const src = t * FRAME_STRIDE;
    const dst = t * POSE_DIM;
    for (let p = 0; p < POINTS; p++) {
      const x = seq.data[src + p * CHANNELS];
      const y = seq.data[src + p * CHANNELS + 1];
      const c = seq.data[src + p * CHANNELS + 2];
      if (!(c > 0) || !(x > 1e-6) || !(y > 1e-6)) continue;
      out[dst + p * 3] = x;
      out[dst + p * 3 + 1] = y;
      out[dst + p * 3 + 2] = 1;
    }
  }
  return { frames: out, length: n };
}

/** Full-frame model frames → PoseSequence (width × height from the manifest; a point is present iff p ≥ 0.5). */
export function fullFramesToSequence(frames: Float32Array, length: number, meta: Partial<SequenceMeta> & { width: number; height: number; fps: number }): PoseSequence {
  const data = new Float32Array(length * FRAME_STRIDE);
  for (let t = 0; t < length; t++) {
    for (let p = 0; p < POINTS; p++) {
      const i = t * POSE_DIM + p * 3;
      const o = t * FRAME_STRIDE + p * CHANNELS;
      const pres = frames[i + 2];
      if (!(pres >= 0.5)) continue;
      data[o] = frames[i];
      data[o + 1] = frames[i + 1];
      data[o + 2] = Math.min(1, pres);
    }
  }
  return new PoseSequence({ id: meta.id ?? 'generated', source: 'signbench-generator', ...meta }, data);
}
