import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { PoseSequence } from '../../pose/index.js';
import { ptCounter, readPtSkels } from '../../pose/formats/pt-skels.js';
import { readPoseFile } from '../../pose/formats/pose-format.js';
import { dtwMje, dtwMjeCorpus } from '../../benchmark/metrics/pose/dtw-mje.js';
import { frechetPoseDistance } from '../../benchmark/metrics/pose/frechet.js';
import { pairById } from '../../benchmark/metrics/pose/pairs.js';
import { slrtpPoseScores } from '../../benchmark/protocols/slrtp.js';
import { describeShared, sharedPath } from '../shared.js';

// Numbers computed on real data are printed (with their signatures) so that runs can be compared; the assertions
// check relations that must hold whatever the exact values.

async function readSkels(path: string): Promise<{ seqs: PoseSequence[]; counters: Map<string, Float32Array> }> {
  const seqs: PoseSequence[] = [];
  const counters = new Map<string, Float32Array>();
  for await (const item of readPtSkels(path)) {
    seqs.push(item.seq);
    counters.set(item.seq.id, ptCounter(item.raw));
  }
  return { seqs, counters };
}

describeShared(['fixtures', 'pt-skels', 'sign-idd-predictions'], 'PT skels: ground truth vs Sign-IDD predictions', () => {
  for (const split of ['dev', 'test'] as const) {
    it(`${split}: slrtp and dtw protocols`, async () => {
      const gt = await readSkels(sharedPath('fixtures', 'pt-skels', `${split}.skels`));
      const pred = await readSkels(sharedPath('fixtures', 'pt-skels', 'sign-idd-predictions', `${split}.pred.skels`));
      expect(gt.seqs).toHaveLength(5);
      const counter = (seq: PoseSequence, side: 'hyp' | 'ref') => (side === 'hyp' ? pred : gt).counters.get(seq.id);
      const self = slrtpPoseScores(gt.seqs, gt.seqs, { counter: (s) => gt.counters.get(s.id) });
      expect(self).toMatchObject({ n: 5, dtw_mje: 0, total_distance: 1, avg_duration: 1, pt_dtw: 0 });
      const s = slrtpPoseScores(pred.seqs, gt.seqs, { counter });
      expect(s.n).toBe(5);
      expect(s.dtw_mje).toBeGreaterThan(0);
      expect(s.pt_dtw).toBeGreaterThan(0);
      const pairs = pairById(pred.seqs, gt.seqs);
      const d = dtwMjeCorpus(pairs);
      expect(d.dtwMje).toBeGreaterThan(0);
      expect(d.parts.face).toBeNull(); // PT skeletons have no face
      expect(d.parts.hands).not.toBeNull();
      const fpd = frechetPoseDistance(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
      expect(fpd.fpd).toBeGreaterThan(0);
      console.log(`[pt-skels ${split}] sign-idd vs gt slrtp ${JSON.stringify(s)}`);
      console.log(`[pt-skels ${split}] sign-idd vs gt dtw ${JSON.stringify({ dtw_mje: d.dtwMje, parts: d.parts, length_ratio: d.lengthRatio, fpd: fpd.fpd })}`);
    });
  }
});

describeShared(['corpus', 'dgs-sentences'], 'DGS sentences: real _original vs dictionary-stitched _updated', () => {
  it('the test split pairs (exact DTW-MJE, both spaces, and the slrtp protocol)', async () => {
    const dir = sharedPath('corpus', 'dgs-sentences', 'test');
    const stems = readdirSync(dir).filter((f) => f.endsWith('_original.pose')).map((f) => f.replace(/_original\.pose$/, '')).sort();
    expect(stems.length).toBeGreaterThan(0);
    const pairs: [PoseSequence, PoseSequence][] = [];
    for (const stem of stems) {
      const ref = await readPoseFile(`${dir}/${stem}_original.pose`);
      const hyp = await readPoseFile(`${dir}/${stem}_updated.pose`);
      pairs.push([hyp.clone({ id: stem }), ref.clone({ id: stem })]);
    }
    const one = dtwMje(pairs[0][0], pairs[0][1]);
    expect(one.dtwMje).toBeGreaterThan(0);
    expect(dtwMje(pairs[0][1], pairs[0][1].clone()).dtwMje).toBe(0);
    const d = dtwMjeCorpus(pairs);
    const sw = dtwMjeCorpus(pairs, { space: 'shoulder-width' });
    const s = slrtpPoseScores(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
    expect(d.n).toBe(stems.length);
    expect(sw.dtwMje).toBeGreaterThan(d.dtwMje); // a shoulder width is smaller than the frame
    console.log(`[dgs-sentences test, ${stems.length} pairs] dtw ${JSON.stringify({ dtw_mje: d.dtwMje, parts: d.parts, length_ratio: d.lengthRatio, signature: d.signature })}`);
    console.log(`[dgs-sentences test] dtw shoulder-width ${JSON.stringify({ dtw_mje: sw.dtwMje, parts: sw.parts })}`);
    console.log(`[dgs-sentences test] slrtp ${JSON.stringify(s)}`);
  });
});
