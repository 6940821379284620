import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../nn/backend.js';
import { saveCheckpoint } from '../nn/checkpoint.js';
import { PoseSequence } from '../pose/sequence.js';
import { BODY, POINTS } from '../pose/skeleton.js';
import type { TrainingExample } from '../corpus/training.js';
import { getConfig } from '../translator/config.js';
import { exportTranslator } from '../translator/export.js';
import { FEATURE_DIM, FEATURE_STRIDE } from '../translator/features.js';
import { createTranslatorParams } from '../translator/network.js';
import { Translator } from '../translator/runtime.js';
import { trainTranslator } from '../translator/train.js';
import { Vocab } from '../translator/vocab.js';
import { fmt, peakRssMiB } from './lib.js';

const MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'translator');

/** Moving synthetic signer (used when the procedural corpus is unavailable): `frames` frames, all points present. */
function synthetic(id: string, frames: number, seed: number): PoseSequence {
  const s = PoseSequence.empty({ id, fps: 24, width: 640, height: 480 }, frames);
  for (let t = 0; t < frames; t++) {
    for (let p = 0; p < POINTS; p++) {
      const a = seed * 0.37 + p * 0.11 + t * 0.05 * (p >= 86 ? 3 : 0.2);
      s.set(t, p, 0.5 + 0.2 * Math.cos(a), 0.5 + 0.2 * Math.sin(a * 1.3), 1);
    }
    s.set(t, BODY.neck, 0.5, 0.45, 1);
    s.set(t, BODY.rShoulder, 0.42, 0.45, 1);
    s.set(t, BODY.lShoulder, 0.58, 0.45, 1);
  }
  return s;
}

async function corpusExamples(n: number): Promise<{ examples: TrainingExample[]; source: string }> {
  try {
    const { loadTrainingCorpus } = await import('../translator/corpus-data.js');
    const c = await loadTrainingCorpus('procedural');
    if (c.test.length > 0) {
      const pool = [...c.test, ...c.dev, ...c.train];
      return { examples: Array.from({ length: n }, (_, i) => pool[i % pool.length]), source: `procedural corpus ${c.version}` };
    }
  } catch { /* fall through to synthetic */ }
  const words = ['i', 'you', 'see', 'want', 'go', 'home', 'today', 'water', 'friend', 'book', 'eat', 'tomorrow'];
  return {
    examples: Array.from({ length: n }, (_, i) => {
      const text = Array.from({ length: 4 + (i % 6) }, (_, k) => words[(i * 7 + k * 5) % words.length]).join(' ');
      return { id: `syn${i}`, text, sequence: () => synthetic(`syn${i}`, 96 + (i % 5) * 16, i) };
    }),
    source: 'synthetic sequences (procedural corpus unavailable)',
  };
}

export async function run(): Promise<void> {
  const backend = await initBackend();
  const tmp = mkdtempSync(join(tmpdir(), 'translator-bench-'));
  try {
    const { examples, source } = await corpusExamples(1000);
    console.log(`data: ${source}`);

    // Translation throughput: 1,000 sequences, greedy, ORT CPU 2 threads.
    let modelDir = MODEL_DIR;
    let trained = true;
    if (!existsSync(join(MODEL_DIR, 'manifest.json'))) {
      trained = false;
      const cfg = getConfig('tiny');
      const vocab = Vocab.build(examples.map((e) => e.text), 'word');
      const params = createTranslatorParams(cfg, vocab.size, 1);
      saveCheckpoint(join(tmp, 'ckpt'), { params, step: 0, config: { model: 'translator', translator: cfg, featureDim: FEATURE_DIM, featureStride: FEATURE_STRIDE, seed: 1, batch: 16 }, vocab: vocab.tokens.slice() });
      params.dispose();
      exportTranslator(join(tmp, 'ckpt'), join(tmp, 'model'));
      modelDir = join(tmp, 'model');
    }
    const t = await Translator.load(modelDir, { threads: 2, providers: ['cpu'] });
    const seqs = examples.map((e) => e.sequence());
    await t.translateBatch(seqs.slice(0, 32)); // warm-up
    const t0 = performance.now();
    const out = await t.translateBatch(seqs, { beam: 1, batchSize: 32 });
    const secs = (performance.now() - t0) / 1000;
    const tokens = out.reduce((n, o) => n + o.tokens.length + 1, 0);
    console.log(`translate (${trained ? 'models/translator' : 'untrained tiny: worst-case lengths'}, greedy, ORT cpu 2 threads, batch 32): `
      + `1,000 sequences in ${fmt(secs)} s = ${fmt(1000 / secs, 1)} seq/s, ${fmt(tokens / secs, 0)} tokens/s; `
      + `${fmt(secs / 60 * 100, 1)}% of the 60 s target (${secs <= 60 ? 'meets' : 'MISSES'} it)`);
    const t1 = performance.now();
    await t.translateBatch(seqs.slice(0, 200), { beam: 4, batchSize: 32 });
    const beamSecs = (performance.now() - t1) / 1000;
    console.log(`translate beam 4: 200 sequences in ${fmt(beamSecs)} s = ${fmt(200 / beamSecs, 1)} seq/s (${fmt((beamSecs / 200) / (secs / 1000), 1)}× greedy per sequence)`);
    await t.release();

    // Training speed per config (tfjs, one process).
    for (const name of ['tiny', 'small']) {
      const cfg = getConfig(name);
      const steps = name === 'tiny' ? 8 : 4;
      const res = await trainTranslator({ config: cfg, train: examples.slice(0, 200), outDir: join(tmp, `train-${name}`), steps, seed: 1, checkpointEvery: 1000 });
      const ref = name === 'tiny' ? ' (reference/ml-stack.md: 0.37–0.40 s/step for this size at 64 frames)' : '';
      console.log(`train ${name} (${res.params.toLocaleString('en-US')} params, batch ${cfg.batch}, backend ${backend}): ${fmt(res.stepsPerSecond, 2)} steps/s = ${fmt(1 / res.stepsPerSecond, 2)} s/step over ${steps} steps${ref}`);
    }
    console.log(`peak RSS ${fmt(peakRssMiB(), 0)} MiB`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
