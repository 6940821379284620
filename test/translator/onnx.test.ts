import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../nn/backend.js';
import { saveCheckpoint } from '../../nn/checkpoint.js';
import type { ParamStore } from '../../nn/params.js';
import { padSources } from '../../translator/batch.js';
import { extractFeatures, FEATURE_DIM, FEATURE_STRIDE } from '../../translator/features.js';
import { exportTranslator } from '../../translator/export.js';
import { createTranslatorParams, Network, type KV } from '../../translator/network.js';
import { Translator } from '../../translator/runtime.js';
import type { TranslatorCheckpointConfig } from '../../translator/train.js';
import { BOS, EOS, Vocab } from '../../translator/vocab.js';
import { microConfig, synthSequence, WORDS } from './synthetic.js';

const root = mkdtempSync(join(tmpdir(), 'translator-onnx-'));
const cfg = microConfig();
const vocab = Vocab.build([WORDS.join(' ')], 'word');
let params: ParamStore;
let net: Network;
let translator: Translator;
const seqs = [synthSequence('hello world cat', 'a', 0.05), synthSequence('dog runs', 'b', 0.1), synthSequence('cat sleeps dog hello', 'c')];

beforeAll(async () => {
  await initBackend();
  params = createTranslatorParams(cfg, vocab.size, 11);
  // Make the output layer's bias favour EOS a little so decoding ends at different lengths.
  net = new Network(cfg, params);
  const meta: TranslatorCheckpointConfig = { model: 'translator', translator: cfg, featureDim: FEATURE_DIM, featureStride: FEATURE_STRIDE, seed: 11, batch: 8 };
  saveCheckpoint(join(root, 'ckpt'), { params, step: 0, config: meta, vocab: vocab.tokens.slice() });
  exportTranslator(join(root, 'ckpt'), join(root, 'model'));
  translator = await Translator.load(join(root, 'model'), { threads: 1, providers: ['cpu'] });
});
afterAll(async () => {
  await translator?.release();
  params?.dispose();
  rmSync(root, { recursive: true, force: true });
});

function tfEncode(list: typeof seqs) {
  const src = padSources(list.map((s) => extractFeatures(s, { maxRows: cfg.maxSourceRows })));
  const features = tf.tensor3d(src.features, [src.batch, src.rows, FEATURE_DIM]);
  const valid = tf.tensor2d(src.valid, [src.batch, src.rows]);
  return { features, valid, memory: net.encode(features, valid) };
}

/** tfjs log-probabilities of every position, decoding the whole prefix at once (no cache). */
function tfFullLogProbs(seq: (typeof seqs)[number], tokens: number[]): number[][] {
  return tf.tidy(() => {
    const { memory, valid } = tfEncode([seq]);
    const logits = net.decodeFull(tf.tensor2d(tokens, [1, tokens.length], 'int32'), memory, valid);
    return (tf.logSoftmax(logits).squeeze([0]).arraySync() as number[][]);
  });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('ONNX export and ORT runtime', () => {
  it('pooled encoder states match tfjs (≤ 1e-4), for a padded batch', async () => {
    const ort = await translator.embedBatch(seqs);
    const ref = tf.tidy(() => {
      const { memory, valid } = tfEncode(seqs);
      return Network.pool(memory, valid).arraySync() as number[][];
    });
    for (let b = 0; b < seqs.length; b++) expect(maxDiff(ort[b], ref[b])).toBeLessThanOrEqual(1e-4);
    expect(ort[0].length).toBe(cfg.dModel);
    expect(maxDiff(ort[0], ort[1])).toBeGreaterThan(1e-3);
  });

  it('cached ORT decoder steps equal tfjs full re-decoding at every position (≤ 1e-4)', async () => {
    const tokens = [BOS, ...vocab.encode('cat dog hello world runs')];
    const steps = await translator.stepLogProbs(seqs[0], tokens);
    const full = tfFullLogProbs(seqs[0], tokens);
    for (let t = 0; t < tokens.length; t++) expect(maxDiff(steps[t], full[t])).toBeLessThanOrEqual(1e-4);
  });

  it('the tfjs KV-cache step equals tfjs full decoding', () => {
    const tokens = [BOS, ...vocab.encode('dog dog sleeps')];
    const full = tfFullLogProbs(seqs[1], tokens);
    tf.tidy(() => {
      const { memory, valid } = tfEncode([seqs[1]]);
      const cross = net.crossKV(memory);
      let past: KV[] = [];
      for (let t = 0; t < tokens.length; t++) {
        const r = net.decodeStep(tf.tensor1d([tokens[t]], 'int32'), t, past, cross, valid);
        expect(maxDiff(r.logProbs.dataSync(), full[t])).toBeLessThanOrEqual(1e-4);
        past = r.present;
      }
    });
  });

  it('greedy decoding with the KV cache gives the same tokens as greedy full re-decoding', async () => {
    const out = await translator.translateBatch(seqs, { beam: 1, maxLength: 6, batchSize: 2 });
    for (let b = 0; b < seqs.length; b++) {
      const toks = [BOS];
      for (let t = 0; t < 6; t++) {
        const lp = tfFullLogProbs(seqs[b], toks)[toks.length - 1];
        const best = lp.indexOf(Math.max(...lp));
        if (best === EOS) break;
        toks.push(best);
      }
      expect(out[b].tokens).toEqual(toks.slice(1).map((i) => vocab.tokens[i]));
      expect(out[b].id).toBe(seqs[b].meta.id);
      expect(toks.length).toBeGreaterThan(2); // a non-trivial decode (not an immediate EOS)
    }
  });

  it('beam search returns ranked alternatives and never scores below greedy', async () => {
    const greedy = await translator.translate(seqs[2], { beam: 1, maxLength: 6, lengthPenalty: 0 });
    const beam = await translator.translate(seqs[2], { beam: 4, maxLength: 6, lengthPenalty: 0 });
    expect(beam.alternatives!.length).toBe(4);
    expect(beam.logProb).toBeGreaterThanOrEqual(greedy.logProb - 1e-4);
    const scores = beam.alternatives!.map((a) => a.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });
});
