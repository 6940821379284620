/**
 * Sign-level metrics of generated poses (issue 20), computed for references with gloss timings:
 *
 * - *Aligned sign accuracy*: each hypothesis is aligned to its reference with exact DTW over the 27 arm+hand points
 *   in shoulder widths (align.ts), cut at the reference's gloss boundaries, and every segment is recognised by the
 *   isolated sign recogniser (recognizer/); top-1 / top-5 = the share of reference segments whose gloss is the first
 *   / among the first five predictions. Pooled over all segments of all pairs (micro average).
 * - *Phonological agreement*: per aligned segment, whether the recogniser's location / movement / palm orientation /
 *   handshape of the generated segment equals that of the reference segment; the share per parameter.
 * - A hypothesis that cannot be aligned (no frames, no frame with both shoulders) counts every segment of its
 *   reference as wrong on every measure.
 * - 95% intervals: percentile bootstrap over pairs (pairs resampled with replacement, `bootstrap` times, seeded).
 * Scores are percentages (0–100), as the text metrics.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../../nn/rng.js';
import { SignbenchError } from '../../../pose/errors.js';
import type { GlossSpan, PoseSequence } from '../../../pose/sequence.js';
import { PHONOLOGY_PARAMS, type PhonologyParam } from '../../../recognizer/labels.js';
import type { Recognizer, SegmentRef } from '../../../recognizer/runtime.js';
import { formatSignature } from '../pose/signature.js';
import { alignSpans } from './align.js';

export const SIGN_METRICS_VERSION = '1.0.0';

export interface SignReference {
  sequence: PoseSequence;
  /** Gloss timings in frames of `sequence` (default: sequence.meta.glosses). */
  glosses?: readonly GlossSpan[];
}

export interface SignMetricsOptions {
  /** The recogniser (recognizer/runtime `Recognizer.load()`). */
  recognizer: Recognizer;
  /** Bootstrap resamples for the 95% intervals (default 1000; 0 = none). */
  bootstrap?: number;
  /** Seed of the bootstrap (default 12345). */
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export type Interval = [number, number];

export interface SignBlock {
  accuracy_top1: number;
  accuracy_top5: number;
  phonology: Record<PhonologyParam, number>;
  /** 95% percentile-bootstrap intervals of each number (null when bootstrap is 0). */
  ci95: { accuracy_top1: Interval; accuracy_top5: Interval; phonology: Record<PhonologyParam, Interval> } | null;
  /** Reference segments scored, pairs, and pairs whose hypothesis could not be aligned. */
  segments: number;
  pairs: number;
  unaligned: number;
  signature: string;
}

/** Per pair: [segments, top1 hits, top5 hits, location, movement, orientation, handshape agreements]. */
type PairCounts = Float64Array;
const FIELDS = 3 + PHONOLOGY_PARAMS.length;

function modelId(rec: Recognizer): string {
  try {
    const bytes = readFileSync(join(rec.dir, rec.manifest.files.model));
    return createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  } catch {
    return 'unknown';
  }
}

export function signMetricsSignature(rec: Recognizer, opts: Pick<SignMetricsOptions, 'bootstrap' | 'seed'> = {}): string {
  return formatSignature('sign', [
    ['recognizer', modelId(rec)],
    ['align', 'dtw-exact-armhand27-shoulder'],
    ['cut', 'ref-gloss-spans'],
    ['k', 5],
    ['ci', `bootstrap-pairs-${opts.bootstrap ?? 1000}`],
    ['seed', opts.seed ?? 12345],
  ], SIGN_METRICS_VERSION);
}

function ratios(c: Float64Array): number[] {
  const n = c[0];
  return Array.from({ length: FIELDS - 1 }, (_, k) => (n > 0 ? (100 * c[k + 1]) / n : 0));
}

/**
 * The `"sign"` block of the eval JSON for hypotheses `hyps[i]` generated for references `refs[i]`. References
 * without gloss timings are refused (invalid-input), as are lists of different lengths.
 */
export async function signMetrics(refs: readonly SignReference[], hyps: readonly PoseSequence[], opts: SignMetricsOptions): Promise<SignBlock> {
  if (refs.length !== hyps.length) throw new SignbenchError('invalid-input', `signMetrics: ${refs.length} references but ${hyps.length} hypotheses`);
  const rec = opts.recognizer;
  const counts: PairCounts[] = [];
  let unaligned = 0;
  for (let p = 0; p < refs.length; p++) {
    if (opts.signal?.aborted) throw new SignbenchError('aborted', 'sign metrics were cancelled');
    const ref = refs[p].sequence;
    const spans = (refs[p].glosses ?? ref.meta.glosses ?? []).filter((g) => g.end > g.start && g.start >= 0 && g.end <= ref.frames);
    if (spans.length === 0) throw new SignbenchError('invalid-input', `signMetrics: reference ${ref.id} has no gloss timings inside its ${ref.frames} frames`);
    const c = new Float64Array(FIELDS);
    c[0] = spans.length;
    const cuts = alignSpans(ref, hyps[p], spans);
    if (!cuts) unaligned++;
    else {
      const items: SegmentRef[] = [
        ...spans.map((g) => ({ seq: ref, start: g.start, end: g.end })),
        ...cuts.map((s) => ({ seq: hyps[p], start: s.start, end: s.end })),
      ];
      const res = await rec.recognizeMany(items, { signal: opts.signal });
      spans.forEach((g, k) => {
        const r = res[k];
        const h = res[spans.length + k];
        c[1] += +(h.top5[0].gloss === g.gloss);
        c[2] += +h.top5.some((t) => t.gloss === g.gloss);
        PHONOLOGY_PARAMS.forEach((param, m) => { c[3 + m] += +(h.phonology[param].label === r.phonology[param].label); });
      });
    }
    counts.push(c);
    opts.onProgress?.(p + 1, refs.length);
  }
  const total = new Float64Array(FIELDS);
  for (const c of counts) for (let k = 0; k < FIELDS; k++) total[k] += c[k];
  const point = ratios(total);
  const B = opts.bootstrap ?? 1000;
  let ci95: SignBlock['ci95'] = null;
  if (B > 0 && counts.length > 0) {
    const rng = new Rng(opts.seed ?? 12345);
    const samples = Array.from({ length: FIELDS - 1 }, () => new Float64Array(B));
    const acc = new Float64Array(FIELDS);
    for (let b = 0; b < B; b++) {
      acc.fill(0);
      for (let i = 0; i < counts.length; i++) {
        const c = counts[rng.int(counts.length)];
        for (let k = 0; k < FIELDS; k++) acc[k] += c[k];
      }
      ratios(acc).forEach((v, k) => { samples[k][b] = v; });
    }
    const iv = (k: number): Interval => {
      const s = samples[k].slice().sort();
      return [s[Math.floor(0.025 * (B - 1))], s[Math.ceil(0.975 * (B - 1))]];
    };
    ci95 = {
      accuracy_top1: iv(0), accuracy_top5: iv(1),
      phonology: Object.fromEntries(PHONOLOGY_PARAMS.map((k, m) => [k, iv(2 + m)])) as Record<PhonologyParam, Interval>,
    };
  }
  return {
    accuracy_top1: point[0], accuracy_top5: point[1],
    phonology: Object.fromEntries(PHONOLOGY_PARAMS.map((k, m) => [k, point[2 + m]])) as Record<PhonologyParam, number>,
    ci95, segments: total[0], pairs: refs.length, unaligned, signature: signMetricsSignature(rec, opts),
  };
}

export { alignSpans } from './align.js';
