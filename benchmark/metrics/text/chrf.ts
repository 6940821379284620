/**
 * chrF / chrF++ as sacrebleu 2.x computes them (metrics/chrf.py): character n-grams 1..6 of the line with all
 * (Python) whitespace removed, optional word n-grams 1..wordOrder of the punctuation-split words (chrF++ = 2),
 * per-segment [hyp, ref, match] counts per order (best reference by sentence F), summed over the corpus, then the
 * F-beta of the precision and recall averaged over the orders that have both hypothesis and reference n-grams
 * ("effective order", sacrebleu ≥ 2.0 default) or the eps-smoothed average of per-order F (eps_smoothing).
 */
import { checkCorpus, SACREBLEU_VERSION, sumStats, type RefStreams, type SegmentStats, type StatsMetric } from './corpus.js';
import { NgramBag, IntBuffer, PairInterner, StringInterner } from './interner.js';
import { isPyWhitespace, pySplit } from './pystring.js';

export interface ChrfOptions {
  charOrder?: number;
  /** 0 = chrF (default), 2 = chrF++. */
  wordOrder?: number;
  beta?: number;
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams. Default false. */
  whitespace?: boolean;
  /** chrF++.py-style eps smoothing instead of the effective order. Default false. */
  epsSmoothing?: boolean;
}

export interface ChrfScore {
  score: number;
  /** `chrF2`, `chrF2++`. */
  name: string;
  signature: string;
}

/** string.punctuation of Python. */
const ASCII_PUNCT = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

/** sacrebleu's chrF+ word split: split on whitespace, then one leading or trailing ASCII punctuation mark is split off. */
export function chrfWords(sent: string): string[] {
  const out: string[] = [];
  for (const w of pySplit(sent)) {
    // Python len(w) == 1 counts code points; a lone astral character is 2 UTF-16 units but matches no branch below.
    if (w.length === 1) out.push(w);
    else if (ASCII_PUNCT.has(w[w.length - 1]!)) out.push(w.slice(0, -1), w[w.length - 1]!);
    else if (ASCII_PUNCT.has(w[0]!)) out.push(w[0]!, w.slice(1));
    else out.push(w);
  }
  return out;
}

const EPS = 1e-16;

/**
 * Extracts per-segment chrF statistics `[hyp, ref, match] × (charOrder + wordOrder)` for one or more chrF variants that
 * differ only in wordOrder (chrF and chrF++): the n-grams are collected once up to the largest word order, and each
 * variant's statistics are a prefix of the full row (character orders first, then word orders), with the best
 * reference chosen per variant.
 */
class ChrfStatsExtractor {
  private readonly ngrams: PairInterner;
  private readonly words = new StringInterner();
  private idOrder = new Uint8Array(1024);
  private readonly seq = new IntBuffer();
  private readonly ids = new IntBuffer();
  private readonly hypBag = new NgramBag();
  private readonly refBag = new NgramBag();
  private readonly scratch: Float64Array;
  private readonly best: Float64Array;
  private readonly metric: CHRF;
  private readonly wordOrder: number;
  /** Row width of each variant. */
  readonly widths: number[];

  constructor(private readonly variants: readonly CHRF[]) {
    const m = variants[0]!;
    for (const v of variants) {
      if (v.charOrder !== m.charOrder || v.beta !== m.beta || v.lowercase !== m.lowercase || v.whitespace !== m.whitespace || v.epsSmoothing !== m.epsSmoothing) {
        throw new Error('chrF variants computed together may differ only in wordOrder');
      }
    }
    this.metric = m;
    this.wordOrder = Math.max(...variants.map((v) => v.wordOrder));
    this.ngrams = new PairInterner();
    this.widths = variants.map((v) => 3 * (v.charOrder + v.wordOrder));
    this.scratch = new Float64Array(3 * (m.charOrder + this.wordOrder));
    this.best = new Float64Array(variants.length);
  }

