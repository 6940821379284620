import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli.js';
import { initBackend } from '../../nn/backend.js';
import { saveCheckpoint } from '../../nn/checkpoint.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { exportTranslator } from '../../translator/export.js';
import { FEATURE_DIM, FEATURE_STRIDE } from '../../translator/features.js';
import { createTranslatorParams } from '../../translator/network.js';
import { Vocab } from '../../translator/vocab.js';
import { loadTrainingCorpus } from '../../translator/corpus-data.js';
import { microConfig, synthSequence, WORDS } from './synthetic.js';

const root = mkdtempSync(join(tmpdir(), 'translator-cli-'));

beforeAll(async () => {
  await initBackend();
  const cfg = microConfig();
  const vocab = Vocab.build([WORDS.join(' ')], 'word');
  const params = createTranslatorParams(cfg, vocab.size, 4);
  saveCheckpoint(join(root, 'ckpt'), { params, step: 0, config: { model: 'translator', translator: cfg, featureDim: FEATURE_DIM, featureStride: FEATURE_STRIDE, seed: 4, batch: 8 }, vocab: vocab.tokens.slice() });
  params.dispose();
  exportTranslator(join(root, 'ckpt'), join(root, 'model'));
  writeFileSync(join(root, 'clip.pose'), encodePoseFile(synthSequence('hello cat', 'clip')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (args: string[]) => cli(...args);

describe('translator CLI', () => {
  it('translates a .pose file to JSON', async () => {
    const r = await run(['translate', join(root, 'clip.pose'), '--model', join(root, 'model'), '--beam', '2', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out.trim());
    expect(typeof j.text).toBe('string');
    expect(j.alternatives.length).toBeGreaterThan(0);
  });

  it('fails with one clear line for a missing file, a bad --beam and a missing model', async () => {
    expect((await run(['translate', join(root, 'nope.pose')])).err).toMatch(/signbench: .*nope\.pose: not found/);
    const bad = await run(['translate', join(root, 'clip.pose'), '--beam', '0', '--model', join(root, 'model')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--beam must be a positive integer/);
    expect((await run(['translate', join(root, 'clip.pose'), '--model', join(root, 'none')])).err).toMatch(/none: translator model directory not found/);
    expect((await run(['train', 'translator', '--corpus', '/some/dir', '--out', join(root, 'x')])).err).toMatch(/--corpus \/some\/dir: .*no such directory/);
  });

  it('loads the procedural corpus with held-out test signers', async () => {
    const c = await loadTrainingCorpus('procedural', { sentences: 60 });
    expect(c.train.length + c.dev.length + c.test.length).toBe(60);
    expect(c.version).toMatch(/^sbp-/);
    const seq = c.train[0].sequence();
    expect(seq.frames).toBeGreaterThan(0);
    expect(seq.meta.text).toBe(c.train[0].text);
  });
});
