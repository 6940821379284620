import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rowGlossLabels } from '../../translator/batch.js';
import { trainTranslator } from '../../translator/train.js';
import { microConfig, synthExamples } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'translator-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gloss row labels', () => {
  it('labels each pooled row with the gloss at its centre frame, 0 between signs', () => {
    const idx = new Map([['A', 1], ['B', 2]]);
    const spans = [{ gloss: 'A', start: 0, end: 8 }, { gloss: 'B', start: 12, end: 20 }];
    expect(Array.from(rowGlossLabels(spans, 6, 24, idx))).toEqual([1, 1, 0, 2, 2, 0]);
    expect(Array.from(rowGlossLabels(spans, 3, 24, idx))).toEqual([-1, -1, -1]); // resampled: no labels
    expect(Array.from(rowGlossLabels(undefined, 2, 8, idx))).toEqual([-1, -1]);
  });
});

describe('translator training (smoke)', () => {
  it('lowers the loss in a few steps, writes a checkpoint and loss curve, and resumes', async () => {
    const examples = synthExamples(40);
    const res = await trainTranslator({ config: microConfig(), train: examples, outDir: dir, steps: 40, batch: 8, seed: 5 });
    const first = res.history.slice(0, 5).reduce((a, p) => a + p.loss, 0) / 5;
    const last = res.history.slice(-5).reduce((a, p) => a + p.loss, 0) / 5;
    expect(last).toBeLessThan(first * 0.8);
    expect(existsSync(join(dir, 'weights.bin'))).toBe(true);
    expect(readFileSync(join(dir, 'loss.svg'), 'utf8')).toMatch(/<svg/);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.step).toBe(40);
    expect(manifest.extra.glossVocab).toBe(7); // <none> + 6 glosses: the auxiliary head was trained
    expect(manifest.tensors.some((t: { name: string }) => t.name === 'aux.gloss.w')).toBe(true);
    expect(manifest.vocab.slice(0, 4)).toEqual(['<pad>', '<bos>', '<eos>', '<unk>']);
    const resumed = await trainTranslator({ config: microConfig(), train: examples, outDir: dir, steps: 45, batch: 8, seed: 5, resume: true });
    expect(resumed.history.length).toBe(45);
    expect(resumed.history[39].loss).toBe(res.history[39].loss);
  });
});