  /** Interns the n-grams 1..maxOrder of seq[0..len) (orders numbered from orderBase) into bag. */
  private ngramsOf(len: number, unigramTag: number, maxOrder: number, orderBase: number, bag: NgramBag): void {
    const seq = this.seq.data;
    const ids = this.ids.ensure(len);
    for (let n = 1; n <= maxOrder && n <= len; n++) {
      const cnt = len - n + 1;
      for (let i = 0; i < cnt; i++) {
        // unigram: (tag, symbol) with tag 0 = char, 1 = word; n-gram: (id of (n-1)-gram at i + 2, last symbol)
        const id = this.ngrams.id(n === 1 ? unigramTag : ids[i]! + 2, seq[i + n - 1]!);
        ids[i] = id;
        if (id >= this.idOrder.length) {
          const next = new Uint8Array(Math.max(this.idOrder.length * 2, id + 1));
          next.set(this.idOrder);
          this.idOrder = next;
        }
        this.idOrder[id] = orderBase + n - 1;
        bag.add(id);
      }
    }
  }

  /** Collects all n-grams of a (preprocessed) segment; returns [char length, word count] packed as two numbers. */
  private collect(line: string, bag: NgramBag, lens: Int32Array): void {
    const m = this.metric;
    let len = 0;
    let seq = this.seq.ensure(line.length);
    for (let i = 0; i < line.length; i++) {
      let cp = line.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < line.length) {
        const lo = line.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (!m.whitespace && isPyWhitespace(cp)) continue;
      seq[len++] = cp;
    }
    this.ngramsOf(len, 0, m.charOrder, 0, bag);
    lens[0] = len;
    lens[1] = 0;
    if (this.wordOrder > 0) {
      const words = chrfWords(line);
      seq = this.seq.ensure(words.length);
      for (let i = 0; i < words.length; i++) seq[i] = this.words.id(words[i]!);
      this.ngramsOf(words.length, 1, this.wordOrder, m.charOrder, bag);
      lens[1] = words.length;
    }
  }

  private readonly hypLens = new Int32Array(2);
  private readonly refLens = new Int32Array(2);

  /** Writes row `row` of each variant's statistics matrix `outs[k]`. */
  segment(hyp: string, refs: readonly string[], outs: readonly Float64Array[], row: number): void {
    const m = this.metric;
    const nc = m.charOrder;
    const order = nc + this.wordOrder;
    this.ngrams.reset(); // n-gram ids are per segment
    this.collect(m.preprocess(hyp), this.hypBag, this.hypLens);
    const hb = this.hypBag;
    const st = this.scratch;
    this.best.fill(-1.0);
    for (const ref of refs) {
      this.collect(m.preprocess(ref), this.refBag, this.refLens);
      st.fill(0);
      for (let o = 0; o < order; o++) {
        const n = o < nc ? o + 1 : o - nc + 1;
        const hl = o < nc ? this.hypLens[0]! : this.hypLens[1]!;
        const rl = o < nc ? this.refLens[0]! : this.refLens[1]!;
        const nRef = rl - n + 1 > 0 ? rl - n + 1 : 0;
        const nHyp = hl - n + 1 > 0 ? hl - n + 1 : 0;
        // sacrebleu: the hypothesis count is 0 when the reference has no n-gram of this order
        st[3 * o] = nRef > 0 ? nHyp : 0;
        st[3 * o + 1] = nRef;
      }
      const rb = this.refBag;
      for (let t = 0; t < hb.nTouched; t++) {
        const id = hb.touched[t]!;
        const r = rb.get(id);
        if (r === 0) continue;
        const c = hb.counts[id]!;
        st[3 * this.idOrder[id]! + 2] += c < r ? c : r;
      }
      rb.clear();
      for (let k = 0; k < this.variants.length; k++) {
        const f = this.variants[k]!.fScore(st); // reads only the variant's orders, a prefix of st
        if (f > this.best[k]!) {
          this.best[k] = f;
          const w = this.widths[k]!;
          outs[k]!.set(w === st.length ? st : st.subarray(0, w), row * w);
        }
      }
    }
    hb.clear();
  }
}

