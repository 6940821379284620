import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PoseFormatError } from '../../pose/errors.js';
import { encodeNpy } from '../../pose/npy.js';
import { BODY, PARTS } from '../../pose/skeleton.js';
import {
  EPEE_HEAD_OVAL, EPEE_LEFT_HAND, EPEE_LOWER_BODY, EPEE_RIGHT_HAND, EPEE_UPPER_BODY, FACE_OVAL_CONTOUR, FACE_OVAL_SORTED,
  epeeToDwpose, parseEpeeAnnotation, parseEpeeClip, readClerc, readEpeeClip,
} from '../../pose/formats/clerc.js';

const F = PARTS.face.start;

/**
 * A synthetic Épée clip in the documented layout: a signer facing the camera (their left at larger x), hands next
 * to the pose wrists, the head oval an ellipse traversed in MediaPipe's FACE_OVAL order (10 at the top, 152 at the
 * chin). `ovalOrder` picks how the 36 oval points are stored, `mirrored` swaps the two hand blocks.
 */
function synthClip(frames: number, opts: { ovalOrder?: 'contour' | 'sorted' | 'scrambled'; mirrored?: boolean } = {}): Float32Array {
  const kp = new Float32Array(frames * 128 * 3);
  const set = (t: number, i: number, x: number, y: number, z = 0.01) => kp.set([x, y, z], (t * 128 + i) * 3);
  for (let t = 0; t < frames; t++) {
    const dx = t * 0.001;
    const U = EPEE_UPPER_BODY;
    set(t, U, 0.6 + dx, 0.5); // LEFT_SHOULDER
    set(t, U + 1, 0.4 + dx, 0.5); // RIGHT_SHOULDER
    set(t, U + 2, 0.65, 0.65); set(t, U + 3, 0.35, 0.65); // elbows
    set(t, U + 4, 0.62, 0.55); set(t, U + 5, 0.38, 0.55); // wrists
    set(t, EPEE_LOWER_BODY, 0.57, 0.95); set(t, EPEE_LOWER_BODY + 1, 0.43, 0.95); // hips
    set(t, EPEE_LOWER_BODY + 2, 0.57, 1.3); set(t, EPEE_LOWER_BODY + 3, 0.43, 1.3); // knees (extrapolated)
    const lh = opts.mirrored ? EPEE_RIGHT_HAND : EPEE_LEFT_HAND;
    const rh = opts.mirrored ? EPEE_LEFT_HAND : EPEE_RIGHT_HAND;
    for (let i = 0; i < 21; i++) {
      set(t, lh + i, 0.62 + i * 0.002, 0.55 - i * 0.003);
      set(t, rh + i, 0.38 - i * 0.002, 0.55 - i * 0.003);
    }
    const contour = FACE_OVAL_CONTOUR.map((_, i) => [0.5 + 0.08 * Math.sin((2 * Math.PI * i) / 36), 0.25 - 0.11 * Math.cos((2 * Math.PI * i) / 36)]);
    FACE_OVAL_CONTOUR.forEach((landmark, i) => {
      let slot = i;
      if (opts.ovalOrder === 'sorted') slot = FACE_OVAL_SORTED.indexOf(landmark);
      if (opts.ovalOrder === 'scrambled') slot = (i * 5 + 3) % 36;
      set(t, EPEE_HEAD_OVAL + slot, contour[i][0], contour[i][1]);
    });
    if (t === 1) set(t, lh + 3, 0, 0, 0); // an undetected landmark of the signer's left hand
  }
  return kp;
}

const npy = (kp: Float32Array, frames: number) => encodeNpy({ dtype: 'f4', shape: [frames, 128, 3], data: kp });
const at = (d: Float32Array, t: number, p: number) => Array.from(d.subarray(t * 384 + p * 3, t * 384 + p * 3 + 3));

