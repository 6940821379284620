import type { Rng } from '../nn/rng.js';
import { PoseSequence, type GlossSpan } from '../pose/sequence.js';
import { CHANNELS, FRAME_STRIDE, POINTS } from '../pose/skeleton.js';
import { centreSquareCrop } from '../pose/transforms.js';

/**
 * Augmentation for training the back-translator (the benchmark's judge), so that it reads what generators can
 * produce as it reads the corpus.
 *
 * - **View.** SignDW-style generators work in the centre square of the frame and cannot produce a point outside it
 *   (nor can a pose estimator see a point outside the picture). The procedural corpus, drawn at 16:9, has confident
 *   points there: legs below the frame, a hand dropping out of it. A judge that learned to use them reads ground
 *   truth at 58.5 BLEU but the very same poses with only those points removed (2–4% of body and hand points) at
 *   48.2. With probability 0.7 an augmented copy is therefore seen through `centreSquareCrop`.
 * - **Time.** A judge trained only on the corpus's own 24-fps timing learns its sampling phase (dropping one leading
 *   frame moves BLEU by several points), while generators run at 6, 12, 25 or 30 fps, with their own tempo and the
 *   smooth motion of regression models. Each augmented copy gets:
 *   - a tempo change (signing speed ×0.8–1.25);
 *   - a sub-frame start offset (0–3 frames: the pooling phase);
 *   - with probability 0.6, a lower source rate (24/k fps, k = 2, 3 or 4, at a random phase), shown as a model at
 *     that rate would be after nearest-frame upsampling to 24 fps: each frame held k times;
 *   - with probability 0.3, a light temporal smoothing ([1, 2, 1] / 4) of the point positions.
 * Gloss spans are carried through the tempo change and offset, so the auxiliary per-row gloss loss still applies.
 * The share of training examples augmented is the config's `augment`; the rest are read as they are.
 */

/** One draw of the augmentation. */
export interface Augmentation {
  speed: number;
  offset: number;
  hold: number;
  phase: number;
  smooth: boolean;
  /** Seen through the centre-square crop. */
  crop: boolean;
}

export function drawAugmentation(rng: Rng): Augmentation {
  const speed = Math.exp(rng.uniform(Math.log(0.8), Math.log(1.25)));
  const offset = rng.uniform(0, 3);
  const hold = rng.next() < 0.6 ? 2 + rng.int(3) : 1;
  const phase = rng.int(hold);
  const smooth = rng.next() < 0.3;
  const crop = rng.next() < 0.7;
  return { speed, offset, hold, phase, smooth, crop };
}

/** Source frame position (fractional) shown at output frame j. */
function sourcePosition(j: number, w: Augmentation): number {
  const held = w.hold > 1 ? Math.max(0, Math.floor((j + w.phase) / w.hold) * w.hold - w.phase) : j;
  return w.offset + held * w.speed;
}

/**
 * Applies `w` to `seq` (kept at its frame rate, nearest source frame per output frame) and maps `glosses` onto the
 * new frame indices. A sequence too short to warp in time is only cropped.
 */
export function applyAugmentation(seq: PoseSequence, glosses: readonly GlossSpan[] | undefined, w: Augmentation): { sequence: PoseSequence; glosses?: GlossSpan[] } {
  if (w.crop) seq = centreSquareCrop(seq);
  const T = seq.frames;
  const n = Math.floor((T - 1 - w.offset) / w.speed) + 1;
  if (T < 2 || n < 2) return { sequence: seq, glosses: glosses?.slice() };
  const data = new Float32Array(n * FRAME_STRIDE);
  const people = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const from = Math.min(T - 1, Math.max(0, Math.round(sourcePosition(j, w))));
    data.set(seq.data.subarray(from * FRAME_STRIDE, (from + 1) * FRAME_STRIDE), j * FRAME_STRIDE);
    people[j] = seq.people[from];
  }
  if (w.smooth) smoothPositions(data, n);
  const toOut = (f: number) => Math.min(n, Math.max(0, Math.ceil((f - w.offset) / w.speed)));
  const mapped = glosses?.map((g) => ({ gloss: g.gloss, start: toOut(g.start), end: toOut(g.end) })).filter((g) => g.end > g.start);
  return { sequence: new PoseSequence({ ...seq.meta }, data, people), glosses: mapped };
}

/** [1, 2, 1] / 4 over time on x and y, for points present in all three frames; ends and gaps are left alone. */
function smoothPositions(data: Float32Array, frames: number): void {
  const src = data.slice();
  for (let t = 1; t < frames - 1; t++) {
    for (let p = 0; p < POINTS; p++) {
      const i = t * FRAME_STRIDE + p * CHANNELS;
      const a = i - FRAME_STRIDE, b = i + FRAME_STRIDE;
      if (!(src[i + 2] > 0 && src[a + 2] > 0 && src[b + 2] > 0)) continue;
      data[i] = (src[a] + 2 * src[i] + src[b]) / 4;
      data[i + 1] = (src[a + 1] + 2 * src[i + 1] + src[b + 1]) / 4;
    }
  }
}
