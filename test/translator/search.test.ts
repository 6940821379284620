import { describe, expect, it } from 'vitest';
import { beamSearch, greedySearch, type StepModel } from '../../translator/search.js';

const BOS = 0;
const EOS = 1;

/** A toy decoder whose next-token distribution depends on the whole prefix (kept as the cache). */
function toyModel(V: number, dist: (input: number, prefix: number[]) => number[]): StepModel<{ input: number; prefix: number[] }[]> {
  return {
    vocabSize: V,
    step(cache, tokens) {
      const next = cache.map((c, i) => ({ input: c.input, prefix: [...c.prefix, tokens[i]] }));
      const lp = new Float32Array(next.length * V);
      next.forEach((c, i) => {
        const p = dist(c.input, c.prefix.slice(1));
        for (let v = 0; v < V; v++) lp[i * V + v] = Math.log(p[v]);
      });
      return { logProbs: lp, cache: next };
    },
    select(cache, rows) {
      return Array.from(rows, (r) => cache[r]);
    },
  };
}

/** Pseudo-random distribution from a hash of (input, prefix); EOS gets likelier with length. */
function hashedDist(V: number) {
  return (input: number, prefix: number[]) => {
    let h = 2166136261 ^ input;
    for (const t of prefix) h = Math.imul(h ^ (t + 7), 16777619);
    const w: number[] = [];
    for (let v = 0; v < V; v++) {
      h = Math.imul(h ^ v, 16777619) >>> 0;
      w.push(0.05 + (h % 1000) / 1000);
    }
    w[BOS] = 1e-6;
    w[EOS] = prefix.length >= 2 ? prefix.length * 0.4 : 1e-3;
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / s);
  };
}

const init = (n: number) => Array.from({ length: n }, (_, input) => ({ input, prefix: [] as number[] }));

describe('beam search', () => {
  it('beam 1 equals greedy decoding, for every input of a batch', async () => {
    const V = 9;
    const m = toyModel(V, hashedDist(V));
    const opts = { bos: BOS, eos: EOS, maxLength: 12, lengthPenalty: 0 };
    const beam = await beamSearch(m, init(6), 6, { ...opts, beam: 1 });
    const greedy = await greedySearch(m, init(6), 6, opts);
    for (let b = 0; b < 6; b++) {
      expect(beam[b][0].tokens).toEqual(greedy[b].tokens);
      expect(beam[b][0].logProb).toBeCloseTo(greedy[b].logProb, 5);
    }
    // The inputs really differ (the test would be vacuous otherwise).
    expect(new Set(greedy.map((g) => g.tokens.join(','))).size).toBeGreaterThan(1);
  });

  it('finds the best path that greedy misses', async () => {
    // Step 1: token 2 (0.6) vs token 3 (0.4). After 2 every continuation is flat (best 0.25);
    // after 3, token 4 has 0.95 → path [3, 4] has p = 0.38 > 0.6 · 0.25 = 0.15.
    const V = 6;
    const dist = (_: number, prefix: number[]) => {
      if (prefix.length === 0) return [0, 0, 0.6, 0.4, 0, 0].map((x) => x || 1e-9);
      if (prefix.length === 1 && prefix[0] === 2) return [1e-9, 1e-9, 0.25, 0.25, 0.25, 0.25];
      if (prefix.length === 1 && prefix[0] === 3) return [1e-9, 0.01, 0.01, 0.01, 0.95, 0.02];
      return [1e-9, 1, 1e-9, 1e-9, 1e-9, 1e-9];
    };
    const m = toyModel(V, dist);
    const opts = { bos: BOS, eos: EOS, maxLength: 5, lengthPenalty: 0 };
    const greedy = await greedySearch(m, init(1), 1, opts);
    expect(greedy[0].tokens[0]).toBe(2);
    const beam = await beamSearch(m, init(1), 1, { ...opts, beam: 2 });
    expect(beam[0][0].tokens).toEqual([3, 4]);
    expect(beam[0][0].logProb).toBeCloseTo(Math.log(0.4 * 0.95), 4);
    expect(beam[0].length).toBe(2);
  });

  it('agrees with exhaustive search on small random problems', async () => {
    const V = 5;
    const dist = hashedDist(V);
    const m = toyModel(V, dist);
    const maxLength = 4;
    // Exhaustive best complete sequence (ending in EOS or at maxLength).
    const best = (input: number) => {
      let bestLp = -Infinity;
      let bestToks: number[] = [];
      const rec = (prefix: number[], lp: number) => {
        const p = dist(input, prefix);
        for (let v = 0; v < V; v++) {
          if (v === BOS) continue;
          const l = lp + Math.log(p[v]);
          if (v === EOS) { if (l > bestLp) { bestLp = l; bestToks = prefix.slice(); } continue; }
          const np = [...prefix, v];
          if (np.length === maxLength) { if (l > bestLp) { bestLp = l; bestToks = np; } continue; }
          rec(np, l);
        }
      };
      rec([], 0);
      return { bestLp, bestToks };
    };
    const res = await beamSearch(m, init(4), 4, { bos: BOS, eos: EOS, maxLength, lengthPenalty: 0, beam: 60 });
    for (let b = 0; b < 4; b++) {
      const ex = best(b);
      expect(res[b][0].tokens).toEqual(ex.bestToks);
      expect(res[b][0].logProb).toBeCloseTo(ex.bestLp, 4);
    }
  });

  it('respects maxLength', async () => {
    const V = 4;
    const m = toyModel(V, () => [1e-9, 1e-9, 0.5, 0.5]); // never ends
    const res = await beamSearch(m, init(2), 2, { bos: BOS, eos: EOS, maxLength: 7, beam: 3 });
    for (const r of res) for (const h of r) expect(h.tokens.length).toBe(7);
    const g = await greedySearch(m, init(2), 2, { bos: BOS, eos: EOS, maxLength: 7 });
    expect(g[0].tokens.length).toBe(7);
  });
});
