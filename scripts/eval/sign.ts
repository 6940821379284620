/**
 * Aligned sign accuracy and phonological agreement (benchmark/metrics/sign) on the procedural test split (held-out
 * signers) for ground truth, the committed generator and the mean pose:
 *   npx tsx scripts/eval/sign.ts [--limit 200] [--systems truth,truth-square,generator,mean] [--recognizer DIR] [--generator DIR] [--write]
 * --write stores the table in the recogniser's manifest.json (metrics.sign).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GeneratorRuntime, defaultModelDir as generatorDir } from '../../generator/runtime.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { centreSquareCrop } from '../../pose/transforms.js';
import { Recognizer, defaultModelDir as recognizerDir } from '../../recognizer/runtime.js';
import { loadTrainingCorpus } from '../../translator/corpus-data.js';
import { signMetrics, type SignBlock } from '../../benchmark/metrics/sign/index.js';
import { meanPoseSequence } from '../../benchmark/baselines/systems.js';

const { values } = parseArgs({
  options: {
    limit: { type: 'string', default: '200' },
    systems: { type: 'string', default: 'truth,truth-square,generator,mean' },
    recognizer: { type: 'string' },
    generator: { type: 'string' },
    write: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const systems = new Set(values.systems!.split(','));
const corpus = await loadTrainingCorpus('procedural');
const test = corpus.test.slice(0, Number(values.limit));
const refs = test.map((e) => ({ sequence: e.sequence() }));
const rec = await Recognizer.load(values.recognizer ?? recognizerDir());
const rows: Record<string, SignBlock & { seconds: number }> = {};
const run = async (name: string, hyps: PoseSequence[], t0: number) => {
  const block = await signMetrics(refs, hyps, { recognizer: rec });
  rows[name] = { ...block, seconds: (performance.now() - t0) / 1000 };
  const f = (x: number) => x.toFixed(1);
  const ci = block.ci95!;
  process.stderr.write(`${name.padEnd(12)} top-1 ${f(block.accuracy_top1)} [${ci.accuracy_top1.map(f).join(', ')}]  top-5 ${f(block.accuracy_top5)} [${ci.accuracy_top5.map(f).join(', ')}]  `
    + `loc ${f(block.phonology.location)} mov ${f(block.phonology.movement)} ori ${f(block.phonology.orientation)} hs ${f(block.phonology.handshape)}  (${block.segments} segments, ${block.unaligned} unaligned)\n`);
};
let t0 = performance.now();
if (systems.has('truth')) await run('truth', refs.map((r) => r.sequence), t0);
// ground truth seen through the generator's centre-square view (points outside the square lost): its ceiling
if (systems.has('truth-square')) { t0 = performance.now(); await run('truth-square', refs.map((r) => centreSquareCrop(r.sequence)), t0); }
if (systems.has('generator')) {
  const dir = values.generator ?? generatorDir();
  if (existsSync(join(dir, 'manifest.json'))) {
    t0 = performance.now();
    const g = await GeneratorRuntime.load(dir);
    const hyps: PoseSequence[] = [];
    for (const e of test) hyps.push(await g.generate(e.text, { id: e.id, truncate: true }));
    await g.release();
    await run('generator', hyps, t0);
  } else process.stderr.write(`${dir}: no generator model; skipped\n`);
}
if (systems.has('mean')) {
  t0 = performance.now();
  const mean = meanPoseSequence(corpus.train.slice(0, 300).map((e) => e.sequence()), 'mean-pose');
  await run('mean', test.map(() => mean), t0);
}
const signature = Object.values(rows)[0]?.signature;
process.stderr.write(`signature: ${signature}\n`);
if (values.json) console.log(JSON.stringify(rows, null, 1));
if (values.write) {
  const file = join(values.recognizer ?? recognizerDir(), 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  m.metrics = { ...m.metrics, sign: { protocol: `scripts/eval/sign.ts: first ${test.length} sentences of the procedural test split (${corpus.version}, held-out signers)`, command: `npx tsx scripts/eval/sign.ts --limit ${values.limit}`, rows } };
  writeFileSync(file, JSON.stringify(m, null, 1) + '\n');
}
await rec.release();
