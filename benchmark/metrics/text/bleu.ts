/**
 * Corpus and sentence BLEU as sacrebleu 2.x computes it (metrics/bleu.py): n-grams 1..4 of the tokenized line
 * (Python `split()`), hypothesis counts clipped by the per-n-gram maximum over references, closest reference length
 * (ties → shorter), brevity penalty, smoothing `exp` (default) / `floor` / `add-k` / `none`, optional effective order.
 */
import { checkCorpus, extractStats, SACREBLEU_VERSION, sumStats, type RefStreams, type SegmentStats, type StatsMetric } from './corpus.js';
import { IntBuffer, NgramBag, PairInterner, StringInterner } from './interner.js';
import { pyRstrip } from './pystring.js';
import { getTokenizer, getTokenSplitter, type TokenizerName } from './tokenizer13a.js';

export type SmoothMethod = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  /** `13a` (default) or `none` (whitespace split only). */
  tokenize?: TokenizerName;
  /** Lowercase both sides first (`case:lc`). Default false. */
  lowercase?: boolean;
  smoothMethod?: SmoothMethod;
  /** Value for `floor` (default 0.1) and `add-k` (default 1). */
  smoothValue?: number;
  maxNgramOrder?: number;
  /** Average only over orders with at least one hypothesis n-gram (sacrebleu `effective_order`). */
  effectiveOrder?: boolean;
}

export interface BleuScore {
  score: number;
  /** Per-order precisions ×100 (smoothed). */
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
  /** Clipped matches per order. */
  counts: number[];
  /** Hypothesis n-grams per order. */
  totals: number[];
  signature: string;
}

const SMOOTH_DEFAULTS: Record<SmoothMethod, number | undefined> = { none: undefined, floor: 0.1, 'add-k': 1, exp: undefined };

/** Python's `my_log`: log, with log(0) floored to −9999999999. */
export function myLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}

/** Extracts per-segment BLEU statistics `[sysLen, refLen, correct_1..N, total_1..N]` with interned n-gram ids. */
export class BleuStatsExtractor {
  private readonly vocab = new StringInterner();
  private readonly ngrams: PairInterner;
  private idOrder = new Uint8Array(1024);
  private readonly tok = new IntBuffer();
  private readonly ids = new IntBuffer();
  private readonly hypBag = new NgramBag();
  private readonly refBag = new NgramBag();
  private readonly refMax = new NgramBag();

  constructor(
    private readonly maxOrder: number,
    private readonly preprocess: (line: string) => string,
    private readonly splitTokens: (line: string) => string[],
  ) {
    this.ngrams = new PairInterner();
  }

  get width(): number {
    return 2 + 2 * this.maxOrder;
  }

  /** Interns every n-gram of `line` into `bag`; returns the token count. */
  private collect(line: string, bag: NgramBag): number {
    const words = this.splitTokens(line);
    const len = words.length;
    const tok = this.tok.ensure(len);
    for (let i = 0; i < len; i++) tok[i] = this.vocab.id(words[i]!);
    const ids = this.ids.ensure(len);
    for (let n = 1; n <= this.maxOrder && n <= len; n++) {
      const cnt = len - n + 1;
      for (let i = 0; i < cnt; i++) {
        // unigram: (0, token); n-gram: (id of the (n-1)-gram at i, plus 1; last token)
        const id = this.ngrams.id(n === 1 ? 0 : ids[i]! + 1, tok[i + n - 1]!);
        ids[i] = id;
        if (id >= this.idOrder.length) {
          const next = new Uint8Array(Math.max(this.idOrder.length * 2, id + 1));
          next.set(this.idOrder);
          this.idOrder = next;
        }
        this.idOrder[id] = n - 1;
        bag.add(id);
      }
    }
    return len;
  }

  /** Writes the statistics of one segment into `out` at `offset`. */
  segment(hyp: string, refs: readonly string[], out: Float64Array, offset: number): void {
    const N = this.maxOrder;
    // References: per-n-gram maximum count over references; closest length, ties → shorter.
    let closestDiff = -1;
    let closestLen = -1;
    this.ngrams.reset(); // n-gram ids are per segment
    const hypLen = this.collect(this.preprocess(hyp), this.hypBag);
    for (const ref of refs) {
      const refLen = this.collect(this.preprocess(ref), this.refBag);
      const diff = Math.abs(hypLen - refLen);
      if (closestDiff === -1 || diff < closestDiff) {
        closestDiff = diff;
        closestLen = refLen;
      } else if (diff === closestDiff && refLen < closestLen) closestLen = refLen;
      const rb = this.refBag;
      for (let t = 0; t < rb.nTouched; t++) {
        const id = rb.touched[t]!;
        this.refMax.raiseTo(id, rb.counts[id]!);
      }
      rb.clear();
    }
    const hb = this.hypBag;
    out.fill(0, offset, offset + this.width);
    out[offset] = hypLen;
    out[offset + 1] = closestLen;
    for (let t = 0; t < hb.nTouched; t++) {
      const id = hb.touched[t]!;
      const c = hb.counts[id]!;
      const o = this.idOrder[id]!;
      const r = this.refMax.get(id);
      out[offset + 2 + o] += c < r ? c : r;
      out[offset + 2 + N + o] += c;
    }
    hb.clear();
    this.refMax.clear();
  }
}

/** sacrebleu's `BLEU` metric. */
export class BLEU implements StatsMetric {
  readonly name = 'BLEU';
  readonly tokenize: TokenizerName;
  readonly lowercase: boolean;
  readonly smoothMethod: SmoothMethod;
  readonly smoothValue: number | undefined;
  readonly maxNgramOrder: number;
  readonly effectiveOrder: boolean;

