/**
 * The SignDW text tokenizer and vocabulary (reference/signverse-dwpose.md §2.3), reproduced exactly in JS:
 * - lowercase (Python str.lower ≈ String.prototype.toLowerCase, final sigma included);
 * - tokens = Python `re.findall(r"[\w']+|[^\w\s]")` with Unicode semantics: runs of word characters or apostrophes,
 *   or one non-word non-space code point. Python's `\w` is letters, numbers and `_` (str.isalnum): combining marks
 *   (\p{M}) are NOT word characters, so Indic/Thai vowel signs split words; Python's `\s` is str.isspace, which
 *   differs from JS `\s` (it includes U+001C–U+001F and U+0085, excludes U+FEFF);
 * - specials <pad>=0 <unk>=1 <bos>=2 <eos>=3; vocabulary from train texts sorted by (−frequency, token) with
 *   Python's code-point string order; at most 30,000 entries including the specials;
 * - encode = [<bos>] + ids + [<eos>], truncated to 96 (the <eos> is lost beyond 94 tokens).
 * A character-level mode (one token per code point, whitespace runs → "▁") serves fingerspelling.
 */
import { SignbenchError } from '../pose/errors.js';

export const PAD = 0;
export const UNK = 1;
export const BOS = 2;
export const EOS = 3;
export const SPECIALS = ['<pad>', '<unk>', '<bos>', '<eos>'] as const;
export const MAX_TEXT_LEN = 96;
export const MAX_VOCAB = 30_000;
/** Token standing for a whitespace run in character mode. */
export const SPACE_TOKEN = '▁';
/** Longest input text accepted, in UTF-16 code units (beyond it the text is refused, not silently cut). */
export const MAX_TEXT_CHARS = 10_000;

export type TokenizerMode = 'word' | 'char';

// Python's str.isspace() set (Unicode White_Space minus U+FEFF handling as in CPython 3.11).
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WORD = '\\p{L}\\p{N}_';
const TOKEN_RE = new RegExp(`[${WORD}']+|[^${WORD}${PY_SPACE}]`, 'gu');
const SPACE_RUN_RE = new RegExp(`[${PY_SPACE}]+`, 'gu');

/** SignDW word tokenization. */
export function tokenizeWords(text: string): string[] {
  return text.toLowerCase().match(TOKEN_RE) ?? [];
}

/** Character tokenization for fingerspelling: one token per code point, whitespace runs as one SPACE_TOKEN. */
export function tokenizeChars(text: string): string[] {
  const s = text.toLowerCase().replace(SPACE_RUN_RE, ' ').trim();
  return [...s].map((ch) => (ch === ' ' ? SPACE_TOKEN : ch));
}

export function tokenize(text: string, mode: TokenizerMode = 'word'): string[] {
  return mode === 'char' ? tokenizeChars(text) : tokenizeWords(text);
}

/** Python string order (by code point), not JS UTF-16 code-unit order. */
export function comparePython(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx - cy;
  }
}

/** A fixed vocabulary: index → token (itos) and back. */
export class Vocab {
  readonly itos: readonly string[];
  private readonly stoi: Map<string, number>;

  constructor(itos: readonly string[], readonly mode: TokenizerMode = 'word') {
    if (itos.length < SPECIALS.length || SPECIALS.some((s, i) => itos[i] !== s)) {
      throw new Error(`vocabulary must start with ${SPECIALS.join(' ')}`);
    }
    this.itos = itos;
    this.stoi = new Map(itos.map((t, i) => [t, i]));
    if (this.stoi.size !== itos.length) throw new Error('vocabulary has duplicate tokens');
  }

  get size(): number {
    return this.itos.length;
  }

  /**
   * Builds the vocabulary from training texts: tokens sorted by (−frequency, token), min_freq 1,
   * at most `maxSize` entries including the four specials.
   */
  static build(texts: Iterable<string>, opts: { mode?: TokenizerMode; maxSize?: number; minFreq?: number } = {}): Vocab {
    const mode = opts.mode ?? 'word';
    const counts = new Map<string, number>();
    for (const t of texts) for (const tok of tokenize(t, mode)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
    for (const s of SPECIALS) counts.delete(s);
    const minFreq = opts.minFreq ?? 1;
    const sorted = [...counts.entries()]
      .filter(([, c]) => c >= minFreq)
      .sort((a, b) => b[1] - a[1] || comparePython(a[0], b[0]))
      .map(([t]) => t);
    const maxSize = opts.maxSize ?? MAX_VOCAB;
    return new Vocab([...SPECIALS, ...sorted.slice(0, Math.max(0, maxSize - SPECIALS.length))], mode);
  }

  id(token: string): number {
    return this.stoi.get(token) ?? UNK;
  }

  /** [<bos>] + ids + [<eos>], truncated to `maxLen` (no padding). */
  encode(text: string, maxLen = MAX_TEXT_LEN): number[] {
    const ids = [BOS, ...tokenize(text, this.mode).map((t) => this.id(t)), EOS];
    return ids.slice(0, maxLen);
  }

  decode(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (i) => this.itos[i] ?? SPECIALS[UNK]);
  }
}

/**
 * Checks user text before generation: must contain at least one token and at most MAX_TEXT_CHARS characters.
 * `argName` names the argument in the error.
 */
export function checkText(text: string, argName = 'text'): void {
  if (typeof text !== 'string') throw new SignbenchError('invalid-input', `${argName}: expected a string`);
  if (text.length > MAX_TEXT_CHARS) {
    throw new SignbenchError('too-large', `${argName}: ${text.length} characters is over the limit of ${MAX_TEXT_CHARS} (the model reads at most ${MAX_TEXT_LEN - 2} tokens)`);
  }
  if (text.trim().length === 0) throw new SignbenchError('invalid-input', `${argName}: empty text (give at least one word)`);
}
