import { describe, expect, it } from 'vitest';
import { corpusBleu, sentenceBleu } from '../../benchmark/metrics/text/bleu.js';
import { corpusChrf, sentenceChrf } from '../../benchmark/metrics/text/chrf.js';
import { cocoRouge } from '../../benchmark/metrics/text/rouge.js';
import { sltBleu } from '../../benchmark/metrics/text/slt.js';
import { wer, werWords } from '../../benchmark/metrics/text/wer.js';
import { splitSegments } from '../../benchmark/metrics/text/segments.js';
import { scoreText } from '../../benchmark/protocols/text.js';

// Numbers marked "sacrebleu" were produced by sacrebleu 2.6.0 on the same inputs.
const close = (a: number, b: number, tol = 1e-9) => expect(Math.abs(a - b)).toBeLessThan(tol);

describe('input errors', () => {
  it('empty corpus is an error for every metric', () => {
    expect(() => corpusBleu([], [[]])).toThrow(/empty corpus/);
    expect(() => corpusChrf([], [[]])).toThrow(/empty corpus/);
    expect(() => sltBleu([], [[]])).toThrow(/empty corpus/);
    expect(() => cocoRouge([], [[]])).toThrow(/empty corpus/);
    expect(() => wer([], [[]])).toThrow(/empty corpus/);
    expect(() => scoreText([], [[]])).toThrow(/empty corpus/);
  });

  it('line-count mismatch names both counts and the stream', () => {
    expect(() => corpusBleu(['a', 'b', 'c'], [['a', 'b', 'c'], ['a', 'b']])).toThrow(/3 segments.*reference stream 2 has 2/);
  });

  it('no reference stream is an error', () => {
    expect(() => corpusBleu(['a'], [])).toThrow(/no reference/);
  });

  it('WER: an empty reference (raw or after the transforms) is an error naming the segment', () => {
    expect(() => wer(['a', 'b'], [['a', '']])).toThrow(/segment 2 is empty/);
    expect(() => wer(['a'], [['...']])).toThrow(/segment 1 has no words/);
  });
});

describe('BLEU (sacrebleu)', () => {
  it('empty hypothesis lines count as zero-length segments', () => {
    close(corpusBleu(['the cat sat on the mat', ''], [['the cat sat on the mat', 'a dog']]).score, 71.65313105737896); // sacrebleu
    expect(corpusBleu(['', ''], [['a b', 'c']]).score).toBe(0);
  });

  it('Unicode: CJK and emoji tokens, accents are not normalised', () => {
    const b = corpusBleu(['东京 是 日本 的 首都 😀', 'Café crème brûlée'], [['东京 是 日本 的 首都 😀', 'Cafe creme brulee']]);
    close(b.score, 78.56293018010261); // sacrebleu
    expect(b.counts).toEqual([6, 5, 4, 3]);
    expect(b.totals).toEqual([9, 7, 5, 3]);
  });

  it('closest reference length prefers the shorter one on ties', () => {
    // hyp 3 tokens, refs of 2 and 4 tokens: both at distance 1 → 2
    expect(corpusBleu(['a b c'], [['a b'], ['a b c d']]).refLen).toBe(2);
  });

  it('lowercase option and signature', () => {
    const b = corpusBleu(['The Cat sat ON the Mat'], [['the cat sat on the mat']], { lowercase: true });
    close(b.score, 100);
    // without effective order, fewer than 4 tokens means a zero 4-gram precision and BLEU 0 (as sacrebleu)
    expect(corpusBleu(['the cat'], [['the cat']]).score).toBe(0);
    expect(b.signature).toMatch(/^nrefs:1\|case:lc\|eff:no\|tok:13a\|smooth:exp\|version:/);
    expect(corpusBleu(['a'], [['a']], { smoothMethod: 'floor' }).signature).toContain('smooth:floor[0.10]');
  });

  it('sentence BLEU uses effective order (sacrebleu sentence_bleu defaults)', () => {
    close(sentenceBleu('the cat', ['the cat sat']).score, 60.653065971263366); // sacrebleu
  });
});

describe('chrF (sacrebleu)', () => {
  it('counts code points, not UTF-16 units (CJK, emoji, combining accents)', () => {
    close(corpusChrf(['东京是日本的首都😀', 'Café crème brûlée'], [['东京是日本的首都', 'Cafe crème brûlée']]).score, 80.65402220404391); // sacrebleu
    close(corpusChrf(['東京😀😀 x', 'e\u0301t\u00e9'], [['東京😀 x', '\u00e9t\u00e9']], { wordOrder: 2 }).score, 36.456525930210134); // sacrebleu
  });

  it('empty hypothesis contributes reference n-grams only', () => {
    close(corpusChrf(['', 'abc'], [['abc', 'abc']]).score, 55.55555555555556); // sacrebleu
  });

  it('sentence chrF', () => {
    close(sentenceChrf('the cat', ['the cat sat']).score, 55.77101053281037); // sacrebleu
  });
});

