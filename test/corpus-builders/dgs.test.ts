import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../../corpus/builders/index.js';
import { openCorpus, type Corpus } from '../../corpus/format.js';
import { readPoseFile } from '../../pose/formats/pose-format.js';
import { describeShared, sharedPath } from '../shared.js';
import { sameTree, tempDir } from './helpers.js';

const DGS = ['corpus', 'dgs-sentences'] as const;

interface Meta {
  document_id: string;
  sentence: { start: number; english: string; german: string; glosses: { gloss: string[]; start: number[]; end: number[] } };
}

describe('dgs: bad input', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => { tmp = await tempDir('dgs-bad'); });
  afterAll(async () => { await tmp.cleanup(); });

  it('names a sentence whose pose file is missing', async () => {
    const src = join(tmp.dir, 'src');
    await mkdir(join(src, 'test'), { recursive: true });
    const meta = { document_id: '1', id: '1_a', sentence: { id: 'a', start: 1000, end: 2000, english: 'Hi.', german: 'Hallo.', glosses: { gloss: ['HALLO1'], start: [1100], end: [1500] } } };
    await writeFile(join(src, 'test', 'test_1_metadata.json'), JSON.stringify(meta));
    await expect(buildCorpus('dgs', { src, out: join(tmp.dir, 'o') })).rejects.toThrow(/test_1_original\.pose is missing/);
  });

  it('refuses an unknown kind and bad options by name', async () => {
    await expect(buildCorpus('nope' as never, { src: tmp.dir, out: join(tmp.dir, 'k') })).rejects.toThrow(/unknown kind "nope"; known: fingerspelling, dgs, pt-skels, signverse/);
    await expect(buildCorpus('dgs', { src: tmp.dir, out: join(tmp.dir, 'k'), variant: 'other' as never })).rejects.toThrow(/variant must be 'original' or 'updated'/);
  });

  it('names malformed metadata and a folder without sentences', async () => {
    const src = join(tmp.dir, 'bad');
    await mkdir(join(src, 'test'), { recursive: true });
    await writeFile(join(src, 'test', 'x_metadata.json'), JSON.stringify({ document_id: '1', sentence: { start: 0, english: 'a', german: 'b', glosses: { gloss: ['A'], start: [], end: [] } } }));
    await expect(buildCorpus('dgs', { src, out: join(tmp.dir, 'o2') })).rejects.toThrow(/x_metadata\.json: sentence\.glosses has 1 glosses, 0 starts/);
    await expect(buildCorpus('dgs', { src: join(tmp.dir, 'nowhere'), out: join(tmp.dir, 'o3') })).rejects.toThrow(/no such directory/);
  });
});

describeShared([...DGS], 'dgs: corpus from the real sentences', () => {
  const src = sharedPath(...DGS);
  const metas = new Map<string, { folder: string; meta: Meta }>();
  for (const folder of ['train', 'test']) {
    for (const f of readdirSync(join(src, folder)).filter((n) => n.endsWith('_metadata.json'))) {
      metas.set(`dgs-${f.replace('_metadata.json', '')}`, { folder, meta: JSON.parse(readFileSync(join(src, folder, f), 'utf8')) as Meta });
    }
  }
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let original: Corpus;
  let updated: Corpus;
  beforeAll(async () => {
    tmp = await tempDir('dgs');
    await buildCorpus('dgs', { src, out: join(tmp.dir, 'original') });
    await buildCorpus('dgs', { src, out: join(tmp.dir, 'updated'), variant: 'updated', language: 'de' });
    original = await openCorpus(join(tmp.dir, 'original'));
    updated = await openCorpus(join(tmp.dir, 'updated'));
  }, 60_000);
  afterAll(async () => { await tmp?.cleanup(); });

  it('has 16 + 16 sentences, all in the test split (eval-only), with the English text of the metadata', () => {
    expect(metas.size).toBe(32);
    const entries = original.entries();
    expect(entries).toHaveLength(32);
    expect(original.info().splits).toEqual({ train: 0, dev: 0, test: 32 });
    for (const e of entries) {
      const m = metas.get(e.id);
      expect(m, e.id).toBeDefined();
      expect(e.text).toBe(m!.meta.sentence.english.trim());
      expect(e.language).toBe('en');
      expect(e.signLanguage).toBe('gsg');
      expect(e.source).toBe('dgs-corpus');
      expect(e.signer).toBe(`dgs-${m!.meta.document_id}`);
    }
  });

  it('turns gloss times into frame spans of the clip, clamped inside it', async () => {
    for (const e of original.entries()) {
      const { folder, meta } = metas.get(e.id)!;
      const pose = await readPoseFile(join(src, folder, `${e.id.slice(4)}_original.pose`));
      expect(e.frames).toBe(pose.frames);
      const g = meta.sentence.glosses;
      expect(e.glosses.map((s) => s.gloss)).toEqual(g.gloss);
      e.glosses.forEach((s, i) => {
        expect(s.start).toBeGreaterThanOrEqual(0);
        expect(s.end).toBeGreaterThanOrEqual(s.start);
        expect(s.end).toBeLessThanOrEqual(e.frames);
        const expectedStart = Math.floor(((g.start[i] - meta.sentence.start) * e.fps) / 1000);
        if (expectedStart >= 0 && expectedStart <= e.frames) expect(s.start).toBe(expectedStart);
      });
    }
  });

  it('offers the stitched system output with the same ids, German text and its own frames', async () => {
    expect(updated.entries().map((e) => e.id)).toEqual(original.entries().map((e) => e.id));
    for (const e of updated.entries()) {
      const { folder, meta } = metas.get(e.id)!;
      expect(e.text).toBe(meta.sentence.german.trim());
      expect(e.language).toBe('de');
      const pose = await readPoseFile(join(src, folder, `${e.id.slice(4)}_updated.pose`));
      expect(e.frames).toBe(pose.frames);
      expect(e.glosses.map((s) => s.gloss)).toEqual(meta.sentence.glosses.gloss);
      expect(e.glosses[e.glosses.length - 1].end).toBe(e.frames);
    }
    expect(updated.version).not.toBe(original.version);
  });

  it('keeps the folder split on request, and is byte-identical when built again', async () => {
    const r = await buildCorpus('dgs', { src, out: join(tmp.dir, 'folders'), keepFolderSplit: true });
    const c = await openCorpus(join(tmp.dir, 'folders'));
    expect(c.info().splits).toEqual({ train: 16, dev: 0, test: 16 });
    for (const e of c.entries()) expect(e.split).toBe(metas.get(e.id)!.folder);
    expect(r.version).not.toBe(original.version);
    const again = await buildCorpus('dgs', { src, out: join(tmp.dir, 'again') });
    expect(again.version).toBe(original.version);
    const cmp = await sameTree(join(tmp.dir, 'original'), join(tmp.dir, 'again'));
    expect(cmp.files).toBe(34);
    expect(cmp.differing).toEqual([]);
  }, 60_000);

  it('reads sequences back with the entry meta', async () => {
    const e = original.entries()[0];
    const seq = await original.read(e);
    expect(seq.meta.text).toBe(e.text);
    expect(seq.meta.glosses).toEqual(e.glosses);
    expect(seq.meta.width).toBe(512);
  });
});
