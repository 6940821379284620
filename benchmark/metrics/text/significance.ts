/**
 * Paired bootstrap resampling as sacrebleu 2.6.0 `--paired-bs` runs it (significance.py `_paired_bs_test` and
 * `_bootstrap_resample`): 1000 resamples of segment indices drawn with numpy `default_rng(12345).choice(n, (S, n))`
 * (reproduced bit for bit, see numpyrng.ts), the same indices for the baseline and every system; per resample the
 * metric is recomputed from float32 sums of segment statistics with numpy 2 arithmetic. Each system gets the bootstrap
 * mean and the 95% half-interval (0.5 · (upper − lower) of the sorted scores at n//40 and n − n//40 − 1), and a
 * p-value against the baseline: (#{|Δ_b| − mean|Δ| > |Δ_actual|} + 1) / (S + 1).
 */
import { checkCorpus, sumStats, type RefStreams, type SegmentStats, type StatsMetric } from './corpus.js';
import { defaultRng } from './numpyrng.js';

export interface PairedBootstrapOptions {
  /** Resamples (sacrebleu default 1000). */
  nSamples?: number;
  /** RNG seed (sacrebleu default 12345). */
  seed?: number;
  /** Called after each metric is done (progress). */
  onMetric?: (index: number) => void;
}

export interface BootstrapEstimate {
  score: number;
  /** Mean of the resampled scores. */
  mean: number;
  /** Half-width of the 95% interval. */
  ci: number;
}

export interface PairedSystemResult extends BootstrapEstimate {
  name: string;
  /** p-value of the difference to the baseline. */
  pValue: number;
}

export interface PairedMetricResult {
  metric: string;
  /** Metric signature with `bs` and `seed`, as sacrebleu prints it for paired tests. */
  signature: string;
  baseline: BootstrapEstimate;
  systems: PairedSystemResult[];
}

interface SignedMetric extends StatsMetric {
  signature(nrefs: number, extra?: { bs?: number; seed?: number }): string;
}

