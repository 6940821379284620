import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { detectFormatFromBytes, encodePoses, parsePoseBytes, readPoses } from '../../pose/io.js';
import { parsePoseFileRaw, encodePoseFile } from '../../pose/formats/pose-format.js';
import { isSignbenchError } from '../../pose/errors.js';
import { PoseSequence } from '../../pose/sequence.js';
import { syntheticSequence } from '../../render/synthetic.js';
import { describeShared, sharedPath } from '../shared.js';

const same = (a: PoseSequence, b: PoseSequence) => {
  expect(b.frames).toBe(a.frames);
  expect(Array.from(b.data)).toEqual(Array.from(a.data));
};

describe('parsePoseBytes: sequences from memory', () => {
  const seq = syntheticSequence(12, { id: 'clip', fps: 24, width: 640, height: 480 });
  for (const format of ['pose', 'signverse-npz', 'dwpose-json'] as const) {
    it(`reads back what encodePoses(${format}) wrote, format detected from the bytes`, async () => {
      const bytes = await encodePoses(seq, format);
      const detected = detectFormatFromBytes(bytes);
      expect(detected).toBe(format === 'signverse-npz' ? 'signverse' : format);
      const [back] = await parsePoseBytes(bytes);
      expect(back.meta.fps).toBe(24);
      if (format === 'dwpose-json') expect(back.frames).toBe(12);
      else same(seq, back);
    });
  }

  it('refuses empty, unknown and over-limit bytes with typed errors naming the input', async () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'invalid-input'],
      [new TextEncoder().encode('hello world, not a pose'), 'invalid-input'],
      [new TextEncoder().encode('[1, 2, 3]'), 'invalid-input'], [new TextEncoder().encode('{"frames": [1'), 'invalid-input'],
      [new Uint8Array(2048).fill(7), 'too-large'],
    ];
    for (const [bytes, kind] of cases) {
      const err = await parsePoseBytes(bytes, undefined, 'upload.bin', { limits: { maxBytes: 1024 } }).then(() => null, (e: unknown) => e);
      expect(isSignbenchError(err), String(err)).toBe(true);
      expect((err as { kind: string }).kind).toBe(kind);
      expect(String((err as Error).message)).toContain('upload.bin');
    }
  });

  it('encodePoseFile plain: the four DWPose components only, same points to float32 pixels', () => {
    const odd = syntheticSequence(5, { width: 640.5, height: 480 });
    const full = parsePoseFileRaw(encodePoseFile(odd), 'full');
    const plain = parsePoseFileRaw(encodePoseFile(odd, { plain: true }), 'plain');
    expect(full.components.length).toBeGreaterThan(4);
    expect(plain.components.map((c) => c.name)).toEqual(['DWPOSE_BODY_18', 'DWPOSE_FACE_68', 'DWPOSE_LEFT_HAND_21', 'DWPOSE_RIGHT_HAND_21']);
    expect(plain.frames).toBe(5);
  });
});

describeShared(['fixtures'], 'parsePoseBytes over fixture files equals the path readers', () => {
  const files: [string[], string][] = [
    [['signverse', 'Sign_DWPose_NPZ_000001.tar'], 'signverse'],
    [['dwpose-frame', 'human_signer_00000001.json'], 'dwpose-json'],
    [['dwpose-frame', 'human_signer_00000001.npz'], 'dwpose-npz'],
    [['dwpose-frame', 'human_signer_00000001.npy'], 'dwpose-npz'],
    [['pt-skels', 'test.skels'], 'pt-skels'],
    [['pose-format', 'src_python_tests_data_mediapipe.pose'], 'pose'],
    [['parquet', 'SILFA_100_1015_A.parquet'], 'islr-parquet'],
  ];
  for (const [parts, format] of files) {
    it(`${parts.join('/')}`, async () => {
      const path = sharedPath('fixtures', ...parts);
      const bytes = new Uint8Array(await readFile(path));
      expect(detectFormatFromBytes(bytes, parts[parts.length - 1])).toBe(format);
      const fromBytes = await parsePoseBytes(bytes, undefined, parts[parts.length - 1]);
      const fromPath: PoseSequence[] = [];
      for await (const s of readPoses(path)) fromPath.push(s);
      expect(fromBytes.length).toBe(fromPath.length);
      same(fromPath[0], fromBytes[0]);
    });
  }
});
