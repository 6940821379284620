import { describe, expect, it } from 'vitest';
import { comparePython, tokenizeChars, tokenizeWords, Vocab, BOS, EOS, UNK, MAX_TEXT_LEN, checkText } from '../../generator/tokenizer.js';

describe('SignDW tokenizer', () => {
  it('lowercases and splits words, apostrophes and punctuation like Python re', () => {
    expect(tokenizeWords("Hello, World! It's 3pm.")).toEqual(['hello', ',', 'world', '!', "it's", '3pm', '.']);
    expect(tokenizeWords("Don't stop—rock'n'roll…")).toEqual(["don't", 'stop', '—', "rock'n'roll", '…']);
    expect(tokenizeWords("'quoted' \"double\"")).toEqual(["'quoted'", '"', 'double', '"']);
    expect(tokenizeWords('snake_case x² 42½')).toEqual(['snake_case', 'x²', '42½']);
  });

  it('treats combining marks as non-word characters (Python \\w excludes \\p{M})', () => {
    expect(tokenizeWords('नमस्ते')).toEqual(['नमस', '्', 'त', 'े']);
    expect(tokenizeWords('สวัสดี')).toEqual(['สว', 'ั', 'สด', 'ี']);
    expect(tokenizeWords('a\u0301b')).toEqual(['a', '\u0301', 'b']);
    expect(tokenizeWords('İstanbul')).toEqual(['i', '\u0307', 'stanbul']);
  });

  it('uses Python whitespace: U+001C and U+0085 separate, U+FEFF is a token; emoji are single tokens', () => {
    expect(tokenizeWords('a\u001cb\u0085c\ufeffd')).toEqual(['a', 'b', 'c', '\ufeff', 'd']);
    expect(tokenizeWords('emoji 👋🏽 ok')).toEqual(['emoji', '👋', '🏽', 'ok']);
    expect(tokenizeWords('日本語のテキスト。')).toEqual(['日本語のテキスト', '。']);
    expect(tokenizeWords('   ')).toEqual([]);
  });

  it('has a character mode for fingerspelling', () => {
    expect(tokenizeChars(' Ab  c ')).toEqual(['a', 'b', '▁', 'c']);
    expect(tokenizeChars('😀x')).toEqual(['😀', 'x']);
  });

  it('orders strings by code point like Python, not by UTF-16 unit', () => {
    // U+FF5E (one unit) < U+1F600 (surrogate pair 0xD83D…) in Python; JS < says the opposite.
    expect('\uff5e' < '😀').toBe(false);
    expect(comparePython('\uff5e', '😀')).toBeLessThan(0);
    expect(comparePython('ab', 'abc')).toBeLessThan(0);
    expect(comparePython('b', 'a')).toBeGreaterThan(0);
  });

  it('builds the vocabulary by (−freq, token) after the specials and encodes with <bos>/<eos>, <unk> and truncation', () => {
    const v = Vocab.build(['b a a', 'c b a', '😀 \uff5e']);
    expect(v.itos).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b', 'c', '\uff5e', '😀']);
    expect(v.encode('A b zzz')).toEqual([BOS, 4, 5, UNK, EOS]);
    const long = Array.from({ length: 200 }, () => 'a').join(' ');
    const ids = v.encode(long);
    expect(ids.length).toBe(MAX_TEXT_LEN);
    expect(ids[0]).toBe(BOS);
    expect(ids[MAX_TEXT_LEN - 1]).toBe(4); // <eos> lost, as in SignDW
    expect(Vocab.build(['a b c d e'], { maxSize: 6 }).itos).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'a', 'b']);
  });

  it('refuses empty and enormous text with the limit in the message', () => {
    expect(() => checkText('  ')).toThrow(/empty text/);
    expect(() => checkText('x'.repeat(20_000))).toThrow(/over the limit of 10000/);
  });
});
