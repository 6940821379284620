import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeDwposeJson, parseDwposeJson, readDwposeJson } from '../../pose/formats/dwpose-json.js';
import { PoseFormatError } from '../../pose/errors.js';
import { PARTS } from '../../pose/skeleton.js';
import { describeShared, sharedPath } from '../shared.js';

describeShared(['fixtures', 'dwpose-frame'], 'DWPose JSON fixture (real easy_dwpose frame)', () => {
  it('reads the one-frame file with body subset scores and raw hand/face scores', async () => {
    const seq = await readDwposeJson(sharedPath('fixtures', 'dwpose-frame', 'human_signer_00000001.json'));
    expect(seq.frames).toBe(1);
    expect(seq.people[0]).toBe(1);
    expect(seq.x(0, 0)).toBeCloseTo(0.5234704260965662, 6);
    expect(seq.y(0, 0)).toBeCloseTo(0.41364180987390375, 6);
    expect(seq.c(0, 0)).toBe(1); // nose stored as subset index 0.0: present
    expect(seq.c(0, 9)).toBe(0); // r_knee stored as -1: missing
    expect(seq.c(0, 11)).toBe(1);
    expect(seq.c(0, PARTS.leftHand.start)).toBeCloseTo(0.8321986794471741, 6);
    expect(seq.c(0, PARTS.face.start)).toBeCloseTo(0.9772195816040039, 6);
  });
});

describe('DWPose JSON', () => {
  const frame = (x: number) => ({
    num_persons: 1,
    person_0: Object.fromEntries(
      ([['body', 18], ['face', 68], ['left_hand', 21], ['right_hand', 21]] as const).flatMap(([k, n]) => [
        [`${k}_keypoints`, Array.from({ length: n }, (_, i) => [x + i / 1000, 0.5 - i / 1000])],
        [`${k}_scores`, Array.from({ length: n }, (_, i) => (k === 'body' ? (i % 5 === 0 ? -1 : i) : 0.1 + i / 100))],
      ]),
    ),
  });

  it('round-trips a sequence through our wrapper exactly (float32)', () => {
    const seq = parseDwposeJson([frame(0.1), { num_persons: 0 }, frame(0.3)], 'x.json', { width: 640, height: 480, fps: 30 });
    seq.meta.text = 'hello world';
    const again = parseDwposeJson(JSON.parse(encodeDwposeJson(seq)), 'y.json');
    expect(again.meta).toMatchObject({ fps: 30, width: 640, height: 480, text: 'hello world' });
    expect(Array.from(again.people)).toEqual([1, 0, 1]);
    expect(Buffer.from(again.data.buffer).equals(Buffer.from(seq.data.buffer))).toBe(true);
  });

  it('reads a directory of per-frame files in frame-number order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dwjson-'));
    try {
      await writeFile(join(dir, 'f_10.json'), JSON.stringify(frame(0.3)));
      await writeFile(join(dir, 'f_9.json'), JSON.stringify(frame(0.2)));
      const seq = await readDwposeJson(dir, {}, {}, true);
      expect(seq.frames).toBe(2);
      expect(seq.x(0, 1)).toBeCloseTo(0.201, 6);
      expect(JSON.parse(await readFile(join(dir, 'f_10.json'), 'utf8')).num_persons).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file and the problem for bad input', () => {
    const bad = frame(0.1);
    (bad.person_0 as Record<string, unknown>).face_keypoints = [[0, 0]];
    expect(() => parseDwposeJson(bad, 'bad.json')).toThrow(/bad\.json frame 0: person_0\.face_keypoints: expected 68 entries, got 1/);
    const nan = frame(0.1);
    ((nan.person_0 as Record<string, unknown[][]>).body_keypoints[3] as unknown[])[0] = null;
    expect(() => parseDwposeJson(nan, 'nan.json')).toThrow(PoseFormatError);
    expect(() => parseDwposeJson({ num_persons: 2.5 }, 'n.json')).toThrow(/num_persons/);
    expect(() => parseDwposeJson({ num_persons: 1 }, 'm.json')).toThrow(/no person_0/);
    expect(() => parseDwposeJson('nope', 's.json')).toThrow(/JSON object/);
  });
});
