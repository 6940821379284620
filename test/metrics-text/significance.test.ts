import { describe, expect, it } from 'vitest';
import { BLEU } from '../../benchmark/metrics/text/bleu.js';
import { CHRF } from '../../benchmark/metrics/text/chrf.js';
import { PCG64, seedSequenceState } from '../../benchmark/metrics/text/numpyrng.js';
import { estimateCi, numpyMean, pairedBootstrap } from '../../benchmark/metrics/text/significance.js';
import { describeShared } from '../shared.js';
import { fixtureLines } from './helpers.js';

describe('numpy default_rng reproduction', () => {
  // Vectors printed by numpy 2.4: SeedSequence(12345).generate_state(8), default_rng(12345).bit_generator.random_raw(3),
  // default_rng(12345).choice(240, size=(2, 6)), default_rng(12345).integers(0, 7, size=8).
  it('SeedSequence state words', () => {
    expect(Array.from(seedSequenceState(12345, 8))).toEqual([
      2688385916, 3048105090, 4196366895, 3152189807, 924159892, 1692637855, 2685664627, 1052446614,
    ]);
  });

  it('PCG64 raw 64-bit outputs', () => {
    const g = new PCG64(12345);
    expect([g.nextUint64(), g.nextUint64(), g.nextUint64()]).toEqual([
      4193609425186963869n, 5843160025838961886n, 14708796524633321433n,
    ]);
  });

  it('choice(n, replace=True) and integers(0, n)', () => {
    const out = new Int32Array(12);
    new PCG64(12345).choice(240, out);
    expect(Array.from(out)).toEqual([167, 54, 189, 76, 49, 191, 154, 162, 237, 93, 201, 79]);
    const small = new Int32Array(8);
    new PCG64(12345).choice(7, small);
    expect(Array.from(small)).toEqual([4, 1, 5, 2, 1, 5, 4, 4]);
  });

  it('numpy pairwise mean in float32 and float64', () => {
    // float32 summation differs from naive float64 summation: compare against an explicit float32 naive sum
    const a = Array.from({ length: 1000 }, (_, i) => Math.fround(((i * 7919) % 1000) / 7 + 0.1));
    const naive64 = a.reduce((s, x) => s + x, 0) / a.length;
    expect(Math.abs(numpyMean(a, false) - naive64)).toBeLessThan(1e-9);
    expect(Math.fround(numpyMean(a, true))).toBe(numpyMean(a, true));
    const { ci } = estimateCi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40], false);
    expect(ci).toBe(0.5 * (39 - 2)); // lower index 40//40 = 1, upper 40-1-1 = 38
  });
});

describeShared(['fixtures', 'metrics'], 'paired bootstrap on fixtures/metrics', () => {
  const hyp = fixtureLines('hyp.txt');
  const ref = fixtureLines('ref.txt');
  const ref2 = fixtureLines('ref2.txt');
  // Baseline: the hypotheses with every 15th line replaced by the ref2 line and every 11th by the reference line.
  const base = hyp.map((h, i) => (i % 15 === 0 ? ref2[i]! : i % 11 === 0 ? ref[i]! : h));

  it('reproduces sacrebleu 2.6.0 PairedTest(test_type="bs", n_samples=1000), SACREBLEU_SEED 12345, numpy 2.4', () => {
    const res = pairedBootstrap(base, [{ name: 'sys', hyps: hyp }], [ref], [new BLEU(), new CHRF(), new CHRF({ wordOrder: 2 })]);
    // Figures printed by sacrebleu 2.6.0's PairedTest on the same inputs (scores: actual; mean/ci: bootstrap; p).
    const want = [
      { metric: 'BLEU', bl: [59.1233055247473, 59.023064794921616, 4.462645724115422], sys: [57.85183880924645, 57.92359496521246, 3.877756498290811, 0.15784215784215785] },
      { metric: 'chrF2', bl: [72.63336595485855, 72.65898132324219, 3.904449462890625], sys: [74.1896328841504, 74.24620056152344, 3.3355178833007812, 0.11688311688311688] },
      { metric: 'chrF2++', bl: [72.46400145292698, 72.49311828613281, 3.8696327209472656], sys: [74.18256119640449, 74.24139404296875, 3.2218780517578125, 0.1008991008991009] },
    ];
    res.forEach((r, i) => {
      const w = want[i]!;
      expect(r.metric).toBe(w.metric);
      const got = [r.baseline.score, r.baseline.mean, r.baseline.ci];
      got.forEach((g, j) => expect(Math.abs(g - w.bl[j]!)).toBeLessThan(1e-9));
      const s = r.systems[0]!;
      [s.score, s.mean, s.ci, s.pValue].forEach((g, j) => expect(Math.abs(g - w.sys[j]!)).toBeLessThan(1e-9));
    });
    expect(res[0]!.signature).toBe('nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0');
    expect(res[1]!.signature).toBe('nrefs:1|bs:1000|seed:12345|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0');
  });

  it('is deterministic; a system against itself gets p = 1/(S+1) (sacrebleu counts only strictly larger differences)', () => {
    const a = pairedBootstrap(hyp, [{ name: 'same', hyps: hyp }], [ref], [new CHRF()], { nSamples: 100 });
    const b = pairedBootstrap(hyp, [{ name: 'same', hyps: hyp }], [ref], [new CHRF()], { nSamples: 100 });
    expect(a[0]!.systems[0]!.pValue).toBe(1 / 101);
    expect(a).toEqual(b);
    const c = pairedBootstrap(hyp, [{ name: 'same', hyps: hyp }], [ref], [new CHRF()], { nSamples: 100, seed: 1 });
    expect(c[0]!.baseline.mean).not.toBe(a[0]!.baseline.mean);
  });
});

