import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tokenize13a, tokenize13aRegex } from '../../benchmark/metrics/text/tokenizer13a.js';
import { pySplit, pyStrip } from '../../benchmark/metrics/text/pystring.js';

// Expected outputs are those of sacrebleu 2.6.0's Tokenizer13a on the same inputs.
const CASES: [string, string][] = [
  ['Hello, world!', 'Hello , world !'],
  ['1,000.50 dollars.', '1,000.50 dollars .'],
  ['He said "hi"-there', 'He said " hi " -there'],
  ['3-4 times', '3 - 4 times'],
  ['a.b,c 1.5 2,3', 'a . b , c 1.5 2,3'],
  ['&quot;x&quot; &amp; &lt;y&gt;', '" x " & < y >'],
  ['x<skipped>y', 'xy'],
  ['e.g. U.S.A.', 'e . g . U . S . A .'],
  ['(hi) [ok] {no}', '( hi ) [ ok ] { no }'],
  ['tab\there\u3000wide\u00a0nb', 'tab here wide nb'],
  ['  ', ''],
  ['', ''],
  ['café—“quoted” 😀!', 'café—“quoted” 😀 !'],
];

describe('13a tokenizer', () => {
  it.each(CASES)('%j → %j', (input, expected) => {
    expect(tokenize13a(input)).toBe(expected);
  });

  it('joins a hyphenated line break and turns newlines into spaces', () => {
    expect(tokenize13a('hyphen-\nated\nword')).toBe('hyphenated word');
  });
});

describe('Python whitespace semantics', () => {
  it('split() uses Python whitespace: U+001C and U+0085 split, U+FEFF does not', () => {
    expect(pySplit('a\u001cb\u0085c\ufeffd')).toEqual(['a', 'b', 'c\ufeffd']);
    expect(pyStrip('\u3000 x \u2028')).toBe('x');
  });
});

describe('one-pass 13a tokenizer equals the regexp chain', () => {
  // Alphabet concentrated on the characters whose rules interact (digits, period, comma, dash, spaces, entities).
  const piece = fc.constantFrom('1', '9', '0', 'a', '.', ',', '-', ' ', '"', '&', "'", '(', 'é', '😀', '\u00a0', '\u0085', '\u001c', '\n', '-\n', '&quot;', '&amp;', '<skipped>', '中');
  it('on random strings', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }).map((a) => a.join('')), (s) => tokenize13a(s) === tokenize13aRegex(s)),
      { numRuns: 5000, seed: 13 },
    );
  });
  it('on arbitrary Unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), (s) => tokenize13a(s) === tokenize13aRegex(s)), { numRuns: 2000, seed: 7 });
  });
});
