/**
 * Shared shapes of the text metrics: the corpus layout (sacrebleu's: `refs[k][i]` is the k-th reference of segment i,
 * one stream per reference set), input validation, and per-segment sufficient statistics.
 */

/** Reference streams: `refs[k]` is the k-th reference set, one line per hypothesis (sacrebleu's layout). */
export type RefStreams = readonly (readonly string[])[];

/** Per-segment sufficient statistics: row i = `data[i*width .. (i+1)*width)`; summing rows gives corpus statistics. */
export interface SegmentStats {
  readonly n: number;
  readonly width: number;
  readonly data: Float64Array;
}

/** A metric whose corpus score is a function of summed per-segment statistics (BLEU, chrF): what bootstrap needs. */
export interface StatsMetric {
  readonly name: string;
  segmentStats(hyps: readonly string[], refs: RefStreams): SegmentStats;
  /** Score (0–100) from summed statistics. `float32` reproduces numpy 2 arithmetic on float32 statistics (sacrebleu's resampling). */
  scoreOf(sums: ArrayLike<number>, float32?: boolean): number;
  signature(nrefs: number): string;
}

/**
 * Throws a clear Error for an empty corpus, no reference stream, a line-count mismatch (naming both counts and
 * which stream) or a non-string line.
 */
export function checkCorpus(hyps: readonly string[], refs: RefStreams, names?: { hyp?: string; refs?: readonly string[] }): void {
  const hypName = names?.hyp ?? 'hypotheses';
  if (!Array.isArray(hyps)) throw new Error(`${hypName}: expected an array of strings`);
  if (!Array.isArray(refs) || refs.length === 0) throw new Error('no reference stream given (need at least one)');
  if (hyps.length === 0) throw new Error(`empty corpus: ${hypName} has no segments`);
  for (let k = 0; k < refs.length; k++) {
    const stream = refs[k];
    const refName = names?.refs?.[k] ?? `reference stream ${k + 1}`;
    if (!Array.isArray(stream)) throw new Error(`${refName}: expected an array of strings`);
    if (stream.length !== hyps.length) {
      throw new Error(`line-count mismatch: ${hypName} has ${hyps.length} segments but ${refName} has ${stream.length}`);
    }
    for (let i = 0; i < stream.length; i++) {
      if (typeof stream[i] !== 'string') throw new Error(`${refName}: segment ${i + 1} is not a string`);
    }
  }
  for (let i = 0; i < hyps.length; i++) {
    if (typeof hyps[i] !== 'string') throw new Error(`${hypName}: segment ${i + 1} is not a string`);
  }
}

/** Column sums of the given rows (all rows when `rows` is omitted). */
/** Something that writes one segment's sufficient statistics (`width` numbers) into a row of a matrix. */
export interface StatsExtractor {
  readonly width: number;
  segment(hyp: string, refs: readonly string[], out: Float64Array, offset: number): void;
}

/** The per-segment statistics matrix of a corpus: one row per hypothesis, filled by `ex`. */
export function extractStats(ex: StatsExtractor, hyps: readonly string[], refs: RefStreams): SegmentStats {
  const width = ex.width;
  const data = new Float64Array(hyps.length * width);
  const segRefs: string[] = new Array<string>(refs.length);
  for (let i = 0; i < hyps.length; i++) {
    for (let k = 0; k < refs.length; k++) segRefs[k] = refs[k]![i]!;
    ex.segment(hyps[i]!, segRefs, data, i * width);
  }
  return { n: hyps.length, width, data };
}

export function sumStats(stats: SegmentStats, rows?: ArrayLike<number>): Float64Array {
  const { width, data } = stats;
  const out = new Float64Array(width);
  const n = rows ? rows.length : stats.n;
  for (let r = 0; r < n; r++) {
    const base = (rows ? rows[r]! : r) * width;
    for (let j = 0; j < width; j++) out[j] += data[base + j]!;
  }
  return out;
}

/** sacrebleu's version whose behaviour (and signature format) these implementations reproduce. */
export const SACREBLEU_VERSION = '2.6.0';
