import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { exportSignVerse, openCorpus, writeCorpus } from '../../corpus/format.js';
import { proceduralCorpus } from '../../corpus/procedural/index.js';
import { describeShared, sharedPath } from '../shared.js';

const tmp = mkdtempSync(join(tmpdir(), 'signbench-corpus-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** sha256 over every file of a corpus directory (names and bytes, sorted). */
function dirHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, name.name);
      if (name.isDirectory()) walk(p, `${rel}${name.name}/`);
      else h.update(`${rel}${name.name}\0`).update(readFileSync(p));
    }
  };
  walk(dir, '');
  return h.digest('hex');
}


/** Bit-for-bit equality of two float arrays (fast, unlike a deep toEqual). */
function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('corpus directory format', () => {
  const corpus = proceduralCorpus({ sentences: 12, seed: 5 });

  it('writes the same corpus byte for byte from the same seed, and another from another seed', async () => {
    await writeCorpus(join(tmp, 'a'), corpus.stream(), { version: corpus.version });
    const again = proceduralCorpus({ sentences: 12, seed: 5 });
    await writeCorpus(join(tmp, 'b'), again.stream(), { version: again.version });
    const other = proceduralCorpus({ sentences: 12, seed: 6 });
    await writeCorpus(join(tmp, 'c'), other.stream(), { version: other.version });
    expect(dirHash(join(tmp, 'a'))).toBe(dirHash(join(tmp, 'b')));
    expect(dirHash(join(tmp, 'a'))).not.toBe(dirHash(join(tmp, 'c')));
    expect(readdirSync(join(tmp, 'a', 'poses'))).toHaveLength(12);
    const manifest = readFileSync(join(tmp, 'a', 'manifest.jsonl'), 'utf8').trim().split('\n');
    expect(manifest).toHaveLength(12);
    expect(JSON.parse(manifest[0])).toMatchObject({ id: corpus.entries[0].id, file: `poses/${corpus.entries[0].id}.pose` });
  });

  it('reads back every sequence exactly, with its text, glosses and signer', async () => {
    const c = await openCorpus(join(tmp, 'a'));
    expect(c.version).toBe(corpus.version);
    expect(c.entries()).toEqual(corpus.entries);
    let n = 0;
    for await (const { entry, seq } of c.stream()) {
      const orig = corpus.sequence(corpus.entries[n++]);
      expect(entry.id).toBe(orig.meta.id);
      expect(sameBytes(seq.data, orig.data)).toBe(true);
      expect(seq.meta).toMatchObject({ id: orig.meta.id, fps: 24, width: 1280, height: 720, text: orig.meta.text,
        gloss: orig.meta.gloss, glosses: orig.meta.glosses, signer: orig.meta.signer, signLanguage: 'x-sbp', source: 'procedural' });
    }
    expect(n).toBe(12);
    expect(c.entries('test').every((e) => e.split === 'test')).toBe(true);
  });

  it('describes itself', async () => {
    const info = (await openCorpus(join(tmp, 'a'))).info();
    expect(info.entries).toBe(12);
    expect(info.splits.train + info.splits.dev + info.splits.test).toBe(12);
    expect(info.version).toBe(corpus.version);
    expect(info.languages).toEqual(['en']);
    expect(info.signLanguages).toEqual(['x-sbp']);
    expect(info.frames).toBe(corpus.entries.reduce((s, e) => s + e.frames, 0));
    expect(info.signers).toBe(new Set(corpus.entries.map((e) => e.signer)).size);
    expect(info.vocabulary).toBe(new Set(corpus.entries.flatMap((e) => e.glosses.map((g) => g.gloss))).size);
    expect(info.hours).toBeCloseTo(info.frames / 24 / 3600, 9);
  });

  it('refuses to overwrite a corpus unless asked', async () => {
    await expect(writeCorpus(join(tmp, 'a'), corpus.stream())).rejects.toThrow(/already holds a corpus/);
    await writeCorpus(join(tmp, 'a'), proceduralCorpus({ sentences: 3, seed: 5 }).stream(), { overwrite: true });
    expect(readdirSync(join(tmp, 'a', 'poses'))).toHaveLength(3);
    expect((await openCorpus(join(tmp, 'a'))).entries()).toHaveLength(3);
  });

  it('rejects bad manifests with the file and line named', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir, { recursive: true });
    const good = JSON.stringify({ ...corpus.entries[0], file: 'poses/x.pose' });
    const cases: [string, RegExp][] = [
      ['{not json', /manifest\.jsonl: line 1: not JSON/],
      [JSON.stringify({ ...corpus.entries[0], split: 'holdout', file: 'poses/x.pose' }), /line 1: split/],
      [JSON.stringify({ ...corpus.entries[0], file: '../../etc/passwd' }), /outside the corpus directory/],
      [`${good}\n${good}`, /line 2: id .* appears twice/],
      [JSON.stringify({ ...corpus.entries[0], id: '../x', file: 'poses/x.pose' }), /line 1: id/],
    ];
    for (const [text, re] of cases) {
      writeFileSync(join(dir, 'manifest.jsonl'), text);
      const err = await openCorpus(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PoseFormatError);
      expect(String((err as Error).message)).toMatch(re);
    }
    // a manifest that lists a missing file opens, but reading that entry says which file is missing
    writeFileSync(join(dir, 'manifest.jsonl'), good);
    const c = await openCorpus(dir);
    await expect(c.read(c.entries()[0])).rejects.toThrow(/x\.pose: no such file/);
    await expect(openCorpus(join(tmp, 'nope'))).rejects.toThrow(/no such directory/);
  });

  it('refuses ids that cannot be file names and sequences that disagree with their entry', async () => {
    const e = corpus.entries[0];
    const seq = corpus.sequence(e);
    await expect(writeCorpus(join(tmp, 'd'), [{ entry: { ...e, id: 'a/b' }, seq }])).rejects.toThrow(/cannot be a file name/);
    await expect(writeCorpus(join(tmp, 'e'), [{ entry: { ...e, frames: e.frames + 1 }, seq }])).rejects.toThrow(/frames/);
  });

  it('exports to SignVerse shards, which open as a corpus again', async () => {
    const src = join(tmp, 'sv-src');
    const small = proceduralCorpus({ sentences: 5, seed: 8 });
    await writeCorpus(src, small.stream(), { version: small.version });
    const out = join(tmp, 'sv');
    const { shards, videos } = await exportSignVerse(await openCorpus(src), out, { shardSize: 2 });
    expect(videos).toBe(5);
    expect(shards.map((s) => s.split('/').pop())).toEqual(['Sign_DWPose_NPZ_000001.tar', 'Sign_DWPose_NPZ_000002.tar', 'Sign_DWPose_NPZ_000003.tar']);
    const sv = await openCorpus(out);
    expect(sv.info().format).toBe('signverse');
    expect(sv.entries().map((e) => e.id)).toEqual(small.entries.map((e) => e.id));
    expect(sv.entries().map((e) => e.text)).toEqual(small.entries.map((e) => e.text));
    const e = sv.entries()[3];
    const seq = await sv.read(e);
    const orig = small.sequence(small.entries[3]);
    expect(seq.frames).toBe(orig.frames);
    // SignVerse stores coordinates as float64 of the normalised values: present points come back (nearly) exactly
    let maxErr = 0;
    for (let i = 0; i < orig.data.length; i += 3) {
      if (orig.data[i + 2] > 0) maxErr = Math.max(maxErr, Math.abs(seq.data[i] - orig.data[i]), Math.abs(seq.data[i + 1] - orig.data[i + 1]));
    }
    expect(maxErr).toBeLessThan(1e-5);
  });
});

describeShared(['fixtures', 'signverse'], 'a directory of real SignVerse shards', () => {
  it('opens as a corpus and streams its video', async () => {
    const c = await openCorpus(sharedPath('fixtures', 'signverse'));
    const info = c.info();
    expect(info.format).toBe('signverse');
    expect(info.entries).toBe(1);
    const [entry] = c.entries();
    expect(entry.frames).toBe(135);
    expect(entry.fps).toBe(24);
    const seq = await c.read(entry);
    expect(seq.frames).toBe(135);
    expect(seq.meta.width).toBe(1280);
    let n = 0;
    for await (const item of c.stream()) { n++; expect(item.seq.frames).toBe(135); }
    expect(n).toBe(1);
  });
});
