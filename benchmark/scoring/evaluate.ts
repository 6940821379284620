/**
 * Scoring a submission against a suite: validate (submission/), back-translate every item with the suite's judge
 * (greedy), score the text protocols (`sacrebleu`, `slt`, `slrtp`) against the prompts and the pose metrics
 * (DTW-MJE per item in centre-square units with per-part errors and the length ratio; Fréchet pose distance on the
 * judge's pooled encoder embeddings) against the references; 95% bootstrap intervals for BLEU, chrF and DTW-MJE;
 * breakdowns by sentence type and length. The result keeps every item's sufficient statistics, so any two results
 * of one suite can be paired-bootstrapped later without rescoring (bootstrap.ts).
 *
 * The result is the eval JSON of the benchmark (issue 15's contract); blocks added later (a sign-level judge's
 * `sign`) go beside `slt`, `sacrebleu` and `pose`. Deterministic: the same suite and poses give the same numbers,
 * whatever the file format or archive they came in.
 */
import { BLEU, sentenceBleu } from '../metrics/text/bleu.js';
import { CHRF, sentenceChrf } from '../metrics/text/chrf.js';
import { dtwMjeSignature, MJE_PARTS, type MjePart } from '../metrics/pose/dtw-mje.js';
import { frechetDistance } from '../metrics/pose/frechet.js';
import { formatSignature } from '../metrics/pose/signature.js';
import { protocolSignature, scoreSlrtp, scoreSlt } from '../protocols/text.js';
import { SignbenchError } from '../../pose/errors.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { signbenchVersion } from '../hash.js';
import { validateSubmission, validatePoses, type SubmissionInput, type ValidateOptions } from '../submission/index.js';
import type { Suite } from '../suite/index.js';
import { BOOTSTRAP_SIGNATURE, bootstrapInterval, METRICS, statsOf } from './bootstrap.js';
import { LENGTH_BUCKETS, lengthBucket, SENTENCE_TYPES, sentenceTypes, wordCount, type SentenceType } from './breakdown.js';
import { loadJudge, referenceEmbeddings } from './judge.js';
import { dtwMjeMany } from './pose-pool.js';
import { signMetrics, type SignBlock } from '../metrics/sign/index.js';
import { Recognizer } from '../../recognizer/runtime.js';

/** Bump when anything changes what a result holds or how its numbers are computed (cache keys include it). */
/** 2: the `sign` block (aligned sign accuracy, phonological agreement) joined the result. */
export const SCORING_VERSION = '2';

export interface Progress {
  done: number;
  total: number;
  stage: string;
}

export interface EvalOptions {
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** Submission limits (archive bounds, model time and memory). */
  limits?: Pick<ValidateOptions, 'archive' | 'modelTimeoutMs' | 'modelMemoryMiB'>;
  /** The sign-level block where the references have gloss timings the recogniser knows (default true). */
  sign?: boolean;
}

export interface EvalItem {
  id: string;
  /** The reference text (the prompt, lowercased as the judge writes). */
  ref: string;
  /** The judge's back-translation of the submitted poses (null: pose-only suite). */
  hyp: string | null;
  types: SentenceType[];
  words: number;
  length: string;
  frames: number;
  ref_frames: number;
  /** sacrebleu sentence BLEU and chrF of this item (null: pose-only suite). */
  bleu: number | null;
  chrf: number | null;
  dtw_mje: number;
  parts: Record<MjePart, number | null>;
  length_ratio: number;
  /** Sufficient statistics for corpus scores and the paired bootstrap: sacrebleu BLEU (10) and chrF (18) rows. */
  stats: { bleu: number[]; chrf: number[] } | null;
  /** The item's sign language, in a suite whose prompts carry one (several languages). */
  sign_language?: string;
}

export interface BreakdownRow {
  n: number;
  bleu: number | null;
  chrf: number | null;
  dtw_mje: number;
}

/** One sign language of a multilingual suite: its items' mean DTW-MJE with a 95% bootstrap interval, and length ratio. */
export interface LanguageRow {
  n: number;
  dtw_mje: number;
  ci95_dtw_mje: [number, number];
  length_ratio: number;
}

export interface EvalSignature {
  suite: { name: string; version: string };
  judge: { hash: string; decoding: 'greedy' } | null;
  protocols: Record<string, string>;
  bootstrap: string;
  references: string;
  signbench: string;
  scoring: string;
  /** All of it in one line, sacrebleu style. */
  text: string;
}

