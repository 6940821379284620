import type { PoseSequence } from '../pose/sequence.js';
import { CHANNELS, FRAME_STRIDE, POINT_NAMES } from '../pose/skeleton.js';

/**
 * Normalised coordinates beyond ±1e6 frames are pinned there before drawing: such points are far off any canvas,
 * and the pin keeps every float32 product finite.
 */
const COORD_LIMIT = 1e6;

export function clampCoord(v: number): number {
  return v > COORD_LIMIT ? COORD_LIMIT : v < -COORD_LIMIT ? -COORD_LIMIT : v;
}

/** Frame t of seq as a 384-float view, after checking the index and that every value is finite. */
export function checkedFrame(seq: PoseSequence, t: number): Float32Array {
  if (!Number.isInteger(t) || t < 0 || t >= seq.frames) {
    throw new RangeError(`${seq.id || '<sequence>'}: frame ${t} is out of range (the sequence has ${seq.frames} frames)`);
  }
  const frame = seq.data.subarray(t * FRAME_STRIDE, (t + 1) * FRAME_STRIDE);
  for (let i = 0; i < FRAME_STRIDE; i++) {
    if (!Number.isFinite(frame[i])) {
      const p = Math.floor(i / CHANNELS);
      const what = ['x', 'y', 'confidence'][i % CHANNELS];
      throw new Error(`${seq.id || '<sequence>'}: frame ${t}, point ${p} (${POINT_NAMES[p]}): ${what} is ${frame[i]}, cannot render it`);
    }
  }
  return frame;
}
