import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { npyHeader, parseNpy, parseNpyHeader } from '../../pose/npy.js';
import { NumpyArrayRef } from '../../pose/pickle.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { BODY_POINTS, FACE_POINTS, PARTS } from '../../pose/skeleton.js';
import {
  encodeSignVerseNpz,
  parseSignVerseNpz,
  readSignVerse,
  readSignVerseCaptions,
  readSignVerseTar,
} from '../../pose/signverse/index.js';
import { readTar } from '../../pose/tar.js';
import { readZip, writeZip } from '../../pose/zip.js';
import { describeShared, sharedPath } from '../shared.js';
import { f4, npzOf, payload } from './helpers.js';

const SHARD = ['fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'] as const;
const tmp = mkdtempSync(join(tmpdir(), 'signbench-signverse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function all(gen: AsyncIterable<PoseSequence>): Promise<PoseSequence[]> {
  const out: PoseSequence[] = [];
  for await (const s of gen) out.push(s);
  return out;
}

async function errorOf(fn: () => Promise<unknown> | unknown): Promise<Error> {
  try { await fn(); } catch (e) { return e as Error; }
  throw new Error('expected an error');
}

/** The poses.npz bytes of the fixture shard. */
async function fixtureNpz(): Promise<Uint8Array> {
  for await (const m of readTar(readFileSync(sharedPath(...SHARD)), 'shard')) if (m.name.endsWith('poses.npz')) return m.data as Uint8Array;
  throw new Error('no poses.npz in the fixture');
}

/** Every array of every frame payload, as raw bytes keyed `t:key` (for bit-exact comparisons). */
function payloadArrays(npz: Uint8Array): Map<string, string> {
  const member = readZip(npz, 'x').find((e) => e.name === 'frame_payloads.npy') as { data: Uint8Array };
  const arr = parseNpy(member.data, 'x');
  const out = new Map<string, string>();
  (arr.data as Map<string, unknown>[]).forEach((d, t) => {
    for (const [k, v] of d) {
      out.set(`${t}:${k}`, v instanceof NumpyArrayRef ? `${v.dtype?.descr}${v.shape}:${Buffer.from(v.raw as Uint8Array).toString('hex')}` : String(v));
    }
  });
  return out;
}

describeShared([...SHARD], 'SignVerse fixture shard', () => {
  it('reads the 135-frame 1280×720 24 fps video with its English caption', async () => {
    const seqs = await all(readSignVerse(sharedPath(...SHARD), { onWarning: (m) => { throw new Error(m); } }));
    expect(seqs).toHaveLength(1);
    const s = seqs[0];
    expect(s.meta).toMatchObject({ id: 'human_signer', fps: 24, width: 1280, height: 720, language: 'en', source: 'signverse' });
    expect(s.meta.text).toBe('Sample signing clip (caption text is a placeholder).');
    expect(s.frames).toBe(135);
    expect(Array.from(s.people).every((p) => p === 1)).toBe(true);
    // spot values read with numpy during development
    expect(s.x(0, 0)).toBe(Math.fround(0.523470401763916));
    expect(s.y(0, 0)).toBe(Math.fround(0.4136418104171753));
    // frame 0 body scores are [0..8, -1, -1, 11, -1, -1, 14..17]: subset indices → 1/0, coordinates kept
    expect(Array.from({ length: BODY_POINTS }, (_, j) => s.c(0, j))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1, 1, 1, 1]);
    expect(s.x(0, 9)).not.toBe(0);
    const lh = PARTS.leftHand.start;
    expect([s.x(67, lh + 5), s.y(67, lh + 5), s.c(67, lh + 5)]).toEqual([0.5556980967521667, 0.5501282811164856, Math.fround(0.8810758)]);
    const face = PARTS.face.start;
    expect([s.x(134, face + 30), s.y(134, face + 30), s.c(134, face + 30)]).toEqual([0.5003722906112671, 0.4139077067375183, Math.fround(0.9797429)]);
    const rh = PARTS.rightHand.start;
    expect([s.x(134, rh + 20), s.y(134, rh + 20), s.c(134, rh + 20)]).toEqual([0.46153661608695984, 0.6388309001922607, Math.fround(0.7999196)]);
    let bodyMissing = 0; let faceSum = 0; let handsAbove1 = 0;
    for (let t = 0; t < s.frames; t++) {
      for (let j = 0; j < BODY_POINTS; j++) if (s.c(t, j) === 0) bodyMissing++;
      for (let j = 0; j < FACE_POINTS; j++) faceSum += s.c(t, face + j);
      for (let j = 0; j < 42; j++) if (s.c(t, lh + j) > 1) handsAbove1++;
    }
    expect(bodyMissing).toBe(540);
    expect(faceSum).toBeCloseTo(9103.602800309658, 6);
    expect(handsAbove1).toBe(389); // raw SimCC scores are not clipped to [0, 1]
    expect(() => s.validate()).not.toThrow();
  });

  for (const protocol of [3, 4] as const) {
    it(`round-trips bit-exactly through encodeSignVerseNpz (protocol ${protocol})`, async () => {
      const npz = await fixtureNpz();
      const a = parseSignVerseNpz(npz, 'poses.npz');
      const encoded = encodeSignVerseNpz(a, { protocol });
      const b = parseSignVerseNpz(encoded, 'again.npz');
      expect(b.meta).toEqual(a.meta);
      expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
      expect(Array.from(b.people)).toEqual(Array.from(a.people));
      // the payload arrays (body scores as subset index j / -1 included) equal the original numpy-written ones
      const orig = payloadArrays(npz);
      const mine = payloadArrays(encoded);
      expect(mine.size).toBe(orig.size);
      for (const [k, v] of orig) expect(mine.get(k), k).toBe(v);
    });
  }

  it('lists the English captions with their cues', async () => {
    const caps = await readSignVerseCaptions(sharedPath(...SHARD));
    expect(caps.get('human_signer')).toEqual({
      id: 'human_signer', language: 'en', source: 'vtt', file: 'human_signer/captions/human_signer.en.vtt',
      text: 'Sample signing clip (caption text is a placeholder).',
      captions: [{ start: 0, end: 5.625, text: 'Sample signing clip (caption text is a placeholder).' }],
    });
  });

  it('reports a truncated shard as a PoseFormatError naming the file', async () => {
    const bytes = readFileSync(sharedPath(...SHARD));
    for (const cut of [100, 1000, 200_000, bytes.length - 10_000]) {
      const e = await errorOf(() => all(readSignVerseTar(bytes.subarray(0, cut), 'cut.tar')));
      expect(e).toBeInstanceOf(PoseFormatError);
      expect(e.message).toMatch(/^cut\.tar/);
    }
  });

  it('refuses members larger than limits.maxBytes', async () => {
    const e = await errorOf(() => all(readSignVerse(sharedPath(...SHARD), { limits: { maxBytes: 100_000 } })));
    expect(e).toBeInstanceOf(PoseFormatError);
    expect(e.message).toMatch(/poses\.npz' of 322654 bytes exceeds the limit of 100000/);
  });

  it('refuses more frames than limits.maxFrames', async () => {
    const e = await errorOf(async () => parseSignVerseNpz(await fixtureNpz(), 'p.npz', undefined, { maxFrames: 100 }));
    expect(e.message).toMatch(/135 frames exceed the limit of 100/);
  });

  it('reports a truncated npz', async () => {
    const npz = await fixtureNpz();
    const e = await errorOf(() => parseSignVerseNpz(npz.subarray(0, npz.length - 50), 'short.npz'));
    expect(e).toBeInstanceOf(PoseFormatError);
    expect(e.message).toMatch(/^short\.npz: zip: /);
  });

  it('reads extracted video folders, bare npz files and directories of shards', async () => {
    const root = join(tmp, 'extracted');
    const vid = join(root, 'dataset', 'human_signer');
    mkdirSync(join(vid, 'npz'), { recursive: true });
    mkdirSync(join(vid, 'captions'), { recursive: true });
    for await (const m of readTar(readFileSync(sharedPath(...SHARD)), 'shard')) {
      if (m.data) writeFileSync(join(root, 'dataset', m.name), m.data);
    }
    writeFileSync(join(vid, 'captions', 'human_signer.de.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHallo\n');
    writeFileSync(join(root, 'shard.tar'), readFileSync(sharedPath(...SHARD)));
    const folder = await all(readSignVerse(vid));
    const bare = await all(readSignVerse(join(vid, 'npz', 'poses.npz')));
    const dir = await all(readSignVerse(root));
    for (const s of [...folder, ...bare, ...dir]) {
      expect(s.meta.id).toBe('human_signer');
      expect(s.frames).toBe(135);
      expect(s.meta.text).toBe('Sample signing clip (caption text is a placeholder).');
    }
    expect(dir).toHaveLength(2); // dataset/human_signer and shard.tar
    expect(Buffer.from(dir[0].data.buffer).equals(Buffer.from(dir[1].data.buffer))).toBe(true);
  });
});

describeShared(['fixtures', 'slrtp'], 'SLRTP hyp/ref shards', () => {
  it('reads both clips of each shard', async () => {
    const hyp = await all(readSignVerse(sharedPath('fixtures', 'slrtp', 'hyp.tar')));
    const ref = await all(readSignVerse(sharedPath('fixtures', 'slrtp', 'ref.tar')));
    expect(hyp.map((s) => [s.meta.id, s.frames, s.meta.fps])).toEqual([['clip1', 80, 25], ['clip2', 75, 25]]);
    expect(ref.map((s) => [s.meta.id, s.frames, s.meta.fps])).toEqual([['clip1', 135, 25], ['clip2', 80, 25]]);
    expect([hyp[0].x(0, 1), hyp[0].y(0, 1)]).toEqual([0.5347917675971985, 0.546130895614624]);
    expect([ref[1].x(0, 1), ref[1].y(0, 1)]).toEqual([0.5428818464279175, 0.5512762665748596]);
    for (const s of [...hyp, ...ref]) expect([s.meta.width, s.meta.height, s.meta.text]).toEqual([1280, 720, null]);
  });
});

describe('SignVerse payload quirks', () => {
  const noWarn = { onWarning: (m: string) => { throw new Error(`unexpected warning: ${m}`); } };

  it('maps num_persons = 0 frames to people 0 and all points missing', () => {
    const s = parseSignVerseNpz(npzOf([payload(1), payload(0), payload(1)]), 'p.npz', undefined, undefined, noWarn);
    expect(Array.from(s.people)).toEqual([1, 0, 1]);
    expect(s.frame(1).every((v) => v === 0)).toBe(true);
    expect(s.c(0, 0)).toBe(1);
    expect(s.meta).toMatchObject({ id: 'vid', fps: 24, width: 640, height: 480 });
  });

  it('re-assembles person_000 right hand with 2 and 3 persons (pipeline hand mislabel)', () => {
    const rh = PARTS.rightHand.start;
    const lh = PARTS.leftHand.start;
    const s = parseSignVerseNpz(npzOf([payload(2), payload(3), payload(1)]), 'multi.npz', undefined, undefined, { ...noWarn, signverseHands: 'repair' });
    expect(s.meta.hands).toEqual({ labels: 'repaired', mode: 'repair' });
    expect(Array.from(s.people)).toEqual([2, 3, 1]);
    // hands stacked [L0, L1, R0, R1]: R0 = hands[2] is stored as person_001_left_hand (seed 1, +0.3)
    expect(s.x(0, rh)).toBeCloseTo(1.3, 5);
    expect(s.c(0, rh)).toBeCloseTo(0.01, 6);
    // [L0, L1, L2, R0, R1, R2]: R0 = hands[3] is stored as person_001_right_hand (seed 1, +0.4)
    expect(s.x(1, rh)).toBeCloseTo(1.4, 5);
    expect(s.c(1, rh)).toBeCloseTo(0.51, 6);
    // one person: stored as is; left hand is always person_000's
    expect(s.x(2, rh)).toBeCloseTo(0.4, 5);
    for (const t of [0, 1, 2]) expect(s.x(t, lh)).toBeCloseTo(0.3, 5);
  });

  it('keeps the stored hands and warns once when a frame lacks people num_persons counts', () => {
    const warnings: string[] = [];
    const s = parseSignVerseNpz(npzOf([payload(2, { persons: 1 }), payload(2, { persons: 1 })]), 'm.npz', undefined, undefined, { onWarning: (m) => warnings.push(m), signverseHands: 'repair' });
    expect(s.x(0, PARTS.rightHand.start)).toBeCloseTo(0.4, 5);
    expect(s.extraPeople).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/m\.npz: 2 frame\(s\) hold fewer person entries than num_persons/);
  });

  it('keeps raw hand/face scores including 0 and writes body scores back as j / -1', () => {
    const scores = Array.from({ length: 21 }, (_, i) => (i === 3 ? 0 : i === 4 ? 1.25 : 0.5));
    const body = Array.from({ length: 18 }, (_, j) => (j % 4 === 0 ? -1 : j));
    const npz = npzOf([payload(1, { overrides: { person_000_left_hand_scores: f4([21], scores), person_000_body_scores: f4([18], body) } })]);
    const s = parseSignVerseNpz(npz, 'p.npz', undefined, undefined, noWarn);
    const lh = PARTS.leftHand.start;
    expect([s.c(0, lh + 3), s.c(0, lh + 4), s.c(0, lh + 5)]).toEqual([0, 1.25, 0.5]);
    expect(Array.from({ length: 18 }, (_, j) => s.c(0, j))).toEqual(body.map((b) => (b >= 0 ? 1 : 0)));
    const again = payloadArrays(encodeSignVerseNpz(s));
    expect(again.get('0:person_000_body_scores')).toBe(payloadArrays(npz).get('0:person_000_body_scores'));
  });

  it('rejects NaN coordinates, wrong shapes and missing keys, naming the file and frame', () => {
    const nan = Array.from({ length: 36 }, (_, i) => (i === 7 ? Number.NaN : 0.5));
    const cases: [Uint8Array, RegExp][] = [
      [npzOf([payload(1), payload(1, { overrides: { person_000_body_keypoints: f4([18, 2], nan) } })]), /frame 1: person_000_body_keypoints\[3\] is not finite/],
      [npzOf([payload(1, { overrides: { person_000_face_keypoints: f4([60, 2], new Array(120).fill(0)) } })]), /frame 0: person_000_face_keypoints has shape \(60, 2\), expected \(68, 2\)/],
      [npzOf([payload(1, { overrides: { person_000_face_scores: f4([68], new Array(68).fill(Number.POSITIVE_INFINITY)) } })]), /person_000_face_scores\[0\] is not finite/],
      [npzOf([payload(2, { persons: 0 })]), /num_persons is 2 but person_000_body_keypoints is missing/],
      [npzOf([payload(1)], { fps: 0 }), /fps must be a number from 0\.1 to 1000, got 0/],
    ];
    for (const [bytes, re] of cases) {
      const e = (() => { try { parseSignVerseNpz(bytes, 'bad.npz'); } catch (err) { return err as Error; } return null; })();
      expect(e).toBeInstanceOf(PoseFormatError);
      expect(e?.message).toMatch(/^bad\.npz: /);
      expect(e?.message).toMatch(re);
    }
  });

  it('refuses absurd frame counts before allocating anything', () => {
    const members = readZip(npzOf([payload(1)]), 'x');
    const withHeader = (frames: number) => writeZip(members.map((e) => {
      if (e.name !== 'frame_payloads.npy') return e;
      const dataOffset = parseNpyHeader(e.data, 'x').dataOffset;
      return { name: e.name, data: new Uint8Array(Buffer.concat([npyHeader('|O', [frames]), e.data.subarray(dataOffset)])) };
    }));
    expect(() => parseSignVerseNpz(withHeader(500_000), 'a.npz')).toThrow(/a\.npz: 500000 frames in \d+ bytes of payload data/);
    expect(() => parseSignVerseNpz(withHeader(5_000_000), 'b.npz')).toThrow(/b\.npz: 5000000 frames exceed the limit of 1000000/);
    expect(() => parseSignVerseNpz(withHeader(2), 'c.npz')).toThrow(/c\.npz: frame_payloads header declares 2 frames, the data holds 1/);
  });

  it('refuses more persons than limits.maxPeople', () => {
    expect(() => parseSignVerseNpz(npzOf([payload(3)]), 'p.npz', undefined, { maxPeople: 2 })).toThrow(/3 persons exceed the limit of 2/);
  });

  it('warns when total_frames disagrees and defaults fps to 25 when the key is missing', () => {
    const warnings: string[] = [];
    const s = parseSignVerseNpz(npzOf([payload(1)], { totalFrames: 5 }), 'p.npz', undefined, undefined, { onWarning: (m) => warnings.push(m) });
    expect(warnings.join()).toMatch(/total_frames is 5 but frame_payloads holds 1/);
    const members = readZip(npzOf([payload(1)]), 'x').filter((e) => e.name !== 'fps.npy');
    expect(parseSignVerseNpz(writeZip(members), 'nofps.npz').meta.fps).toBe(25);
    expect(s.frames).toBe(1);
  });
});