export interface EvalResult {
  suite: string;
  signature: EvalSignature;
  n: number;
  scoring: 'back-translation' | 'pose-only';
  slt: { bleu1: number; bleu2: number; bleu3: number; bleu4: number; rouge: number } | null;
  sacrebleu: { bleu: number; chrf: number } | null;
  slrtp: { bleu1: number; bleu2: number; bleu3: number; bleu4: number; rouge: number; chrf: number; wer: number } | null;
  pose: { dtw_mje: number; fpd: number | null; parts: Record<MjePart, number | null>; length_ratio: number };
  ci95: { bleu: [number, number] | null; chrf: [number, number] | null; dtw_mje: [number, number] };
  /** `sign_language`: only where the prompts carry sign languages (the fingerspelling suite). */
  breakdown: { type: Record<string, BreakdownRow>; length: Record<string, BreakdownRow>; sign_language?: Record<string, LanguageRow> };
  items: EvalItem[];
  submission: { sha256: string; kind: 'predictions' | 'model' | 'baseline' };
  timings: Record<string, number>;
  /** Further blocks (e.g. `sign`) may follow. */
  [block: string]: unknown;
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new SignbenchError('aborted', 'scoring cancelled');
}

const seconds = (t0: number) => Math.round((performance.now() - t0) / 10) / 100;

/** Validates and scores a submission. Throws SubmissionRejectedError (kind `rejected`) with the per-item report. */
export async function evaluateSubmission(suite: Suite, input: SubmissionInput, opts: EvalOptions = {}): Promise<EvalResult> {
  const t0 = performance.now();
  const v = await validateSubmission(suite, input, { ...opts.limits, onProgress: opts.onProgress, signal: opts.signal });
  const validateS = seconds(t0);
  const result = await scorePoses(suite, v.poses, { sha256: v.sha256, kind: v.kind }, opts);
  result.timings = { [input.kind === 'model' ? 'generate_and_validate_s' : 'validate_s']: validateS, ...result.timings, total_s: seconds(t0) };
  return result;
}

/**
 * Scores poses already in memory (checked like a submission's files first): the path baselines share with
 * submissions after reading. `submission` names what they came from.
 */
