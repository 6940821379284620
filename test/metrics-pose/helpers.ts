import { mulberry32 } from '../../nn/rng.js';
import { FRAME_STRIDE, POINTS, PoseSequence } from '../../pose/index.js';

/** Deterministic pseudo-random numbers in [0, 1). */
export const rng = mulberry32;

/** A random-walk sequence with every point present (c = 1), points inside the centre square of a 1280×720 frame. */
export function randomSequence(id: string, frames: number, seed: number, fps = 25): PoseSequence {
  const r = rng(seed);
  const data = new Float32Array(frames * FRAME_STRIDE);
  const pos = Array.from({ length: POINTS }, () => [0.35 + 0.3 * r(), 0.2 + 0.6 * r()]);
  for (let t = 0; t < frames; t++) {
    for (let p = 0; p < POINTS; p++) {
      pos[p][0] = Math.min(0.64, Math.max(0.36, pos[p][0] + (r() - 0.5) * 0.02));
      pos[p][1] = Math.min(0.95, Math.max(0.05, pos[p][1] + (r() - 0.5) * 0.02));
      const o = t * FRAME_STRIDE + p * 3;
      data[o] = pos[p][0];
      data[o + 1] = pos[p][1];
      data[o + 2] = 1;
    }
  }
  return new PoseSequence({ id, fps, width: 1280, height: 720 }, data);
}

/** A copy of `seq` with `fn(t, p, [x, y, c])` applied to every point. */
export function mapPoints(seq: PoseSequence, fn: (t: number, p: number, v: [number, number, number]) => [number, number, number], meta: Partial<PoseSequence['meta']> = {}): PoseSequence {
  const out = seq.clone(meta);
  for (let t = 0; t < seq.frames; t++) {
    for (let p = 0; p < POINTS; p++) {
      const [x, y, c] = fn(t, p, [seq.x(t, p), seq.y(t, p), seq.c(t, p)]);
      out.set(t, p, x, y, c);
    }
  }
  return out;
}