  constructor(opts: BleuOptions = {}) {
    this.tokenize = opts.tokenize ?? '13a';
    this.lowercase = opts.lowercase ?? false;
    this.smoothMethod = opts.smoothMethod ?? 'exp';
    if (!(this.smoothMethod in SMOOTH_DEFAULTS)) throw new Error(`unknown BLEU smoothing '${this.smoothMethod}' (exp, floor, add-k, none)`);
    this.smoothValue = opts.smoothValue ?? SMOOTH_DEFAULTS[this.smoothMethod];
    this.maxNgramOrder = opts.maxNgramOrder ?? 4;
    if (!Number.isInteger(this.maxNgramOrder) || this.maxNgramOrder < 1 || this.maxNgramOrder > 32) {
      throw new Error(`BLEU maxNgramOrder must be an integer in 1..32, got ${this.maxNgramOrder}`);
    }
    this.effectiveOrder = opts.effectiveOrder ?? false;
    getTokenizer(this.tokenize);
  }

  /** sacrebleu's signature, e.g. `nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0`. */
  signature(nrefs: number, extra?: { bs?: number; seed?: number }): string {
    let smooth: string = this.smoothMethod;
    if (SMOOTH_DEFAULTS[this.smoothMethod] !== undefined) smooth += `[${(this.smoothValue ?? 0).toFixed(2)}]`;
    const parts = [`nrefs:${nrefs}`];
    if (extra?.bs !== undefined) parts.push(`bs:${extra.bs}`);
    if (extra?.seed !== undefined) parts.push(`seed:${extra.seed}`);
    parts.push(`case:${this.lowercase ? 'lc' : 'mixed'}`, `eff:${this.effectiveOrder ? 'yes' : 'no'}`, `tok:${this.tokenize}`, `smooth:${smooth}`);
    parts.push(`version:${SACREBLEU_VERSION}`);
    return parts.join('|');
  }

  private extractor(): BleuStatsExtractor {
    const lc = this.lowercase;
    // sacrebleu: lowercase (optional), then tokenizer(line.rstrip()), then Python split() of the result; the
    // splitter returns the tokens of the tokenizer output directly.
    const pre = (s: string): string => pyRstrip(lc ? s.toLowerCase() : s);
    return new BleuStatsExtractor(this.maxNgramOrder, pre, getTokenSplitter(this.tokenize));
  }

  segmentStats(hyps: readonly string[], refs: RefStreams): SegmentStats {
    checkCorpus(hyps, refs);
    const ex = this.extractor();
    return extractStats(ex, hyps, refs);
  }

  /** BLEU from summed statistics (sacrebleu `compute_bleu`). */
  fromStats(sums: ArrayLike<number>, nrefs: number, float32 = false): BleuScore {
    const N = this.maxNgramOrder;
    const f = float32 ? Math.fround : (x: number) => x;
    const sysLen = Math.trunc(sums[0]!);
    const refLen = Math.trunc(sums[1]!);
    const correct: number[] = [];
    const total: number[] = [];
    for (let n = 0; n < N; n++) {
      correct.push(sums[2 + n]!);
      total.push(sums[2 + N + n]!);
    }
    let bp = 1.0;
    if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;
    const precisions = new Array<number>(N).fill(0);
    const signature = this.signature(nrefs);
    const result = (score: number): BleuScore => ({ score, precisions, bp, sysLen, refLen, counts: correct, totals: total, signature });
    if (!correct.some((c) => c !== 0)) return result(0.0);
    let smoothMteval = 1.0;
    let effOrder = N;
    for (let n = 1; n <= N; n++) {
      if (this.smoothMethod === 'add-k' && n > 1) {
        correct[n - 1] = f(correct[n - 1]! + this.smoothValue!);
        total[n - 1] = f(total[n - 1]! + this.smoothValue!);
      }
      if (total[n - 1] === 0) break;
      if (this.effectiveOrder) effOrder = n;
      if (correct[n - 1] === 0) {
        if (this.smoothMethod === 'exp') {
          smoothMteval *= 2;
          precisions[n - 1] = f(100.0 / f(smoothMteval * total[n - 1]!));
        } else if (this.smoothMethod === 'floor') {
          precisions[n - 1] = f(f(100.0 * this.smoothValue!) / total[n - 1]!);
        }
      } else {
        precisions[n - 1] = f(f(100.0 * correct[n - 1]!) / total[n - 1]!);
      }
    }
    let logSum = 0;
    for (let i = 0; i < effOrder; i++) logSum += myLog(precisions[i]!);
    return result(bp * Math.exp(logSum / effOrder));
  }

  scoreOf(sums: ArrayLike<number>, float32 = false): number {
    return this.fromStats(sums, 1, float32).score;
  }

  corpusScore(hyps: readonly string[], refs: RefStreams): BleuScore {
    const stats = this.segmentStats(hyps, refs);
    return this.fromStats(sumStats(stats), refs.length);
  }

  sentenceScore(hyp: string, refs: readonly string[]): BleuScore {
    return this.corpusScore([hyp], refs.map((r) => [r]));
  }
}

/** Corpus BLEU, sacrebleu defaults (13a, exp smoothing, case-sensitive, no effective order). */
export function corpusBleu(hyps: readonly string[], refs: RefStreams, opts: BleuOptions = {}): BleuScore {
  return new BLEU(opts).corpusScore(hyps, refs);
}

/** sacrebleu `sentence_bleu` defaults: exp smoothing, effective order on, 13a. */
export function sentenceBleu(hyp: string, refs: readonly string[], opts: BleuOptions = {}): BleuScore {
  return new BLEU({ effectiveOrder: true, ...opts }).sentenceScore(hyp, refs);
}
