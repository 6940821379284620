import { GeneratorRuntime } from './generator/runtime.js';
import { loadTrainingCorpus } from './translator/corpus-data.js';
import { Translator, defaultModelDir } from './translator/runtime.js';
import { corpusBleu } from './benchmark/metrics/text/bleu.js';
import { glossTokens } from './generator/nar/glosses.js';
const c = await loadTrainingCorpus('procedural');
const rt = await GeneratorRuntime.load(process.argv[2]);
const judge = await Translator.load(defaultModelDir());
const test = c.test.slice(0, 40);
const refs = test.map((e) => e.text.toLowerCase());
const a: string[] = []; const b: string[] = []; let exact = 0;
for (const e of test) {
  const gl = glossTokens(e.glosses.map((g) => g.gloss), e.text).slice(1, -1);
  const pred = await rt.glossesOf(e.text);
  if (pred.join(' ') === gl.join(' ')) exact++;
  a.push((await judge.translate(await rt.generate(e.text))).text);
  b.push((await judge.translate(await rt.generateGlosses(gl))).text);
}
console.log('gloss exact', exact, '/', test.length, 'BLEU predicted glosses', corpusBleu(a, [refs]).score.toFixed(2), 'true glosses', corpusBleu(b, [refs]).score.toFixed(2));
for (let i = 0; i < 5; i++) console.log(refs[i], '|', b[i]);
