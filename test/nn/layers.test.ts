import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../nn/backend.js';
import { loadCheckpoint, saveCheckpoint } from '../../nn/checkpoint.js';
import { registerFastMatMulGradient } from '../../nn/gradients.js';
import {
  causalMask, createDecoderLayer, createEmbedding, createEncoderLayer, decoderLayer, embed, encoderLayer, paddingMask,
} from '../../nn/layers.js';
import { OnnxGraph } from '../../nn/onnx/graph.js';
import { onnxCausalMask, onnxDecoderLayer, onnxEncoderLayer, onnxPaddingMask } from '../../nn/onnx/layers.js';
import { Adam, warmupCosine } from '../../nn/optim.js';
import { floatTensor, int64Tensor, openOrtSession } from '../../nn/ort.js';
import { ParamStore } from '../../nn/params.js';
import { Rng } from '../../nn/rng.js';
import { trainLoop } from '../../nn/train-loop.js';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  const n = shape.reduce((x, y) => x * y, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

// Captured at import time, before initBackend() re-registers the gradient.
const tfjsOwnGradient = tf.getGradient('BatchMatMul');

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'nn-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('BatchMatMul gradient override', () => {
  it('equals tfjs own BatchMatMul gradient for every transpose case', () => {
    expect(tfjsOwnGradient).toBeDefined();
    registerFastMatMulGradient();
    expect(tf.getGradient('BatchMatMul')).not.toBe(tfjsOwnGradient);
    const rng = new Rng(1);
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const a = randomTensor(rng, ta ? [2, 4, 3] : [2, 3, 4]);
      const b = randomTensor(rng, tb ? [2, 5, 4] : [2, 4, 5]);
      const dy = randomTensor(rng, [2, 3, 5]);
      // Ours (registered override), through autodiff.
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), dy)))([a, b]);
      // tfjs's own gradient function, captured before the override.
      const own = tfjsOwnGradient!.gradFunc(dy, [a, b], { transposeA: ta, transposeB: tb }) as Record<string, () => tf.Tensor>;
      expect(maxAbsDiff(ga.dataSync(), own.a().dataSync())).toBeLessThan(1e-5);
      expect(maxAbsDiff(gb.dataSync(), own.b().dataSync())).toBeLessThan(1e-5);
      expect(ga.shape).toEqual(a.shape);
      expect(gb.shape).toEqual(b.shape);
    }
  });

  it('gives the same gradients as numerical differentiation on a 2-D case', () => {
    const rng = new Rng(2);
    const a = randomTensor(rng, [3, 4]);
    const b = randomTensor(rng, [4, 2]);
    const f = (x: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, b)));
    const g = tf.grad(f)(a).dataSync();
    const av = a.dataSync().slice();
    const h = 1e-2;
    for (const i of [0, 5, 11]) {
      const plus = av.slice(); plus[i] += h;
      const minus = av.slice(); minus[i] -= h;
      const num = (f(tf.tensor(plus, [3, 4])).dataSync()[0] - f(tf.tensor(minus, [3, 4])).dataSync()[0]) / (2 * h);
      expect(Math.abs(num - g[i])).toBeLessThan(1e-2 * Math.max(1, Math.abs(num)));
    }
  });
});

describe('embedding by one-hot matmul', () => {
  it('equals gather and has gradients on the wasm backend', () => {
    const p = new ParamStore(3);
    createEmbedding(p, 'emb', 7, 4);
    const ids = tf.tensor([[1, 2, 6], [0, 0, 3]], [2, 3], 'int32');
    const e = embed(p, 'emb', ids);
    expect(maxAbsDiff(e.dataSync(), tf.gather(p.get('emb.w'), ids).dataSync())).toBe(0);
    const g = tf.grad((w: tf.Tensor) => tf.sum(tf.matMul(tf.oneHot(tf.tensor1d([1, 1], 'int32'), 7).toFloat(), w)))(p.get('emb.w'));
    expect(g.dataSync()[4]).toBe(2);
  });
});

describe('checkpoint', () => {
  it('round-trips weights, config, vocab and optimizer state', () => {
    const p = new ParamStore(4);
    createEncoderLayer(p, 'enc.0', { d: 8, heads: 2, ff: 16 });
    const opt = new Adam(p, { weightDecay: 0.01 });
    const grads: Record<string, tf.Tensor> = {};
    for (const n of p.names()) grads[n] = tf.onesLike(p.get(n));
    opt.apply(grads, 1e-3);
    const out = join(dir, 'ckpt');
    saveCheckpoint(out, { params: p, step: 7, config: { d: 8 }, vocab: ['<pad>', 'x'], optimizer: opt.exportState(), extra: { note: 'hi' } });
    const ck = loadCheckpoint(out);
    expect(ck.manifest.step).toBe(7);
    expect(ck.manifest.vocab).toEqual(['<pad>', 'x']);
    expect(ck.manifest.extra?.note).toBe('hi');
    const q = new ParamStore(99);
    createEncoderLayer(q, 'enc.0', { d: 8, heads: 2, ff: 16 });
    ck.loadInto(q);
    for (const n of p.names()) expect(maxAbsDiff(q.weight(n).data, p.weight(n).data)).toBe(0);
    const opt2 = new Adam(q);
    opt2.importState(ck.manifest.optimizerStep ?? 0, ck.optimizerTensors());
    expect(opt2.step).toBe(1);
    expect(maxAbsDiff(opt2.exportState().tensors.get('adam.v/enc.0.ff.fc1.w')!.data, opt.exportState().tensors.get('adam.v/enc.0.ff.fc1.w')!.data)).toBe(0);
  });

  it('names the file and the problem for truncated or mismatched checkpoints', () => {
    const p = new ParamStore(5);
    createEncoderLayer(p, 'enc.0', { d: 8, heads: 2, ff: 16 });
    const out = join(dir, 'bad');
    saveCheckpoint(out, { params: p, step: 1, config: {} });
    const q = new ParamStore(5);
    createEncoderLayer(q, 'enc.0', { d: 8, heads: 2, ff: 32 });
    expect(() => loadCheckpoint(out).loadInto(q)).toThrow(/weights\.bin: tensor enc\.0\.ff\.fc1\.w has shape \[8,16\], the model expects \[8,32\]/);
    const w = readFileSync(join(out, 'weights.bin'));
    writeFileSync(join(out, 'weights.bin'), w.subarray(0, 100));
    expect(() => loadCheckpoint(out)).toThrow(/weights\.bin: 100 bytes, too short/);
    writeFileSync(join(out, 'manifest.json'), '{nope');
    expect(() => loadCheckpoint(out)).toThrow(/manifest\.json: not valid JSON/);
  });
});

