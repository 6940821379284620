/**
 * Bootstrap over the per-item statistics a result stores: 95% intervals of one result and the paired test between
 * two results of the same suite, without rescoring. Resampling is sacrebleu's (numpy `default_rng(12345)`, 1,000
 * resamples of item indices); the paired test is sacrebleu's `--paired-bs` p-value.
 */
import { BLEU } from '../metrics/text/bleu.js';
import { CHRF } from '../metrics/text/chrf.js';
import type { SegmentStats } from '../metrics/text/corpus.js';
import { sumStats } from '../metrics/text/corpus.js';
import { defaultRng } from '../metrics/text/numpyrng.js';
import { pairedBootstrapStats } from '../metrics/text/significance.js';

export const BOOTSTRAP_SAMPLES = 1000;
export const BOOTSTRAP_SEED = 12345;
export const ALPHA = 0.05;
export const BOOTSTRAP_SIGNATURE = `bs:${BOOTSTRAP_SAMPLES}|seed:${BOOTSTRAP_SEED}|ci:percentile-2.5-97.5|paired:sacrebleu-2.6.0`;

/** A metric whose corpus score is a function of summed per-item statistics. */
export interface ItemMetric {
  name: string;
  scoreOf(sums: ArrayLike<number>, float32?: boolean): number;
  /** Whether higher is better. */
  higher: boolean;
}

const bleu = new BLEU();
const chrf = new CHRF();
export const METRICS = {
  bleu: { name: 'BLEU', scoreOf: (s: ArrayLike<number>, f?: boolean) => bleu.scoreOf(s, f), higher: true },
  chrf: { name: 'chrF2', scoreOf: (s: ArrayLike<number>, f?: boolean) => chrf.scoreOf(s, f), higher: true },
  // Items carry (dtw_mje, 1): the corpus score is the mean over items.
  dtw_mje: { name: 'DTW-MJE', scoreOf: (s: ArrayLike<number>) => s[0]! / s[1]!, higher: false },
} satisfies Record<string, ItemMetric>;
export type MetricKey = keyof typeof METRICS;

export function statsOf(rows: readonly (readonly number[])[]): SegmentStats {
  const width = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * width);
  rows.forEach((r, i) => data.set(r, i * width));
  return { n: rows.length, width, data };
}

/** 95% percentile interval [lo, hi] of the bootstrap distribution of a corpus score. */
export function bootstrapInterval(stats: SegmentStats, metric: ItemMetric): [number, number] {
  const rng = defaultRng(BOOTSTRAP_SEED);
  const idx = new Int32Array(stats.n);
  const scores = new Float64Array(BOOTSTRAP_SAMPLES);
  for (let b = 0; b < BOOTSTRAP_SAMPLES; b++) {
    rng.choice(stats.n, idx);
    scores[b] = metric.scoreOf(sumStats(stats, idx));
  }
  scores.sort();
  const lo = Math.floor(BOOTSTRAP_SAMPLES / 40);
  return [scores[lo]!, scores[BOOTSTRAP_SAMPLES - lo - 1]!];
}

export interface PairedTest {
  /** Difference of corpus scores, system − baseline. */
  delta: number;
  p: number;
  significant: boolean;
}

/** Paired bootstrap of `system` against `baseline` (same items in the same order). */
export function pairedTest(baseline: SegmentStats, system: SegmentStats, metric: ItemMetric): PairedTest {
  const r = pairedBootstrapStats(metric, baseline, [{ name: 'system', stats: system }], { nSamples: BOOTSTRAP_SAMPLES, seed: BOOTSTRAP_SEED, float32: metric.name !== 'BLEU' && metric.name !== 'DTW-MJE' ? true : false });
  const s = r.systems[0]!;
  // sacrebleu's test counts resampled differences strictly above the real one, so two systems with the same corpus
  // score get p = 1/(n+1) and would read as significantly different; the same score means no difference: p = 1.
  if (s.score === r.baseline.score) return { delta: 0, p: 1, significant: false };
  return { delta: s.score - r.baseline.score, p: s.pValue, significant: s.pValue < ALPHA };
}
