import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli.js';
import { renderGlosses } from '../../corpus/procedural/index.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { PoseSequence } from '../../pose/sequence.js';

/** These tests use the committed default model (models/recognizer). */
const root = mkdtempSync(join(tmpdir(), 'recognizer-cli-'));
const seq = renderGlosses(['MOTHER', 'HOUSE', 'BOOK'], 3, 11); // a held-out signer

beforeAll(() => {
  writeFileSync(join(root, 'clip.pose'), encodePoseFile(seq));
  writeFileSync(join(root, 'empty.pose'), encodePoseFile(PoseSequence.empty({ id: 'empty', fps: 24, width: 64, height: 64 }, 0)));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (args: string[]) => cli(...args);

describe('signbench recognize / phonology', () => {
  it('recognises a segment: top-5 glosses with probabilities', async () => {
    const g = seq.meta.glosses![1];
    const r = await run(['recognize', join(root, 'clip.pose'), '--start', String(g.start), '--end', String(g.end), '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.top5).toHaveLength(5);
    expect(Object.keys(j.top5[0]).sort()).toEqual(['gloss', 'p']);
    expect(j.top5[0].gloss).toBe('HOUSE');
    expect(j.top5[0].p).toBeGreaterThan(0.5);
  });

  it('refuses 0 frames and segments outside the clip with a clear message', async () => {
    const a = await run(['recognize', join(root, 'empty.pose'), '--json']);
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/^signbench: .*(no frames|no pose sequence)/);
    const b = await run(['recognize', join(root, 'clip.pose'), '--start', '5', '--end', String(seq.frames + 10)]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/segment \[5, \d+\) is outside the clip's \d+ frames/);
    const c = await run(['recognize', join(root, 'clip.pose'), '--start', 'x']);
    expect(c.err).toMatch(/--start must be a frame index/);
    const d = await run(['recognize', join(root, 'missing.pose')]);
    expect(d.err).toMatch(/missing\.pose: not found/);
  });

  it('prints phonology of a segment (the whole clip when the file has no gloss timings)', async () => {
    const g = seq.meta.glosses![0];
    const r = await run(['phonology', join(root, 'clip.pose'), '--start', String(g.start), '--end', String(g.end), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.segments).toHaveLength(1);
    // MOTHER: 5-hand at the chin with contact, palm contra (corpus/procedural/lexicon.ts)
    expect(j.segments[0]).toMatchObject({ start: g.start, end: g.end, location: 'chin', movement: 'contact', orientation: 'contra', handshape: '5' });
    const whole = JSON.parse((await run(['phonology', join(root, 'clip.pose'), '--json'])).out);
    expect(whole.segments).toMatchObject([{ start: 0, end: seq.frames }]);
  });
});

describe('signbench recognition build | predict | score', () => {
  it('builds the suite with hidden labels, predicts with the default model and scores', async () => {
    const dir = join(root, 'suite');
    const b = await run(['recognition', 'build', '--out', dir, '--per-sign', '1', '--json']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).items).toBe(350);
    const suite = JSON.parse(readFileSync(join(dir, 'suite.json'), 'utf8'));
    expect(suite.kind).toBe('recognition');
    expect(readdirSync(join(dir, 'clips'))).toHaveLength(350);
    // a clip carries no label
    expect(readFileSync(join(dir, 'clips', `${suite.items[0]}.pose`)).includes(Buffer.from(JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'))[suite.items[0]]))).toBe(false);
    const p = await run(['recognition', 'predict', '--suite', dir, '--out', join(root, 'pred.json')]);
    expect(p.code).toBe(0);
    expect(existsSync(join(root, 'pred.json'))).toBe(true);
    const s = await run(['recognition', 'score', '--labels', join(dir, 'labels.json'), '--predictions', join(root, 'pred.json'), '--json']);
    expect(s.code).toBe(0);
    const score = JSON.parse(s.out);
    expect(score.n).toBe(350);
    expect(score.top1).toBeGreaterThan(95);
    expect(score.top5).toBeGreaterThanOrEqual(score.top1);
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ nope: ['A'] }));
    const bad = await run(['recognition', 'score', '--labels', join(dir, 'labels.json'), '--predictions', join(root, 'bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/predictions rejected: .*nope: not an item of the suite/);
  }, 120_000);
});