describe('training loop', () => {
  it('decreases the loss, writes loss.svg, and resumes to the same weights as an uninterrupted run', () => {
    const run = (outDir: string, steps: number, resume: boolean) => {
      const p = new ParamStore(11);
      createEncoderLayer(p, 'enc.0', { d: 8, heads: 2, ff: 16 });
      const opt = new Adam(p, { clipNorm: 1 });
      const lossAt = (step: number) => {
        const rng = new Rng(1000 + step);
        const x = randomTensor(rng, [2, 5, 8]);
        return { loss: tf.mean(tf.square(tf.sub(encoderLayer(p, 'enc.0', x, 2), tf.mul(x, 0.5)))) as tf.Scalar };
      };
      const r = trainLoop({ params: p, optimizer: opt, lr: warmupCosine({ lr: 1e-2, totalSteps: 30, warmupSteps: 3 }), steps, lossAt, outDir, config: {}, resume, checkpointEvery: 10 });
      return { r, w: p.weight('enc.0.ff.fc2.w').data };
    };
    const full = run(join(dir, 'full'), 30, false);
    expect(full.r.history[29].loss).toBeLessThan(full.r.history[0].loss * 0.8);
    expect(readFileSync(join(dir, 'full', 'loss.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<path/);
    run(join(dir, 'half'), 15, false);
    const resumed = run(join(dir, 'half'), 30, true);
    expect(resumed.r.history.length).toBe(30);
    expect(maxAbsDiff(resumed.w, full.w)).toBeLessThan(1e-6);
  });
});

describe('ONNX export parity (tfjs vs onnxruntime)', () => {
  it('encoder and decoder layers agree within 1e-4', async () => {
    const d = 16, heads = 4, ff = 32, B = 2, S = 5, T = 6;
    const p = new ParamStore(21);
    createEmbedding(p, 'emb', 11, d);
    createEncoderLayer(p, 'enc.0', { d, heads, ff });
    createDecoderLayer(p, 'dec.0', { d, heads, ff });
    // Non-trivial LayerNorm gains/biases so that the test can fail on them.
    for (const n of p.names()) if (/\.(g|b)$/.test(n)) p.assign(n, Float32Array.from({ length: p.get(n).size }, () => p.rng.uniform(0.5, 1.5)));
    const rng = new Rng(22);
    const ids = Int32Array.from([3, 4, 5, 1, 0, 2, 9, 10, 0, 0]);
    const y = randomTensor(rng, [B, T, d]);
    const ref = tf.tidy(() => {
      const mask = paddingMask(ids, B, S);
      const mem = encoderLayer(p, 'enc.0', embed(p, 'emb', tf.tensor(ids, [B, S], 'int32')), heads, mask);
      return decoderLayer(p, 'dec.0', y, mem, heads, causalMask(T), mask).dataSync();
    });
    const g = new OnnxGraph('parity');
    const tok = g.input('tokens', 'int64', ['batch', 'src']);
    const yIn = g.input('y', 'float32', ['batch', 'tgt', d]);
    const mask = onnxPaddingMask(g, tok);
    const x = g.op('Gather', [g.initializer('emb.w', { type: 'float32', dims: [11, d], data: p.weight('emb.w').data }), tok], { axis: 0 });
    const mem = onnxEncoderLayer(g, p, 'enc.0', x, heads, d, mask);
    const out = onnxDecoderLayer(g, p, 'dec.0', yIn, mem, heads, d, onnxCausalMask(g, yIn, 1, 32), mask);
    g.identity(out, 'out');
    g.output('out', 'float32', ['batch', 'tgt', d]);
    const { session } = await openOrtSession(g.toBytes(), { providers: ['cpu'] });
    const res = await session.run({ tokens: int64Tensor(ids, [B, S]), y: floatTensor(y.dataSync() as Float32Array, [B, T, d]) });
    expect(maxAbsDiff(res.out.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
  });

  it('falls back from an unavailable CUDA provider to CPU', async () => {
    const g = new OnnxGraph('tiny');
    g.input('a', 'float32', [2]);
    g.op('Add', ['a', g.constFloat([1, 2])], {}, 'b');
    g.output('b', 'float32', [2]);
    const { session, provider } = await openOrtSession(g.toBytes());
    expect(['cuda', 'cpu']).toContain(provider);
    const r = await session.run({ a: floatTensor(Float32Array.from([1, 1]), [2]) });
    expect(Array.from(r.b.data as Float32Array)).toEqual([2, 3]);
  });

  it('reports a corrupt model with its name', async () => {
    await expect(openOrtSession(Uint8Array.from([1, 2, 3, 4]), { providers: ['cpu'] })).rejects.toThrow(/in-memory model.*could not load/);
  });
});
