import { describe, expect, it } from 'vitest';
import { isSignbenchError } from '../../pose/errors.js';
import { scoreRecognition, validatePredictions } from '../../benchmark/recognition/index.js';

const labels = { a: 'HOUSE', b: 'HOUSE', c: 'BOOK', d: 'EAT' };

describe('recognition track scoring', () => {
  it('scores top-1 and top-5 overall and per class; missing items count as wrong', () => {
    const s = scoreRecognition(labels, { a: ['HOUSE'], b: ['BOOK', 'HOUSE'], c: ['EAT', 'X', 'Y', 'Z', 'W'] });
    expect(s.n).toBe(4);
    expect(s.missing).toBe(1);
    expect(s.top1).toBe(25);
    expect(s.top5).toBe(50);
    expect(s.perClass.HOUSE).toEqual({ n: 2, top1: 50, top5: 100 });
    expect(s.perClass.BOOK).toEqual({ n: 1, top1: 0, top5: 0 });
    expect(s.perClass.EAT).toEqual({ n: 1, top1: 0, top5: 0 });
    expect(scoreRecognition(labels, { a: ['HOUSE'], b: ['HOUSE'], c: ['BOOK'], d: ['EAT'] }).top1).toBe(100);
  });

  it('rejects malformed predictions with a per-item report', () => {
    for (const bad of [null, [], 'x', 3]) {
      expect(() => validatePredictions(labels, bad)).toThrow(/must be a JSON object/);
    }
    try {
      validatePredictions(labels, { a: [], b: ['1', '2', '3', '4', '5', '6'], c: [3], zz: ['HOUSE'] });
      throw new Error('expected rejection');
    } catch (err) {
      expect(isSignbenchError(err, 'rejected')).toBe(true);
      const detail = (err as { detail: { id: string; problem: string }[] }).detail;
      expect(detail.map((d) => d.id).sort()).toEqual(['a', 'b', 'c', 'zz']);
      expect(detail.find((d) => d.id === 'zz')!.problem).toMatch(/not an item/);
    }
  });
});
