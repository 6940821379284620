import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHRF, chrfSegmentStats, chrfWords } from '../../benchmark/metrics/text/chrf.js';

/** chrF statistics of one segment the plain way (string n-grams in Maps), best reference by sentence F. */
function naiveStats(m: CHRF, hyp: string, refs: string[]): number[] {
  const grams = (seq: string[], n: number) => {
    const c = new Map<string, number>();
    for (let i = 0; i + n <= seq.length; i++) {
      const k = seq.slice(i, i + n).join('\u0001');
      c.set(k, (c.get(k) ?? 0) + 1);
    }
    return c;
  };
  const units = (s: string) => ({ chars: [...s.replace(/\s/g, '')], words: chrfWords(s) });
  const h = units(hyp);
  let best: number[] = [];
  let bestF = -1;
  for (const ref of refs) {
    const r = units(ref);
    const st: number[] = [];
    const orders: [string[], string[], number][] = [];
    for (let n = 1; n <= m.charOrder; n++) orders.push([h.chars, r.chars, n]);
    for (let n = 1; n <= m.wordOrder; n++) orders.push([h.words, r.words, n]);
    for (const [hs, rs, n] of orders) {
      const hg = grams(hs, n);
      const rg = grams(rs, n);
      const nRef = Math.max(0, rs.length - n + 1);
      let match = 0;
      for (const [k, c] of hg) match += Math.min(c, rg.get(k) ?? 0);
      st.push(nRef > 0 ? Math.max(0, hs.length - n + 1) : 0, nRef, match);
    }
    const f = m.fScore(st);
    if (f > bestF) {
      bestF = f;
      best = st;
    }
  }
  return best;
}

const word = fc.constantFrom('the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', '.', ',', 'é', '中文', '😀', "can't", 'the.', ',cat');
const sentence = fc.array(word, { minLength: 0, maxLength: 10 }).map((w) => w.join(' '));

describe('chrF and chrF++ computed together', () => {
  it('give per segment the statistics of each variant computed the plain way (two references)', () => {
    const variants = [new CHRF(), new CHRF({ wordOrder: 2 })];
    fc.assert(
      fc.property(fc.array(fc.tuple(sentence, sentence, sentence), { minLength: 1, maxLength: 8 }), (rows) => {
        const hyps = rows.map((r) => r[0]);
        const refs = [rows.map((r) => r[1]), rows.map((r) => r[2])];
        const stats = chrfSegmentStats(variants, hyps, refs);
        variants.forEach((v, k) => {
          const s = stats[k]!;
          expect(s.width).toBe(3 * (6 + v.wordOrder));
          rows.forEach((row, i) => {
            expect(Array.from(s.data.subarray(i * s.width, (i + 1) * s.width))).toEqual(naiveStats(v, row[0], [row[1], row[2]]));
          });
          expect(Array.from(s.data)).toEqual(Array.from(v.segmentStats(hyps, refs).data));
        });
      }),
      { numRuns: 150, seed: 3 },
    );
  });

  it('refuses variants that differ in more than the word order', () => {
    expect(() => chrfSegmentStats([new CHRF(), new CHRF({ beta: 3 })], ['a'], [['a']])).toThrow(/only in wordOrder/);
  });
});
