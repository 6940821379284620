/**
 * DTW-MJE (dynamic time warping mean joint error, Progressive Transformers style) with per-part errors and the
 * length ratio. Definitions (all in one coordinate space, see space.ts; the space is part of the signature):
 *
 * - Frame-pair cost c(i, j): the mean Euclidean distance between hypothesis frame i and reference frame j over the
 *   points valid in BOTH frames. Where no point is valid in both: 0 if neither frame has any valid point (both
 *   empty: they agree), else `emptyCost` (default 1.0, i.e. the side of the centre square or one shoulder width).
 * - Exact DTW (dtw.ts, O(T·T')) over c; DTW-MJE = total path cost / path length (the number of matched pairs).
 * - Per-part errors along the optimal path: for each part, the sum of joint distances over all path pairs and the
 *   part's points valid in both frames, divided by how many such (pair, point) terms there are (pooled, so a part
 *   rarely detected weighs little); null when there is none. Parts: body (18), face (68), hands (42: left + right),
 *   leftHand, rightHand.
 * - Length ratio: hypothesis frames / reference frames.
 * - Over a corpus: each number averaged over pairs (macro mean; a part's mean skips pairs where it is null).
 *   Pairs with an empty hypothesis or reference are skipped and counted.
 */
import { PARTS, POINTS, type PoseSequence } from '../../../pose/index.js';
import { dtwPath } from './dtw.js';
import { formatSignature } from './signature.js';
import { toSpace, type PoseSpace, type SpacePoints } from './space.js';

export interface DtwMjeOptions {
  /** Coordinate space (default `centre-square`). */
  space?: PoseSpace;
  /** Cost of a frame pair with no point valid in both while at least one frame has some (default 1). */
  emptyCost?: number;
  /** Called after each pair of a corpus (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

export type MjePart = 'body' | 'face' | 'hands' | 'leftHand' | 'rightHand';
export const MJE_PARTS: readonly MjePart[] = ['body', 'face', 'hands', 'leftHand', 'rightHand'];

const PART_RANGES: Readonly<Record<MjePart, readonly [number, number]>> = {
  body: [PARTS.body.start, PARTS.body.start + PARTS.body.count],
  face: [PARTS.face.start, PARTS.face.start + PARTS.face.count],
  hands: [PARTS.leftHand.start, PARTS.rightHand.start + PARTS.rightHand.count],
  leftHand: [PARTS.leftHand.start, PARTS.leftHand.start + PARTS.leftHand.count],
  rightHand: [PARTS.rightHand.start, PARTS.rightHand.start + PARTS.rightHand.count],
};

export interface DtwMjeResult {
  /** Path cost / path length. */
  dtwMje: number;
  /** Total cost along the optimal path. */
  cost: number;
  /** Matched pairs on the path. */
  pathLength: number;
  /** Pooled per-part joint error along the path (null: no point of that part valid in both frames of any pair). */
  parts: Record<MjePart, number | null>;
  /** Hypothesis frames / reference frames. */
  lengthRatio: number;
}

export function dtwMjeSignature(opts: DtwMjeOptions = {}): string {
  return formatSignature('dtw_mje', [
    ['space', opts.space ?? 'centre-square'],
    ['cost', 'mean-joint-l2-valid-both'],
    ['empty', opts.emptyCost ?? 1],
    ['dtw', 'exact'],
    ['norm', 'path-length'],
    ['points', 'dwpose128'],
  ]);
}

/** Per frame: 1 when any point is valid. */
function framePresence(s: SpacePoints): Uint8Array {
  const out = new Uint8Array(s.frames);
  for (let t = 0; t < s.frames; t++) {
    for (let p = 0; p < POINTS; p++) if (s.valid[t * POINTS + p]) { out[t] = 1; break; }
  }
  return out;
}

/** Frame-pair cost function c(i, j) between a and b (see the module comment). */
function frameCost(a: SpacePoints, b: SpacePoints, emptyCost: number): (i: number, j: number) => number {
  const axy = a.xy;
  const bxy = b.xy;
  const av = a.valid;
  const bv = b.valid;
  const aAny = framePresence(a);
  const bAny = framePresence(b);
  return (i, j) => {
    const oa = i * POINTS;
    const ob = j * POINTS;
    let sum = 0;
    let n = 0;
    for (let p = 0; p < POINTS; p++) {
      if (av[oa + p] === 0 || bv[ob + p] === 0) continue;
      const ka = 2 * (oa + p);
      const kb = 2 * (ob + p);
      const dx = axy[ka] - bxy[kb];
      const dy = axy[ka + 1] - bxy[kb + 1];
      sum += Math.sqrt(dx * dx + dy * dy);
      n++;
    }
    if (n > 0) return sum / n;
    return aAny[i] | bAny[j] ? emptyCost : 0;
  };
}

