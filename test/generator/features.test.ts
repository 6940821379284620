import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PoseSequence } from '../../pose/sequence.js';
import { framesFromRatio, modelFramesToSequence, roundHalfEven, sequenceToModelFrames, subsampleIndices } from '../../generator/features.js';
import { loadGeneratorCorpus } from '../../generator/corpus-data.js';

describe('pose features (centre-square space)', () => {
  it('maps a 1280×720 frame into the centre square and marks points outside it, unseen or empty as missing', () => {
    const seq = PoseSequence.empty({ id: 's', fps: 24, width: 1280, height: 720 }, 3);
    seq.set(0, 0, 0.5, 0.5, 0.8); // centre → (0.5, 0.5)
    seq.set(0, 1, (280 + 72) / 1280, 0.25, 1); // 72 px right of the crop's left edge → x' = 0.1
    seq.set(0, 2, 0.1, 0.5, 1); // left of the crop → missing
    seq.set(0, 3, 0.5, 0.5, 0); // confidence 0 → missing
    seq.set(0, 4, 0, 0.5, 1); // x ≤ 1e-6 → missing
    seq.set(1, 0, 0.5, 0.5, 1);
    seq.people[0] = 1;
    seq.people[1] = 0; // empty frame → all zeros even though a point is set
    const f = sequenceToModelFrames(seq);
    expect(f.length).toBe(3);
    expect(Array.from(f.frames.subarray(0, 6))).toEqual([0.5, 0.5, 1, expect.closeTo(0.1, 6), 0.25, 1]);
    expect(Array.from(f.frames.subarray(6, 15))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(f.frames.subarray(384, 768).every((v) => v === 0)).toBe(true);
  });

  it('subsamples long sequences to 96 frames with numpy rounding and bounds the output length', () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(-1.5)).toBe(-2);
    const idx = subsampleIndices(200, 96);
    expect(idx.length).toBe(96);
    expect(idx[0]).toBe(0);
    expect(idx[95]).toBe(199);
    expect(idx.every((v, i) => i === 0 || v > idx[i - 1])).toBe(true);
    expect(subsampleIndices(10, 96)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(framesFromRatio(0.01)).toBe(8);
    expect(framesFromRatio(0.5)).toBe(48);
    expect(framesFromRatio(0.5 + 0.5 / 96)).toBe(48); // 48.5 → 48 (half to even)
    expect(framesFromRatio(1)).toBe(96);
    expect(framesFromRatio(NaN)).toBe(8);
  });

  it('turns model frames into a square PoseSequence with presence thresholded at 0.5', () => {
    const frames = new Float32Array(2 * 384);
    frames.set([0.25, 0.75, 0.9, 0.5, 0.5, 0.3, 0.1, 0.2, 1.4]);
    const seq = modelFramesToSequence(frames, 2, { id: 'g', size: 720, fps: 24 });
    expect(seq.meta).toMatchObject({ id: 'g', width: 720, height: 720, fps: 24 });
    expect([seq.x(0, 0), seq.y(0, 0), seq.c(0, 0)]).toEqual([0.25, 0.75, expect.closeTo(0.9, 6)]);
    expect(seq.c(0, 1)).toBe(0);
    expect(seq.c(0, 2)).toBe(1);
    expect(Array.from(seq.people)).toEqual([1, 0]);
  });
});

describe('generator corpus loading', () => {
  it('streams the procedural corpus by split without writing it out', async () => {
    const c = await loadGeneratorCorpus('procedural', { sentences: 30 });
    expect(c.info.name).toBe('procedural');
    expect(c.info.version).toMatch(/^sbp-/);
    expect(c.train.length + c.dev.length + c.test.length).toBe(30);
    const f = sequenceToModelFrames(c.train[0].sequence());
    expect(f.length).toBeGreaterThan(0);
    expect(f.length).toBeLessThanOrEqual(96);
    expect(f.frames.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(f.frames.some((v) => v > 0)).toBe(true);
  });

  it('refuses a missing corpus directory with a clear message', async () => {
    await expect(loadGeneratorCorpus('/nonexistent/corpus')).rejects.toThrow(/^corpus \/nonexistent\/corpus: .*no such directory/);
    const d = mkdtempSync(join(tmpdir(), 'gen-corpus-'));
    await expect(loadGeneratorCorpus(d)).rejects.toThrow(/neither manifest\.jsonl nor any SignVerse shard/);
    rmSync(d, { recursive: true, force: true });
  });
});
