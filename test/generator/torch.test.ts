import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../nn/backend.js';
import { loadCheckpoint } from '../../nn/checkpoint.js';
import { getConfig, type GeneratorConfig } from '../../generator/config.js';
import { BatchSampler } from '../../generator/data.js';
import { createGeneratorParams, generatorLoss } from '../../generator/model.js';
import { statsFromJson } from '../../generator/normalization.js';
import { PACK_MANIFEST, type PackManifest } from '../../generator/pack.js';
import { GeneratorRuntime } from '../../generator/runtime.js';
import { defaultPython, packForTorch, TORCH_TRAINER, trainGeneratorTorch } from '../../generator/torch-train.js';
import { Vocab } from '../../generator/tokenizer.js';
import { syntheticPairs } from './synthetic.js';

const python = defaultPython();
const hasTorch = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.warn(`[skip] generator PyTorch trainer tests: ${python} cannot import torch and numpy (optional accelerator; pip install torch numpy to run them)`);

const micro: GeneratorConfig = getConfig('tiny', {
  name: 'micro', d: 32, heads: 4, encoderLayers: 1, decoderLayers: 2, ff: 64, batch: 8, steps: 30, lr: 3e-3, warmupSteps: 3,
  frameStride: 2, alignLossWeight: 0.5, dropout: 0.1,
});
const corpus = { name: 'synthetic', version: 'test', hash: null, sentences: 48 };

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'gen-torch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasTorch)('generator PyTorch trainer (generator/torch/train.py)', () => {
  it('computes the same loss as the tfjs model on the same pack and weights', async () => {
    const out = join(dir, 'parity');
    const train = syntheticPairs(24, 3);
    const { packDir, initDir } = await packForTorch({ train, config: micro, outDir: out, seed: 9, corpus });
    const pack = JSON.parse(readFileSync(join(packDir, PACK_MANIFEST), 'utf8')) as PackManifest;
    expect(pack.splits.train).toMatchObject({ examples: 24, align: true });
    // The tfjs loss of the first 8 examples as one batch, with the initial weights, no dropout, noise or self-feed.
    const ck = loadCheckpoint(initDir);
    const vocab = new Vocab(ck.manifest.vocab ?? [], 'word');
    const params = createGeneratorParams(micro, vocab.size, 1);
    ck.loadInto(params);
    const stats = statsFromJson(ck.manifest.extra?.poseStats, 'init');
    const sampler = new BatchSampler(train, vocab, micro, 9, 8, stats);
    const ts = tf.tidy(() => {
      const r = generatorLoss(params, micro, sampler.batchOf([0, 1, 2, 3, 4, 5, 6, 7]), { stats, standardized: true });
      return { loss: r.loss.dataSync()[0], pose: r.pose.dataSync()[0], hand: r.hand.dataSync()[0], align: r.align.dataSync()[0], length: r.length.dataSync()[0] };
    });
    params.dispose();
    const py = JSON.parse(execFileSync(python, [TORCH_TRAINER, packDir, '--init', initDir, '--out', join(out, 'unused'), '--device', 'cpu', '--check-loss', '8'], { encoding: 'utf8' })) as typeof ts;
    expect(ts.align).toBeGreaterThan(0);
    expect(ts.hand).toBeGreaterThan(0);
    for (const k of ['loss', 'pose', 'hand', 'align', 'length'] as const) expect(Math.abs(py[k] - ts[k])).toBeLessThan(1e-5 * Math.max(1, Math.abs(ts[k])));
  }, 60_000);

  it('trains a micro model whose ONNX export runs, and refuses --resume', async () => {
    const out = join(dir, 'model');
    const log: string[] = [];
    const r = await trainGeneratorTorch({
      train: syntheticPairs(48, 1), dev: syntheticPairs(8, 2), config: micro, outDir: out, seed: 5,
      corpus, command: 'test', device: 'cpu', python, onLog: (l) => log.push(l),
    });
    expect(r.steps).toBe(30);
    // The trainer's messages come through onLog (nothing goes to stderr).
    expect(log.some((l) => /^\[torch\] packed 48 training examples/.test(l))).toBe(true);
    expect(log.some((l) => /^\[torch\] done: 30 steps/.test(l))).toBe(true);
    expect(r.backend).toMatch(/^torch/);
    expect(existsSync(join(out, 'pack'))).toBe(false);
    const ck = loadCheckpoint(r.checkpointDir);
    expect(ck.optimizerTensors().size).toBeGreaterThan(0);
    const h = (ck.manifest.extra?.history as { loss: number }[]).map((p) => p.loss);
    expect(h[h.length - 1]).toBeLessThan(h[0] * 0.8);
    expect(r.metrics.dev_pose_mse).toBeGreaterThan(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.training.backend).toMatch(/^torch/);
    expect(m.normalization).toMatchObject({ fps: 12, size: 480 });
    const rt = await GeneratorRuntime.load(out);
    const seq = await rt.generate('hello world');
    await rt.release();
    expect(seq.frames).toBeGreaterThanOrEqual(8);
    await expect(trainGeneratorTorch({ train: syntheticPairs(8, 1), config: micro, outDir: out, resume: true, corpus, python })).rejects.toThrow(/resume: the PyTorch trainer starts runs/);
  }, 300_000);
});
