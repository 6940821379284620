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
    expect(gen.corpus.version).toBe(corpusVersion());
    expect(tr.metrics.evaluatedCorpusVersion).toBe(corpusVersion());
  });

  it('the generator turns a sentence into a DWPose sequence of a predicted length', async () => {
    const g = await GeneratorRuntime.load(generatorDir(), { log: false });
    try {
      const seq = await g.generate('Why does the brother come to the zoo?', { id: 'smoke' });
      expect(seq.frames).toBeGreaterThanOrEqual(8);
      expect(seq.frames).toBeLessThanOrEqual(96);
      seq.validate();
    } finally {
      await g.dispose();
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