describe('CLERC Épée mapping', () => {
  it('body: shoulders, elbows, wrists, neck, hips; legs only on request', () => {
    const d = epeeToDwpose(synthClip(3), 3);
    expect(at(d, 0, BODY.lShoulder)).toEqual([0.6, 0.5, 1].map(Math.fround));
    expect(at(d, 0, BODY.rShoulder)).toEqual([0.4, 0.5, 1].map(Math.fround));
    expect(at(d, 0, BODY.neck)[0]).toBeCloseTo(0.5, 6);
    expect(at(d, 0, BODY.lWrist)).toEqual([0.62, 0.55, 1].map(Math.fround));
    expect(at(d, 0, BODY.rHip)).toEqual([0.43, 0.95, 1].map(Math.fround));
    expect(at(d, 0, BODY.lKnee)[2]).toBe(0);
    expect(at(d, 0, BODY.nose)[2]).toBe(0);
    const legs = epeeToDwpose(synthClip(3), 3, { includeLegs: true });
    expect(at(legs, 0, BODY.lKnee)).toEqual([0.57, 1.3, 1].map(Math.fround));
  });

  it('hands: as labelled, (0,0,0) is missing, mirrored labels are detected from the pose wrists', () => {
    const straight = epeeToDwpose(synthClip(3), 3);
    expect(at(straight, 0, PARTS.leftHand.start)).toEqual([0.62, 0.55, 1].map(Math.fround));
    expect(at(straight, 0, PARTS.rightHand.start)[0]).toBe(Math.fround(0.38));
    expect(at(straight, 1, PARTS.leftHand.start + 3)).toEqual([0, 0, 0]);
    const mirrored = synthClip(3, { mirrored: true });
    expect(Array.from(epeeToDwpose(mirrored, 3, { hands: 'auto' }))).toEqual(Array.from(straight));
    expect(at(epeeToDwpose(mirrored, 3, { hands: 'as-labelled' }), 0, PARTS.leftHand.start)[0]).toBe(Math.fround(0.38));
    expect(at(epeeToDwpose(synthClip(3), 3, { hands: 'swapped' }), 0, PARTS.leftHand.start)[0]).toBe(Math.fround(0.38));
  });

  it('face: the jaw comes from the head oval in either stored order; an implausible order leaves it missing', () => {
    const contour = epeeToDwpose(synthClip(2, { ovalOrder: 'contour' }), 2);
    const sorted = epeeToDwpose(synthClip(2, { ovalOrder: 'sorted' }), 2);
    expect(Array.from(sorted)).toEqual(Array.from(contour));
    // chin (iBUG 8 ← 152) at the bottom of the ellipse; 0 (← 127) on the signer's right = image left of 16 (← 356).
    expect(at(contour, 0, F + 8)[0]).toBeCloseTo(0.5, 5);
    expect(at(contour, 0, F + 8)[1]).toBeCloseTo(0.36, 5);
    expect(at(contour, 0, F + 0)[0]).toBeLessThan(at(contour, 0, F + 16)[0]);
    for (let p = 0; p <= 16; p++) expect(at(contour, 0, F + p)[2]).toBe(1);
    for (let p = 17; p < 68; p++) expect(at(contour, 0, F + p)[2]).toBe(0);
    const scrambled = epeeToDwpose(synthClip(2, { ovalOrder: 'scrambled' }), 2);
    for (let p = 0; p < 68; p++) expect(at(scrambled, 0, F + p)[2]).toBe(0);
  });
});