/** numpy's pairwise summation (the float add reduction), with `round` applied after every addition. */
function pairwiseSum(a: ArrayLike<number>, start: number, n: number, round: (x: number) => number): number {
  if (n < 8) {
    let res = -0.0;
    for (let i = 0; i < n; i++) res = round(res + a[start + i]!);
    return res;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0];
    for (let j = 0; j < 8; j++) r[j] = a[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = round(r[j]! + a[start + i + j]!);
    let res = round(round(round(r[0]! + r[1]!) + round(r[2]! + r[3]!)) + round(round(r[4]! + r[5]!) + round(r[6]! + r[7]!)));
    for (; i < n; i++) res = round(res + a[start + i]!);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return round(pairwiseSum(a, start, n2, round) + pairwiseSum(a, start + n2, n - n2, round));
}

/** `numpy.mean` of a float32 (`f32`) or float64 array. */
export function numpyMean(a: ArrayLike<number>, f32: boolean): number {
  const round = f32 ? Math.fround : (x: number) => x;
  const s = pairwiseSum(a, 0, a.length, round);
  return round(s / a.length);
}

/** sacrebleu `estimate_ci`: mean and 95% half-interval of bootstrap scores. */
export function estimateCi(scores: ArrayLike<number>, f32: boolean): { mean: number; ci: number } {
  const sorted = Float64Array.from(scores).sort();
  const n = sorted.length;
  const lowerIdx = Math.floor(n / 40);
  const upperIdx = n - lowerIdx - 1;
  const half = 0.5 * (sorted[upperIdx]! - sorted[lowerIdx]!);
  return { mean: numpyMean(sorted, f32), ci: f32 ? Math.fround(half) : half };
}

/** Whether the metric's resampled scores are float32 in numpy 2 (chrF: yes; BLEU: float64 via math.exp). */
function scoresAreFloat32(metric: StatsMetric): boolean {
  return metric.name !== 'BLEU';
}

/**
 * Paired bootstrap of `systems` against `baseline` for each metric. `refs` in sacrebleu's stream layout.
 * Deterministic for a given seed; with the defaults it reproduces sacrebleu 2.6.0 + numpy 2.
 */
export function pairedBootstrap(
  baseline: readonly string[],
  systems: readonly { name: string; hyps: readonly string[] }[],
  refs: RefStreams,
  metrics: readonly SignedMetric[],
  opts: PairedBootstrapOptions = {},
): PairedMetricResult[] {
  const nSamples = opts.nSamples ?? 1000;
  const seed = opts.seed ?? 12345;
  if (!Number.isInteger(nSamples) || nSamples < 1) throw new Error(`nSamples must be a positive integer, got ${nSamples}`);
  checkCorpus(baseline, refs, { hyp: 'baseline' });
  for (const s of systems) checkCorpus(s.hyps, refs, { hyp: `system '${s.name}'` });
  const results: PairedMetricResult[] = [];
  metrics.forEach((metric, mi) => {
    const all: SegmentStats[] = [metric.segmentStats(baseline, refs), ...systems.map((s) => metric.segmentStats(s.hyps, refs))];
    const r = pairedBootstrapStats(metric, all[0]!, all.slice(1).map((stats, i) => ({ name: systems[i]!.name, stats })), { nSamples, seed });
    results.push({ ...r, signature: metric.signature(refs.length, { bs: nSamples, seed }) });
    opts.onMetric?.(mi);
  });
  return results;
}

/**
 * The paired bootstrap of `pairedBootstrap` on per-segment statistics already computed (e.g. stored with a result,
 * so two results can be compared later without rescoring). Same resampling, arithmetic and p-value.
 */
export function pairedBootstrapStats(
  metric: Pick<StatsMetric, 'name' | 'scoreOf'>,
  baseline: SegmentStats,
  systems: readonly { name: string; stats: SegmentStats }[],
  opts: { nSamples?: number; seed?: number; float32?: boolean } = {},
): Omit<PairedMetricResult, 'signature'> {
  const nSamples = opts.nSamples ?? 1000;
  const seed = opts.seed ?? 12345;
  const n = baseline.n;
  for (const s of systems) if (s.stats.n !== n || s.stats.width !== baseline.width) throw new Error(`system '${s.name}': ${s.stats.n} segments × ${s.stats.width} statistics, the baseline has ${n} × ${baseline.width}`);
  const f32 = opts.float32 ?? scoresAreFloat32(metric as StatsMetric);
  const all = [baseline, ...systems.map((s) => s.stats)];
  const actual = all.map((st) => metric.scoreOf(sumStats(st)));
  const samples = all.map(() => new Float64Array(nSamples));
  const rng = defaultRng(seed);
  const idx = new Int32Array(n);
  for (let b = 0; b < nSamples; b++) {
    rng.choice(n, idx);
    for (let s = 0; s < all.length; s++) samples[s]![b] = metric.scoreOf(sumStats(all[s]!, idx), true);
  }
  const bl = estimateCi(samples[0]!, f32);
  const round = f32 ? Math.fround : (x: number) => x;
  const sysResults: PairedSystemResult[] = systems.map((sys, i) => {
    const sc = samples[i + 1]!;
    const est = estimateCi(sc, f32);
    const diffs = new Float64Array(nSamples);
    for (let b = 0; b < nSamples; b++) diffs[b] = round(Math.abs(round(sc[b]! - samples[0]![b]!)));
    const meanDiff = numpyMean(diffs, f32);
    const realDiff = Math.abs(actual[0]! - actual[i + 1]!);
    let c = 0;
    for (let b = 0; b < nSamples; b++) if (round(diffs[b]! - meanDiff) > realDiff) c++;
    return { name: sys.name, score: actual[i + 1]!, mean: est.mean, ci: est.ci, pValue: (c + 1) / (nSamples + 1) };
  });
  return { metric: metric.name, baseline: { score: actual[0]!, mean: bl.mean, ci: bl.ci }, systems: sysResults };
}
