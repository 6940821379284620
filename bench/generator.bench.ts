import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fmt, timeIt } from './lib.js';
import { initBackend } from '../nn/backend.js';
import { Adam } from '../nn/optim.js';
import { CONFIGS, MAX_FRAMES, POSE_DIM, type GeneratorConfig } from '../generator/config.js';
import { createGeneratorParams, generatorLoss, type GeneratorBatch } from '../generator/model.js';
import { GeneratorRuntime, defaultModelDir } from '../generator/runtime.js';
import { saveCheckpoint } from '../nn/checkpoint.js';
import { writePack } from '../generator/pack.js';
import { checkTorch, defaultPython, TORCH_TRAINER } from '../generator/torch-train.js';
import { writeModelDir } from '../generator/train.js';
import { Vocab } from '../generator/tokenizer.js';

/** A random full-length batch (96 frames, 20 tokens): the worst case of SignDW's training shapes. */
function randomBatch(B: number, vocab: number): GeneratorBatch {
  const S = 20;
  const T = MAX_FRAMES;
  const ids = Int32Array.from({ length: B * S }, (_, i) => (i % S === 0 ? 2 : 4 + (i * 7919) % (vocab - 4)));
  const targets = Float32Array.from({ length: B * T * POSE_DIM }, (_, i) => ((i * 2654435761) % 1000) / 1000);
  return { ids, targets, mask: new Float32Array(B * T).fill(1), lengthTarget: new Float32Array(B).fill(1), B, S, T };
}

async function trainingStepsPerSecond(cfg: GeneratorConfig, batch: number, steps: number, warmUp = true): Promise<number> {
  const p = createGeneratorParams(cfg, 2000, 1);
  const opt = new Adam(p, { weightDecay: cfg.weightDecay, clipNorm: cfg.clipNorm });
  const b = randomBatch(batch, 2000);
  const vars = p.variables();
  const step = () => {
    const { value, grads } = tf.variableGrads(() => generatorLoss(p, cfg, b).loss, vars);
    value.dataSync();
    value.dispose();
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[p.publicName(k)] = g;
    opt.apply(named, 1e-4);
  };
  if (warmUp) step(); // warm-up (kernel compilation, allocation)
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const sps = steps / ((performance.now() - t0) / 1000);
  opt.dispose();
  p.dispose();
  return sps;
}

/**
 * The PyTorch trainer's steps/s on the same work (generator/torch/train.py --bench), or null without PyTorch. Runs on
 * CUDA when PyTorch sees a GPU.
 */
