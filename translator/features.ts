import { BODY, CHANNELS, FRAME_STRIDE, POINTS } from '../pose/skeleton.js';
import { PoseSequence } from '../pose/sequence.js';
import { SignbenchError } from '../pose/errors.js';

/**
 * Frame features for the back-translator.
 *
 * Per frame and point (all 128 DWPose points):
 *   - x, y in "shoulder units": pixel coordinates centred on the neck and divided by the shoulder width, so the
 *     features do not depend on the camera's framing, resolution or aspect ratio;
 *   - a validity flag (1 present, 0 missing); missing points get x = y = 0;
 *   - the velocity dx, dy to the previous frame (0 where either frame misses the point, and at frame 0).
 * Layout of one feature row: [x·128, y·128, valid·128, dx·128, dy·128] = 640 values.
 *
 * The neck and shoulder width are taken per frame where the frame has them; otherwise the sequence's median over the
 * frames that have them; a sequence with no neck/shoulders anywhere falls back to the centre and spread of its
 * present points. Values are clipped to ±CLIP so that a wild outlier point cannot blow up the encoder.
 *
 * Time base: sequences at another frame rate are first resampled (nearest frame) to 24 fps, the rate the models are
 * trained at, so motion speed means the same for any source.
 * Temporal down-sampling: each run of 4 consecutive frames is averaged (stride 4; a trailing partial run stands alone),
 * so a 24-fps sequence becomes 6 feature rows per second (a procedural sign of ~13 frames gets ~3 rows). Velocities
 * are computed before pooling. Stride 4 rather than 2 halves the encoder's cost, which matters on one CPU core.
 */
export const FEATURE_DIM = POINTS * 5;
export const FEATURE_STRIDE = 4;
export const CLIP = 8;
/** Frame rate the features are computed at. */
export const FEATURE_FPS = 24;

export interface FeatureOptions {
  /** Temporal pooling stride (1 = none). Default FEATURE_STRIDE. */
  stride?: number;
  /** Most rows kept after pooling (longer sequences are uniformly resampled down to it). Default 512. */
  maxRows?: number;
  /** Resample to this frame rate first (nearest frame); 0 = keep the source rate. Default FEATURE_FPS. */
  fps?: number;
}

/** Features of one sequence: `rows × FEATURE_DIM`, row-major. */
export interface FrameFeatures {
  rows: number;
  dim: number;
  data: Float32Array;
}

