import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../nn/backend.js';
import { Rng } from '../../nn/rng.js';
import { FRAME_IN_DIM, POSE_DIM } from '../../generator/config.js';
import { modelFrameIndices } from '../../generator/features.js';
import { addInputNoise, handShapeLoss, selfFeedInputs, shiftedInputs, type GeneratorBatch } from '../../generator/model.js';
import { computePoseStats, HAND_REL_DIM, HAND_REL_TERMS, standardize, statsFromJson, statsToJson } from '../../generator/normalization.js';
import { PARTS } from '../../pose/skeleton.js';

beforeAll(async () => {
  await initBackend();
});

/** A frame with every point present at a pseudo-random place. */
function frame(seed: number): Float32Array {
  const rng = new Rng(seed);
  const f = new Float32Array(POSE_DIM);
  for (let p = 0; p < 128; p++) {
    f[3 * p] = rng.uniform(0.2, 0.8);
    f[3 * p + 1] = rng.uniform(0.2, 0.8);
    f[3 * p + 2] = 1;
  }
  return f;
}

function batchOf(frames: Float32Array[]): GeneratorBatch {
  const targets = new Float32Array(frames.length * POSE_DIM);
  frames.forEach((f, i) => targets.set(f, i * POSE_DIM));
  return { ids: new Int32Array([2, 3]), targets, mask: new Float32Array(frames.length).fill(1), lengthTarget: new Float32Array([frames.length / 96]), B: 1, S: 2, T: frames.length };
}

describe('model frame indices', () => {
  it('takes every stride-th frame, then subsamples to 96 as SignDW', () => {
    expect(modelFrameIndices(10, 96, 2)).toEqual([0, 2, 4, 6, 8]);
    expect(modelFrameIndices(9, 96, 2)).toEqual([0, 2, 4, 6, 8]);
    expect(modelFrameIndices(5, 96, 1)).toEqual([0, 1, 2, 3, 4]);
    const long = modelFrameIndices(400, 96, 2);
    expect(long.length).toBe(96);
    expect(long[0]).toBe(0);
    expect(long[95]).toBe(398);
    expect(long.every((v) => v % 2 === 0)).toBe(true);
  });
});

describe('pose statistics', () => {
  it('computes per-dimension mean and std (floored) and standardises with them', () => {
    const a = frame(1);
    const b = frame(2);
    const s = computePoseStats([{ frames: Float32Array.from([...a, ...b]), length: 2 }]);
    expect(s.mean[0]).toBeCloseTo((a[0] + b[0]) / 2, 6);
    expect(s.std[0]).toBeCloseTo(Math.abs(a[0] - b[0]) / 2, 5);
    expect(s.std[2]).toBeCloseTo(0.01, 8); // presence is constant: floored
    const x = Float32Array.from([...a, ...b]);
    standardize(x, 2, s);
    expect(x[0]).toBeCloseTo(a[0] > b[0] ? 1 : -1, 4);
    expect(statsFromJson(JSON.parse(JSON.stringify(statsToJson(s))), 'x').mean).toEqual(s.mean);
    expect(() => statsFromJson({ mean: [1] }, 'ck/manifest.json')).toThrow(/ck\/manifest\.json: poseStats\.mean must be 384 finite numbers/);
    expect(() => computePoseStats([])).toThrow(/no frames/);
  });

  it('pairs every finger point of both hands with its wrist', () => {
    expect(HAND_REL_DIM).toBe(80);
    const wrists = new Set(HAND_REL_TERMS.map((t) => t[1] / 3 | 0));
    expect([...wrists].sort()).toEqual([PARTS.leftHand.start, PARTS.rightHand.start].sort());
  });
});

describe('hand-shape loss', () => {
  it('is zero for the target, ignores moving the whole hand and grows with a finger that moves', () => {
    const f = frame(7);
    const stats = computePoseStats([{ frames: Float32Array.from([...f, ...frame(8)]), length: 2 }]);
    const batch = batchOf([f]);
    const loss = (pred: Float32Array) => tf.tidy(() => handShapeLoss(tf.tensor(pred, [1, 1, POSE_DIM]), batch, stats, false).dataSync()[0]);
    expect(loss(f)).toBeCloseTo(0, 8);
    const shifted = f.slice();
    for (let p = PARTS.rightHand.start; p < PARTS.rightHand.start + 21; p++) { shifted[3 * p] += 0.1; shifted[3 * p + 1] -= 0.05; }
    expect(loss(shifted)).toBeCloseTo(0, 8);
    const bent = f.slice();
    bent[3 * (PARTS.rightHand.start + 8)] += 0.05;
    expect(loss(bent)).toBeGreaterThan(0);
    // The same pose in standard units gives the same loss when `standardized` is set.
    const z = bent.slice();
    standardize(z, 1, stats);
    const zb = f.slice();
    standardize(zb, 1, stats);
    const lz = tf.tidy(() => handShapeLoss(tf.tensor(z, [1, 1, POSE_DIM]), batchOf([zb]), stats, true).dataSync()[0]);
    expect(lz).toBeCloseTo(loss(bent), 4);
  });
});

