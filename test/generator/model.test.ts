import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../nn/backend.js';
import { loadCheckpoint } from '../../nn/checkpoint.js';
import { floatTensor, int64Tensor, openOrtSession } from '../../nn/ort.js';
import { getConfig, MAX_FRAMES, POSE_DIM, type GeneratorConfig } from '../../generator/config.js';
import { BatchSampler } from '../../generator/data.js';
import { framesFromRatio, sequenceToModelFrames } from '../../generator/features.js';
import { computePoseStats } from '../../generator/normalization.js';
import { meanPlacement, replace } from '../../generator/placement.js';
import { buildDecoderStepGraph, buildEncoderGraph } from '../../generator/export.js';
import { createGeneratorParams, encodeText, generateFull } from '../../generator/model.js';
import { GeneratorRuntime } from '../../generator/runtime.js';
import { growLayers, trainGenerator } from '../../generator/train.js';
import { Vocab } from '../../generator/tokenizer.js';
import { syntheticPairs } from './synthetic.js';

const micro: GeneratorConfig = getConfig('tiny', { name: 'micro', d: 32, heads: 4, encoderLayers: 1, decoderLayers: 2, ff: 64, batch: 8, steps: 30, lr: 3e-3, warmupSteps: 3, frameStride: 2 });

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'gen-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('generator training and export', () => {
  let modelDir: string;

  it('trains a micro model for a few seconds: the loss decreases, and the model dir is written', async () => {
    modelDir = join(dir, 'model');
    const r = await trainGenerator({
      train: syntheticPairs(48, 1), dev: syntheticPairs(8, 2), config: micro, outDir: modelDir, seed: 5, 
      corpus: { name: 'synthetic', version: 'test', hash: null, sentences: 48 }, command: 'test',
    });
    expect(r.steps).toBe(30);
    const ck = JSON.parse(readFileSync(join(modelDir, 'checkpoint', 'manifest.json'), 'utf8')) as { extra: { history: { loss: number }[] } };
    const h = ck.extra.history.map((p) => p.loss);
    const first = h.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = h.slice(-5).reduce((a, b) => a + b) / 5;
    expect(last).toBeLessThan(first * 0.7);
    const m = JSON.parse(readFileSync(join(modelDir, 'manifest.json'), 'utf8'));
    expect(m.format).toBe('signbench-generator');
    // frameStride 2: the 24-fps pairs are modelled at 12 fps; targets standardised with the training statistics.
    expect(m.normalization).toMatchObject({ fps: 12, size: 480 });
    // placement (default): the statistics are of the sequences re-placed at their mean neck and shoulder width.
    const frames = syntheticPairs(48, 1).map((p) => sequenceToModelFrames(p.sequence(), MAX_FRAMES, 2));
    const placement = meanPlacement(frames)!;
    for (const f of frames) replace(f, placement);
    const stats = computePoseStats(frames);
    expect(m.config).toMatchObject({ counter: 'progress', placement: true });
    expect(m.normalization.poseMean).toEqual(Array.from(stats.mean));
    expect(m.normalization.poseStd).toEqual(Array.from(stats.std));
    expect(Number.isFinite(m.metrics.dev_hand_mse)).toBe(true);
    expect(Number.isFinite(m.metrics.dev_pose_mse)).toBe(true);
    expect(readFileSync(join(modelDir, 'loss.svg'), 'utf8')).toMatch(/<svg/);
  });

  it('warm-starts from a model directory (--init) with its weights, vocabulary and statistics, and trains the guided attention', async () => {
    const corpus = { name: 'synthetic', version: 'test', hash: null, sentences: 48 };
    const out = join(dir, 'init');
    const cfg: GeneratorConfig = { ...micro, steps: 6, alignLossWeight: 1, counter: 'progress', selfFeed: 0.5 };
    const r = await trainGenerator({
      train: syntheticPairs(48, 1), dev: syntheticPairs(8, 2), config: cfg, outDir: out, seed: 9, corpus, initFrom: modelDir,
    });
    expect(r.steps).toBe(6);
    const src = JSON.parse(readFileSync(join(modelDir, 'checkpoint', 'manifest.json'), 'utf8'));
    const ck = JSON.parse(readFileSync(join(out, 'checkpoint', 'manifest.json'), 'utf8'));
    expect(ck.vocab).toEqual(src.vocab);
    expect(ck.extra.poseStats).toEqual(src.extra.poseStats);
    expect(ck.extra.initFrom).toEqual({ dir: join(modelDir, 'checkpoint'), step: 30 });
    // One step at a negligible rate leaves the source's weights in place. Switching placement off needs statistics
    // of the targets as they are, so they are recomputed rather than taken from the source.
    const frozen = join(dir, 'init-frozen');
    await trainGenerator({ train: syntheticPairs(48, 1), config: { ...micro, steps: 1, lr: 1e-12, minLr: 1e-12, placement: false }, outDir: frozen, corpus, initFrom: modelDir });
    const a = loadCheckpoint(join(modelDir, 'checkpoint'));
    const b = loadCheckpoint(join(frozen, 'checkpoint'));
    for (const name of ['tok.w', 'dec.0.cross.q.w', 'out.head.w']) expect(maxAbsDiff(a.weight(name).data, b.weight(name).data)).toBeLessThan(1e-6);
    const placed = b.manifest.extra?.poseStats as { placement?: { x: number; y: number; scale: number } };
    expect(src.extra.poseStats.placement).toEqual({ x: expect.any(Number), y: expect.any(Number), scale: expect.any(Number) });
    expect(src.extra.poseStats.placement.scale).toBeGreaterThan(0);
    expect(placed.placement).toBeUndefined();
    // A warm start may change the frame stride (the weights do not depend on it); statistics are recomputed. A
    // resume may not.
    const restrided = join(dir, 'init-stride');
    await trainGenerator({ train: syntheticPairs(48, 1), config: { ...micro, steps: 1, frameStride: 4 }, outDir: restrided, corpus, initFrom: modelDir });
    const s4 = loadCheckpoint(join(restrided, 'checkpoint')).manifest;
    expect((s4.config as GeneratorConfig).frameStride).toBe(4);
    expect(s4.extra?.poseStats).not.toEqual(src.extra.poseStats);
    await expect(trainGenerator({ train: syntheticPairs(8, 1), config: { ...micro, steps: 2 }, outDir: restrided, resume: true, corpus }))
      .rejects.toThrow(/its frameStride is 4, the requested config has 2/);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(m.metrics.dev_align_miss).toBeGreaterThanOrEqual(0);
    expect(m.metrics.dev_align_miss).toBeLessThanOrEqual(1);
    // The warm-started model switched to the progress counter: the runtime feeds the length, equal to tfjs decoding.
    expect(m.io.decoderStep.inputs.length).toEqual(['float32', ['batch']]);
    const rt = await GeneratorRuntime.load(out, { providers: ['cpu'] });
    const ids = rt.encodeText('hello sign friend');
    const g = await rt.generateIds(ids, { stopAtLength: true });
    await rt.release();
    const p = createGeneratorParams(cfg, ck.vocab.length, 1);
    loadCheckpoint(join(out, 'checkpoint')).loadInto(p);
    const ref = generateFull(p, cfg, Int32Array.from(ids), 1, ids.length, g.steps);
    p.dispose();
    const mean = m.normalization.poseMean as number[];
    const std = m.normalization.poseStd as number[];
    expect(maxAbsDiff(g.frames, ref.frames.map((v, i) => v * std[i % POSE_DIM] + mean[i % POSE_DIM]))).toBeLessThanOrEqual(1e-4);
    const base = { train: syntheticPairs(8, 1), config: cfg, outDir: join(dir, 'init-bad'), corpus };
    await expect(trainGenerator({ ...base, outDir: out, resume: true, config: { ...cfg, counter: 'absolute', steps: 8 } })).rejects.toThrow(/cannot resume with counter absolute: the run uses progress/);
    await expect(trainGenerator({ ...base, initFrom: join(dir, 'nowhere') })).rejects.toThrow(/^initFrom .*nowhere: no checkpoint there/);
    await expect(trainGenerator({ ...base, config: { ...cfg, d: 64 }, initFrom: modelDir })).rejects.toThrow(/its d is 32, the requested config has 64/);
    await expect(trainGenerator({ ...base, outDir: out, resume: true, initFrom: modelDir })).rejects.toThrow(/already holds a checkpoint/);
  });

  it('grows a warm start by layers that start as the identity, and refuses to drop layers or to grow on resume', async () => {
    const corpus = { name: 'synthetic', version: 'test', hash: null, sentences: 48 };
    const grownCfg: GeneratorConfig = { ...micro, encoderLayers: 2, decoderLayers: 3 };
    const ck = loadCheckpoint(join(modelDir, 'checkpoint'));
    const vocabSize = ck.manifest.vocab!.length;
    const small = createGeneratorParams(micro, vocabSize, 1);
    ck.loadInto(small);
    const big = createGeneratorParams(grownCfg, vocabSize, 2);
    expect(growLayers(big, ck)).toEqual(['enc.1', 'dec.2']);
    expect(big.count()).toBeGreaterThan(small.count());
    // Same function before any training step: free-running decoding of the two models agrees.
    const ids = Int32Array.from([2, 5, 6, 7, 3]);
    const a = generateFull(small, micro, ids, 1, ids.length, 6);
    const b = generateFull(big, grownCfg, ids, 1, ids.length, 6);
    expect(maxAbsDiff(a.frames, b.frames)).toBeLessThan(1e-5);
    expect(maxAbsDiff(a.lengthRatio, b.lengthRatio)).toBeLessThan(1e-6);
    small.dispose();
    big.dispose();
    const grown = join(dir, 'init-grown');
    await trainGenerator({ train: syntheticPairs(48, 1), config: { ...grownCfg, steps: 2 }, outDir: grown, corpus, initFrom: modelDir });
    const m = loadCheckpoint(join(grown, 'checkpoint')).manifest;
    expect(m.extra?.initFrom).toEqual({ dir: join(modelDir, 'checkpoint'), step: 30, addedLayers: ['enc.1', 'dec.2'] });
    await expect(trainGenerator({ train: syntheticPairs(8, 1), config: { ...micro, steps: 2 }, outDir: join(dir, 'shrunk'), corpus, initFrom: grown }))
      .rejects.toThrow(/its encoderLayers is 2, more than the requested 1 \(a warm start may add layers, not drop them\)/);
    await expect(trainGenerator({ train: syntheticPairs(8, 1), config: { ...grownCfg, decoderLayers: 4, steps: 4 }, outDir: grown, resume: true, corpus }))
      .rejects.toThrow(/its decoderLayers is 3, the requested config has 4/);
  });

  it('generates a PoseSequence through ONNX Runtime with the length rule', async () => {
    const rt = await GeneratorRuntime.load(modelDir, { providers: ['cpu'] });
    const seq = await rt.generate('hello world', { id: 'x' });
    expect(seq.frames).toBeGreaterThanOrEqual(8);
    expect(seq.frames).toBeLessThanOrEqual(MAX_FRAMES);
    expect(seq.meta).toMatchObject({ id: 'x', fps: 12, width: 480, height: 480, text: 'hello world' });
    seq.validate();
    // Outputs are de-normalised: points land in the square where the training poses were, not around 0.
    let sx = 0;
    let n = 0;
    for (let t = 0; t < seq.frames; t++) for (let p = 0; p < 106; p++) { sx += seq.x(t, p); n++; }
    expect(sx / n).toBeGreaterThan(0.3);
    expect(sx / n).toBeLessThan(0.9);
    // Stopping at the predicted length gives the same frames as decoding all 96 and cutting.
    const full = await rt.generate('hello world', { id: 'x', fullLength: true });
    expect(full.frames).toBe(MAX_FRAMES);
    expect(seq.data).toEqual(full.data.subarray(0, seq.data.length));
    const ids = rt.encodeText('hello qqqunknownqqq');
    expect(ids[2]).toBe(1); // <unk>
    await expect(rt.generate('')).rejects.toThrow(/empty text/);
    await expect(rt.generate(Array(200).fill('hello').join(' '))).rejects.toThrow(/200 tokens is over the limit of 94 tokens/);
    const truncated = await rt.generate(Array(200).fill('hello').join(' '), { truncate: true });
    expect(truncated.frames).toBeGreaterThan(0);
    // --fps: the same motion, interpolated to another rate over the same duration.
    const at24 = await rt.generate('hello world', { id: 'x', fps: 24 });
    expect(at24.meta.fps).toBe(24);
    expect(at24.frames).toBe(seq.frames * 2);
    expect(at24.x(0, 4)).toBeCloseTo(seq.x(0, 4), 6);
    expect(at24.x(at24.frames - 1, 4)).toBeCloseTo(seq.x(seq.frames - 1, 4), 6);
    expect((await rt.generate('hello world', { fps: 12 })).data).toEqual(seq.data);
    await expect(rt.generate('hello world', { fps: 0 })).rejects.toThrow(/fps must be a number from 0\.1 to 240, got 0/);
    await rt.release();
  });

  it('writes .pose, .json and .npz through `signbench generate`, and refuses an unknown extension', async () => {
    const { main } = await import('../../cli/main.js');
    const { parsePoseFile } = await import('../../pose/formats/pose-format.js');
    const out = join(dir, 'gen.pose');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await main(['node', 'signbench', 'generate', 'hello world', '--model', modelDir, '--out', out, '--threads', '1'])).toBe(0);
      expect(await main(['node', 'signbench', 'generate', 'hello world', '--model', modelDir, '--out', join(dir, 'gen.json')])).toBe(0);
      expect(await main(['node', 'signbench', 'generate', 'hello world', '--model', modelDir, '--out', join(dir, 'gen.npz')])).toBe(0);
      expect(await main(['node', 'signbench', 'generate', 'hello world', '--model', modelDir, '--out', join(dir, 'gen24.pose'), '--fps', '24'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const seq = parsePoseFile(new Uint8Array(readFileSync(out)), out);
    expect(seq.frames).toBeGreaterThanOrEqual(8);
    const seq24 = parsePoseFile(new Uint8Array(readFileSync(join(dir, 'gen24.pose'))), 'gen24.pose');
    expect([seq24.frames, seq24.meta.fps]).toEqual([seq.frames * 2, 24]);
    expect(JSON.parse(readFileSync(join(dir, 'gen.json'), 'utf8'))).toBeTruthy();
    const err = process.stderr.write;
    let msg = '';
    process.stderr.write = ((s: string) => { msg += s; return true; }) as typeof process.stderr.write;
    try {
      expect(await main(['node', 'signbench', 'generate', 'hello', '--model', modelDir, '--out', join(dir, 'x.txt')])).toBe(1);
      expect(await main(['node', 'signbench', 'generate', '   ', '--model', modelDir, '--out', join(dir, 'x.pose')])).toBe(1);
      expect(await main(['node', 'signbench', 'generate', 'hello', '--model', modelDir, '--out', join(dir, 'x.pose'), '--fps', 'fast'])).toBe(1);
    } finally {
      process.stderr.write = err;
    }
    expect(msg).toMatch(/--fps must be a number from 0\.1 to 240, got "fast"/);
    expect(msg).toMatch(/unknown extension ".txt"/);
    expect(msg).toMatch(/empty text/);
  });

  it('refuses corrupt or mismatched model files, naming the file', async () => {
    const bad = join(dir, 'bad');
    const { cpSync } = await import('node:fs');
    cpSync(modelDir, bad, { recursive: true });
    writeFileSync(join(bad, 'decoder_step.onnx'), Buffer.from('garbage'));
    await expect(GeneratorRuntime.load(bad, { providers: ['cpu'] })).rejects.toThrow(/decoder_step\.onnx: ONNX Runtime could not load the model/);
    cpSync(join(modelDir, 'decoder_step.onnx'), join(bad, 'decoder_step.onnx'));
    const m = JSON.parse(readFileSync(join(bad, 'manifest.json'), 'utf8'));
    m.config.decoderLayers = 3;
    writeFileSync(join(bad, 'manifest.json'), JSON.stringify(m));
    await expect(GeneratorRuntime.load(bad, { providers: ['cpu'] })).rejects.toThrow(/encoder\.onnx: graph output cross_k_2, cross_v_2 missing.*decoderLayers 3/);
    m.vocab = ['x'];
    writeFileSync(join(bad, 'manifest.json'), JSON.stringify(m));
    await expect(GeneratorRuntime.load(bad)).rejects.toThrow(/manifest\.json: vocab must be a list of strings starting with <pad>/);
    writeFileSync(join(bad, 'manifest.json'), '{');
    await expect(GeneratorRuntime.load(bad)).rejects.toThrow(/manifest\.json: not valid JSON/);
    await expect(GeneratorRuntime.load(join(dir, 'nope'))).rejects.toThrow(/nope: generator model directory not found/);
  });
});

