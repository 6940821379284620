import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../../corpus/builders/index.js';
import { openCorpus, type Corpus } from '../../corpus/format.js';
import { describeShared, sharedPath } from '../shared.js';
import { sameTree, tempDir } from './helpers.js';

const PT = ['fixtures', 'pt-skels'] as const;
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '');

describe('pt-skels: bad input', () => {
  it('names a folder without .skels files and a malformed line', async () => {
    const tmp = await tempDir('pt-bad');
    try {
      await mkdir(join(tmp.dir, 'empty'));
      await expect(buildCorpus('pt-skels', { src: join(tmp.dir, 'empty'), out: join(tmp.dir, 'o') })).rejects.toThrow(/no train\/dev\/test \.skels file/);
      await mkdir(join(tmp.dir, 'bad'));
      await writeFile(join(tmp.dir, 'bad', 'dev.skels'), '0.1 0.2 nonsense\n');
      await expect(buildCorpus('pt-skels', { src: join(tmp.dir, 'bad'), out: join(tmp.dir, 'o2') })).rejects.toThrow(/dev\.skels line 1/);
    } finally {
      await tmp.cleanup();
    }
  });
});

describeShared([...PT], 'pt-skels: corpus from the PT fixture', () => {
  const src = sharedPath(...PT);
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let corpus: Corpus;
  beforeAll(async () => {
    tmp = await tempDir('pt');
    await buildCorpus('pt-skels', { src, out: join(tmp.dir, 'ref') });
    corpus = await openCorpus(join(tmp.dir, 'ref'));
  }, 60_000);
  afterAll(async () => { await tmp?.cleanup(); });

  it('has one entry per line, split from the file name, with text and glosses of the sibling files', () => {
    expect(corpus.info().splits).toEqual({ train: 5, dev: 5, test: 5 });
    for (const split of ['train', 'dev', 'test'] as const) {
      const files = lines(join(src, `${split}.files`));
      const text = lines(join(src, `${split}.text`));
      const gloss = lines(join(src, `${split}.gloss`));
      const entries = corpus.entries(split);
      expect(entries).toHaveLength(files.length);
      entries.forEach((e, i) => {
        expect(e.id).toBe(`pt-${files[i].trim().replace(/\//g, '_')}`);
        expect(e.text).toBe(text[i].trim());
        expect(e.glosses.map((g) => g.gloss)).toEqual(gloss[i].trim().split(/\s+/));
        expect(e.language).toBe('de');
        expect(e.signLanguage).toBe('gsg');
        expect(e.fps).toBe(25);
        // evenly spread, covering the whole sequence without overlap
        expect(e.glosses[0].start).toBe(0);
        expect(e.glosses[e.glosses.length - 1].end).toBe(e.frames);
        for (let k = 1; k < e.glosses.length; k++) expect(e.glosses[k].start).toBe(e.glosses[k - 1].end);
      });
    }
  });

  it('builds the model predictions with the ids of their references', async () => {
    const out = join(tmp.dir, 'pred');
    const r = await buildCorpus('pt-skels', { src: join(src, 'sign-idd-predictions'), out });
    const pred = await openCorpus(out);
    expect(r.written).toBe(10);
    expect(pred.info().splits).toEqual({ train: 0, dev: 5, test: 5 });
    const refIds = new Set(corpus.entries().map((e) => e.id));
    for (const e of pred.entries()) expect(refIds.has(e.id)).toBe(true);
    const seq = await pred.read(pred.entries()[0]);
    expect(seq.frames).toBe(pred.entries()[0].frames);
  });

  it('leaves glosses empty on request and is byte-identical when built again', async () => {
    await buildCorpus('pt-skels', { src, out: join(tmp.dir, 'none'), glossTiming: 'none' });
    const none = await openCorpus(join(tmp.dir, 'none'));
    for (const e of none.entries()) expect(e.glosses).toEqual([]);
    await buildCorpus('pt-skels', { src, out: join(tmp.dir, 'again') });
    const cmp = await sameTree(join(tmp.dir, 'ref'), join(tmp.dir, 'again'));
    expect(cmp.files).toBe(17);
    expect(cmp.differing).toEqual([]);
  });
});
