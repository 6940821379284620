import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusVersion, proceduralCorpus } from '../../corpus/procedural/index.js';
import { GeneratorRuntime, defaultModelDir as generatorDir } from '../../generator/runtime.js';
import { Translator, defaultModelDir as translatorDir } from '../../translator/runtime.js';

/** The models the product ships: they load, match their manifests and the corpus they were trained on, and run. */
describe('committed default models', () => {
  it('were trained on the current procedural corpus version', () => {
    const gen = JSON.parse(readFileSync(join(generatorDir(), 'manifest.json'), 'utf8'));
    const tr = JSON.parse(readFileSync(join(translatorDir(), 'manifest.json'), 'utf8'));
    expect(gen.corpus.version).toBe(corpusVersion({ sentences: gen.corpus.sentences })); // the default is trained on 20,000 sentences
    const compact = JSON.parse(readFileSync(join(generatorDir(), '..', 'generator-compact', 'manifest.json'), 'utf8'));
    expect(compact.corpus.version).toBe(corpusVersion());
    expect(tr.metrics.evaluatedCorpusVersion).toBe(corpusVersion());
  });

  it('the default generator is non-autoregressive and turns a sentence or glosses into full-frame 24-fps poses', async () => {
    const g = await GeneratorRuntime.load(generatorDir(), { log: false });
    try {
      expect(g.architecture).toBe('non-autoregressive');
      const seq = await g.generate('Why does the brother come to the zoo?', { id: 'smoke' });
      expect(seq.meta).toMatchObject({ fps: 24, width: 1280, height: 720 });
      expect(seq.frames).toBeGreaterThanOrEqual(24);
      seq.validate();
      expect(await g.glossesOf('Why does the brother come to the zoo?')).toEqual(['ZOO', 'BROTHER', 'COME', 'WHY', '?']);
      const q = await g.generateGlosses('ZOO BROTHER COME WHY ?');
      expect(q.meta.glosses?.map((s) => s.gloss)).toEqual(['ZOO', 'BROTHER', 'COME', 'WHY']);
    } finally {
      await g.release();
    }
  });

  it('the compact autoregressive generator stays available and runs through the same API', async () => {
    const g = await GeneratorRuntime.load(join(generatorDir(), '..', 'generator-compact'), { log: false });
    try {
      expect(g.architecture).toBe('autoregressive');
      const seq = await g.generate('Why does the brother come to the zoo?', { id: 'smoke' });
      expect(seq.frames).toBeGreaterThanOrEqual(8);
      expect(seq.frames).toBeLessThanOrEqual(96);
      seq.validate();
      await expect(g.generateGlosses('ZOO BROTHER COME WHY ?')).rejects.toThrow(/reads text, not glosses/);
    } finally {
      await g.release();
    }
  });

  it('the translator reads a ground-truth sequence back into words of the corpus', async () => {
    const c = proceduralCorpus({ sentences: 40 });
    const entry = c.entries.find((e) => e.split === 'train')!;
    const t = await Translator.load(translatorDir(), { threads: 1 });
    try {
      const out = await t.translate(c.sequence(entry));
      expect(out.text.length).toBeGreaterThan(0);
      expect(out.tokens.length).toBeGreaterThan(0);
    } finally {
      await t.release();
    }
  });
});
