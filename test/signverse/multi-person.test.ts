/**
 * Frames with two or more people: all people carried through reader → PoseSequence → writers, and the pipeline's
 * multi-person hand mix-up decided per clip from the data (files with and without the bug).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PoseSequence } from '../../pose/sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../../pose/skeleton.js';
import { encodeSignVerseNpz, parseSignVerseNpz, readSignVerse, writeSignVerseShard } from '../../pose/signverse/index.js';
import { multiPersonSequence, numpyPython, runPython } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'signbench-multi-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const f32 = (a: Float32Array) => Array.from(a);

describe('PoseSequence.extraPeople', () => {
  it('is optional, raises people[t], and survives slice, clone and concat', () => {
    const s = multiPersonSequence(5, 3);
    expect(Array.from(s.people)).toEqual([1, 1, 3, 3, 3]);
    expect(s.peopleWithPoints(3)).toBe(3);
    expect(s.person(3, 2)?.length).toBe(FRAME_STRIDE);
    expect(s.person(0, 1)).toBeUndefined();
    const sl = s.slice(2, 4);
    expect(sl.extraPeople?.length).toBe(2);
    expect(f32(sl.person(1, 2)!)).toEqual(f32(s.person(3, 2)!));
    sl.extraPeople![0]![0] = 42; // a copy, not a view
    expect(s.extraPeople![2]![0]).not.toBe(42);
    const c = PoseSequence.concat([s.slice(0, 1), s.slice(2, 3)], s.meta);
    expect(Array.from(c.people)).toEqual([1, 3]);
    expect(f32(c.person(1, 1)!)).toEqual(f32(s.person(2, 1)!));
    expect(s.clone().extraPeople?.[4]?.length).toBe(2 * FRAME_STRIDE);
    const plain = PoseSequence.empty({ id: 'x', fps: 1, width: 1, height: 1 }, 2);
    expect(plain.extraPeople).toBeNull();
    expect(() => plain.setExtraPeople([new Float32Array(5), undefined])).toThrow(/not a multiple of 384/);
  });
});

describe('SignVerse multi-person hands, decided per clip', () => {
  const rh = PARTS.rightHand.start * CHANNELS;

  for (const n of [2, 3]) {
    it(`${n} people: a file without the bug (own hands) reads as stored, with the bug as repaired; both give the true hands`, () => {
      const seq = multiPersonSequence(6, n);
      const own = parseSignVerseNpz(encodeSignVerseNpz(seq), 'own.npz', undefined, undefined, { onWarning: () => undefined });
      const bug = parseSignVerseNpz(encodeSignVerseNpz(seq, { handLayout: 'pipeline' }), 'bug.npz', undefined, undefined, { onWarning: () => undefined });
      expect(own.meta.hands).toEqual({ labels: 'stored', mode: 'auto', evidence: { stored: 4 * (2 * n - 2), repaired: 0 } });
      expect(bug.meta.hands?.labels).toBe('repaired');
      expect(bug.meta.hands?.evidence?.stored).toBe(0);
      for (const s of [own, bug]) {
        expect(Array.from(s.people)).toEqual([1, 1, n, n, n, n]);
        expect(f32(s.data)).toEqual(f32(seq.data));
        for (let t = 2; t < 6; t++) expect(f32(s.extraPeople![t]!)).toEqual(f32(seq.extraPeople![t]!));
      }
      // forcing the wrong labelling shows what auto avoids: the signer's right hand becomes someone else's
      const forced = parseSignVerseNpz(encodeSignVerseNpz(seq), 'own.npz', undefined, undefined, { signverseHands: 'repair' });
      expect(forced.meta.hands).toEqual({ labels: 'repaired', mode: 'repair' });
      expect(forced.frame(2)[rh]).not.toBeCloseTo(seq.frame(2)[rh], 3);
      const stored = parseSignVerseNpz(encodeSignVerseNpz(seq, { handLayout: 'pipeline' }), 'bug.npz', undefined, undefined, { signverseHands: 'stored' });
      expect(stored.frame(2)[rh]).not.toBeCloseTo(seq.frame(2)[rh], 3);
      expect(f32(stored.frame(0))).toEqual(f32(seq.frame(0))); // one-person frames are never touched
    });
  }

  it('keeps the stored labelling where neither layout fits clearly (one signer detected twice, hands together)', () => {
    const seq = multiPersonSequence(4, 2);
    const L = PARTS.leftHand.start * CHANNELS;
    for (let t = 2; t < 4; t++) {
      const f = seq.frame(t);
      f.copyWithin(4 * CHANNELS, 7 * CHANNELS, 7 * CHANNELS + 3); // right wrist on the left wrist
      f.copyWithin(rh, L, L + PARTS.leftHand.count * CHANNELS); // right hand = left hand
      seq.extraPeople![t]!.set(f); // person 1 = person 0
    }
    const s = parseSignVerseNpz(encodeSignVerseNpz(seq, { handLayout: 'pipeline' }), 'dup.npz', undefined, undefined, { onWarning: () => undefined });
    expect(s.meta.hands).toEqual({ labels: 'stored', mode: 'auto', evidence: { stored: 0, repaired: 0 } });
  });

  it('shards round-trip every person in both layouts, and say which labelling was used', async () => {
    const seq = multiPersonSequence(6, 2);
    for (const layout of ['pipeline', 'card'] as const) {
      for (const handLayout of ['own', 'pipeline'] as const) {
        const path = join(tmp, `${layout}-${handLayout}.tar`);
        await writeSignVerseShard(path, [seq], { layout, handLayout, mtime: 1.7e9 });
        const got: PoseSequence[] = [];
        for await (const s of readSignVerse(path, { onWarning: () => undefined })) got.push(s);
        expect(got).toHaveLength(1);
        const s = got[0];
        expect(s.meta.hands?.labels).toBe(handLayout === 'own' ? 'stored' : 'repaired');
        expect(s.meta.text).toBe('two people');
        for (let t = 0; t < 6; t++) {
          for (let k = 0; k < (t < 2 ? 1 : 2); k++) {
            const a = seq.person(t, k)!;
            const b = s.person(t, k)!;
            for (let i = 0; i < FRAME_STRIDE; i++) expect(b[i]).toBeCloseTo(a[i], 5);
          }
        }
        const forced: PoseSequence[] = [];
        for await (const x of readSignVerse(path, { signverseHands: 'stored', onWarning: () => undefined })) forced.push(x);
        expect(forced[0].meta.hands).toEqual({ labels: 'stored', mode: 'stored' });
      }
    }
  });
});

const py = numpyPython();
if (!py) process.stderr.write('[skip] no /usr/bin/python3 with numpy: multi-person numpy checks skipped\n');

describe.skipIf(!py)('multi-person files written by numpy', () => {
  // build_npz_payload of the pipeline (pipeline02:304-335): hands stacked [L0..L(N-1), R0..R(N-1)], person k gets
  // left = hands[2k], right = hands[2k+1] (the bug); `fixed` gives each person its own hands.
  const WRITER = `
import numpy as np, sys, json
src = json.load(open(sys.argv[1]))
fixed = sys.argv[3] == 'fixed'
payloads = []
for fr in src['frames']:
    people = [np.array(p, dtype=np.float32).reshape(128, 3) for p in fr]
    n = len(people)
    d = {'num_persons': np.int32(n), 'frame_width': np.int32(640), 'frame_height': np.int32(480)}
    hands = [p[86:107] for p in people] + [p[107:128] for p in people]
    for k, p in enumerate(people):
        pre = 'person_%03d' % k
        left = p[86:107] if fixed else hands[2 * k]
        right = p[107:128] if fixed else hands[2 * k + 1]
        d[pre + '_body_keypoints'] = p[0:18, :2].copy()
        d[pre + '_body_scores'] = np.where(p[0:18, 2] > 0, np.arange(18) + 18 * k, -1).astype(np.float32)
        d[pre + '_face_keypoints'] = p[18:86, :2].copy()
        d[pre + '_face_scores'] = p[18:86, 2].copy()
        d[pre + '_left_hand_keypoints'] = left[:, :2].copy()
        d[pre + '_left_hand_scores'] = left[:, 2].copy()
        d[pre + '_right_hand_keypoints'] = right[:, :2].copy()
        d[pre + '_right_hand_scores'] = right[:, 2].copy()
    payloads.append(d)
n = len(payloads)
arr = np.empty(n, dtype=object)
for i, p in enumerate(payloads): arr[i] = p
np.savez(sys.argv[2], video_id=np.array('np_multi'), fps=np.int32(24), total_frames=np.int32(n),
         frame_widths=np.full(n, 640, np.int32), frame_heights=np.full(n, 480, np.int32),
         frame_indices=np.arange(1, n + 1, dtype=np.int32), frame_payloads=arr)
`;
  for (const variant of ['buggy', 'fixed'] as const) {
    it(`reads a ${variant} pipeline file: the true hands either way, labelling ${variant === 'buggy' ? 'repaired' : 'stored'}`, () => {
      const seq = multiPersonSequence(5, 3);
      const frames = Array.from({ length: seq.frames }, (_, t) => Array.from({ length: seq.peopleWithPoints(t) }, (_, k) => f32(seq.person(t, k)!)));
      const json = join(tmp, `${variant}.json`);
      const npz = join(tmp, `${variant}.npz`);
      writeFileSync(json, JSON.stringify({ frames }));
      runPython(py!, WRITER, [json, npz, variant]);
      const s = parseSignVerseNpz(new Uint8Array(readFileSync(npz)), npz, undefined, undefined, { onWarning: () => undefined });
      expect(s.meta.hands?.labels).toBe(variant === 'buggy' ? 'repaired' : 'stored');
      expect(f32(s.data)).toEqual(f32(seq.data));
      for (let t = 2; t < 5; t++) expect(f32(s.extraPeople![t]!)).toEqual(f32(seq.extraPeople![t]!));
    });
  }
});
