import { SUBSETS } from '../../../pose/transforms.js';
import type { GlossSpan, PoseSequence } from '../../../pose/sequence.js';
import { dtwPath } from '../pose/dtw.js';
import { toSpace, type SpacePoints } from '../pose/space.js';

const POINTS27 = SUBSETS.armHand27;

/**
 * Frame cost for aligning a generated sequence to its reference: the mean Euclidean distance, in shoulder widths
 * (each sequence in its own shoulder frame), over the 27 arm+hand points present in both frames; 0 when neither frame
 * has any of them, 1 when only one has.
 */
function cost27(a: SpacePoints, b: SpacePoints): (i: number, j: number) => number {
  return (i, j) => {
    let s = 0;
    let n = 0;
    let anyA = false;
    let anyB = false;
    for (const p of POINTS27) {
      const ka = i * 128 + p;
      const kb = j * 128 + p;
      const va = a.valid[ka];
      const vb = b.valid[kb];
      if (va) anyA = true;
      if (vb) anyB = true;
      if (va && vb) { s += Math.hypot(a.xy[2 * ka] - b.xy[2 * kb], a.xy[2 * ka + 1] - b.xy[2 * kb + 1]); n++; }
    }
    if (n > 0) return s / n;
    return anyA === anyB ? 0 : 1;
  };
}

/**
 * Aligns `hyp` to `ref` with exact DTW (cost above) and cuts `hyp` at the reference's gloss boundaries: a reference
 * span [s, e) maps to the hypothesis frames matched to any of its frames, [min j, max j + 1). Returns null when the
 * hypothesis cannot be aligned (no frames, or no frame with both shoulders).
 */
export function alignSpans(ref: PoseSequence, hyp: PoseSequence, spans: readonly GlossSpan[]): { start: number; end: number }[] | null {
  if (hyp.frames === 0 || ref.frames === 0) return null;
  let a: SpacePoints;
  let b: SpacePoints;
  try {
    a = toSpace(ref, 'shoulder-width');
    b = toSpace(hyp, 'shoulder-width');
  } catch {
    return null; // no shoulders to normalise by
  }
  const { path } = dtwPath(ref.frames, hyp.frames, cost27(a, b));
  const lo = new Int32Array(ref.frames).fill(hyp.frames);
  const hi = new Int32Array(ref.frames).fill(-1);
  for (let k = 0; k < path.i.length; k++) {
    const i = path.i[k];
    const j = path.j[k];
    if (j < lo[i]) lo[i] = j;
    if (j > hi[i]) hi[i] = j;
  }
  return spans.map((g) => {
    let s = hyp.frames;
    let e = -1;
    for (let i = Math.max(0, g.start); i < Math.min(ref.frames, g.end); i++) { s = Math.min(s, lo[i]); e = Math.max(e, hi[i]); }
    if (e < 0) return { start: 0, end: hyp.frames };
    return { start: s, end: e + 1 };
  });
}
