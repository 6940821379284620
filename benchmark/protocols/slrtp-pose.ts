/**
 * Protocol `slrtp`, pose part: the pose metrics of the SLRTP 2025 Sign Language Production challenge evaluator
 * (walsharry/SLRTP-Sign-Production-Evaluation, `main.py` and `metrics.py`), on canonical DWPose-128 sequences.
 *
 * - Pairing: by sequence id (reference order); unmatched or duplicate ids are an error listing them.
 * - Frames: the reference is always subsampled `[::2]`; the hypothesis `[::2]` iff it is declared 25 fps (the
 *   harness's `--fps 25`; `--fps 12` means "already at half rate"). Default: per sequence, iff `meta.fps === 25`;
 *   `halveHypothesis: true | false` overrides. Every metric below uses the subsampled sequences.
 * - Frame vectors: the flattened (x, y) of all 128 points exactly as stored — normalised to the source frame,
 *   confidences ignored, missing points unmasked at whatever coordinates the source had — as the harness flattens
 *   its arrays. Checked against fixtures/slrtp/expected.json (made with the harness's definitions on SignVerse shards):
 *   this space reproduces DTW-MJE and total distance to 1e−16 relative, while centre-square coordinates are 20 % off
 *   and pixels ×860.
 * - dtw_mje: per pair (both non-empty), FastDTW (fastdtw 0.3.4's Python code path by default — its Cython extension
 *   only breaks ties differently, see fastdtw.ts; radius 1, Euclidean frame distance) between the
 *   hypothesis and reference frame vectors; both re-indexed along the path; then the mean Euclidean (x, y) distance
 *   per joint over all 128 joints of ALL aligned frames of ALL pairs pooled (frame-weighted, not a mean of means).
 *   Pairs with an empty side are skipped.
 * - total_distance: per sequence, the summed frame-to-frame (x, y) displacement of a wrist; averaged over the
 *   hypotheses and over the references separately; ratio hypothesis / reference for the right wrist (body 4) and the
 *   left wrist (body 7); the mean of the two ratios. null when the reference wrists never move.
 * - avg_duration: mean over pairs of hypothesis frames / reference frames (pairs with an empty reference skipped).
 * - pt_dtw (not in the harness; the older Progressive Transformers score, BenSaunders27/ProgressiveTransformersSLP
 *   `calculate_dtw`): per pair, both sequences trimmed where their counter peaks (frames [0, argmax) with argmax 0
 *   read as 1) when a counter is available (option `counter`), else untrimmed; exact DTW with the L1 frame cost
 *   over the same frame vectors, reference first; cost / reference length; averaged over pairs (empty sides skipped).
 *   PT also drops its model's BOS frame first; canonical sequences have none.
 */
import { CHANNELS, FRAME_STRIDE, BODY, POINTS, type PoseSequence } from '../../pose/index.js';
import { dtwCost, type DtwRule } from '../metrics/pose/dtw.js';
import { fastDtw } from '../metrics/pose/fastdtw.js';
import { flattenXY, manhattan, strideIndices, type FrameMatrix } from '../metrics/pose/frames.js';
import { pairById } from '../metrics/pose/pairs.js';
import { formatSignature } from '../metrics/pose/signature.js';

export interface SlrtpPoseOptions {
  /** Subsample hypotheses `[::2]`: 'auto' (default) = iff the sequence is 25 fps; true / false force it. */
  halveHypothesis?: 'auto' | boolean;
  /** FastDTW radius (the protocol's is 1; another value is recorded in the signature). */
  radius?: number;
  /** fastdtw 0.3.4 code path: `python` (default) or its compiled `cython` extension (differs only on ties). */
  fastdtwVariant?: DtwRule;
  /** Counter channel of a sequence for pt_dtw trimming (e.g. Progressive Transformers' t/(T−1)); none by default. */
  counter?: (seq: PoseSequence, side: 'hyp' | 'ref') => ArrayLike<number> | null | undefined;
  /** Called after each pair (for progress bars). */
  onProgress?: (done: number, total: number) => void;
}

export interface SlrtpPoseScores {
  /** Pairs scored. */
  n: number;
  dtw_mje: number | null;
  total_distance: number | null;
  avg_duration: number | null;
  pt_dtw: number | null;
  signature: string;
}

export const SLRTP_WRISTS = Object.freeze({ right: BODY.rWrist, left: BODY.lWrist });

export function slrtpPoseSignature(opts: SlrtpPoseOptions = {}): string {
  const halve = opts.halveHypothesis ?? 'auto';
  return formatSignature('slrtp', [
    ['part', 'pose'],
    ['frames', `ref-half,hyp-${halve === 'auto' ? 'half-if-25fps' : halve ? 'half' : 'full'}`],
    ['points', 'dwpose128-xy-source-unmasked'],
    ['dtw_mje', `fastdtw-0.3.4${opts.fastdtwVariant === 'cython' ? '-cython' : ''}-r${opts.radius ?? 1}-l2-mpjpe-pooled`],
    ['total_distance', 'wrists-4-7'],
    ['avg_duration', 'frames'],
    ['pt_dtw', `exact-l1-${opts.counter ? 'counter-trim' : 'no-trim'}-per-ref-len`],
  ]);
}

