/**
 * The three named text protocols of the benchmark and `scoreText`, which produces the JSON of the `score` CLI
 * contract (the server reuses it):
 * - `sacrebleu`: corpus BLEU (13a, exp, all references), chrF and chrF++ (sacrebleu 2.6.0 defaults), with signatures;
 * - `slt`: cumulative BLEU-1..4 as SLT `raw_corpus_bleu` and COCO ROUGE-L, first reference;
 * - `slrtp`: the SLRTP 2025 evaluator's BLEU-1..4, chrF, ROUGE-L and WER, first reference.
 */
import { CHRF, corpusChrfScores, type ChrfScore } from '../metrics/text/chrf.js';
import { BLEU } from '../metrics/text/bleu.js';
import { checkCorpus, type RefStreams } from '../metrics/text/corpus.js';
import { cocoRouge } from '../metrics/text/rouge.js';
import { sltBleu } from '../metrics/text/slt.js';
import { wer } from '../metrics/text/wer.js';

export const TEXT_PROTOCOLS = ['sacrebleu', 'slt', 'slrtp'] as const;
export type TextProtocol = (typeof TEXT_PROTOCOLS)[number];

/**
 * A reproducibility signature for the non-sacrebleu protocols, in sacrebleu's `key:value|…` style. `norm` names the
 * text normalisation the caller applied before scoring (the papers lowercase/tokenise their corpora first).
 */
export function protocolSignature(protocol: 'slt' | 'slrtp', norm = 'none'): string {
  const bleu = 'bleu:raw_corpus_bleu|tok:none|smooth:floor[0.00]|cumulative:yes';
  const rouge = 'rouge:coco-l|beta:1.2';
  if (protocol === 'slt') return `nrefs:1|${bleu}|${rouge}|norm:${norm}|impl:neccam-slt`;
  return `nrefs:1|${bleu}|${rouge}|chrf:sacrebleu-2.6.0-nc6-nw0|wer:jiwer-3.1-slrtp|norm:${norm}|impl:slrtp-2025`;
}

export interface SacrebleuScores {
  bleu: { score: number; precisions: number[]; bp: number; signature: string };
  chrf: { score: number; signature: string };
  'chrf++': { score: number; signature: string };
}

export interface SltScores {
  bleu1: number;
  bleu2: number;
  bleu3: number;
  bleu4: number;
  rouge: number;
  /** protocolSignature: how these numbers were computed. */
  signature: string;
}

export interface SlrtpTextScores extends SltScores {
  chrf: number;
  wer: number;
}

export interface TextScores {
  n: number;
  sacrebleu: SacrebleuScores;
  slt: SltScores;
  slrtp: SlrtpTextScores;
}

export function scoreSacrebleu(hyps: readonly string[], refs: RefStreams): SacrebleuScores {
  const bleu = new BLEU().corpusScore(hyps, refs);
  const [chrf, chrfpp] = corpusChrfScores([new CHRF(), new CHRF({ wordOrder: 2 })], hyps, refs) as [ChrfScore, ChrfScore];
  return {
    bleu: { score: bleu.score, precisions: bleu.precisions, bp: bleu.bp, signature: bleu.signature },
    chrf: { score: chrf.score, signature: chrf.signature },
    'chrf++': { score: chrfpp.score, signature: chrfpp.signature },
  };
}

/** SLT protocol on the first reference stream. */
export function scoreSlt(hyps: readonly string[], refs: RefStreams): SltScores {
  const first = [refs[0]!];
  const b = sltBleu(hyps, first);
  return { bleu1: b.bleu1, bleu2: b.bleu2, bleu3: b.bleu3, bleu4: b.bleu4, rouge: cocoRouge(hyps, first), signature: protocolSignature('slt') };
}

/**
 * SLRTP protocol (text part) on the first reference stream; `slt` may be passed to reuse its BLEU and ROUGE, and `chrf`
 * the chrF of the first reference stream alone.
 */
export function scoreSlrtp(hyps: readonly string[], refs: RefStreams, slt?: SltScores, chrf?: number): SlrtpTextScores {
  const first = [refs[0]!];
  const s = slt ?? scoreSlt(hyps, first);
  return { ...s, chrf: chrf ?? new CHRF().corpusScore(hyps, first).score, wer: wer(hyps, first).wer, signature: protocolSignature('slrtp') };
}

/** All three protocols; BLEU/chrF use every reference stream, `slt`/`slrtp` the first. */
export function scoreText(hyps: readonly string[], refs: RefStreams): TextScores {
  checkCorpus(hyps, refs);
  const sacrebleu = scoreSacrebleu(hyps, refs);
  const slt = scoreSlt(hyps, refs);
  // with one reference stream, sacrebleu's chrF is the SLRTP one
  const slrtp = scoreSlrtp(hyps, refs, slt, refs.length === 1 ? sacrebleu.chrf.score : undefined);
  return { n: hyps.length, sacrebleu, slt, slrtp };
}
