import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCorpus } from '../../corpus/format.js';
import { proceduralCorpus } from '../../corpus/procedural/index.js';
import { loadTrainingSplits } from '../../corpus/training.js';
import { describeFailure } from '../../cli/errors.js';

describe('training splits', () => {
  it('a corpus directory gives the same examples as the procedural stream it was written from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-splits-'));
    try {
      const c = proceduralCorpus({ sentences: 24, seed: 5 });
      await writeCorpus(dir, c.stream(), { version: c.version });
      const fromSeed = await loadTrainingSplits('procedural', { sentences: 24, seed: 5 });
      const fromDisk = await loadTrainingSplits(dir);
      expect(fromDisk.version).toBe(fromSeed.version);
      for (const split of ['train', 'dev', 'test'] as const) {
        expect(fromDisk[split].map((x) => x.id)).toEqual(fromSeed[split].map((x) => x.id));
        expect(fromDisk[split].map((x) => x.text)).toEqual(fromSeed[split].map((x) => x.text));
      }
      const a = fromSeed.train[0].sequence();
      const b = fromDisk.train[0].sequence();
      expect(b.frames).toBe(a.frames);
      expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
      expect(fromDisk.train[0].glosses).toEqual(fromSeed.train[0].glosses);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never trains on a test sentence: train and dev drop entries whose text a test entry has', async () => {
    const all = proceduralCorpus({ sentences: 20000 }).entries;
    const testTexts = new Set(all.filter((e) => e.split === 'test').map((e) => e.text));
    const repeated = all.filter((e) => e.split !== 'test' && testTexts.has(e.text)).length;
    expect(repeated).toBeGreaterThan(0); // the corpus does repeat sentences across splits
    const s = await loadTrainingSplits('procedural', { sentences: 20000 });
    expect([...s.train, ...s.dev].filter((x) => testTexts.has(x.text))).toEqual([]);
    expect(s.train.length + s.dev.length + s.test.length).toBe(all.length - repeated);
  });

  it('names the corpus and the problem when it cannot be opened; the CLI names its flag instead', async () => {
    const err = await loadTrainingSplits('/nonexistent/corpus').catch((e: unknown) => e);
    expect(err).toMatchObject({ message: expect.stringMatching(/^corpus \/nonexistent\/corpus: .*give a corpus directory, SignVerse shards, or "procedural"/) });
    expect(describeFailure(err).message).toMatch(/^--corpus \/nonexistent\/corpus: .*give a corpus directory/);
  });
});
