/**
 * Coordinate spaces for pose metrics. Every metric that compares joints states which one it used (in its signature):
 *
 * - `centre-square`: SignDW's model space (pose/transforms.ts `centreSquareCrop`): with c = min(W, H),
 *   x' = (x·W − (W − c)/2)/c, y' = (y·H − (H − c)/2)/c, so the centred c × c square maps to [0, 1]²; points outside
 *   the square, at x or y ≤ 1e-6, or missing become invalid. 1.0 = the side of the square.
 * - `shoulder-width`: (pixel − mean mid-shoulder point) / mean shoulder width over the frames where both shoulders are
 *   present (pose/transforms.ts `toShoulderUnits`); validity = c > 0. 1.0 = one shoulder width. Throws when no frame
 *   has both shoulders.
 */
import { CHANNELS, POINTS, type PoseSequence } from '../../../pose/index.js';
import { centreSquareCrop, toShoulderUnits } from '../../../pose/transforms.js';

export type PoseSpace = 'centre-square' | 'shoulder-width';
export const POSE_SPACES: readonly PoseSpace[] = ['centre-square', 'shoulder-width'];

/** A sequence's (x, y) per point in a metric space, with a validity flag per point. */
export interface SpacePoints {
  readonly frames: number;
  /** `[frame][point][x, y]`, 256 values a frame. */
  readonly xy: Float64Array;
  /** `[frame][point]`: 1 where the point is present (confidence > 0 after the transform). */
  readonly valid: Uint8Array;
}

export function toSpace(seq: PoseSequence, space: PoseSpace): SpacePoints {
  let packed: Float32Array;
  if (space === 'centre-square') packed = centreSquareCrop(seq).data;
  else if (space === 'shoulder-width') packed = toShoulderUnits(seq);
  else throw new RangeError(`unknown pose space '${String(space)}' (expected one of ${POSE_SPACES.join(', ')})`);
  const n = seq.frames * POINTS;
  const xy = new Float64Array(n * 2);
  const valid = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    xy[2 * k] = packed[k * CHANNELS];
    xy[2 * k + 1] = packed[k * CHANNELS + 1];
    valid[k] = packed[k * CHANNELS + 2] > 0 ? 1 : 0;
  }
  return { frames: seq.frames, xy, valid };
}
