import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusBleu } from '../../benchmark/metrics/text/bleu.js';
import { corpusChrf } from '../../benchmark/metrics/text/chrf.js';
import { cocoRouge } from '../../benchmark/metrics/text/rouge.js';
import { sltBleu } from '../../benchmark/metrics/text/slt.js';
import { wer } from '../../benchmark/metrics/text/wer.js';

const word = fc.constantFrom('the', 'cat', 'sat', 'on', 'a', 'mat', 'dog', 'ran', '.', ',', 'é', '中文', '😀', "can't", '1,000');
const sentence = fc.array(word, { minLength: 0, maxLength: 12 }).map((w) => w.join(' '));
const pairs = fc.array(fc.tuple(sentence, sentence), { minLength: 1, maxLength: 12 });

describe('metric properties', () => {
  it('corpus BLEU and chrF do not depend on segment order', () => {
    fc.assert(
      fc.property(pairs, fc.integer({ min: 0, max: 1000 }), (ps, rot) => {
        const k = rot % ps.length;
        const moved = [...ps.slice(k), ...ps.slice(0, k)];
        const h = ps.map((p) => p[0]);
        const r = ps.map((p) => p[1]);
        const h2 = moved.map((p) => p[0]);
        const r2 = moved.map((p) => p[1]);
        expect(corpusBleu(h2, [r2]).score).toBeCloseTo(corpusBleu(h, [r]).score, 9);
        expect(corpusChrf(h2, [r2]).score).toBeCloseTo(corpusChrf(h, [r]).score, 9);
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  it('a corpus scored against itself: chrF 100 (when non-empty), ROUGE-L 100, WER 0', () => {
    fc.assert(
      fc.property(fc.array(sentence.filter((s) => /[a-z]/.test(s)), { minLength: 1, maxLength: 8 }), (ss) => {
        expect(corpusChrf(ss, [ss]).score).toBeCloseTo(100, 9);
        expect(cocoRouge(ss, [ss])).toBeCloseTo(100, 9);
        expect(wer(ss, [ss]).wer).toBe(0);
      }),
      { numRuns: 200, seed: 2 },
    );
  });

  it('adding a second reference never lowers BLEU clipping counts', () => {
    fc.assert(
      fc.property(pairs, fc.array(sentence, { minLength: 12, maxLength: 12 }), (ps, extra) => {
        const h = ps.map((p) => p[0]);
        const r = ps.map((p) => p[1]);
        const one = corpusBleu(h, [r]);
        const two = corpusBleu(h, [r, extra.slice(0, ps.length)]);
        one.counts.forEach((c, i) => expect(two.counts[i]).toBeGreaterThanOrEqual(c));
      }),
      { numRuns: 200, seed: 3 },
    );
  });

  it('SLT cumulative BLEU-n never increases with n beyond the first zero precision', () => {
    fc.assert(
      fc.property(pairs, (ps) => {
        const s = sltBleu(ps.map((p) => p[0]), [ps.map((p) => p[1])]);
        const seq = [s.bleu1, s.bleu2, s.bleu3, s.bleu4];
        const z = s.precisions.findIndex((p) => p === 0);
        if (z >= 0) for (let k = z; k < 4; k++) expect(seq[k]).toBe(0);
        for (const v of seq) expect(v).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200, seed: 4 },
    );
  });
});