describe('CLERC Épée files', () => {
  const root = mkdtempSync(join(tmpdir(), 'epee-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'keypoints'));
  mkdirSync(join(root, 'annotations'));
  const clips = [
    { id: 'clerc_v03_0001', signer: 'ALPHA', frames: 40, text: 'Do you see?', segs: [['D-O', 0.1, 0.5], ['YOU', 0.5, 0.9], ['SEE', 0.9, 1.3]] },
    { id: 'clerc_v03_0002', signer: 'BRAVO', frames: 30, text: 'How old are you?', segs: [['OLD', 0.0, 0.6], ['YOU', 0.6, 2.0]] },
  ] as const;
  for (const c of clips) {
    writeFileSync(join(root, 'keypoints', `${c.id}.npy`), npy(synthClip(c.frames), c.frames));
    writeFileSync(join(root, 'annotations', `${c.id}.json`), JSON.stringify({
      clip_id: c.id, signer_id: c.signer, text_en: c.text, fps: 30, n_frames: c.frames,
      segments: c.segs.map(([gloss, start, end]) => ({ gloss, start, end })),
    }));
  }
  writeFileSync(join(root, 'metadata.csv'), 'clip_id,signer_id,phrase_id,text_en\n' + clips.map((c, i) => `${c.id},${c.signer},${i + 1},"${c.text.replace(/"/g, '""')}"`).join('\n') + '\n');

  it('reads a clip with text, signer, fps and gloss frame spans (int(t · fps), clamped)', async () => {
    const seq = await readEpeeClip(root, 'clerc_v03_0001');
    expect([seq.id, seq.frames, seq.meta.fps, seq.meta.text, seq.meta.signer, seq.meta.signLanguage, seq.meta.source])
      .toEqual(['clerc_v03_0001', 40, 30, 'Do you see?', 'ALPHA', 'ase', 'clerc-epee']);
    expect(seq.meta.glosses).toEqual([{ gloss: 'D-O', start: 3, end: 15 }, { gloss: 'YOU', start: 15, end: 27 }, { gloss: 'SEE', start: 27, end: 39 }]);
    expect(seq.meta.gloss).toBe('D-O YOU SEE');
    const two = await readEpeeClip(root, 'clerc_v03_0002');
    expect(two.meta.glosses?.[1]).toEqual({ gloss: 'YOU', start: 18, end: 30 });
  });

  it('streams a release through metadata.csv, by signer and limit, and without metadata', async () => {
    const all = [];
    for await (const s of readClerc(root)) all.push(s.id);
    expect(all).toEqual(['clerc_v03_0001', 'clerc_v03_0002']);
    const bravo = [];
    for await (const s of readClerc(root, {}, { signer: 'bravo' })) bravo.push(s.id);
    expect(bravo).toEqual(['clerc_v03_0002']);
    const bare = mkdtempSync(join(tmpdir(), 'epee-bare-'));
    try {
      mkdirSync(join(bare, 'keypoints'));
      writeFileSync(join(bare, 'keypoints', 'x_1.npy'), npy(synthClip(5), 5));
      const got = [];
      for await (const s of readClerc(bare, {}, { limit: 1 })) got.push([s.id, s.frames, s.meta.fps, s.meta.text]);
      expect(got).toEqual([['x_1', 5, 30, null]]);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('refuses bad input with PoseFormatError naming the file', () => {
    const ann = parseEpeeAnnotation(JSON.stringify({ clip_id: 'a', signer_id: 'S', text_en: 't', fps: 30, n_frames: 4, segments: [] }), 'a.json');
    expect(() => parseEpeeClip(npy(synthClip(5), 5), ann, 'a.npy')).toThrow(/a\.npy: annotation says 4 frames, keypoints have 5/);
    expect(() => parseEpeeAnnotation('{"clip_id": 1}', 'b.json')).toThrow(/b\.json: not an Épée annotation: clip_id/);
    expect(() => parseEpeeAnnotation('{', 'c.json')).toThrow(PoseFormatError);
    expect(() => parseEpeeClip(encodeNpy({ dtype: 'f4', shape: [2, 127, 3], data: new Float32Array(2 * 127 * 3) }), null, 'd.npy'))
      .toThrow(/d\.npy: keypoints shape \(2, 127, 3\) is not \(n_frames, 128, 3\)/);
    const nan = synthClip(2);
    nan[5] = Number.NaN;
    expect(() => parseEpeeClip(npy(nan, 2), null, 'e.npy')).toThrow(/e\.npy: non-finite value NaN at frame 0, landmark 1/);
    expect(() => parseEpeeClip(new Uint8Array([1, 2, 3]), null, 'f.npy')).toThrow(PoseFormatError);
  });
});
