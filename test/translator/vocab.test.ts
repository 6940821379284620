import { describe, expect, it } from 'vitest';
import { BOS, EOS, UNK, Vocab, detokenizeWords, wordTokens } from '../../translator/vocab.js';

describe('vocabularies', () => {
  it('splits words the documented way (lowercase, Unicode, punctuation alone)', () => {
    expect(wordTokens("Don't go, Anna! Über 3 Äpfel.")).toEqual(["don't", 'go', ',', 'anna', '!', 'über', '3', 'äpfel', '.']);
    expect(detokenizeWords(["don't", 'go', ',', 'anna', '!'])).toBe("don't go, anna!");
  });

  it('round-trips texts through word ids and maps unknown words to UNK', () => {
    const v = Vocab.build(['the cat sat.', 'the dog ran!'], 'word');
    expect(v.tokens.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
    expect(v.tokens[4]).toBe('the'); // most frequent first
    expect(v.decode(v.encode('The cat ran.'))).toBe('the cat ran.');
    expect(v.encode('the zebra')[1]).toBe(UNK);
    expect(v.decode([BOS, ...v.encode('dog sat'), EOS, ...v.encode('cat')])).toBe('dog sat');
  });

  it('builds a character vocabulary', () => {
    const v = Vocab.build(['ab  c', 'cab'], 'char');
    expect(v.decode(v.encode('a b c'))).toBe('a b c');
    expect(v.size).toBe(4 + 4);
  });

  it('rejects malformed vocabulary JSON', () => {
    expect(() => Vocab.fromJson({ level: 'word', tokens: ['a', 'b'] })).toThrow(/must start with/);
    expect(() => Vocab.fromJson({ level: 'byte', tokens: ['<pad>', '<bos>', '<eos>', '<unk>'] })).toThrow(/level/);
    expect(() => Vocab.fromJson(null)).toThrow(/vocabulary JSON/);
    const v = Vocab.build(['x y'], 'word');
    expect(Vocab.fromJson(JSON.parse(JSON.stringify(v.toJson()))).tokens).toEqual(v.tokens);
  });
});
