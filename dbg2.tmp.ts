import { GeneratorRuntime } from './generator/runtime.js';
import { loadTrainingCorpus } from './translator/corpus-data.js';
import { dtwMje } from './benchmark/metrics/pose/dtw-mje.js';
const c = await loadTrainingCorpus('procedural');
const rts = await Promise.all(process.argv.slice(2).map((d) => GeneratorRuntime.load(d)));
const acc: Record<string, number[]> = {};
for (const e of (process.env.SPLIT === "train" ? c.train : c.test).slice(0, 20)) {
  const ref = e.sequence();
  for (const [k, rt] of rts.entries()) {
    const seq = await rt.generate(e.text);
    const r = dtwMje(seq, ref);
    const key = process.argv[2 + k];
    acc[key] ??= [0, 0, 0, 0, 0];
    acc[key][0] += r.dtwMje; acc[key][1] += r.parts.body ?? 0; acc[key][2] += r.parts.face ?? 0; acc[key][3] += r.parts.hands ?? 0; acc[key][4] += seq.frames / ref.frames;
  }
}
for (const [k, v] of Object.entries(acc)) console.log(k, v.map((x) => (x / 20).toFixed(4)).join(' '), '(mje body face hands lenratio)');