/** Summed frame-to-frame (x, y) displacement of point p over the kept frames. */
function pathLengthOf(seq: PoseSequence, frames: readonly number[], p: number): number {
  let s = 0;
  for (let k = 1; k < frames.length; k++) {
    const a = frames[k - 1] * FRAME_STRIDE + p * CHANNELS;
    const b = frames[k] * FRAME_STRIDE + p * CHANNELS;
    s += Math.hypot(seq.data[b] - seq.data[a], seq.data[b + 1] - seq.data[a + 1]);
  }
  return s;
}

/** Frames kept before the counter peak (PT's trimming), as indices into `frames`. */
function trimAtCounter(frames: readonly number[], counter: ArrayLike<number> | null | undefined, id: string): readonly number[] {
  if (!counter) return frames;
  let best = -Infinity;
  let arg = 0;
  for (let k = 0; k < frames.length; k++) {
    const t = frames[k];
    if (t >= counter.length) throw new RangeError(`sequence '${id}': counter has ${counter.length} values for frame ${t}`);
    if (counter[t] > best) { best = counter[t]; arg = k; }
  }
  return frames.slice(0, Math.max(1, arg));
}

function l1Dtw(ref: FrameMatrix, hyp: FrameMatrix): number {
  const { dim } = ref;
  return dtwCost(ref.frames, hyp.frames, (i, j) => manhattan(ref.data, i, hyp.data, j, dim)).cost;
}

/** Pose scores of the `slrtp` protocol (see the module comment). */
export function slrtpPoseScores(hyps: readonly PoseSequence[], refs: readonly PoseSequence[], opts: SlrtpPoseOptions = {}): SlrtpPoseScores {
  const pairs = pairById(hyps, refs);
  const radius = opts.radius ?? 1;
  const halve = opts.halveHypothesis ?? 'auto';
  let jointErr = 0;
  let jointN = 0;
  let durSum = 0;
  let durN = 0;
  let ptSum = 0;
  let ptN = 0;
  const wrist = { hyp: { right: 0, left: 0 }, ref: { right: 0, left: 0 } };
  for (const [done, [hyp, ref]] of pairs.entries()) {
    if (done > 0) opts.onProgress?.(done, pairs.length);
    const rf = strideIndices(ref.frames, 2);
    const hf = strideIndices(hyp.frames, (halve === 'auto' ? hyp.meta.fps === 25 : halve) ? 2 : 1);
    for (const side of ['right', 'left'] as const) {
      wrist.hyp[side] += pathLengthOf(hyp, hf, SLRTP_WRISTS[side]);
      wrist.ref[side] += pathLengthOf(ref, rf, SLRTP_WRISTS[side]);
    }
    if (rf.length > 0) { durSum += hf.length / rf.length; durN++; }
    if (rf.length === 0 || hf.length === 0) continue;
    const x = flattenXY(hyp, hf);
    const y = flattenXY(ref, rf);
    const { path, length } = fastDtw(x, y, { radius, variant: opts.fastdtwVariant });
    for (let k = 0; k < length; k++) {
      const oa = path.i[k] * x.dim;
      const ob = path.j[k] * y.dim;
      for (let p = 0; p < POINTS; p++) {
        jointErr += Math.hypot(x.data[oa + 2 * p] - y.data[ob + 2 * p], x.data[oa + 2 * p + 1] - y.data[ob + 2 * p + 1]);
      }
      jointN += POINTS;
    }
    const rt = trimAtCounter(rf, opts.counter?.(ref, 'ref'), ref.id);
    const ht = trimAtCounter(hf, opts.counter?.(hyp, 'hyp'), hyp.id);
    ptSum += l1Dtw(flattenXY(ref, rt), flattenXY(hyp, ht)) / rt.length;
    ptN++;
  }
  const n = pairs.length;
  opts.onProgress?.(n, n);
  const ratio = (side: 'right' | 'left') => (wrist.ref[side] > 0 ? wrist.hyp[side] / wrist.ref[side] : NaN);
  const td = (ratio('left') + ratio('right')) / 2; // the harness's (l_score + r_score) / 2; mean over n cancels
  return {
    n,
    dtw_mje: jointN > 0 ? jointErr / jointN : null,
    total_distance: Number.isFinite(td) ? td : null,
    avg_duration: durN > 0 ? durSum / durN : null,
    pt_dtw: ptN > 0 ? ptSum / ptN : null,
    signature: slrtpPoseSignature(opts),
  };
}
