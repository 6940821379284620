import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../nn/rng.js';
import { PoseSequence } from '../../pose/sequence.js';
import { applyAugmentation, drawAugmentation, type Augmentation } from '../../translator/augment.js';
import { getConfig } from '../../translator/config.js';
import { trainTranslator } from '../../translator/train.js';
import { microConfig, synthExamples } from './synthetic.js';

/** One point whose x is the frame index / 100, so every output frame names its source frame. */
function ramp(frames: number): PoseSequence {
  const seq = PoseSequence.empty({ id: 'ramp', fps: 24, width: 100, height: 100 }, frames);
  for (let t = 0; t < frames; t++) {
    seq.set(t, 0, t / 100, 0.5, 1);
    seq.set(t, 1, t / 100, 0.5, t === 5 ? 0 : 1); // missing at frame 5
  }
  return seq;
}
const sources = (s: PoseSequence) => Array.from({ length: s.frames }, (_, t) => Math.round(s.x(t, 0) * 100));
const warp = (w: Partial<Augmentation>): Augmentation => ({ speed: 1, offset: 0, hold: 1, phase: 0, smooth: false, crop: false, ...w });

describe('augmentation for the judge', () => {
  it('draws warps in the documented ranges, reproducibly from the seed', () => {
    const a = Array.from({ length: 500 }, (_, i) => drawAugmentation(new Rng(i)));
    expect(a.every((w) => w.speed >= 0.8 - 1e-9 && w.speed <= 1.25 + 1e-9)).toBe(true);
    expect(a.every((w) => w.offset >= 0 && w.offset < 3 && w.phase >= 0 && w.phase < w.hold)).toBe(true);
    expect(new Set(a.map((w) => w.hold))).toEqual(new Set([1, 2, 3, 4]));
    const held = a.filter((w) => w.hold > 1).length / a.length;
    expect(held).toBeGreaterThan(0.5);
    expect(held).toBeLessThan(0.7);
    const cropped = a.filter((w) => w.crop).length / a.length;
    expect(cropped).toBeGreaterThan(0.6);
    expect(cropped).toBeLessThan(0.8);
    expect(drawAugmentation(new Rng(7))).toEqual(drawAugmentation(new Rng(7)));
  });

  it('leaves a sequence alone under the identity warp', () => {
    const s = ramp(20);
    const out = applyAugmentation(s, [{ gloss: 'A', start: 3, end: 9 }], warp({}));
    expect(Array.from(out.sequence.data)).toEqual(Array.from(s.data));
    expect(out.glosses).toEqual([{ gloss: 'A', start: 3, end: 9 }]);
  });

  it('changes the tempo and shifts the start, carrying the gloss spans along', () => {
    const fast = applyAugmentation(ramp(21), [{ gloss: 'A', start: 4, end: 10 }], warp({ speed: 2 }));
    expect(sources(fast.sequence)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(fast.glosses).toEqual([{ gloss: 'A', start: 2, end: 5 }]);
    const late = applyAugmentation(ramp(10), [{ gloss: 'A', start: 0, end: 2 }, { gloss: 'B', start: 4, end: 8 }], warp({ offset: 2 }));
    expect(sources(late.sequence)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(late.glosses).toEqual([{ gloss: 'B', start: 2, end: 6 }]); // A fell before the new start
    expect(late.sequence.meta.fps).toBe(24);
  });

  it('shows a low-rate source as held frames, at the chosen phase', () => {
    expect(sources(applyAugmentation(ramp(8), undefined, warp({ hold: 2 })).sequence)).toEqual([0, 0, 2, 2, 4, 4, 6, 6]);
    expect(sources(applyAugmentation(ramp(8), undefined, warp({ hold: 2, phase: 1 })).sequence)).toEqual([0, 1, 1, 3, 3, 5, 5, 7]);
    expect(sources(applyAugmentation(ramp(9), undefined, warp({ hold: 4 })).sequence)).toEqual([0, 0, 0, 0, 4, 4, 4, 4, 8]);
    // Each shown frame keeps its source frame's people count.
    const empty = ramp(8);
    empty.people.set([1, 1, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(applyAugmentation(empty, undefined, warp({ hold: 2 })).sequence.people)).toEqual([1, 1, 0, 0, 1, 1, 1, 1]);
  });

  it('smooths positions [1, 2, 1] / 4 where all three frames have the point, and nowhere else', () => {
    const s = ramp(8);
    for (let t = 0; t < 8; t++) s.set(t, 0, t % 2 ? 0.2 : 0.1, 0.5, 1);
    const out = applyAugmentation(s, undefined, warp({ smooth: true })).sequence;
    expect(out.x(0, 0)).toBeCloseTo(0.1, 6); // ends untouched
    expect(out.x(1, 0)).toBeCloseTo((0.1 + 2 * 0.2 + 0.1) / 4, 6);
    expect(out.x(2, 0)).toBeCloseTo((0.2 + 2 * 0.1 + 0.2) / 4, 6);
    expect(out.x(4, 1)).toBeCloseTo(s.x(4, 1), 6); // a neighbour misses point 1
    expect(out.x(5, 1)).toBeCloseTo(s.x(5, 1), 6);
    expect(out.c(5, 1)).toBe(0);
  });

  it('shows the centre-square view: points outside the square drop out, the rest stay in place relative to the body', () => {
    const s = PoseSequence.empty({ id: 'wide', fps: 24, width: 200, height: 100 }, 3);
    for (let t = 0; t < 3; t++) {
      s.set(t, 0, 0.5, 0.5, 1); // centre
      s.set(t, 1, 0.1, 0.5, 1); // left of the square (x < 50 px)
      s.set(t, 2, 0.5, 1.2, 1); // below the frame
    }
    const out = applyAugmentation(s, undefined, warp({ crop: true })).sequence;
    expect([out.meta.width, out.meta.height]).toEqual([100, 100]);
    expect([out.x(1, 0), out.y(1, 0), out.c(1, 0)]).toEqual([0.5, 0.5, 1]);
    expect([out.c(1, 1), out.c(1, 2)]).toEqual([0, 0]);
    expect(applyAugmentation(s, undefined, warp({})).sequence.c(1, 1)).toBe(1);
  });

  it('returns sequences too short to warp unchanged', () => {
    const s = ramp(1);
    expect(applyAugmentation(s, undefined, warp({ speed: 1.2, offset: 2 })).sequence).toBe(s);
  });
});

describe('translator warm start and augmented training', () => {
  const dir = mkdtempSync(join(tmpdir(), 'translator-init-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts from another checkpoint\'s weights and vocabulary, trains with augmentation, and refuses a mismatch', async () => {
    const examples = synthExamples(40);
    const base = join(dir, 'base');
    const first = await trainTranslator({ config: microConfig(), train: examples, outDir: base, steps: 40, batch: 8, seed: 5 });
    const cfg = { ...microConfig(), augment: 1 };
    const warm = await trainTranslator({ config: cfg, train: examples, outDir: join(dir, 'warm'), steps: 5, batch: 8, seed: 5, initFrom: base });
    const cold = await trainTranslator({ config: cfg, train: examples, outDir: join(dir, 'cold'), steps: 5, batch: 8, seed: 5 });
    expect(warm.history[0].loss).toBeLessThan(cold.history[0].loss * 0.8);
    expect(warm.history[0].loss).toBeLessThan(first.history[0].loss);
    await expect(trainTranslator({ config: { ...cfg, dModel: 64 }, train: examples, outDir: join(dir, 'wide'), steps: 1, initFrom: base }))
      .rejects.toThrow(/its dModel is 32, the config has 64/);
    await expect(trainTranslator({ config: cfg, train: examples, outDir: join(dir, 'warm'), steps: 6, resume: true, initFrom: base }))
      .rejects.toThrow(/already holds a checkpoint/);
    await expect(trainTranslator({ config: cfg, train: examples, outDir: join(dir, 'x'), steps: 1, initFrom: join(dir, 'nothing') }))
      .rejects.toThrow(/no checkpoint there/);
  });

  it('validates the augmentation probability', () => {
    expect(() => getConfig('tiny', { augment: 1.5 })).toThrow(/augment must be a probability/);
    expect(getConfig('tiny').augment).toBe(0.5);
  });
});
