import type { Rng } from '../nn/rng.js';
import { PoseSequence, type GlossSpan } from '../pose/sequence.js';
import { CHANNELS, FRAME_STRIDE, POINTS } from '../pose/skeleton.js';

/**
 * Temporal augmentation for training the back-translator (the benchmark's judge).
 *
 * A judge trained only on the corpus's own 24-fps timing learns its sampling phase: the same ground-truth poses
 * taken to 12 fps read about a quarter worse, and dropping a single leading frame moves BLEU by several points. But
 * the sequences it has to read come from generators at 6, 12, 25 or 30 fps, with their own tempo and with the smooth
 * motion that regression models produce. Each augmented copy therefore gets, at random:
 *   - a tempo change (signing speed ×0.8–1.25);
 *   - a sub-frame start offset (0–3 frames: the pooling phase);
 *   - with probability 0.6, a lower source rate (24/k fps, k = 2, 3 or 4, at a random phase), shown as a model at
 *     that rate would be after nearest-frame upsampling to 24 fps: each frame held k times;
 *   - with probability 0.3, a light temporal smoothing ([1, 2, 1] / 4) of the point positions.
 * Gloss spans are carried through the tempo change and offset, so the auxiliary per-row gloss loss still applies.
 * The share of training examples augmented is the config's `timeAugment`.
 */
/** What one draw of the augmentation did (for tests and logs). */
export interface TimeWarp {
  speed: number;
  offset: number;
  hold: number;
  phase: number;
  smooth: boolean;
}

export function drawTimeWarp(rng: Rng): TimeWarp {
  const speed = Math.exp(rng.uniform(Math.log(0.8), Math.log(1.25)));
  const offset = rng.uniform(0, 3);
  const hold = rng.next() < 0.6 ? 2 + rng.int(3) : 1;
  const phase = rng.int(hold);
  const smooth = rng.next() < 0.3;
  return { speed, offset, hold, phase, smooth };
}

/** Source frame position (fractional) shown at output frame j. */
function sourcePosition(j: number, w: TimeWarp): number {
  const held = w.hold > 1 ? Math.max(0, Math.floor((j + w.phase) / w.hold) * w.hold - w.phase) : j;
  return w.offset + held * w.speed;
}

/**
 * Applies `w` to `seq` (kept at its frame rate, nearest source frame per output frame) and maps `glosses` onto the
 * new frame indices. A sequence too short to warp is returned unchanged.
 */
export function applyTimeWarp(seq: PoseSequence, glosses: readonly GlossSpan[] | undefined, w: TimeWarp): { sequence: PoseSequence; glosses?: GlossSpan[] } {
  const T = seq.frames;
  const n = Math.floor((T - 1 - w.offset) / w.speed) + 1;
  if (T < 2 || n < 2) return { sequence: seq, glosses: glosses?.slice() };
  const data = new Float32Array(n * FRAME_STRIDE);
  for (let j = 0; j < n; j++) {
    const from = Math.min(T - 1, Math.max(0, Math.round(sourcePosition(j, w))));
    data.set(seq.data.subarray(from * FRAME_STRIDE, (from + 1) * FRAME_STRIDE), j * FRAME_STRIDE);
  }
  if (w.smooth) smoothPositions(data, n);
  const toOut = (f: number) => Math.min(n, Math.max(0, Math.ceil((f - w.offset) / w.speed)));
  const mapped = glosses?.map((g) => ({ gloss: g.gloss, start: toOut(g.start), end: toOut(g.end) })).filter((g) => g.end > g.start);
  return { sequence: new PoseSequence({ ...seq.meta }, data), glosses: mapped };
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
