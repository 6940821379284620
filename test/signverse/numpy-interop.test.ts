/**
 * Cross-checks with real numpy: Debian's /usr/bin/python3 (numpy 1.x) and, when present, the `python3` on PATH
 * (may be numpy 2.x). Skips with a message when neither has numpy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from '../../pose/npy.js';
import { PoseSequence } from '../../pose/sequence.js';
import { encodeSignVerseNpz, parseSignVerseNpz } from '../../pose/signverse/index.js';
import { readTar } from '../../pose/tar.js';
import { hasShared, sharedPath } from '../shared.js';
import { readZip } from '../../pose/zip.js';

function pythonsWithNumpy(): { py: string; version: string }[] {
  const out: { py: string; version: string }[] = [];
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
    if (r.status === 0 && !out.some((o) => o.version === r.stdout.trim())) out.push({ py, version: r.stdout.trim() });
  }
  return out;
}

const SHARD = ['fixtures', 'signverse', 'Sign_DWPose_NPZ_000001.tar'] as const;
const pythons = pythonsWithNumpy();
if (pythons.length === 0) process.stderr.write('[skip] no python3 with numpy (/usr/bin/python3 -c "import numpy" failed): numpy interop tests skipped\n');
else if (pythons[0].py !== '/usr/bin/python3') process.stderr.write('[skip] /usr/bin/python3 has no numpy: numpy 1.x interop checks skipped (numpy on PATH is used)\n');
const tmp = mkdtempSync(join(tmpdir(), 'signbench-numpy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function py(bin: string, code: string, ...args: string[]): string {
  const r = spawnSync(bin, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr}`);
  return r.stdout;
}

function sample(): PoseSequence {
  const s = PoseSequence.empty({ id: 'np_check', fps: 30, width: 1920, height: 1080, text: null }, 6);
  for (let i = 0; i < s.data.length; i++) s.data[i] = Math.fround(Math.sin(i) * 1.3);
  for (let t = 0; t < 6; t++) s.people[t] = t === 2 ? 0 : 1;
  s.frame(2).fill(0);
  return s;
}

const SUMMARY = `
import numpy as np, sys, json
d = np.load(sys.argv[1], allow_pickle=True)
fp = d['frame_payloads']
out = {'id': str(d['video_id']), 'fps': int(d['fps']), 'frames': int(d['total_frames']), 'w': int(d['frame_widths'][0]),
       'keys': [list(f.keys()) for f in fp], 'n': [int(f['num_persons']) for f in fp],
       'body1': fp[1]['person_000_body_keypoints'].astype(float).tolist(), 'bs1': fp[1]['person_000_body_scores'].tolist(),
       'rh5': fp[5]['person_000_right_hand_scores'].astype(float).tolist(), 'dtype': str(fp[0]['person_000_face_keypoints'].dtype),
       'ntype': type(fp[0]['num_persons']).__name__}
print(json.dumps(out))
`;

describe.skipIf(pythons.length === 0)('numpy interop', () => {
  for (const { py: bin, version } of pythons) {
    for (const protocol of version.startsWith('1.') ? [3] as const : [3, 4] as const) {
      it(`numpy ${version} loads encodeSignVerseNpz output (protocol ${protocol})`, () => {
        const s = sample();
        const file = join(tmp, `p${protocol}-${version}.npz`);
        writeFileSync(file, encodeSignVerseNpz(s, { protocol }));
        const r = JSON.parse(py(bin, SUMMARY, file)) as Record<string, unknown>;
        expect(r).toMatchObject({ id: 'np_check', fps: 30, frames: 6, w: 1920, n: [1, 1, 0, 1, 1, 1], dtype: 'float32', ntype: 'int32' });
        expect((r.keys as string[][])[2]).toEqual(['num_persons', 'frame_width', 'frame_height']);
        expect((r.keys as string[][])[0]).toHaveLength(11);
        const body = (r.body1 as number[][]).flat();
        body.forEach((v, i) => expect(v).toBe(s.data[384 + Math.floor(i / 2) * 3 + (i % 2)]));
        expect(r.bs1).toEqual(Array.from({ length: 18 }, (_, j) => (s.c(1, j) > 0 ? j : -1)));
        expect(r.rh5).toEqual(Array.from({ length: 21 }, (_, j) => s.c(5, 107 + j)));
      });
    }

    it(`reads what numpy ${version} writes: all dtypes, fortran order, savez_compressed, its own pickles`, () => {
      const dir = join(tmp, `w-${version}`);
      py(bin, `
import numpy as np, sys, os
d = sys.argv[1]; os.makedirs(d, exist_ok=True)
np.save(d + '/f4.npy', np.arange(6, dtype='<f4').reshape(2, 3) / 7)
np.save(d + '/fortran.npy', np.asfortranarray(np.arange(12, dtype='<i8').reshape(3, 4)))
np.save(d + '/u.npy', np.array(['ab', 'çé👋']))
np.save(d + '/b.npy', np.array([True, False, True]))
np.save(d + '/u1.npy', np.array([0, 7, 255], dtype=np.uint8))
np.save(d + '/f8.npy', np.array(np.pi))
np.save(d + '/obj.npy', np.array([{'a': np.float32(1.5), 'b': np.arange(3, dtype=np.int32), 'c': [1, 'x', None]}], dtype=object), allow_pickle=True)
np.savez_compressed(d + '/c.npz', x=np.arange(1000, dtype='<f4'))
`, dir);
      const f4 = parseNpy(readFileSync(join(dir, 'f4.npy')), 'f4');
      expect(Array.from(f4.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5].map((i) => Math.fround(Math.fround(i) / 7)));
      expect(Array.from(parseNpy(readFileSync(join(dir, 'fortran.npy')), 'f').data as BigInt64Array)).toEqual(Array.from({ length: 12 }, (_, i) => BigInt(i)));
      expect(parseNpy(readFileSync(join(dir, 'u.npy')), 'u').data).toEqual(['ab', 'çé👋']);
      expect(Array.from(parseNpy(readFileSync(join(dir, 'b.npy')), 'b').data as Uint8Array)).toEqual([1, 0, 1]);
      expect(Array.from(parseNpy(readFileSync(join(dir, 'u1.npy')), 'u1').data as Uint8Array)).toEqual([0, 7, 255]);
      expect(parseNpy(readFileSync(join(dir, 'f8.npy')), 'f8').data[0]).toBe(Math.PI);
      const obj = parseNpy(readFileSync(join(dir, 'obj.npy')), 'obj');
      const m = obj.data[0] as Map<string, unknown>;
      expect(m.get('a')).toBe(1.5);
      expect(m.get('c')).toEqual([1, 'x', null]);
      const x = parseNpy(readZip(readFileSync(join(dir, 'c.npz')), 'c.npz')[0].data, 'x');
      expect((x.data as Float32Array)[999]).toBe(999);
    });

    it.skipIf(!hasShared(...SHARD))(`reads the fixture re-saved by numpy ${version} (its own pickle protocol) identically`, async () => {
      let npz: Uint8Array | null = null;
      for await (const m of readTar(readFileSync(sharedPath(...SHARD)), 'shard')) if (m.name.endsWith('poses.npz')) npz = m.data;
      const src = join(tmp, `fixture-${version}.npz`);
      const resaved = join(tmp, `resaved-${version}.npz`);
      writeFileSync(src, npz as Uint8Array);
      py(bin, `import numpy as np, sys\nd = np.load(sys.argv[1], allow_pickle=True)\nnp.savez(sys.argv[2], **{k: d[k] for k in d.files})`, src, resaved);
      const a = parseSignVerseNpz(npz as Uint8Array, 'fixture');
      const b = parseSignVerseNpz(readFileSync(resaved), 'resaved');
      expect(b.meta).toEqual(a.meta);
      expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
      expect(Array.from(b.people)).toEqual(Array.from(a.people));
    });

    it(`numpy ${version} loads every dtype encodeNpy writes`, () => {
      const file = join(tmp, `e-${version}.npy`);
      const checks: [Uint8Array, string][] = [
        [encodeNpy({ dtype: 'f4', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4.5) }), "[[1.0, 2.0], [3.0, 4.5]] float32"],
        [encodeNpy({ dtype: 'i8', shape: [2], data: BigInt64Array.of(-1n, 1n << 40n) }), '[-1, 1099511627776] int64'],
        [encodeNpy({ dtype: 'U', shape: [], data: ['vid_ü'] }), 'vid_ü <U5'],
        [encodeNpy({ dtype: 'b1', shape: [2], data: Uint8Array.of(1, 0) }), '[True, False] bool'],
        [encodeNpy({ dtype: 'O', shape: [2], data: [new Map([['k', 'v']]), 3] }), "[{'k': 'v'}, 3] object"],
      ];
      const files = checks.map(([bytes], i) => { const f = `${file}.${i}.npy`; writeFileSync(f, bytes); return f; });
      const out = py(bin, `import numpy as np, sys\nfor f in sys.argv[1:]:\n    a = np.load(f, allow_pickle=True)\n    print(a.tolist(), a.dtype)`, ...files);
      expect(out.trim().split('\n')).toEqual(checks.map(([, want]) => want));
    });
  }
});
