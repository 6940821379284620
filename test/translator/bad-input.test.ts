import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../nn/backend.js';
import { saveCheckpoint } from '../../nn/checkpoint.js';
import { PoseSequence } from '../../pose/sequence.js';
import { exportTranslator } from '../../translator/export.js';
import { FEATURE_DIM, FEATURE_STRIDE } from '../../translator/features.js';
import { createTranslatorParams } from '../../translator/network.js';
import { Translator } from '../../translator/runtime.js';
import { Vocab } from '../../translator/vocab.js';
import { microConfig, synthSequence, WORDS } from './synthetic.js';

const root = mkdtempSync(join(tmpdir(), 'translator-bad-'));
const model = join(root, 'model');
const cfg = microConfig();

beforeAll(async () => {
  await initBackend();
  const vocab = Vocab.build([WORDS.join(' ')], 'word');
  const params = createTranslatorParams(cfg, vocab.size, 3);
  saveCheckpoint(join(root, 'ckpt'), { params, step: 0, config: { model: 'translator', translator: cfg, featureDim: FEATURE_DIM, featureStride: FEATURE_STRIDE, seed: 3, batch: 8 }, vocab: vocab.tokens.slice() });
  params.dispose();
  exportTranslator(join(root, 'ckpt'), model);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the good model with one file replaced. */
function variant(name: string, file: string, content: string | Uint8Array): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const f of ['manifest.json', 'encoder.onnx', 'decoder_step.onnx']) copyFileSync(join(model, f), join(dir, f));
  writeFileSync(join(dir, file), content);
  return dir;
}

describe('translator bad input', () => {
  it('rejects an empty sequence and one with every point missing, naming the sequence', async () => {
    const t = await Translator.load(model, { providers: ['cpu'], threads: 1 });
    try {
      await expect(t.translate(PoseSequence.empty({ id: 'empty.pose', fps: 24, width: 100, height: 100 }, 0))).rejects.toThrow(/empty\.pose: .*empty/);
      await expect(t.translate(PoseSequence.empty({ id: 'blank.pose', fps: 24, width: 100, height: 100 }, 12))).rejects.toThrow(/blank\.pose: all points are missing/);
      await expect(t.embed(PoseSequence.empty({ id: 'blank2', fps: 24, width: 100, height: 100 }, 3))).rejects.toThrow(/all points are missing/);
      // A good sequence still works after the failures.
      const ok = await t.translate(synthSequence('cat dog'), { maxLength: 4 });
      expect(typeof ok.text).toBe('string');
    } finally {
      await t.release();
    }
  });

  it('gives clear errors for missing, corrupt or mismatched model files', async () => {
    await expect(Translator.load(join(root, 'nowhere'))).rejects.toThrow(/nowhere: translator model directory not found/);
    await expect(Translator.load(variant('badjson', 'manifest.json', '{oops'))).rejects.toThrow(/not valid JSON/);
    const m = JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8'));
    await expect(Translator.load(variant('badformat', 'manifest.json', JSON.stringify({ ...m, format: 'other' })))).rejects.toThrow(/not a translator model/);
    await expect(Translator.load(variant('badfeat', 'manifest.json', JSON.stringify({ ...m, features: { ...m.features, dim: 12 } })))).rejects.toThrow(/features\.dim/);
    await expect(Translator.load(variant('trunc', 'decoder_step.onnx', readFileSync(join(model, 'decoder_step.onnx')).subarray(0, 200)))).rejects.toThrow(/decoder_step\.onnx: ONNX Runtime could not load/);
    await expect(Translator.load(variant('layers', 'manifest.json', JSON.stringify({ ...m, config: { ...m.config, decoderLayers: 3 } })))).rejects.toThrow(/decoder/);
    // Encoder and decoder swapped: the I/O contract check catches it.
    const swapped = variant('swap', 'encoder.onnx', readFileSync(join(model, 'decoder_step.onnx')));
    await expect(Translator.load(swapped)).rejects.toThrow(/encoder\.onnx inputs\/outputs/);
  });

  it('refuses a checkpoint that is not a translator', () => {
    const dir = join(root, 'other-ckpt');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(root, 'ckpt', 'weights.bin'), join(dir, 'weights.bin'));
    const man = JSON.parse(readFileSync(join(root, 'ckpt', 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...man, config: { model: 'generator' } }));
    expect(() => exportTranslator(dir, join(root, 'out'))).toThrow(/not a translator checkpoint/);
  });
});