describe('ONNX parity and KV-cache decoding', () => {
  it.each(['absolute', 'progress'] as const)('encoder outputs and KV-cached step decoding equal tfjs full re-decoding within 1e-4 (counter %s)', async (counter) => {
    const cfg: GeneratorConfig = { ...micro, counter };
    const pairs = syntheticPairs(16, 3);
    const vocab = Vocab.build(pairs.map((p) => p.text));
    const p = createGeneratorParams(cfg, vocab.size, 9);
    // Perturb the LayerNorm parameters and biases so that every parameter matters.
    for (const n of p.names()) if (/\.(g|b)$/.test(n)) p.assign(n, Float32Array.from({ length: p.get(n).size }, () => p.rng.uniform(0.5, 1.5)));
    const ids = vocab.encode('hello sign friend .');
    const S = ids.length;
    const steps = 12;
    const ref = generateFull(p, cfg, Int32Array.from(ids), 1, S, steps);
    const refMemory = tf.tidy(() => encodeText(p, cfg, Int32Array.from(ids), 1, S).memory.dataSync());

    const enc = (await openOrtSession(buildEncoderGraph(p, cfg), { providers: ['cpu'] })).session;
    const dec = (await openOrtSession(buildDecoderStepGraph(p, cfg), { providers: ['cpu'] })).session;
    const e = await enc.run({ tokens: int64Tensor(ids, [1, S]) });
    expect(maxAbsDiff(e.memory.data as Float32Array, refMemory)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs((e.length_ratio.data as Float32Array)[0] - ref.lengthRatio[0])).toBeLessThanOrEqual(1e-4);
    const dh = cfg.d / cfg.heads;
    const feeds: Record<string, ReturnType<typeof floatTensor>> = { memory_mask: e.memory_mask };
    // The progress counter divides by the length rule's frames; the absolute graph has no such input.
    expect(dec.inputNames.includes('length')).toBe(counter === 'progress');
    if (counter === 'progress') feeds.length = floatTensor(Float32Array.of(framesFromRatio(ref.lengthRatio[0])), [1]);
    for (let l = 0; l < cfg.decoderLayers; l++) {
      feeds[`cross_k_${l}`] = e[`cross_k_${l}`];
      feeds[`cross_v_${l}`] = e[`cross_v_${l}`];
      feeds[`past_k_${l}`] = floatTensor(new Float32Array(0), [1, cfg.heads, 0, dh]);
      feeds[`past_v_${l}`] = floatTensor(new Float32Array(0), [1, cfg.heads, 0, dh]);
    }
    let prev = new Float32Array(POSE_DIM);
    const got = new Float32Array(steps * POSE_DIM);
    for (let i = 0; i < steps; i++) {
      const out = await dec.run({ ...feeds, frame: floatTensor(prev, [1, POSE_DIM]), step: int64Tensor([i], [1]) });
      prev = (out.next_frame.data as Float32Array).slice();
      got.set(prev, i * POSE_DIM);
      for (let l = 0; l < cfg.decoderLayers; l++) {
        feeds[`past_k_${l}`] = out[`present_k_${l}`];
        feeds[`past_v_${l}`] = out[`present_v_${l}`];
      }
      expect(out[`present_k_0`].dims[2]).toBe(i + 1);
    }
    expect(maxAbsDiff(got, ref.frames)).toBeLessThanOrEqual(1e-4);
    // The frames really change from step to step (the comparison is not between constants).
    expect(maxAbsDiff(got.subarray(0, POSE_DIM), got.subarray((steps - 1) * POSE_DIM))).toBeGreaterThan(1e-3);
    p.dispose();
  });

  it('builds deterministic padded batches with shifted targets', () => {
    const pairs = syntheticPairs(10, 4);
    const vocab = Vocab.build(pairs.map((p) => p.text));
    const a = new BatchSampler(pairs, vocab, micro, 3, 4);
    const b = new BatchSampler(pairs, vocab, micro, 3, 4);
    expect(a.indicesAt(7)).toEqual(b.indicesAt(7));
    const batch = a.batchAt(2);
    expect(batch.B).toBe(4);
    expect(batch.mask.reduce((x, y) => x + y)).toBeCloseTo(batch.lengthTarget.reduce((x, y) => x + y) * MAX_FRAMES, 3);
    // Three consecutive epochs each visit every example once.
    const seen = new Map<number, number>();
    for (let s = 0; s < 15; s++) for (const i of a.indicesAt(s)) seen.set(i, (seen.get(i) ?? 0) + 1);
    expect([...seen.values()].every((c) => c === 6)).toBe(true);
  });
});
