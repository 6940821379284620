/**
 * The `13a` tokenizer of sacrebleu (mteval-v13a.pl rules), reproduced rule for rule:
 * drop `<skipped>`, join `-\n`, newline → space, unescape four XML entities, then the regexp chain on the line padded
 * with one space each side, then collapse whitespace (Python `' '.join(line.split())`).
 */
import { isPyWhitespace, pySplit } from './pystring.js';

/** ASCII punctuation and symbols that are always split off: `{-~`, `[-\``, ` -&`, `(-+`, `:-@`, `/`. */
const PUNCT = /([\x7b-\x7e\x5b-\x60\x20-\x26\x28-\x2b\x3a-\x40\x2f])/gu;
/** A period or comma preceded by a non-digit. */
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/gu;
/** A period or comma followed by a non-digit. */
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/gu;
/** A dash preceded by a digit. */
const DASH_AFTER_DIGIT = /([0-9])(-)/gu;

export function tokenize13a(line: string): string {
  return tokenize13aTokens(line).join(' ');
}

/** The language-independent part: `<skipped>`, `-\n`, `\n`, and the four XML entities. */
function unescape13a(line: string): string {
  let s = line;
  if (s.includes('<skipped>')) s = s.replaceAll('<skipped>', '');
  if (s.includes('\n')) s = s.replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  return s;
}

/** The 13a tokenizer as sacrebleu writes it: the regexp chain, then whitespace collapse. Slow; the specification. */
export function tokenize13aRegex(line: string): string {
  let s = ` ${unescape13a(line)} `;
  s = s.replace(PUNCT, ' $1 ');
  s = s.replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ');
  s = s.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2');
  s = s.replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(s).join(' ');
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isPeriodComma = (c: number): boolean => c === 0x2e || c === 0x2c;
/** The always-split ASCII class of the first 13a rule. */
const isPunct13a = (c: number): boolean =>
  (c >= 0x7b && c <= 0x7e) || (c >= 0x5b && c <= 0x60) || (c >= 0x20 && c <= 0x26) || (c >= 0x28 && c <= 0x2b) || (c >= 0x3a && c <= 0x40) || c === 0x2f;

/**
 * The tokens of `tokenize13a(line)`, computed in one pass (no regexps). Spaces are only ever inserted by the rules,
 * so the output is the input split at its whitespace and at "break" points; the pass decides each break exactly as
 * the left-to-right, non-overlapping regexp substitutions would:
 * - rule 1: a character of the punctuation class is split off on both sides;
 * - rule 2 `([^0-9])([.,])`: a period/comma after a non-digit is split on both sides, unless the previous character
 *   was itself consumed as the period/comma of the preceding match (m2);
 * - rule 3 `([.,])([^0-9])`, on rule 2's output: a period/comma followed by a non-digit (or by a space rule 2
 *   inserted) is split on both sides, unless it was consumed as the second character of the preceding match (m3);
 * - rule 4 `([0-9])(-)`: a dash after a digit is split on both sides.
 * Equivalence with `tokenize13aRegex` is checked by property tests.
 */
export function tokenize13aTokens(line: string): string[] {
  const t = unescape13a(line);
  const n = t.length;
  const out: string[] = [];
  let start = -1; // start of the current token
  let m2Prev = false;
  let m3Prev = false;
  let breakAfterPrev = false;
  let prev = 0x20; // the padding space before the line
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    const next = i + 1 < n ? t.charCodeAt(i + 1) : 0x20;
    if (isPyWhitespace(c)) {
      if (start >= 0) out.push(t.slice(start, i));
      start = -1;
      m2Prev = m3Prev = breakAfterPrev = false;
      prev = c;
      continue;
    }
    let breakBefore = breakAfterPrev;
    let breakAfter = false;
    let m2 = false;
    let m3 = false;
    if (isPeriodComma(c)) {
      m2 = !isDigit(prev) && !m2Prev;
      const m2Next: boolean = isPeriodComma(next) && !m2;
      const consumed3: boolean = m3Prev && isPeriodComma(prev) && !m2Prev && !m2;
      m3 = !consumed3 && (m2 || m2Next || !isDigit(next));
      if (m2 || m3) breakBefore = breakAfter = true;
    } else if (isPunct13a(c) || (c === 0x2d && isDigit(prev))) {
      breakBefore = breakAfter = true;
    }
    if (breakBefore && start >= 0) {
      out.push(t.slice(start, i));
      start = -1;
    }
    if (start < 0) start = i;
    m2Prev = m2;
    m3Prev = m3;
    breakAfterPrev = breakAfter;
    prev = c;
  }
  if (start >= 0) out.push(t.slice(start));
  return out;
}

/** sacrebleu's `none` tokenizer: the line unchanged (n-grams then come from Python `split()`). */
export function tokenizeNone(line: string): string {
  return line;
}

export type TokenizerName = '13a' | 'none';

/** A tokenizer as a function from a line to its tokens (what BLEU's n-gram counting consumes). */
export function getTokenSplitter(name: TokenizerName): (line: string) => string[] {
  if (name === '13a') return tokenize13aTokens;
  if (name === 'none') return pySplit;
  throw new Error(`unknown tokenizer '${String(name)}' (supported: 13a, none)`);
}

export function getTokenizer(name: TokenizerName): (line: string) => string {
  if (name === '13a') return tokenize13a;
  if (name === 'none') return tokenizeNone;
  throw new Error(`unknown tokenizer '${String(name)}' (supported: 13a, none)`);
}
