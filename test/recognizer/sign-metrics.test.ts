import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { alignSpans, signMetrics } from '../../benchmark/metrics/sign/index.js';
import { renderGlosses } from '../../corpus/procedural/index.js';
import { isSignbenchError } from '../../pose/errors.js';
import { PoseSequence } from '../../pose/sequence.js';
import { FRAME_STRIDE } from '../../pose/skeleton.js';
import { resample } from '../../pose/transforms.js';
import { Recognizer } from '../../recognizer/runtime.js';

/** Uses the committed default model (models/recognizer). */
let rec: Recognizer;
beforeAll(async () => { rec = await Recognizer.load(); });
afterAll(async () => { await rec.release(); });

const refs = [
  renderGlosses(['MOTHER', 'HOUSE', 'BOOK', 'EAT'], 3, 1),
  renderGlosses(['WHO', 'DRINK', 'YESTERDAY'], 8, 2),
  renderGlosses(['FATHER', 'NOT', 'WHERE'], 12, 3), // left-handed held-out signer
];

function still(seq: PoseSequence): PoseSequence {
  const data = new Float32Array(seq.data.length);
  for (let t = 0; t < seq.frames; t++) data.set(seq.data.subarray(0, FRAME_STRIDE), t * FRAME_STRIDE);
  return new PoseSequence({ ...seq.meta, glosses: [] }, data);
}

describe('aligned sign accuracy and phonological agreement', () => {
  it('ground truth scores high, a motionless signer near zero; the block has intervals and a signature', async () => {
    const truth = await signMetrics(refs.map((sequence) => ({ sequence })), refs, { recognizer: rec, bootstrap: 200 });
    expect(truth.segments).toBe(10);
    expect(truth.accuracy_top1).toBeGreaterThanOrEqual(90);
    expect(truth.accuracy_top5).toBe(100);
    expect(truth.phonology).toEqual({ location: 100, movement: 100, orientation: 100, handshape: 100 });
    const ci = truth.ci95!;
    expect(ci.accuracy_top1[0]).toBeLessThanOrEqual(truth.accuracy_top1);
    expect(ci.accuracy_top1[1]).toBeGreaterThanOrEqual(truth.accuracy_top1);
    expect(truth.signature).toMatch(/^sign\|recognizer:[0-9a-f]{12}\|align:dtw-exact-armhand27-shoulder\|.*\|version:1\.0\.0$/);
    const frozen = await signMetrics(refs.map((sequence) => ({ sequence })), refs.map(still), { recognizer: rec, bootstrap: 0 });
    expect(frozen.accuracy_top1).toBeLessThanOrEqual(20);
    expect(frozen.ci95).toBeNull();
  }, 60_000);

  it('cuts a slowed-down copy at the stretched boundaries', () => {
    const ref = refs[0];
    const slow = resample(ref, ref.frames * 2, 'linear');
    const cuts = alignSpans(ref, slow, ref.meta.glosses!)!;
    ref.meta.glosses!.forEach((g, k) => {
      expect(Math.abs(cuts[k].start - 2 * g.start)).toBeLessThanOrEqual(3);
      expect(Math.abs(cuts[k].end - 2 * g.end)).toBeLessThanOrEqual(3);
    });
  });

  it('counts an empty hypothesis as wrong and refuses references without timings', async () => {
    const empty = PoseSequence.empty({ id: 'e', fps: 24, width: 10, height: 10 }, 0);
    const b = await signMetrics([{ sequence: refs[0] }], [empty], { recognizer: rec, bootstrap: 0 });
    expect(b.unaligned).toBe(1);
    expect(b.accuracy_top1).toBe(0);
    const noTimings = new PoseSequence({ ...refs[0].meta, glosses: [] }, refs[0].data);
    await expect(signMetrics([{ sequence: noTimings }], [refs[0]], { recognizer: rec })).rejects.toSatisfy((e) => isSignbenchError(e, 'invalid-input'));
    await expect(signMetrics([{ sequence: refs[0] }], [], { recognizer: rec })).rejects.toThrow(/1 references but 0 hypotheses/);
  });
});
