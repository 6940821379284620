/**
 * The poses of the two training-data baselines: the mean pose (the average training pose held for the average
 * training length) and the nearest training sentence (the ground-truth poses of the training sentence with the most
 * word overlap, Jaccard over word sets: a retrieval baseline).
 */
import { PoseSequence } from '../../pose/sequence.js';
import { FRAME_STRIDE } from '../../pose/skeleton.js';
import { wordTokens } from '../../translator/vocab.js';

/** Per point, the mean of (x, y, c) over the frames where it is present, held for the mean length. */
export function meanPoseSequence(train: readonly PoseSequence[], id: string): PoseSequence {
  const sum = new Float64Array(FRAME_STRIDE);
  const cnt = new Float64Array(FRAME_STRIDE / 3);
  let frames = 0;
  for (const s of train) {
    frames += s.frames;
    for (let t = 0; t < s.frames; t++) {
      const f = s.frame(t);
      for (let p = 0; p < FRAME_STRIDE / 3; p++) {
        if (!(f[3 * p + 2]! > 0)) continue;
        sum[3 * p] += f[3 * p]!; sum[3 * p + 1] += f[3 * p + 1]!; sum[3 * p + 2] += f[3 * p + 2]!; cnt[p]++;
      }
    }
  }
  const L = Math.max(1, Math.round(frames / train.length));
  const frame = new Float32Array(FRAME_STRIDE);
  for (let p = 0; p < cnt.length; p++) if (cnt[p]! > 0) for (let k = 0; k < 3; k++) frame[3 * p + k] = sum[3 * p + k]! / cnt[p]!;
  const data = new Float32Array(L * FRAME_STRIDE);
  for (let t = 0; t < L; t++) data.set(frame, t * FRAME_STRIDE);
  return new PoseSequence({ ...train[0]!.meta, id, text: null, glosses: [], gloss: null }, data);
}

function overlap(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n / (a.size + b.size - n || 1);
}

/** For each query text, the index of the training text with the highest word-set Jaccard overlap (first on ties). */
export function nearestSentences(queries: readonly string[], train: readonly string[]): number[] {
  const trainSets = train.map((t) => new Set(wordTokens(t)));
  return queries.map((q) => {
    const qs = new Set(wordTokens(q));
    let best = 0;
    let bestScore = -1;
    trainSets.forEach((s, i) => { const o = overlap(qs, s); if (o > bestScore) { bestScore = o; best = i; } });
    return best;
  });
}