export async function scorePoses(
  suite: Suite, poses: ReadonlyMap<string, PoseSequence>, submission: EvalResult['submission'], opts: EvalOptions = {},
): Promise<EvalResult> {
  const valid = validatePoses(suite, poses);
  const prompts = suite.prompts();
  const hyps = prompts.map((p) => valid.get(p.id)!);
  const refs = prompts.map((p) => suite.reference(p.id));
  const n = prompts.length;
  const progress = (done: number, stage: string) => opts.onProgress?.({ done, total: n, stage });
  const timings: Record<string, number> = {};

  // Pose metrics per item, on worker threads while the judge runs.
  const tPose = performance.now();
  let poseS = 0;
  // Its own controller, so that a failure of the judge stops the workers too.
  const poseAbort = new AbortController();
  const onAbort = () => poseAbort.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const mjePromise = dtwMjeMany(hyps.map((h, i) => [h, refs[i]!] as const), { signal: poseAbort.signal })
    .then((r) => { poseS = seconds(tPose); return r; })
    .finally(() => opts.signal?.removeEventListener('abort', onAbort));
  mjePromise.catch(() => undefined);

  // Back-translation, and the Fréchet pose distance on the judge's embeddings.
  let texts: string[] | null = null;
  let fpd: number | null = null;
  try {
    if (suite.judgeDir && suite.info.judge) ({ texts, fpd } = await backTranslate(suite, hyps, refs, timings, opts));
  } catch (err) {
    poseAbort.abort();
    throw err;
  }
  progress(0, 'pose metrics');
  const mje = await mjePromise;
  progress(n, 'pose metrics');
  timings.pose_s = poseS;
  const sign = opts.sign === false ? null : await signBlock(suite, prompts.map((p) => p.id), refs, hyps, timings, opts);

  // Text metrics.
  const t = performance.now();
  const refTexts = prompts.map((p) => p.text.toLowerCase());
  const bleu = new BLEU();
  const chrf = new CHRF();
  let bleuStats: number[][] | null = null;
  let chrfStats: number[][] | null = null;
  let slt: EvalResult['slt'] = null;
  let sacrebleu: EvalResult['sacrebleu'] = null;
  let slrtp: EvalResult['slrtp'] = null;
  if (texts) {
    const bs = bleu.segmentStats(texts, [refTexts]);
    const cs = chrf.segmentStats(texts, [refTexts]);
    bleuStats = prompts.map((_, i) => Array.from(bs.data.subarray(i * bs.width, (i + 1) * bs.width)));
    chrfStats = prompts.map((_, i) => Array.from(cs.data.subarray(i * cs.width, (i + 1) * cs.width)));
    const s = scoreSlt(texts, [refTexts]);
    slt = { bleu1: s.bleu1, bleu2: s.bleu2, bleu3: s.bleu3, bleu4: s.bleu4, rouge: s.rouge };
    const r = scoreSlrtp(texts, [refTexts], s);
    slrtp = { bleu1: r.bleu1, bleu2: r.bleu2, bleu3: r.bleu3, bleu4: r.bleu4, rouge: r.rouge, chrf: r.chrf, wer: r.wer };
    sacrebleu = { bleu: METRICS.bleu.scoreOf(sumRows(bleuStats)), chrf: METRICS.chrf.scoreOf(sumRows(chrfStats)) };
  }

  const items: EvalItem[] = prompts.map((p, i) => {
    const words = wordCount(p.text);
    return {
      id: p.id,
      ref: refTexts[i]!,
      hyp: texts ? texts[i]! : null,
      types: sentenceTypes(p),
      words,
      length: lengthBucket(words),
      frames: hyps[i]!.frames,
      ref_frames: refs[i]!.frames,
      bleu: texts ? sentenceBleu(texts[i]!, [refTexts[i]!]).score : null,
      chrf: texts ? sentenceChrf(texts[i]!, [refTexts[i]!]).score : null,
      dtw_mje: mje[i]!.dtwMje,
      parts: mje[i]!.parts,
      length_ratio: mje[i]!.lengthRatio,
      stats: bleuStats && chrfStats ? { bleu: bleuStats[i]!, chrf: chrfStats[i]! } : null,
      ...(p.signLanguage ? { sign_language: p.signLanguage } : {}),
    };
  });
  const dtwStats = statsOf(items.map((it) => [it.dtw_mje, 1]));
  const ci95: EvalResult['ci95'] = {
    bleu: bleuStats ? bootstrapInterval(statsOf(bleuStats), METRICS.bleu) : null,
    chrf: chrfStats ? bootstrapInterval(statsOf(chrfStats), METRICS.chrf) : null,
    dtw_mje: bootstrapInterval(dtwStats, METRICS.dtw_mje),
  };
  timings.text_s = seconds(t);

  const parts = {} as Record<MjePart, number | null>;
  for (const part of MJE_PARTS) {
    const vals = items.map((it) => it.parts[part]).filter((x): x is number => x !== null);
    parts[part] = vals.length > 0 ? vals.reduce((a, b) => a + b, 0) / vals.length : null;
  }
  const pose = { dtw_mje: mean(items.map((it) => it.dtw_mje)), fpd, parts, length_ratio: mean(items.map((it) => it.length_ratio)) };

  const breakdownOf = (keep: (it: EvalItem) => boolean): BreakdownRow | null => {
    const sel = items.filter(keep);
    if (sel.length === 0) return null;
    return {
      n: sel.length,
      bleu: sel[0]!.stats ? METRICS.bleu.scoreOf(sumRows(sel.map((it) => it.stats!.bleu))) : null,
      chrf: sel[0]!.stats ? METRICS.chrf.scoreOf(sumRows(sel.map((it) => it.stats!.chrf))) : null,
      dtw_mje: mean(sel.map((it) => it.dtw_mje)),
    };
  };
  const breakdown: EvalResult['breakdown'] = { type: {}, length: {} };
  for (const ty of SENTENCE_TYPES) { const r = breakdownOf((it) => it.types.includes(ty)); if (r) breakdown.type[ty] = r; }
  for (const b of LENGTH_BUCKETS) { const r = breakdownOf((it) => it.length === b); if (r) breakdown.length[b] = r; }
  const signLanguages = [...new Set(items.map((it) => it.sign_language).filter((l): l is string => !!l))].sort();
  if (signLanguages.length > 0) {
    breakdown.sign_language = {};
    for (const lang of signLanguages) {
      const sel = items.filter((it) => it.sign_language === lang);
      breakdown.sign_language[lang] = {
        n: sel.length,
        dtw_mje: mean(sel.map((it) => it.dtw_mje)),
        ci95_dtw_mje: bootstrapInterval(statsOf(sel.map((it) => [it.dtw_mje, 1])), METRICS.dtw_mje),
        length_ratio: mean(sel.map((it) => it.length_ratio)),
      };
    }
  }

  return {
    suite: suite.info.name,
    signature: await signatureOf(suite),
    n,
    scoring: suite.info.scoring,
    slt,
    sacrebleu,
    slrtp,
    pose,
    ci95,
    breakdown,
    items,
    submission,
    timings,
    ...(sign ? { sign } : {}),
  };
}

