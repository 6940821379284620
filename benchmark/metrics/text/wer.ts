/**
 * WER as the SLRTP 2025 evaluator computes it: jiwer 3.1 `wer(references, hypotheses)` with, on both sides, the
 * transform chain ExpandCommonEnglishContractions → ToLowerCase → RemoveMultipleSpaces → Strip → RemovePunctuation
 * → ReduceToListOfListOfWords; corpus WER = Σ word edit distance / Σ reference words (×100 here).
 */
import { checkCorpus, type RefStreams } from './corpus.js';
import { IntBuffer, StringInterner } from './interner.js';
import { PY_WHITESPACE_CLASS, pyStrip } from './pystring.js';

/** jiwer ExpandCommonEnglishContractions: literal, case-sensitive, applied in this order (so "Can't" → "Ca not"). */
const CONTRACTIONS: readonly (readonly [string, string])[] = [
  ["won't", 'will not'],
  ["can't", 'can not'],
  ["let's", 'let us'],
  ["n't", ' not'],
  ["'re", ' are'],
  ["'s", ' is'],
  ["'d", ' would'],
  ["'ll", ' will'],
  ["'t", ' not'],
  ["'ve", ' have'],
  ["'m", ' am'],
];

export function expandCommonEnglishContractions(s: string): string {
  if (!s.includes("'")) return s;
  for (const [from, to] of CONTRACTIONS) s = s.replaceAll(from, to);
  return s;
}

/** Python `re.sub(r"\s\s+", " ", s)` with Python's whitespace. */
const MULTIPLE_SPACES = new RegExp(`${PY_WHITESPACE_CLASS}${PY_WHITESPACE_CLASS}+`, 'gu');
/** Every code point of a Unicode general category P* (jiwer RemovePunctuation). */
const PUNCTUATION = /\p{P}/gu;

/** The SLRTP/jiwer transform chain on one sentence: the list of words. */
export function werWords(s: string): string[] {
  let t = expandCommonEnglishContractions(s);
  t = t.toLowerCase();
  t = t.replace(MULTIPLE_SPACES, ' ');
  t = pyStrip(t);
  t = t.replace(PUNCTUATION, '');
  return t.split(' ').filter((w) => w.length >= 1);
}

/** Word-level Levenshtein distance (unit costs) between a[0..la) and b[0..lb). */
function editDistance(a: Int32Array, la: number, b: Int32Array, lb: number, row: Int32Array): number {
  for (let j = 0; j <= lb; j++) row[j] = j;
  for (let i = 1; i <= la; i++) {
    let diag = row[0]!;
    row[0] = i;
    const ai = a[i - 1]!;
    for (let j = 1; j <= lb; j++) {
      const up = row[j]!;
      const sub = diag + (ai === b[j - 1]! ? 0 : 1);
      const del = up + 1;
      const ins = row[j - 1]! + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      diag = up;
    }
  }
  return row[lb]!;
}

export interface WerResult {
  /** Corpus WER ×100. */
  wer: number;
  /** Σ edits (substitutions + deletions + insertions). */
  errors: number;
  /** Σ reference words after the transforms. */
  refWords: number;
  hypWords: number;
}

/** Corpus WER (SLRTP/jiwer 3.1) of hypotheses against the first reference stream. Empty references are errors. */
export function wer(hyps: readonly string[], refs: RefStreams | readonly string[]): WerResult {
  const stream: RefStreams = typeof refs[0] === 'string' ? [refs as readonly string[]] : (refs as RefStreams);
  checkCorpus(hyps, stream);
  const ref = stream[0]!;
  const vocab = new StringInterner();
  const aBuf = new IntBuffer();
  const bBuf = new IntBuffer();
  const rowBuf = new IntBuffer();
  let errors = 0;
  let refWords = 0;
  let hypWords = 0;
  for (let i = 0; i < hyps.length; i++) {
    if (ref[i]!.length === 0) {
      throw new Error(
        `SLRTP WER: reference segment ${i + 1} is empty; jiwer 3.1 rejects empty references ("one or more references are empty strings"): remove that segment from the hypothesis and reference files`,
      );
    }
    const rw = werWords(ref[i]!);
    if (rw.length === 0) {
      throw new Error(`SLRTP WER: reference segment ${i + 1} has no words after the jiwer transforms (${JSON.stringify(ref[i])}); jiwer rejects it`);
    }
    const hw = werWords(hyps[i]!);
    const a = aBuf.ensure(rw.length);
    for (let j = 0; j < rw.length; j++) a[j] = vocab.id(rw[j]!);
    const b = bBuf.ensure(hw.length);
    for (let j = 0; j < hw.length; j++) b[j] = vocab.id(hw[j]!);
    errors += editDistance(a, rw.length, b, hw.length, rowBuf.ensure(hw.length + 1));
    refWords += rw.length;
    hypWords += hw.length;
  }
  return { wer: (errors / refWords) * 100, errors, refWords, hypWords };
}
