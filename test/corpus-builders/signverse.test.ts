import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../../corpus/builders/index.js';
import { openCorpus } from '../../corpus/format.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { encodeSignVerseNpz, formatVtt, readSignVerse, readSignVerseCaptions } from '../../pose/signverse/index.js';
import { describeShared, hasShared, sharedPath } from '../shared.js';
import { sameTree, tempDir } from './helpers.js';

const SHARD = ['fixtures', 'signverse'] as const;
const SLRTP = ['fixtures', 'slrtp'] as const;

async function videos(path: string): Promise<Map<string, PoseSequence>> {
  const out = new Map<string, PoseSequence>();
  for await (const s of readSignVerse(path)) out.set(s.id, s);
  return out;
}

describe('signverse: bad input', () => {
  it('names a missing source', async () => {
    const tmp = await tempDir('sv-bad');
    try {
      await expect(buildCorpus('signverse', { src: join(tmp.dir, 'nope'), out: join(tmp.dir, 'o') })).rejects.toThrow(/nope: no such file or directory/);
      await expect(buildCorpus('signverse', { src: tmp.dir, out: join(tmp.dir, 'o'), minFrames: 0 })).rejects.toThrow(/minFrames must be a positive integer/);
    } finally {
      await tmp.cleanup();
    }
  });
});

describeShared([...SHARD], 'signverse: segments from shards', () => {
  const shardDir = sharedPath(...SHARD);
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let fixture: PoseSequence;
  beforeAll(async () => {
    tmp = await tempDir('sv');
    fixture = [...(await videos(shardDir)).values()][0];
  });
  afterAll(async () => { await tmp?.cleanup(); });

  it('makes one entry per caption cue of the fixture shard, with the cue text and frames', async () => {
    const out = join(tmp.dir, 'fixture');
    const r = await buildCorpus('signverse', { src: shardDir, out });
    const caps = await readSignVerseCaptions(shardDir);
    const cues = caps.get(fixture.id)!.captions;
    expect(cues.length).toBeGreaterThan(0);
    const c = await openCorpus(out);
    expect(r.written).toBe(c.entries().length);
    expect(c.version).toBe(r.version);
    const e = c.entries()[0];
    expect(e.id).toBe(`${fixture.id}-c000`);
    expect(e.text).toBe(cues[0].text.trim());
    const start = Math.floor(cues[0].start * fixture.meta.fps);
    const end = Math.min(fixture.frames, Math.ceil(cues[0].end * fixture.meta.fps));
    expect(e.frames).toBe(end - start);
    expect(e.signer).toBe(fixture.id);
    expect(e.fps).toBe(fixture.meta.fps);
    const seq = await c.read(e);
    expect(Array.from(seq.data)).toEqual(Array.from(fixture.data.subarray(start * 384, end * 384)));
    // byte-identical on a second build
    await buildCorpus('signverse', { src: shardDir, out: join(tmp.dir, 'fixture2') });
    expect((await sameTree(out, join(tmp.dir, 'fixture2'))).differing).toEqual([]);
  });

  it('cuts videos at their cues, drops cues under 8 frames, and keeps each video in one split', async () => {
    const src = join(tmp.dir, 'videos');
    const cues: Record<string, { start: number; end: number; text: string }[]> = {
      vidA: [{ start: 0, end: 1.5, text: 'first part' }, { start: 1.5, end: 1.7, text: 'too short' }, { start: 2, end: 5, text: 'third  part' }],
      vidB: [{ start: 0.5, end: 3, text: 'only cue' }],
    };
    for (const [id, list] of Object.entries(cues)) {
      await mkdir(join(src, id, 'npz'), { recursive: true });
      await mkdir(join(src, id, 'captions'), { recursive: true });
      await writeFile(join(src, id, 'npz', 'poses.npz'), encodeSignVerseNpz(fixture.clone({ id })));
      await writeFile(join(src, id, 'captions', `${id}.en.vtt`), formatVtt(list));
    }
    const vids = await videos(src);
    expect([...vids.keys()].sort()).toEqual(['vidA', 'vidB']);
    const out = join(tmp.dir, 'videos-out');
    await buildCorpus('signverse', { src, out });
    const c = await openCorpus(out);
    expect(c.entries().map((e) => e.id)).toEqual(['vidA-c000', 'vidA-c002', 'vidB-c000']);
    const raw = await openCorpus(src); // the raw folders opened as a corpus: splits by video id
    for (const e of c.entries()) {
      const vid = e.id.slice(0, 4);
      const cue = cues[vid][Number(e.id.slice(-3))];
      const fps = vids.get(vid)!.meta.fps;
      expect(e.frames).toBe(Math.ceil(cue.end * fps) - Math.floor(cue.start * fps));
      expect(e.frames).toBeGreaterThanOrEqual(8);
      expect(e.text).toBe(cue.text.replace(/\s+/g, ' '));
      expect(e.signer).toBe(vid);
      expect(e.split).toBe(raw.entries().find((r) => r.id === vid)!.split);
    }
    const short = await buildCorpus('signverse', { src, out: join(tmp.dir, 'videos-min2'), minFrames: 2 });
    expect(short.written).toBe(4);
  });

  it.skipIf(!hasShared(...SLRTP))('keeps uncaptioned SLRTP clips whole, with matched ids in hypothesis and reference', async () => {
    const ids: string[][] = [];
    for (const name of ['hyp.tar', 'ref.tar']) {
      const path = sharedPath(...SLRTP, name);
      const out = join(tmp.dir, `slrtp-${name}`);
      const r = await buildCorpus('signverse', { src: path, out });
      const vids = await videos(path);
      const c = await openCorpus(out);
      expect(r.written).toBe(vids.size);
      for (const e of c.entries()) {
        expect(e.frames).toBe(vids.get(e.id)!.frames);
        expect(e.text).toBe('');
      }
      ids.push(c.entries().map((e) => e.id));
      const skipped = await buildCorpus('signverse', { src: path, out: join(tmp.dir, `slrtp-skip-${name}`), uncaptioned: 'skip' });
      expect(skipped.written).toBe(0);
    }
    expect(ids[0]).toEqual(ids[1]);
  });
});
