import { describe, expect, it } from 'vitest';
import { BODY } from '../../pose/skeleton.js';
import { POSE_DIM, getConfig } from '../../generator/config.js';
import { BatchSampler } from '../../generator/data.js';
import { computePoseStats, statsFromJson, statsToJson } from '../../generator/normalization.js';
import { meanPlacement, placementFromJson, placementOf, replace } from '../../generator/placement.js';
import type { ModelFrames } from '../../generator/features.js';
import { Vocab } from '../../generator/tokenizer.js';
import { syntheticPairs } from './synthetic.js';

/** A 3-frame sequence of a signer with the neck at (nx, ny) and shoulders `w` apart, a hand point at a fixed offset. */
function signer(nx: number, ny: number, w: number): ModelFrames {
  const frames = new Float32Array(3 * POSE_DIM);
  for (let t = 0; t < 3; t++) {
    const set = (p: number, x: number, y: number) => { const o = t * POSE_DIM + p * 3; frames[o] = x; frames[o + 1] = y; frames[o + 2] = 1; };
    set(BODY.neck, nx, ny);
    set(BODY.rShoulder, nx - w / 2, ny);
    set(BODY.lShoulder, nx + w / 2, ny);
    set(BODY.rWrist, nx - 0.5 * w, ny - (0.2 + 0.1 * t) * w); // the same sign in shoulder units
  }
  return { frames, length: 3 };
}

describe('signer placement', () => {
  it('measures the neck and shoulder width, and re-places a signer so the same sign lands on the same points', () => {
    const a = signer(0.4, 0.5, 0.2);
    const b = signer(0.6, 0.45, 0.3);
    expect(placementOf(a)).toEqual({ x: Math.fround(0.4), y: 0.5, scale: expect.closeTo(0.2, 6) });
    const to = meanPlacement([a, b])!;
    expect(to.x).toBeCloseTo(0.5, 6);
    expect(to.scale).toBeCloseTo(0.25, 6);
    replace(a, to);
    replace(b, to);
    for (let i = 0; i < a.frames.length; i++) expect(a.frames[i]).toBeCloseTo(b.frames[i], 5);
    expect(placementOf(a)!.scale).toBeCloseTo(0.25, 5);
  });

  it('leaves absent points and sequences without shoulders alone', () => {
    const f = signer(0.4, 0.5, 0.2);
    const p = BODY.lWrist * 3;
    f.frames[p] = 0.9; // absent (presence 0): untouched
    replace(f, { x: 0.5, y: 0.5, scale: 0.4 });
    expect(f.frames[p]).toBeCloseTo(0.9, 6);
    const none: ModelFrames = { frames: Float32Array.from({ length: POSE_DIM }, (_, i) => (i % 3 === 2 ? 0 : 0.3)), length: 1 };
    const copy = none.frames.slice();
    expect(placementOf(none)).toBeNull();
    replace(none, { x: 0.5, y: 0.5, scale: 0.4 });
    expect(none.frames).toEqual(copy);
  });

  it('round-trips through the statistics JSON and refuses a bad placement', () => {
    const s = { ...computePoseStats([signer(0.4, 0.5, 0.2)]), placement: { x: 0.5, y: 0.4, scale: 0.25 } };
    expect(statsFromJson(JSON.parse(JSON.stringify(statsToJson(s))), 'x').placement).toEqual(s.placement);
    expect(() => placementFromJson({ x: 0.5, y: 0.4, scale: 0 }, 'ck')).toThrow(/ck: placement\.scale must be positive/);
    expect(() => placementFromJson({ x: 'a' }, 'ck')).toThrow(/ck: placement\.x must be a finite number/);
  });

  it('batches re-place their frames when the config asks for it', () => {
    const pairs = syntheticPairs(4, 2);
    const vocab = Vocab.build(pairs.map((p) => p.text));
    const stats = { ...computePoseStats([signer(0.4, 0.5, 0.2)]), placement: { x: 0.3, y: 0.6, scale: 0.05 } };
    const raw = new BatchSampler(pairs, vocab, getConfig('tiny', { normalize: false, placement: false }), 1, 4, stats).batchOf([0]);
    const placed = new BatchSampler(pairs, vocab, getConfig('tiny', { normalize: false, placement: true }), 1, 4, stats).batchOf([0]);
    const first = (b: typeof raw): ModelFrames => ({ frames: b.targets.slice(0, b.T * POSE_DIM), length: b.T });
    expect(placementOf(first(raw))!.x).not.toBeCloseTo(0.3, 2);
    const p = placementOf(first(placed))!;
    expect(p.x).toBeCloseTo(0.3, 5);
    expect(p.y).toBeCloseTo(0.6, 5);
    expect(p.scale).toBeCloseTo(0.05, 5);
  });
});
