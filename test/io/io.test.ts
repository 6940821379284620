import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, readFirstPose, readPoses, safeFileName, writePoses } from '../../pose/io.js';
import { PoseSequence } from '../../pose/sequence.js';
import { describeShared, sharedPath } from '../shared.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');

async function collect(path: string) {
  const out: PoseSequence[] = [];
  for await (const s of readPoses(path)) out.push(s);
  return out;
}

function sameSequence(a: PoseSequence, b: PoseSequence) {
  expect(b.frames).toBe(a.frames);
  expect(Array.from(b.people)).toEqual(Array.from(a.people));
  expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(true);
}

describeShared(['fixtures'], 'readPoses over every fixture format', () => {
  const cases: [string[], string, number][] = [
    [['signverse', 'Sign_DWPose_NPZ_000001.tar'], 'signverse', 1],
    [['slrtp', 'hyp.tar'], 'signverse', 2],
    [['dwpose-frame', 'human_signer_00000001.json'], 'dwpose-json', 1],
    [['dwpose-frame', 'human_signer_00000001.npz'], 'dwpose-npz', 1],
    [['dwpose-frame', 'human_signer_00000001.npy'], 'dwpose-npz', 1],
    [['openpose-json', '_2FBDaOPYig_4-3-rgb_front'], 'openpose-json', 1],
    [['pt-skels', 'test.skels'], 'pt-skels', 5],
    [['pose-format', 'src_python_tests_data_mediapipe.pose'], 'pose', 1],
    [['dgs-sentence'], 'pose', 2],
    [['parquet', 'SILFA_100_1015_A.parquet'], 'islr-parquet', 1],
  ];
  for (const [parts, format, n] of cases) {
    it(`${parts.join('/')} → ${format}, ${n} sequence(s)`, async () => {
      const p = sharedPath('fixtures', ...parts);
      expect((await detectFormat(p)).format).toBe(format);
      const seqs = await collect(p);
      expect(seqs.length).toBe(n);
      for (const s of seqs) {
        expect(s.frames).toBeGreaterThan(0);
        s.validate();
      }
    });
  }

  it('the three DWPose encodings of one frame agree', async () => {
    const dir = sharedPath('fixtures', 'dwpose-frame');
    const json = await readFirstPose(join(dir, 'human_signer_00000001.json'));
    const npz = await readFirstPose(join(dir, 'human_signer_00000001.npz'));
    const npy = await readFirstPose(join(dir, 'human_signer_00000001.npy'));
    // none of them stores a frame size: all fall back to DWPose's detect resolution
    for (const s of [json, npz, npy]) expect([s.meta.width, s.meta.height]).toEqual([512, 512]);
    for (let i = 0; i < json.data.length; i++) {
      expect(npz.data[i]).toBeCloseTo(json.data[i], 6);
      expect(npy.data[i]).toBe(npz.data[i]);
    }
  });
});

describeShared(['fixtures', 'signverse'], 'convert: SignVerse ↔ canonical ↔ .pose ↔ DWPose JSON keep every value', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'io-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('shard → .pose → .npz → shard → DWPose JSON round trip is bit exact', async () => {
    const src = await readFirstPose(sharedPath('fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'));
    await writePoses(join(dir, 'a.pose'), [src], 'pose');
    const viaPose = await readFirstPose(join(dir, 'a.pose'));
    sameSequence(src, viaPose);
    await writePoses(join(dir, 'b.npz'), [viaPose], 'signverse-npz');
    const viaNpz = await readFirstPose(join(dir, 'b.npz'));
    sameSequence(src, viaNpz);
    await writePoses(join(dir, 'c.tar'), [viaNpz], 'signverse-tar');
    const viaTar = await readFirstPose(join(dir, 'c.tar'));
    sameSequence(src, viaTar);
    // .pose and a bare npz store no caption; a shard does
    await writePoses(join(dir, 'e.tar'), [src], 'signverse-tar');
    expect((await readFirstPose(join(dir, 'e.tar'))).meta.text).toBe(src.meta.text);
    await writePoses(join(dir, 'd.json'), [viaTar], 'dwpose-json');
    sameSequence(src, await readFirstPose(join(dir, 'd.json')));
  });

  it('several sequences go to a directory, one file each; not into one file', async () => {
    const two = await collect(sharedPath('fixtures', 'slrtp', 'ref.tar'));
    const written = await writePoses(join(dir, 'many'), two, 'pose');
    expect(written.map((p) => p.split('/').pop())).toEqual(two.map((s) => `${safeFileName(s.id)}.pose`));
    await expect(writePoses(join(dir, 'one.pose'), two, 'pose')).rejects.toThrow(/several sequences/);
  });
});

describe('detectFormat errors', () => {
  it('names a missing path and an unknown format', async () => {
    await expect(detectFormat('/nonexistent/x.pose')).rejects.toThrow(/x\.pose: no such file/);
    await expect(detectFormat(resolve(ROOT, 'README.md'))).rejects.toThrow(/unknown pose format \(extension '\.md'\)/);
    expect(safeFileName('dev/a b:c')).toBe('dev_a_b_c');
  });
});

describeShared(['fixtures', 'signverse'], 'signbench inspect --json (the contract other work relies on)', () => {
  it('prints one JSON object with format and sequences', async () => {
    const { stdout } = await run('node', [join(ROOT, 'bin', 'signbench.js'), 'inspect', sharedPath('fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'), '--json'], { cwd: ROOT });
    const out = JSON.parse(stdout);
    expect(out).toEqual({
      format: 'signverse',
      sequences: [{ id: 'human_signer', frames: 135, fps: 24, width: 1280, height: 720, people: 1, text: expect.any(String) }],
    });
  });

  it('exits 1 with one clear line for a bad path', async () => {
    const err = await run('node', [join(ROOT, 'bin', 'signbench.js'), 'inspect', '/nonexistent.pose'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    expect((err as { stderr: string }).stderr).toMatch(/^signbench: \/nonexistent\.pose: no such file/);
  });
});