function torchStepsPerSecond(cfg: GeneratorConfig, batch: number, steps: number): { sps: number; device: string; threads: number } | null {
  const python = defaultPython();
  try {
    checkTorch(python);
  } catch {
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gen-bench-torch-'));
  try {
    const p = createGeneratorParams(cfg, 2000, 1);
    saveCheckpoint(join(dir, 'init'), { params: p, step: 0, config: cfg, vocab: null });
    p.dispose();
    writePack({ dir, cfg: { ...cfg, batch }, vocab: Vocab.build(['bench']), stats: null, splits: {}, seed: 1 });
    const r = spawnSync(python, [TORCH_TRAINER, dir, '--init', join(dir, 'init'), '--out', join(dir, 'unused'), '--bench', String(steps)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`generator/torch/train.py --bench failed: ${r.stderr.trim().split('\n').pop()}`);
    const o = JSON.parse(r.stdout) as { stepsPerSecond: number; device: string; threads: number };
    return { sps: o.stepsPerSecond, device: o.device, threads: o.threads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Generation latency of one model directory (ORT, 2 threads), either architecture. */
async function timeGeneration(dir: string): Promise<void> {
  const rt = await GeneratorRuntime.load(dir, { threads: 2 });
  const text = 'Yesterday, did they go to the pharmacy?';
  const name = `${rt.manifest.config.name}, ${rt.architecture}`;
  if (rt.architecture === 'non-autoregressive') {
    // The whole pipeline (text → glosses → durations → 96 frames at 24 fps): the durations are scaled to 96 frames.
    const sec = await timeIt(() => rt.generate(text, { frames: 96 }), 3000);
    console.log(`generation, 96 frames at ${rt.fps} fps, ORT ${rt.provider} 2 threads (${name}): ${fmt(sec * 1000, 1)} ms  (target ≤ 20 ms: ${fmt((sec * 1000) / 20, 2)}× of budget)`);
    const seq = await rt.generate(text);
    const secOwn = await timeIt(() => rt.generate(text), 3000);
    console.log(`generation of this sentence at its predicted length (${seq.frames} frames at ${rt.fps} fps): ${fmt(secOwn * 1000, 1)} ms`);
  } else {
    const ids = rt.encodeText(text);
    const sec = await timeIt(() => rt.generateIds(ids), 3000);
    const d = rt.manifest.config.d;
    console.log(`generation, 96 frames, ORT ${rt.provider} (encoder 2 threads, decoder ${d <= 256 ? 1 : 2}) (${name}): ${fmt(sec * 1000, 1)} ms  (target ≤ 20 ms: ${fmt((sec * 1000) / 20, 2)}× of budget)`);
    const stop = await rt.generateIds(ids, { stopAtLength: true });
    const secStop = await timeIt(() => rt.generateIds(ids, { stopAtLength: true }), 3000);
    console.log(`generation of this sentence, stopping at the predicted length (${stop.steps} frames at ${rt.fps} fps): ${fmt(secStop * 1000, 1)} ms`);
  }
  await rt.release();
}

export async function run(): Promise<void> {
  const backend = await initBackend();
  // 1. Generation latency through ONNX Runtime (2 threads): the committed model if present, else a fresh tiny one.
  let dir = defaultModelDir();
  let tmp: string | null = null;
  if (!existsSync(join(dir, 'manifest.json'))) {
    tmp = mkdtempSync(join(tmpdir(), 'gen-bench-'));
    const cfg = CONFIGS.tiny;
    const vocab = Vocab.build(['hello world how are you today']);
    const p = createGeneratorParams(cfg, vocab.size, 1);
    writeModelDir(tmp, p, cfg, vocab, {
      corpus: { name: 'none', version: 'bench', hash: null, sentences: 0 }, metrics: {}, fps: 24, size: 720,
      training: { command: 'bench', steps: 0, seed: 1, backend, stepsPerSecond: 0, date: new Date().toISOString(), parameters: p.count() },
    });
    p.dispose();
    dir = tmp;
    console.log('(no committed model: timing an untrained tiny model of the same shape)');
  }
  for (const d of [dir, join(dir, '..', 'generator-compact')]) {
    if (existsSync(join(d, 'manifest.json'))) await timeGeneration(d);
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });

  // 2. Training throughput (tfjs, full 96-frame batch of 16, Adam); reference: ml-stack.md measured 0.54 s/step
  //    for a 1.15M-param text→pose model at 64 frames on wasm.
  console.log(`training backend: ${backend}`);
  for (const [name, steps] of [['tiny', 3], ['compact', 2], ['small', 2], ['signdw-40m', 1]] as const) {
    const cfg = CONFIGS[name];
    const big = name === 'signdw-40m';
    const sps = await trainingStepsPerSecond(cfg, 16, steps, !big);
    const note = big ? ' (1 cold step, no warm-up: a real run needs a GPU: tfjs-node-gpu, or --accelerator torch)' : '';
    console.log(`training ${name} (d ${cfg.d}, ${cfg.encoderLayers}+${cfg.decoderLayers} layers), batch 16 × 96 frames: ${fmt(sps, 3)} steps/s = ${fmt(1 / sps, 2)} s/step${name === 'tiny' ? ` (${fmt(1 / sps / 0.54, 2)}× the 0.54 s/step reference at 64 frames)` : ''}${note}`);
    const t = torchStepsPerSecond(cfg, 16, big ? 2 : 5);
    if (t) console.log(`  the same with --accelerator torch (PyTorch, ${t.device}, ${t.threads} threads): ${fmt(t.sps, 3)} steps/s (${fmt(t.sps / sps, 2)}× tfjs ${backend})`);
    else if (name === 'tiny') console.log('  (no PyTorch: the --accelerator torch figures are skipped)');
  }
}
