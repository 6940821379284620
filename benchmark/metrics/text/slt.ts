/**
 * BLEU-1..4 as the SLT codebase (neccam/slt, signjoey/metrics.py `bleu`) computes it with its bundled old sacrebleu:
 * `raw_corpus_bleu` = corpus BLEU with no tokenization (Python whitespace split of the right-stripped line),
 * `floor` smoothing with floor 0 (a zero precision stays 0 and its log is floored to −9999999999, so every BLEU-n
 * from that order on is 0), closest reference length, and BLEU-n *cumulative*: BP · exp(mean of log p_1..p_n).
 * Used unchanged by the SLRTP 2025 evaluator.
 */
import { BleuStatsExtractor, myLog } from './bleu.js';
import { checkCorpus, extractStats, sumStats, type RefStreams } from './corpus.js';
import { pyRstrip, pySplit } from './pystring.js';

export interface SltBleuScore {
  /** Cumulative BLEU-1..4 (0–100). */
  bleu1: number;
  bleu2: number;
  bleu3: number;
  bleu4: number;
  precisions: number[];
  bp: number;
  sysLen: number;
  refLen: number;
  counts: number[];
  totals: number[];
}

const ORDER = 4;

export function sltBleu(hyps: readonly string[], refs: RefStreams): SltBleuScore {
  checkCorpus(hyps, refs);
  const ex = new BleuStatsExtractor(ORDER, pyRstrip, pySplit);
  const sums = sumStats(extractStats(ex, hyps, refs));
  const sysLen = sums[0]!;
  const refLen = sums[1]!;
  const counts = Array.from(sums.subarray(2, 2 + ORDER));
  const totals = Array.from(sums.subarray(2 + ORDER, 2 + 2 * ORDER));
  const precisions = [0, 0, 0, 0];
  for (let n = 0; n < ORDER; n++) {
    if (totals[n] === 0) break;
    // floor smoothing with value 0: 100 * 0 / total
    precisions[n] = counts[n] === 0 ? (100.0 * 0) / totals[n]! : (100.0 * counts[n]!) / totals[n]!;
  }
  let bp = 1.0;
  if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0.0;
  const cumulative: number[] = [];
  for (let k = 1; k <= ORDER; k++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += myLog(precisions[i]!);
    cumulative.push(bp * Math.exp(s / k));
  }
  return {
    bleu1: cumulative[0]!,
    bleu2: cumulative[1]!,
    bleu3: cumulative[2]!,
    bleu4: cumulative[3]!,
    precisions,
    bp,
    sysLen,
    refLen,
    counts,
    totals,
  };
}