describe('SLT BLEU-1..4 (raw_corpus_bleu, floor 0, cumulative)', () => {
  it('perfect match is 100 for every order', () => {
    const s = sltBleu(['a b c d'], [['a b c d']]);
    for (const v of [s.bleu1, s.bleu2, s.bleu3, s.bleu4]) close(v, 100);
  });

  it('a zero precision zeroes that order and all higher ones', () => {
    const s = sltBleu(['a b x y'], [['a b c d']]);
    close(s.bleu1, 50);
    close(s.bleu2, Math.sqrt(50 * (100 / 3)));
    expect(s.bleu3).toBe(0);
    expect(s.bleu4).toBe(0);
  });

  it('does not tokenize punctuation (whitespace split only)', () => {
    close(sltBleu(['hello, world'], [['hello , world']]).bleu1, 100 * Math.exp(1 - 3 / 2) * 0.5);
  });
});

describe('COCO ROUGE-L (β = 1.2)', () => {
  it('per-sentence F averaged ×100', () => {
    close(cocoRouge(['a b c d'], [['a c d e']]), 75);
    const f = (2.44 * 1 * 0.5) / (0.5 + 1.44 * 1);
    close(cocoRouge(['a b c d', 'a b'], [['a c d e', 'a b c d']]), ((0.75 / 2 + f / 2) * 100));
  });

  it('tokens are split(" "): a double space is an extra empty token', () => {
    const p = 2 / 3;
    close(cocoRouge(['a  b'], [['a b']]), ((2.44 * p * 1) / (1 + 1.44 * p)) * 100);
  });

  it('no overlap and empty hypothesis give 0', () => {
    expect(cocoRouge(['x', ''], [['a', 'a b']])).toBe(0);
  });
});

describe('WER (SLRTP: jiwer 3.1 transforms)', () => {
  it("expands contractions: can't → can not", () => {
    expect(werWords("I can't go")).toEqual(['i', 'can', 'not', 'go']);
    expect(wer(["I can't go"], [['i can not go']]).wer).toBe(0);
    expect(werWords("won't let's you're it's she'd we'll I've I'm")).toEqual([
      'will', 'not', 'let', 'us', 'you', 'are', 'it', 'is', 'she', 'would', 'we', 'will', 'i', 'have', 'i', 'am',
    ]);
  });

  it('contractions are expanded before lowercasing, case-sensitively (jiwer quirk)', () => {
    expect(werWords("Can't")).toEqual(['ca', 'not']);
  });

  it('removes ASCII and Unicode punctuation (categories P*), collapses spaces', () => {
    expect(werWords('  Hello,   world!  ')).toEqual(['hello', 'world']);
    expect(werWords('«Bonjour» — le monde… ¿qué?')).toEqual(['bonjour', 'le', 'monde', 'qué']);
    expect(wer(['hello, world!'], [['Hello world']]).wer).toBe(0);
  });

  it('symbols (category S) are not punctuation and stay', () => {
    expect(werWords('a + b $5')).toEqual(['a', '+', 'b', '$5']);
  });

  it('corpus WER = total edits / total reference words', () => {
    const r = wer(['a b c', '', 'x y z w'], [['a b d', 'p q', 'x y z']]);
    expect(r.errors).toBe(1 + 2 + 1);
    expect(r.refWords).toBe(8);
    close(r.wer, (4 / 8) * 100);
  });

  it('empty hypotheses are all deletions', () => {
    expect(wer(['', ''], [['a b', 'c']]).wer).toBe(100);
  });
});

describe('segment files', () => {
  it('one segment per line; a final newline does not count; CRLF handled', () => {
    expect(splitSegments('a\nb\n')).toEqual(['a', 'b']);
    expect(splitSegments('a\r\n\r\nb')).toEqual(['a', '', 'b']);
    expect(splitSegments('')).toEqual([]);
    expect(splitSegments('\n')).toEqual(['']);
  });
});

describe('protocol signatures', () => {
  it('name the implementation and the normalisation', async () => {
    const { protocolSignature } = await import('../../benchmark/protocols/text.js');
    expect(protocolSignature('slt', 'lc')).toBe('nrefs:1|bleu:raw_corpus_bleu|tok:none|smooth:floor[0.00]|cumulative:yes|rouge:coco-l|beta:1.2|norm:lc|impl:neccam-slt');
    expect(protocolSignature('slrtp')).toContain('wer:jiwer-3.1-slrtp|norm:none');
  });
});