/** sacrebleu's `CHRF` metric. */
export class CHRF implements StatsMetric {
  readonly charOrder: number;
  readonly wordOrder: number;
  readonly beta: number;
  readonly lowercase: boolean;
  readonly whitespace: boolean;
  readonly epsSmoothing: boolean;

  constructor(opts: ChrfOptions = {}) {
    this.charOrder = opts.charOrder ?? 6;
    this.wordOrder = opts.wordOrder ?? 0;
    this.beta = opts.beta ?? 2;
    this.lowercase = opts.lowercase ?? false;
    this.whitespace = opts.whitespace ?? false;
    this.epsSmoothing = opts.epsSmoothing ?? false;
    for (const [k, v] of [['charOrder', this.charOrder], ['wordOrder', this.wordOrder]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 32) throw new Error(`chrF ${k} must be an integer in 0..32, got ${v}`);
    }
    if (this.charOrder + this.wordOrder === 0) throw new Error('chrF needs charOrder + wordOrder > 0');
  }

  get name(): string {
    return `chrF${this.beta}${'+'.repeat(this.wordOrder)}`;
  }

  signature(nrefs: number, extra?: { bs?: number; seed?: number }): string {
    const parts = [`nrefs:${nrefs}`];
    if (extra?.bs !== undefined) parts.push(`bs:${extra.bs}`);
    if (extra?.seed !== undefined) parts.push(`seed:${extra.seed}`);
    parts.push(
      `case:${this.lowercase ? 'lc' : 'mixed'}`,
      `eff:${this.epsSmoothing ? 'no' : 'yes'}`,
      `nc:${this.charOrder}`,
      `nw:${this.wordOrder}`,
      `space:${this.whitespace ? 'yes' : 'no'}`,
      `version:${SACREBLEU_VERSION}`,
    );
    return parts.join('|');
  }

  preprocess(s: string): string {
    return this.lowercase ? s.toLowerCase() : s;
  }

  /** sacrebleu `_compute_f_score` (float64). */
  fScore(stats: ArrayLike<number>): number {
    const order = this.charOrder + this.wordOrder;
    const factor = this.beta ** 2;
    let score = 0.0;
    let eff = 0;
    let avgPrec = 0.0;
    let avgRec = 0.0;
    for (let i = 0; i < order; i++) {
      const nHyp = stats[3 * i]!;
      const nRef = stats[3 * i + 1]!;
      const nMatch = stats[3 * i + 2]!;
      const prec = nHyp > 0 ? nMatch / nHyp : EPS;
      const rec = nRef > 0 ? nMatch / nRef : EPS;
      const denom = factor * prec + rec;
      score += denom > 0 ? ((1 + factor) * prec * rec) / denom : EPS;
      if (nHyp > 0 && nRef > 0) {
        avgPrec += prec;
        avgRec += rec;
        eff++;
      }
    }
    if (this.epsSmoothing) return (100 * score) / order;
    if (eff === 0) {
      avgPrec = 0.0;
      avgRec = 0.0;
    } else {
      avgPrec /= eff;
      avgRec /= eff;
    }
    if (avgPrec + avgRec) {
      let s = (1 + factor) * avgPrec * avgRec;
      s /= factor * avgPrec + avgRec;
      return 100 * s;
    }
    return 0.0;
  }

