/**
 * Trains (optionally) and evaluates the isolated sign recogniser on held-out procedural signers.
 *   npx tsx scripts/eval/recognizer.ts --model models/recognizer [--per-sign 4] [--corpus-test 500] [--write]
 * --write stores the figures in the model's manifest.json (metrics).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { proceduralCorpus } from '../../corpus/procedural/index.js';
import { corpusClips, signClips } from '../../recognizer/corpus-data.js';
import { evaluateRecognizer } from '../../recognizer/evaluate.js';
import { Recognizer } from '../../recognizer/runtime.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/recognizer' },
    'per-sign': { type: 'string', default: '4' },
    'corpus-test': { type: 'string', default: '500' },
    write: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const rec = await Recognizer.load(values.model);
const perSign = Number(values['per-sign']);
const t0 = performance.now();
const clips = await evaluateRecognizer(rec, signClips({ signers: 'test', perSign, seed: 7 }));
const corpus = proceduralCorpus();
const corpusReport = await evaluateRecognizer(rec, corpusClips(corpus, 'test', Number(values['corpus-test'])));
const secs = (performance.now() - t0) / 1000;
const fmt = (x: number) => (100 * x).toFixed(2);
const summary = {
  heldOutSigners: {
    protocol: `every corpus gloss × ${perSign} clips by the 4 held-out signers (round-robin), cut at the gloss timings of a 3-sign carrier (signClips seed 7)`,
    n: clips.n, top1: clips.top1, top5: clips.top5, classTop1: clips.classTop1, leftHanded: clips.leftHanded, phonology: clips.phonology,
    worst20: clips.worst20.map((c) => ({ gloss: c.gloss, n: c.n, top1: c.top1, top5: c.top5, confusedWith: c.confusedWith.slice(0, 3) })),
  },
  corpusTestSplit: { protocol: `gloss spans of the procedural corpus's test split (${corpus.version}, held-out signers)`, n: corpusReport.n, top1: corpusReport.top1, top5: corpusReport.top5, phonology: corpusReport.phonology },
};
if (values.json) console.log(JSON.stringify(summary, null, 1));
else {
  console.log(`held-out signers, ${clips.n} clips (${rec.glosses.length} glosses): top-1 ${fmt(clips.top1)}%  top-5 ${fmt(clips.top5)}%  class-mean top-1 ${fmt(clips.classTop1)}%`);
  if (clips.leftHanded) console.log(`  left-handed signer: ${clips.leftHanded.n} clips, top-1 ${fmt(clips.leftHanded.top1)}%`);
  console.log(`  phonology heads vs lexicon: ${Object.entries(clips.phonology).map(([k, v]) => `${k} ${fmt(v)}%`).join(', ')}`);
  console.log(`corpus test split, ${corpusReport.n} segments: top-1 ${fmt(corpusReport.top1)}%  top-5 ${fmt(corpusReport.top5)}%`);
  console.log('worst 20 glosses (top-1, top-5, most frequent confusions):');
  for (const c of clips.worst20) console.log(`  ${c.gloss.padEnd(14)} ${fmt(c.top1).padStart(6)}% ${fmt(c.top5).padStart(6)}%  ${c.confusedWith.slice(0, 3).map((x) => `${x.gloss}×${x.count}`).join(' ')}`);
  console.log(`(${secs.toFixed(1)} s)`);
}
if (values.write) {
  const file = join(values.model, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  m.metrics = { ...m.metrics, recognition: summary };
  writeFileSync(file, JSON.stringify(m, null, 1) + '\n');
}
