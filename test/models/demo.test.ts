import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../benchmark/demo.js';

const dir = mkdtempSync(join(tmpdir(), 'demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run demo` end to end on one sentence with the committed models. */
describe('end-to-end demo', () => {
  it('generates, back-translates, scores and renders a side-by-side animation at the corpus frame rate', async () => {
    const lines: string[] = [];
    const r = await runDemo({ out: dir, samples: 1, onLog: (l) => lines.push(l) });
    expect(r.samples).toHaveLength(1);
    const s = r.samples[0];
    expect(s.text.length).toBeGreaterThan(0);
    expect(s.referenceBack.length).toBeGreaterThan(0);
    expect(s.generatedBack.length).toBeGreaterThan(0);
    // The generated poses are interpolated to the reference's 24 fps: about as many frames as the reference.
    expect(s.generatedFrames / s.referenceFrames).toBeGreaterThan(0.5);
    expect(s.generatedFrames / s.referenceFrames).toBeLessThan(2);
    expect(s.dtwMje).toBeGreaterThan(0);
    expect(Number.isFinite(r.scores.generated.bleu)).toBe(true);
    expect(readFileSync(s.animation).subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(JSON.parse(readFileSync(r.report, 'utf8')).samples[0].id).toBe(s.id);
    expect(lines.some((l) => l.startsWith('rendered'))).toBe(true);
    expect(existsSync(join(dir, 'report.json'))).toBe(true);
    await expect(runDemo({ out: dir, samples: 0 })).rejects.toThrow(/samples must be an integer in 1\.\.500/);
  }, 120_000);
});
