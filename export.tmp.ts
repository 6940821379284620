import { exportNarCheckpoint } from './generator/nar/train.js';
import { corpusVersion } from './corpus/procedural/index.js';
const [ckpt, out, command] = process.argv.slice(2);
const m = exportNarCheckpoint(ckpt, out, { corpus: { name: 'procedural', version: corpusVersion(), hash: null, sentences: 5000 }, command: command ?? '' });
console.log(JSON.stringify({ steps: m.training.steps, metrics: m.metrics }));
