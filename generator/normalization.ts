import { HAND_POINTS, PARTS } from '../pose/skeleton.js';
import { POSE_DIM } from './config.js';
import type { ModelFrames } from './features.js';
import { placementFromJson, type Placement } from './placement.js';

/**
 * Training-set statistics of model frames: per-dimension mean and std (the manifest's poseMean/poseStd, used to
 * standardise targets) and the std of each finger point relative to its wrist (scale of the hand-shape loss).
 */
export interface PoseStats {
  mean: Float32Array;
  std: Float32Array;
  /** [HAND_REL_DIM] std of (finger − wrist) x, y, in model units. */
  handRelStd: Float32Array;
  /** With `placement: true`: where every training sequence was re-placed (the statistics are of re-placed frames). */
  placement?: Placement;
}

/** Below this a dimension counts as constant (e.g. presence of a point that is always there). */
const MIN_STD = 1e-2;

/**
 * The hand-shape terms: for each hand and each of its 20 finger points, x and y relative to the hand's wrist.
 * Entry k = [finger dim, wrist dim, finger presence dim, wrist presence dim] in the 384-vector.
 */
export const HAND_REL_TERMS: readonly (readonly [number, number, number, number])[] = (() => {
  const out: [number, number, number, number][] = [];
  for (const part of [PARTS.leftHand, PARTS.rightHand]) {
    const wrist = part.start;
    for (let i = 1; i < HAND_POINTS; i++) {
      const pt = part.start + i;
      for (let c = 0; c < 2; c++) out.push([pt * 3 + c, wrist * 3 + c, pt * 3 + 2, wrist * 3 + 2]);
    }
  }
  return out;
})();
export const HAND_REL_DIM = HAND_REL_TERMS.length; // 80

/** Mean and std over all frames of the given sequences (population std, floored at 1e-2). */
export function computePoseStats(sequences: Iterable<ModelFrames>): PoseStats {
  const sum = new Float64Array(POSE_DIM);
  const sq = new Float64Array(POSE_DIM);
  const relSq = new Float64Array(HAND_REL_DIM);
  const relN = new Float64Array(HAND_REL_DIM);
  let n = 0;
  for (const s of sequences) {
    for (let t = 0; t < s.length; t++) {
      const f = s.frames.subarray(t * POSE_DIM, (t + 1) * POSE_DIM);
      for (let i = 0; i < POSE_DIM; i++) {
        sum[i] += f[i];
        sq[i] += f[i] * f[i];
      }
      for (let k = 0; k < HAND_REL_DIM; k++) {
        const [a, w, pa, pw] = HAND_REL_TERMS[k];
        if (f[pa] > 0 && f[pw] > 0) {
          const r = f[a] - f[w];
          relSq[k] += r * r;
          relN[k]++;
        }
      }
      n++;
    }
  }
  if (n === 0) throw new Error('pose statistics: the training sequences have no frames');
  const mean = new Float32Array(POSE_DIM);
  const std = new Float32Array(POSE_DIM);
  for (let i = 0; i < POSE_DIM; i++) {
    mean[i] = sum[i] / n;
    std[i] = Math.max(MIN_STD, Math.sqrt(Math.max(0, sq[i] / n - (sum[i] / n) ** 2)));
  }
  // Relative offsets are measured from 0 (their sign matters), so this is a root mean square.
  const handRelStd = new Float32Array(HAND_REL_DIM);
  for (let k = 0; k < HAND_REL_DIM; k++) handRelStd[k] = Math.max(MIN_STD, relN[k] > 0 ? Math.sqrt(relSq[k] / relN[k]) : 0);
  return { mean, std, handRelStd };
}

/** In place: x ← (x − mean)/std for `length` frames. */
export function standardize(frames: Float32Array, length: number, stats: PoseStats): void {
  for (let t = 0; t < length; t++) {
    const o = t * POSE_DIM;
    for (let i = 0; i < POSE_DIM; i++) frames[o + i] = (frames[o + i] - stats.mean[i]) / stats.std[i];
  }
}

/** Plain-number form for JSON (checkpoint extra, manifest). */
export function statsToJson(s: PoseStats): { mean: number[]; std: number[]; handRelStd: number[]; placement?: Placement } {
  return { mean: Array.from(s.mean), std: Array.from(s.std), handRelStd: Array.from(s.handRelStd), ...(s.placement ? { placement: s.placement } : {}) };
}

export function statsFromJson(v: unknown, where: string): PoseStats {
  const o = v as { mean?: unknown; std?: unknown; handRelStd?: unknown; placement?: unknown } | null;
  const arr = (x: unknown, n: number, name: string): Float32Array => {
    if (!Array.isArray(x) || x.length !== n || !x.every((e) => typeof e === 'number' && Number.isFinite(e))) {
      throw new Error(`${where}: poseStats.${name} must be ${n} finite numbers`);
    }
    return Float32Array.from(x as number[]);
  };
  return {
    mean: arr(o?.mean, POSE_DIM, 'mean'), std: arr(o?.std, POSE_DIM, 'std'), handRelStd: arr(o?.handRelStd, HAND_REL_DIM, 'handRelStd'),
    ...(o?.placement !== undefined ? { placement: placementFromJson(o.placement, `${where}: poseStats`) } : {}),
  };
}