/** DTW-MJE between one hypothesis and one reference, both non-empty. */
export function dtwMje(hyp: PoseSequence, ref: PoseSequence, opts: DtwMjeOptions = {}): DtwMjeResult {
  if (hyp.frames === 0 || ref.frames === 0) {
    throw new RangeError(`DTW-MJE needs non-empty sequences: '${hyp.id}' has ${hyp.frames} frames, '${ref.id}' has ${ref.frames}`);
  }
  const space = opts.space ?? 'centre-square';
  const emptyCost = opts.emptyCost ?? 1;
  if (!(Number.isFinite(emptyCost) && emptyCost >= 0)) throw new RangeError(`emptyCost must be a non-negative number, got ${emptyCost}`);
  return dtwMjePoints(toSpace(hyp, space), toSpace(ref, space), emptyCost);
}

/** DTW-MJE on sequences already in a metric space. */
export function dtwMjePoints(a: SpacePoints, b: SpacePoints, emptyCost = 1): DtwMjeResult {
  const res = dtwPath(a.frames, b.frames, frameCost(a, b, emptyCost));
  const sums: Record<MjePart, number> = { body: 0, face: 0, hands: 0, leftHand: 0, rightHand: 0 };
  const counts: Record<MjePart, number> = { body: 0, face: 0, hands: 0, leftHand: 0, rightHand: 0 };
  for (let k = 0; k < res.length; k++) {
    const oa = res.path.i[k] * POINTS;
    const ob = res.path.j[k] * POINTS;
    for (const part of ['body', 'face', 'leftHand', 'rightHand'] as const) {
      const [s, e] = PART_RANGES[part];
      for (let p = s; p < e; p++) {
        if (!(a.valid[oa + p] & b.valid[ob + p])) continue;
        const dx = a.xy[2 * (oa + p)] - b.xy[2 * (ob + p)];
        const dy = a.xy[2 * (oa + p) + 1] - b.xy[2 * (ob + p) + 1];
        sums[part] += Math.sqrt(dx * dx + dy * dy);
        counts[part]++;
      }
    }
  }
  sums.hands = sums.leftHand + sums.rightHand;
  counts.hands = counts.leftHand + counts.rightHand;
  const parts = {} as Record<MjePart, number | null>;
  for (const part of MJE_PARTS) parts[part] = counts[part] > 0 ? sums[part] / counts[part] : null;
  return { dtwMje: res.cost / res.length, cost: res.cost, pathLength: res.length, parts, lengthRatio: a.frames / b.frames };
}

export interface DtwMjeCorpusResult {
  /** Pairs scored. */
  n: number;
  /** Pairs skipped because one side had no frames. */
  skipped: number;
  dtwMje: number;
  parts: Record<MjePart, number | null>;
  lengthRatio: number;
  signature: string;
}

/** Macro means over pairs (hypothesis, reference), both already paired. */
export function dtwMjeCorpus(pairs: readonly (readonly [PoseSequence, PoseSequence])[], opts: DtwMjeOptions = {}): DtwMjeCorpusResult {
  let n = 0;
  let skipped = 0;
  let mje = 0;
  let ratio = 0;
  const partSum: Record<MjePart, number> = { body: 0, face: 0, hands: 0, leftHand: 0, rightHand: 0 };
  const partN: Record<MjePart, number> = { body: 0, face: 0, hands: 0, leftHand: 0, rightHand: 0 };
  for (const [k, [h, r]] of pairs.entries()) {
    opts.onProgress?.(k, pairs.length);
    if (h.frames === 0 || r.frames === 0) { skipped++; continue; }
    const res = dtwMje(h, r, opts);
    n++;
    mje += res.dtwMje;
    ratio += res.lengthRatio;
    for (const part of MJE_PARTS) {
      const v = res.parts[part];
      if (v !== null) { partSum[part] += v; partN[part]++; }
    }
  }
  opts.onProgress?.(pairs.length, pairs.length);
  if (n === 0) throw new Error(`DTW-MJE: no pair with frames on both sides (${pairs.length} pairs, ${skipped} skipped as empty)`);
  const parts = {} as Record<MjePart, number | null>;
  for (const part of MJE_PARTS) parts[part] = partN[part] > 0 ? partSum[part] / partN[part] : null;
  return { n, skipped, dtwMje: mje / n, parts, lengthRatio: ratio / n, signature: dtwMjeSignature(opts) };
}