let recognizer: Promise<Recognizer> | undefined;

/**
 * The sign-level block (issue 20: aligned sign accuracy, phonological agreement) where every reference has gloss
 * timings and the committed recogniser knows every gloss; null otherwise (a suite of another sign language).
 */
async function signBlock(
  suite: Suite, ids: readonly string[], refs: readonly PoseSequence[], hyps: readonly PoseSequence[], timings: Record<string, number>, opts: EvalOptions,
): Promise<SignBlock | null> {
  const spans = ids.map((id) => suite.referenceGlosses(id));
  if (spans.length === 0 || spans.some((s) => s.length === 0)) return null;
  recognizer ??= Recognizer.load();
  const rec = await recognizer;
  const known = new Set(rec.glosses);
  if (spans.some((s) => s.some((g) => !known.has(g.gloss)))) return null;
  const t = performance.now();
  const block = await signMetrics(refs.map((sequence, i) => ({ sequence, glosses: spans[i] })), hyps, {
    recognizer: rec, signal: opts.signal, onProgress: (done, total) => opts.onProgress?.({ done, total, stage: 'sign metrics' }),
  });
  timings.sign_s = seconds(t);
  return block;
}

/** The judge's greedy back-translations of `hyps`, and the Fréchet distance of their embeddings to the references'. */
async function backTranslate(
  suite: Suite, hyps: readonly PoseSequence[], refs: readonly PoseSequence[], timings: Record<string, number>, opts: EvalOptions,
): Promise<{ texts: string[]; fpd: number }> {
  checkAborted(opts.signal);
  const n = hyps.length;
  const tj = performance.now();
  const judge = await loadJudge(suite.judgeDir!, suite.info.judge!.hash);
  // The encoder pass of the translation gives the embeddings too (batches of similar lengths, as embedSorted's).
  const out = await judge.translateBatch(hyps, {
    batchSize: 32, embeddings: true, onProgress: (d) => { checkAborted(opts.signal); opts.onProgress?.({ done: d, total: n, stage: 'translating' }); },
  });
  timings.translate_s = seconds(tj);
  const te = performance.now();
  checkAborted(opts.signal);
  const refEmb = await referenceEmbeddings(suite, judge, refs);
  const fpd = frechetDistance(out.map((o) => o.embedding!), refEmb);
  timings.embed_s = seconds(te);
  return { texts: out.map((o) => o.text), fpd };
}

function sumRows(rows: readonly (readonly number[])[]): Float64Array {
  const out = new Float64Array(rows[0]?.length ?? 0);
  for (const r of rows) for (let j = 0; j < r.length; j++) out[j] += r[j]!;
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

async function signatureOf(suite: Suite): Promise<EvalSignature> {
  const judge = suite.info.judge;
  const protocols: Record<string, string> = {};
  if (judge) {
    protocols['sacrebleu.bleu'] = new BLEU().signature(1);
    protocols['sacrebleu.chrf'] = new CHRF().signature(1);
    protocols.slt = protocolSignature('slt', 'lc-refs');
    protocols.slrtp = protocolSignature('slrtp', 'lc-refs');
  }
  protocols.dtw_mje = dtwMjeSignature();
  if (judge) protocols.fpd = formatSignature('fpd', [['embed', 'judge-pooled-encoder'], ['cov', 'unbiased'], ['sqrtm', 'jacobi-sym']]);
  const sig = {
    suite: { name: suite.info.name, version: suite.info.version },
    judge: judge ? { hash: judge.hash, decoding: 'greedy' as const } : null,
    protocols,
    bootstrap: BOOTSTRAP_SIGNATURE,
    references: 'text:prompt-lowercased|poses:suite-references',
    signbench: await signbenchVersion(),
    scoring: SCORING_VERSION,
  };
  const text = [
    `suite:${sig.suite.name}@${sig.suite.version}`, `judge:${judge ? judge.hash.slice(0, 16) : 'none'}`, `decode:greedy`,
    `bs:1000|seed:12345`, `signbench:${sig.signbench}`, `scoring:${SCORING_VERSION}`,
  ].join('|');
  return { ...sig, text };
}
