/**
 * Word- and character-level vocabularies for the translator's decoder.
 *
 * Word level: lowercase, then split on `[\w']+|[^\w\s]` with Unicode letters/digits as word characters, so
 * "Don't go, Anna!" → `don't go , anna !`. Character level: the lowercased characters, spaces included.
 * Ids 0..3 are the specials PAD, BOS, EOS, UNK in both.
 */
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const UNK = 3;
export const SPECIALS = ['<pad>', '<bos>', '<eos>', '<unk>'] as const;

export type VocabLevel = 'word' | 'char';

const WORD_RE = /[\p{L}\p{N}_']+|[^\p{L}\p{N}_'\s]/gu;

/** Word-level tokens of a text (lowercased). */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(WORD_RE) ?? [];
}

/** Character-level tokens of a text (lowercased, whitespace runs collapsed to one space). */
export function charTokens(text: string): string[] {
  return Array.from(text.toLowerCase().replace(/\s+/g, ' ').trim());
}

const NO_SPACE_BEFORE = /^[.,!?;:%)\]}]$/;
const NO_SPACE_AFTER = /^[([{]$/;

/** Joins word tokens back into text: no space before closing punctuation or after opening brackets. */
export function detokenizeWords(tokens: readonly string[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (i > 0 && !NO_SPACE_BEFORE.test(t) && !NO_SPACE_AFTER.test(tokens[i - 1])) out += ' ';
    out += t;
  }
  return out;
}

export interface VocabJson {
  level: VocabLevel;
  tokens: string[];
}

export class Vocab {
  readonly level: VocabLevel;
  readonly tokens: readonly string[];
  private readonly index: Map<string, number>;

  constructor(level: VocabLevel, tokens: readonly string[]) {
    if (level !== 'word' && level !== 'char') throw new Error(`vocabulary level must be "word" or "char", got ${String(level)}`);
    for (let i = 0; i < SPECIALS.length; i++) {
      if (tokens[i] !== SPECIALS[i]) throw new Error(`vocabulary must start with ${SPECIALS.join(' ')}; token ${i} is ${JSON.stringify(tokens[i])}`);
    }
    this.level = level;
    this.tokens = tokens.slice();
    this.index = new Map(tokens.map((t, i) => [t, i]));
    if (this.index.size !== tokens.length) throw new Error('vocabulary has duplicate tokens');
  }

  /** Builds a vocabulary from texts: tokens seen at least `minCount` times, most frequent first (ties by name). */
  static build(texts: Iterable<string>, level: VocabLevel, opts: { minCount?: number; maxSize?: number } = {}): Vocab {
    const counts = new Map<string, number>();
    const split = level === 'word' ? wordTokens : charTokens;
    for (const text of texts) for (const t of split(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const minCount = opts.minCount ?? 1;
    const sorted = [...counts].filter(([, c]) => c >= minCount).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
    const limit = opts.maxSize ? Math.max(0, opts.maxSize - SPECIALS.length) : sorted.length;
    return new Vocab(level, [...SPECIALS, ...sorted.slice(0, limit)]);
  }

  static fromJson(json: unknown): Vocab {
    const j = json as Partial<VocabJson> | null;
    if (!j || !Array.isArray(j.tokens) || !j.tokens.every((t) => typeof t === 'string')) {
      throw new Error('vocabulary JSON must be {level, tokens: string[]}');
    }
    return new Vocab(j.level as VocabLevel, j.tokens);
  }

  toJson(): VocabJson {
    return { level: this.level, tokens: this.tokens.slice() };
  }

  get size(): number {
    return this.tokens.length;
  }

  split(text: string): string[] {
    return this.level === 'word' ? wordTokens(text) : charTokens(text);
  }

  /** Token ids of a text, without BOS/EOS; unknown tokens map to UNK. */
  encode(text: string): number[] {
    return this.split(text).map((t) => this.index.get(t) ?? UNK);
  }

  /** Text of token ids; stops at EOS, skips PAD/BOS, writes UNK as `<unk>`. */
  decode(ids: readonly number[]): string {
    const toks: string[] = [];
    for (const id of ids) {
      if (id === EOS) break;
      if (id === PAD || id === BOS) continue;
      toks.push(this.tokens[id] ?? SPECIALS[UNK]);
    }
    return this.level === 'word' ? detokenizeWords(toks) : toks.join('');
  }
}
