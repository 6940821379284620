import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../nn/backend.js';
import { Adam } from '../../nn/optim.js';
import { ParamStore } from '../../nn/params.js';
import { trainLoop, type TrainProgress } from '../../nn/train-loop.js';

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = mkdtempSync(join(tmpdir(), 'train-loop-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('trainLoop', () => {
  it('reports every step through onProgress, writing nothing itself, and stops on an abort with a checkpoint to resume', () => {
    const p = new ParamStore(1);
    p.add('w', [1], new Float32Array([3]));
    const opt = new Adam(p, { weightDecay: 0, clipNorm: 10 });
    const lossAt = () => tf.square(p.get('w')).sum() as tf.Scalar;
    const seen: number[] = [];
    const ctl = new AbortController();
    const spy = vi.spyOn(process.stderr, 'write');
    try {
      expect(() => trainLoop({
        params: p, optimizer: opt, lr: () => 0.1, steps: 20, outDir: join(dir, 'abort'), config: {}, lossAt: () => ({ loss: lossAt() }),
        signal: ctl.signal,
        onProgress: (q) => { seen.push(q.step); expect(q.steps).toBe(20); expect(q.loss).toMatch(/^\d+\.\d{5}$/); if (q.step === 7) ctl.abort(); },
      })).toThrow(expect.objectContaining({ kind: 'aborted', message: expect.stringMatching(/step 7 of 20/) }));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const r = trainLoop({ params: p, optimizer: opt, lr: () => 0.1, steps: 10, outDir: join(dir, 'abort'), config: {}, lossAt: () => ({ loss: lossAt() }), resume: true, onProgress: () => undefined });
    expect(r.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    p.dispose();
  });

  it('minimises the loss and reports its parts, smoothed, through onProgress, without leaking tensors or writing to stderr', () => {
    const p = new ParamStore(1);
    p.add('w', [2], new Float32Array([3, -2]));
    const opt = new Adam(p, { weightDecay: 0, clipNorm: 10 });
    const reports: TrainProgress[] = [];
    const spy = vi.spyOn(process.stderr, 'write');
    let before = 0;
    try {
      const lossAt = () => {
        const w = p.get('w');
        const a = tf.square(w.slice([0], [1])).sum() as tf.Scalar;
        const b = tf.mul(tf.square(w.slice([1], [1])).sum(), 2) as tf.Scalar;
        return { loss: tf.add(a, b) as tf.Scalar, parts: { a, b } };
      };
      trainLoop({ params: p, optimizer: opt, lr: () => 0.1, steps: 5, outDir: join(dir, 'warm'), config: {}, lossAt });
      before = tf.memory().numTensors;
      const r = trainLoop({ params: p, optimizer: opt, lr: () => 0.1, steps: 40, outDir: join(dir, 'run'), config: {}, lossAt, onProgress: (q) => reports.push(q) });
      expect(r.history[39].loss).toBeLessThan(r.history[0].loss * 0.5);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    // The per-step tensors (loss, parts, gradients) are all disposed.
    expect(tf.memory().numTensors).toBe(before);
    expect(reports.map((q) => q.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(reports[39]).toMatchObject({ step: 40, steps: 40, loss: expect.stringMatching(/^\d+\.\d{5} \(a \d+\.\d{4}, b \d+\.\d{4}\)$/) });
    p.dispose();
    opt.dispose();
  });
});