/** Thrown for sequences that cannot be translated; the message names the sequence and the problem. */
export class TranslatorInputError extends SignbenchError {
  constructor(id: string, problem: string) {
    super('invalid-input', `${id || '<sequence>'}: ${problem}`);
    this.name = 'TranslatorInputError';
  }
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Frame { cx: number; cy: number; scale: number }

/** Centre and scale (pixels) for every frame. */
function framesOfReference(seq: PoseSequence): Frame[] {
  const { width, height } = seq.meta;
  const d = seq.data;
  const T = seq.frames;
  const per: (Frame | null)[] = [];
  const cxs: number[] = [];
  const cys: number[] = [];
  const scales: number[] = [];
  for (let t = 0; t < T; t++) {
    const b = t * FRAME_STRIDE;
    const at = (p: number) => b + p * CHANNELS;
    const neck = at(BODY.neck), rs = at(BODY.rShoulder), ls = at(BODY.lShoulder);
    if (d[neck + 2] > 0 && d[rs + 2] > 0 && d[ls + 2] > 0) {
      const sw = Math.hypot((d[rs] - d[ls]) * width, (d[rs + 1] - d[ls + 1]) * height);
      if (sw > 1e-6) {
        const f = { cx: d[neck] * width, cy: d[neck + 1] * height, scale: sw };
        per.push(f);
        cxs.push(f.cx); cys.push(f.cy); scales.push(f.scale);
        continue;
      }
    }
    per.push(null);
  }
  let fallback: Frame;
  if (scales.length > 0) {
    fallback = { cx: median(cxs), cy: median(cys), scale: median(scales) };
  } else {
    // No usable neck/shoulders anywhere: centre and spread of all present points.
    let n = 0, sx = 0, sy = 0;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < d.length; i += CHANNELS) {
      if (!(d[i + 2] > 0)) continue;
      const x = d[i] * width, y = d[i + 1] * height;
      n++; sx += x; sy += y;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    const spread = Math.max(maxX - minX, maxY - minY);
    fallback = { cx: sx / n, cy: sy / n, scale: spread > 1e-6 ? spread / 2 : 1 };
  }
  return per.map((f) => f ?? fallback);
}

const clip = (v: number) => (v > CLIP ? CLIP : v < -CLIP ? -CLIP : v);

/** Per-frame (un-pooled) features, `frames × FEATURE_DIM`. */
function rawFeatures(seq: PoseSequence): Float32Array {
  const { width, height } = seq.meta;
  const T = seq.frames;
  const P = POINTS;
  const d = seq.data;
  const refs = framesOfReference(seq);
  const out = new Float32Array(T * FEATURE_DIM);
  for (let t = 0; t < T; t++) {
    const { cx, cy, scale } = refs[t];
    const row = t * FEATURE_DIM;
    for (let p = 0; p < P; p++) {
      const i = t * FRAME_STRIDE + p * CHANNELS;
      if (!(d[i + 2] > 0)) continue;
      out[row + p] = clip((d[i] * width - cx) / scale);
      out[row + P + p] = clip((d[i + 1] * height - cy) / scale);
      out[row + 2 * P + p] = 1;
    }
    if (t > 0) {
      const prev = row - FEATURE_DIM;
      for (let p = 0; p < P; p++) {
        if (out[row + 2 * P + p] === 0 || out[prev + 2 * P + p] === 0) continue;
        out[row + 3 * P + p] = clip(4 * (out[row + p] - out[prev + p]));
        out[row + 4 * P + p] = clip(4 * (out[row + P + p] - out[prev + P + p]));
      }
    }
  }
  return out;
}

/** Nearest-frame resampling to `fps` (at most `maxFrames` frames); the sequence itself when the rate already matches. */
function resampleToFps(seq: PoseSequence, fps: number, maxFrames: number): PoseSequence {
  const src = seq.meta.fps;
  if (!(fps > 0) || !(src > 0) || !Number.isFinite(src) || Math.abs(src - fps) / fps < 0.01) return seq;
  const T = seq.frames;
  const n = Math.max(1, Math.min(maxFrames, Math.round((T * fps) / src)));
  const data = new Float32Array(n * FRAME_STRIDE);
  for (let t = 0; t < n; t++) {
    const from = Math.min(T - 1, Math.floor(((t + 0.5) * T) / n));
    data.set(seq.data.subarray(from * FRAME_STRIDE, (from + 1) * FRAME_STRIDE), t * FRAME_STRIDE);
  }
  return new PoseSequence({ ...seq.meta, fps }, data);
}

/**
 * Features of a sequence for the translator. Throws TranslatorInputError for an empty sequence, one whose points
 * are all missing, or a non-positive frame size.
 */
export function extractFeatures(seq: PoseSequence, opts: FeatureOptions = {}): FrameFeatures {
  const stride = Math.max(1, Math.floor(opts.stride ?? FEATURE_STRIDE));
  const maxRows = Math.max(1, Math.floor(opts.maxRows ?? 512));
  const id = seq.meta.id;
  if (seq.frames === 0) throw new TranslatorInputError(id, 'the pose sequence is empty (0 frames): nothing to translate');
  const { width, height } = seq.meta;
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new TranslatorInputError(id, `frame size must be positive, got ${width}×${height}`);
  }
  let present = 0;
  for (let i = 2; i < seq.data.length; i += CHANNELS) if (seq.data[i] > 0) { present++; break; }
  if (present === 0) throw new TranslatorInputError(id, `all points are missing in all ${seq.frames} frames (every confidence is 0): nothing to translate`);
  for (let i = 0; i < seq.data.length; i++) {
    if (!Number.isFinite(seq.data[i])) throw new TranslatorInputError(id, `non-finite value at frame ${Math.floor(i / FRAME_STRIDE)}`);
  }

  seq = resampleToFps(seq, opts.fps ?? FEATURE_FPS, maxRows * stride * 2);
  const raw = rawFeatures(seq);
  const T = seq.frames;
  const pooledRows = Math.ceil(T / stride);
  const pooled = new Float32Array(pooledRows * FEATURE_DIM);
  for (let r = 0; r < pooledRows; r++) {
    const start = r * stride, end = Math.min(T, start + stride);
    const dst = r * FEATURE_DIM;
    for (let t = start; t < end; t++) {
      const src = t * FEATURE_DIM;
      for (let k = 0; k < FEATURE_DIM; k++) pooled[dst + k] += raw[src + k];
    }
    const inv = 1 / (end - start);
    for (let k = 0; k < FEATURE_DIM; k++) pooled[dst + k] *= inv;
  }
  if (pooledRows <= maxRows) return { rows: pooledRows, dim: FEATURE_DIM, data: pooled };
  // Too long: keep maxRows rows picked uniformly (bounded memory and attention cost).
  const out = new Float32Array(maxRows * FEATURE_DIM);
  for (let r = 0; r < maxRows; r++) {
    const src = Math.min(pooledRows - 1, Math.floor(((r + 0.5) * pooledRows) / maxRows));
    out.set(pooled.subarray(src * FEATURE_DIM, (src + 1) * FEATURE_DIM), r * FEATURE_DIM);
  }
  return { rows: maxRows, dim: FEATURE_DIM, data: out };
}
