import { SignbenchError } from '../pose/errors.js';
import { glossPhonology, type SignClip } from './corpus-data.js';
import { cutSegment, FEATURE_DIM, segmentFeatures } from './features.js';
import { centreSquareCrop } from '../pose/transforms.js';
import { Rng } from '../nn/rng.js';
import { PHONOLOGY_CLASSES, PHONOLOGY_PARAMS } from './labels.js';

/**
 * Precomputed features of labelled clips, each also mirrored (`xMirror`, features.ts `mirrorPoints`: exact), so that mirroring augmentation costs a
 * row lookup per example. `phon[i·4 + k]` is the class of phonological parameter k (PHONOLOGY_PARAMS order), −1 when
 * the gloss has none (fingerspelled names).
 */
export interface Dataset {
  n: number;
  dim: number;
  x: Float32Array;
  xMirror: Float32Array | null;
  labels: Int32Array;
  phon: Int32Array;
  ids: string[];
}

export interface DatasetOptions {
  /** Also compute every clip's mirrored features. */
  mirrored?: boolean;
  /** Share of clips seen through the centre-square view (`centreSquareCrop`), chosen per clip from `seed`. */
  crop?: number;
  seed?: number;
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

export function buildDataset(clips: Iterable<SignClip>, glosses: readonly string[], opts: DatasetOptions = {}): Dataset {
  const index = new Map(glosses.map((g, i) => [g, i] as const));
  const rows: Float32Array[] = [];
  const mirrors: Float32Array[] = [];
  const labels: number[] = [];
  const phon: number[] = [];
  const ids: string[] = [];
  const rng = new Rng(opts.seed ?? 1);
  for (const c of clips) {
    if (opts.signal?.aborted) throw new SignbenchError('aborted', 'building the recogniser dataset was cancelled');
    const label = index.get(c.gloss);
    if (label === undefined) throw new SignbenchError('invalid-input', `clip ${c.id}: gloss '${c.gloss}' is not in the recogniser's vocabulary`);
    const cropped = (opts.crop ?? 0) > 0 && rng.next() < (opts.crop ?? 0);
    const view = cropped ? centreSquareCrop(cutSegment(c.seq, c.start, c.end)) : c.seq;
    const [start, end] = cropped ? [0, view.frames] : [c.start, c.end];
    rows.push(segmentFeatures(view, start, end).features);
    if (opts.mirrored) mirrors.push(segmentFeatures(view, start, end, { mirrored: true }).features);
    labels.push(label);
    const p = glossPhonology(c.gloss);
    for (const k of PHONOLOGY_PARAMS) phon.push(p ? PHONOLOGY_CLASSES[k].indexOf(p[k]) : -1);
    ids.push(c.id);
    opts.onProgress?.(rows.length);
  }
  const pack = (list: Float32Array[]) => {
    const x = new Float32Array(list.length * FEATURE_DIM);
    list.forEach((r, i) => x.set(r, i * FEATURE_DIM));
    return x;
  };
  return {
    n: rows.length, dim: FEATURE_DIM, x: pack(rows), xMirror: opts.mirrored ? pack(mirrors) : null,
    labels: Int32Array.from(labels), phon: Int32Array.from(phon), ids,
  };
}

/** Per-dimension mean and standard deviation (floored at 1e-3) over a dataset's rows (mirrored rows included). */
export function featureStats(ds: Dataset): { mean: Float32Array; std: Float32Array } {
  const mean = new Float64Array(ds.dim);
  const sq = new Float64Array(ds.dim);
  let n = 0;
  for (const x of [ds.x, ds.xMirror]) {
    if (!x) continue;
    for (let i = 0; i < ds.n; i++) {
      for (let j = 0; j < ds.dim; j++) { const v = x[i * ds.dim + j]; mean[j] += v; sq[j] += v * v; }
      n++;
    }
  }
  const m = new Float32Array(ds.dim);
  const s = new Float32Array(ds.dim);
  for (let j = 0; j < ds.dim; j++) {
    m[j] = mean[j] / Math.max(1, n);
    s[j] = Math.max(1e-3, Math.sqrt(Math.max(0, sq[j] / Math.max(1, n) - m[j] * m[j])));
  }
  return { mean: m, std: s };
}