  /**
   * The same on float32 statistics with numpy 2 promotion rules (a Python float meeting a float32 stays float32),
   * which is what sacrebleu's bootstrap resampling computes.
   */
  fScoreFloat32(stats: ArrayLike<number>): number {
    const fr = Math.fround;
    const order = this.charOrder + this.wordOrder;
    const factor = this.beta ** 2;
    if (this.epsSmoothing) {
      // Every term is float32 once any count is positive; rounding each operation is then exact numpy behaviour.
      let score = 0.0;
      for (let i = 0; i < order; i++) {
        const h = fr(stats[3 * i]!);
        const r = fr(stats[3 * i + 1]!);
        const m = fr(stats[3 * i + 2]!);
        const prec = h > 0 ? fr(m / h) : EPS;
        const rec = r > 0 ? fr(m / r) : EPS;
        const denom = fr(fr(factor * prec) + rec);
        score = fr(score + (denom > 0 ? fr(fr(fr((1 + factor) * prec) * rec) / denom) : EPS));
      }
      return fr(fr(100 * score) / order);
    }
    let eff = 0;
    let avgPrec = 0.0;
    let avgRec = 0.0;
    for (let i = 0; i < order; i++) {
      const h = fr(stats[3 * i]!);
      const r = fr(stats[3 * i + 1]!);
      const m = fr(stats[3 * i + 2]!);
      if (h > 0 && r > 0) {
        avgPrec = fr(avgPrec + fr(m / h));
        avgRec = fr(avgRec + fr(m / r));
        eff++;
      }
    }
    if (eff === 0) return 0.0;
    avgPrec = fr(avgPrec / eff);
    avgRec = fr(avgRec / eff);
    if (avgPrec + avgRec) {
      let s = fr(fr((1 + factor) * avgPrec) * avgRec);
      s = fr(s / fr(fr(factor * avgPrec) + avgRec));
      return fr(100 * s);
    }
    return 0.0;
  }

  segmentStats(hyps: readonly string[], refs: RefStreams): SegmentStats {
    return chrfSegmentStats([this], hyps, refs)[0]!;
  }

  scoreOf(sums: ArrayLike<number>, float32 = false): number {
    return float32 ? this.fScoreFloat32(sums) : this.fScore(sums);
  }

  corpusScore(hyps: readonly string[], refs: RefStreams): ChrfScore {
    const stats = this.segmentStats(hyps, refs);
    return { score: this.fScore(sumStats(stats)), name: this.name, signature: this.signature(refs.length) };
  }

  sentenceScore(hyp: string, refs: readonly string[]): ChrfScore {
    return this.corpusScore([hyp], refs.map((r) => [r]));
  }
}

/**
 * Per-segment statistics of several chrF variants that differ only in wordOrder (e.g. chrF and chrF++) in one pass
 * over the corpus: the same numbers as each variant's `segmentStats`, for the price of the largest.
 */
export function chrfSegmentStats(variants: readonly CHRF[], hyps: readonly string[], refs: RefStreams): SegmentStats[] {
  checkCorpus(hyps, refs);
  const ex = new ChrfStatsExtractor(variants);
  const outs = ex.widths.map((w) => new Float64Array(hyps.length * w));
  const segRefs: string[] = new Array<string>(refs.length);
  for (let i = 0; i < hyps.length; i++) {
    for (let k = 0; k < refs.length; k++) segRefs[k] = refs[k]![i]!;
    ex.segment(hyps[i]!, segRefs, outs, i);
  }
  return outs.map((data, k) => ({ n: hyps.length, width: ex.widths[k]!, data }));
}

/** Corpus scores of several chrF variants that differ only in wordOrder, in one pass (see chrfSegmentStats). */
export function corpusChrfScores(variants: readonly CHRF[], hyps: readonly string[], refs: RefStreams): ChrfScore[] {
  return chrfSegmentStats(variants, hyps, refs).map((stats, k) => {
    const v = variants[k]!;
    return { score: v.fScore(sumStats(stats)), name: v.name, signature: v.signature(refs.length) };
  });
}

/** Corpus chrF (wordOrder 0, default) or chrF++ (wordOrder 2), sacrebleu defaults otherwise. */
export function corpusChrf(hyps: readonly string[], refs: RefStreams, opts: ChrfOptions = {}): ChrfScore {
  return new CHRF(opts).corpusScore(hyps, refs);
}

/** sacrebleu `sentence_chrf`. */
export function sentenceChrf(hyp: string, refs: readonly string[], opts: ChrfOptions = {}): ChrfScore {
  return new CHRF(opts).sentenceScore(hyp, refs);
}