describe('teacher-forcing counter', () => {
  it('is t/96, or t/L per sequence with the progress counter', () => {
    const T = 5;
    const targets = Float32Array.from({ length: 2 * T * POSE_DIM }, (_, i) => i % 11);
    const counters = (x: Float32Array, b: number) => Array.from({ length: T }, (_, t) => x[(b * T + t) * FRAME_IN_DIM + POSE_DIM]);
    const abs = shiftedInputs(targets, 2, T);
    expect(counters(abs, 1)).toEqual([0, 1 / 96, 2 / 96, 3 / 96, 4 / 96].map(Math.fround));
    const prog = shiftedInputs(targets, 2, T, [5, 4]);
    expect(counters(prog, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8].map(Math.fround));
    expect(counters(prog, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // The pose part is the same target shifted by one either way.
    expect(prog.subarray(FRAME_IN_DIM, FRAME_IN_DIM + POSE_DIM)).toEqual(targets.subarray(0, POSE_DIM));
    expect(abs.subarray(FRAME_IN_DIM, FRAME_IN_DIM + POSE_DIM)).toEqual(targets.subarray(0, POSE_DIM));
  });
});

describe('scheduled sampling (self-feed)', () => {
  it('replaces real input frames by the prediction of the frame before, with the given probability', () => {
    const B = 2; const T = 40;
    const targets = Float32Array.from({ length: B * T * POSE_DIM }, () => 1);
    const predicted = Float32Array.from({ length: B * T * POSE_DIM }, (_, i) => 2 + Math.floor(i / POSE_DIM)); // frame id + 2
    const mask = new Float32Array(B * T).fill(1);
    mask.fill(0, T + 30, 2 * T); // sequence 1 has 30 frames
    const inputs = shiftedInputs(targets, B, T);
    const before = inputs.slice();
    selfFeedInputs(inputs, predicted, mask, B, T, 0.5, new Rng(4));
    let fed = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * FRAME_IN_DIM;
        expect(inputs[o + POSE_DIM]).toBe(before[o + POSE_DIM]); // the counter stays
        if (inputs[o] === before[o]) continue;
        fed++;
        expect(t).toBeGreaterThan(0); // never the zero start frame
        expect(mask[b * T + t]).toBe(1); // never padding
        expect(inputs[o]).toBe(2 + b * T + t - 1); // the prediction of frame t − 1
      }
    }
    // 39 + 29 eligible positions at p = 0.5.
    expect(fed).toBeGreaterThan(20);
    expect(fed).toBeLessThan(48);
    const none = shiftedInputs(targets, B, T);
    selfFeedInputs(none, predicted, mask, B, T, 0, new Rng(4));
    expect(none).toEqual(before);
  });
});

describe('teacher-forcing input noise', () => {
  it('perturbs the pose part of positions t ≥ 1 only, deterministically from the seed', () => {
    const T = 4;
    const targets = Float32Array.from({ length: T * POSE_DIM }, (_, i) => (i % 7) / 7);
    const clean = shiftedInputs(targets, 1, T);
    const a = clean.slice();
    const b = clean.slice();
    addInputNoise(a, 1, T, 0.5, new Rng(3));
    addInputNoise(b, 1, T, 0.5, new Rng(3));
    expect(a).toEqual(b);
    expect(a.subarray(0, FRAME_IN_DIM)).toEqual(clean.subarray(0, FRAME_IN_DIM)); // zero start frame
    for (let t = 1; t < T; t++) {
      expect(a[t * FRAME_IN_DIM + POSE_DIM]).toBe(clean[t * FRAME_IN_DIM + POSE_DIM]); // the counter
      let d2 = 0;
      for (let i = 0; i < POSE_DIM; i++) d2 += (a[t * FRAME_IN_DIM + i] - clean[t * FRAME_IN_DIM + i]) ** 2;
      expect(Math.sqrt(d2 / POSE_DIM)).toBeGreaterThan(0.35);
      expect(Math.sqrt(d2 / POSE_DIM)).toBeLessThan(0.65);
    }
  });
});
