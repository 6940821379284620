import { GeneratorRuntime } from './generator/runtime.js';
import { loadTrainingCorpus } from './translator/corpus-data.js';
import { Translator, defaultModelDir } from './translator/runtime.js';
import { dtwMje } from './benchmark/metrics/pose/dtw-mje.js';
const c = await loadTrainingCorpus('procedural');
const rt = await GeneratorRuntime.load(process.argv[2]);
const judge = await Translator.load(defaultModelDir());
for (const e of [...c.test.slice(0, 3), ...c.train.slice(0, 2)]) {
  const ref = e.sequence();
  const gl = await rt.glossesOf(e.text);
  const seq = await rt.generate(e.text);
  const t = await judge.translate(seq);
  const tr = await judge.translate(ref);
  console.log(e.text, '|', e.glosses.map(g=>g.gloss).join(' '), '| pred', gl.join(' '), '| frames', seq.frames, ref.frames, '| mje', dtwMje(seq, ref).dtwMje.toFixed(4));
  console.log('  judge gen:', t.text, '| judge ref:', tr.text);
  for (const p of [1, 4, 7, 100, 120]) console.log('  pt', p, 'gen', seq.x(40,p).toFixed(3), seq.y(40,p).toFixed(3), seq.c(40,p).toFixed(2), 'ref', ref.x(40,p).toFixed(3), ref.y(40,p).toFixed(3), ref.c(40,p).toFixed(2));
}
