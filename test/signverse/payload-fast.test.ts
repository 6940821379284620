/**
 * The unpickler's fast paths for frame payloads (FastDictReader, dict templates, the pass without the memo pre-scan)
 * against its general path, on payloads pickled by real numpy in the layouts that exercise them: protocol 4 (FRAME
 * opcodes falling inside frame dicts), protocol 3 past 256 memo entries (BINPUT → LONG_BINPUT), scalar and key
 * objects re-used across frames (GETs of earlier frames' entries), an array object re-used (a GET the optimistic pass
 * did not keep: it starts over), plain-int counts, missing and extra people. Every dict must read the same whichever
 * path reads it, and the fast path must have read most of them. Skips without python3 + numpy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DictStandIn, NumpyArrayRef, unpickle, type FastDictReader, type NumpyDtype, type PyValue } from '../../pose/pickle.js';
import { parseSignVerseNpz } from '../../pose/signverse/index.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../../pose/skeleton.js';

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) process.stderr.write('[skip] python3 with numpy not found: fast-path payload checks skipped\n');
const tmp = mkdtempSync(join(tmpdir(), 'signbench-payload-fast-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes <tmp>/<case>.pkl (the pickled frame_payloads object array) and <case>.npz (np.savez with it). */
const MAKE = `
import sys, io, pickle, numpy as np
out = sys.argv[1]
rng = np.random.default_rng(7)
PARTS = (('body', 18), ('face', 68), ('left_hand', 21), ('right_hand', 21))
W480 = np.int32(480)  # one scalar object shared by every frame: pickled once, then GETs
def person(k, scale=1.0):
    d = {}
    for p, c in PARTS:
        d[f'person_{k:03d}_{p}_keypoints'] = (rng.random((c, 2), dtype=np.float32) * scale).astype(np.float32)
        s = rng.random(c, dtype=np.float32)
        if p == 'body': s = np.where(s < 0.2, -1.0, np.arange(c)).astype(np.float32)
        d[f'person_{k:03d}_{p}_scores'] = s
    return d
def frames(n, people, shared_array=False, int_counts=False):
    arr = np.empty(n, dtype=object)
    reused = None
    for i in range(n):
        k = people(i)
        d = {'num_persons': k if int_counts else np.int32(k), 'frame_width': W480, 'frame_height': np.int32(360)}
        for j in range(k if i % 11 != 5 else max(k - 1, 0)):  # every 11th frame misses its last person
            d.update(person(j))
        if shared_array and k > 0:
            if reused is None: reused = d['person_000_face_scores']
            elif i % 4 == 0: d['person_000_face_scores'] = reused  # the same ndarray object again: a GET of it
        arr[i] = d
    return arr
cases = {
    'p4_two': (frames(300, lambda i: 2), 4),
    'p3_two': (frames(300, lambda i: 2), 3),
    'p4_mixed': (frames(200, lambda i: i % 3, int_counts=True), 4),
    'p3_reused_array': (frames(120, lambda i: 1, shared_array=True), 3),
    'p4_reused_array': (frames(120, lambda i: 2, shared_array=True), 4),
}
for name, (arr, proto) in cases.items():
    with open(f'{out}/{name}.pkl', 'wb') as f: pickle.dump(arr, f, protocol=proto)
    b = io.BytesIO()
    np.lib.format.write_array_header_1_0(b, np.lib.format.header_data_from_array_1_0(arr))
    pickle.dump(arr, b, protocol=proto)
    np.savez(f'{out}/{name}.npz', frame_payloads=arr, fps=np.int32(25), video_id=np.array(name))
    # the reference values: numpy's own view of frame 7's keypoints and scores, per key
    f7 = arr[7]
    import json
    json.dump({k: (v.astype(float).ravel().tolist() if isinstance(v, np.ndarray) else int(v)) for k, v in f7.items()}, open(f'{out}/{name}.f7.json', 'w'))
`;

/** Normal form of a dict's items: arrays as descr, shape and bytes; numbers as numbers (bool as 0/1). */
type Item = number | { descr: string; shape: number[]; fortran: boolean; bytes: number[] };

class Recorder implements FastDictReader {
  dicts: Map<string, Item>[] = [];
  restarts = 0;
  private cur = new Map<string, Item>();
  private readonly keys: string[] = [];
  constructor(private readonly input: Uint8Array) {}
  begin(): void { this.cur = new Map(); }
  slot(key: string): number {
    let i = this.keys.indexOf(key);
    if (i < 0) i = this.keys.push(key) - 1;
    return i;
  }
  array(slot: number, dtype: NumpyDtype, dims: readonly number[], nd: number, fortranOrder: boolean, offset: number, byteLength: number): boolean {
    this.cur.set(this.keys[slot], { descr: dtype.descr, shape: dims.slice(0, nd), fortran: fortranOrder, bytes: Array.from(this.input.subarray(offset, offset + byteLength)) });
    return true;
  }
  number(slot: number, value: number): boolean {
    this.cur.set(this.keys[slot], value);
    return true;
  }
  end(): PyValue {
    const i = this.dicts.push(this.cur) - 1;
    return new DictStandIn(i, i + 1);
  }
}

function normal(v: PyValue): Item {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof NumpyArrayRef && v.dtype && v.raw) return { descr: v.dtype.descr, shape: [...v.shape], fortran: v.fortranOrder, bytes: Array.from(v.raw) };
  throw new Error(`unexpected value ${String(v)}`);
}

function dictsOf(items: PyValue[], rec: Recorder | null): Map<string, Item>[] {
  return items.map((d) => {
    if (d instanceof DictStandIn) return (rec as Recorder).dicts[d.first];
    if (!(d instanceof Map)) throw new Error('not a dict');
    return new Map([...d].map(([k, v]) => [String(k), normal(v)]));
  });
}

describe.skipIf(!hasNumpy)('frame payloads: fast paths read what the general path reads', () => {
  const made = hasNumpy ? spawnSync('python3', ['-c', MAKE, tmp], { encoding: 'utf8' }) : null;
  if (made && made.status !== 0) throw new Error(made.stderr);

  for (const name of ['p4_two', 'p3_two', 'p4_mixed', 'p3_reused_array', 'p4_reused_array']) {
    it(name, () => {
      const bytes = new Uint8Array(readFileSync(join(tmp, `${name}.pkl`)));
      const general = unpickle(bytes, name) as NumpyArrayRef;
      const rec = new Recorder(bytes);
      const fast = unpickle(bytes, name, { dictReader: rec, onRestart: () => { rec.dicts = []; rec.restarts++; } }) as NumpyArrayRef;
      const g = dictsOf(general.items as PyValue[], null);
      const f = dictsOf(fast.items as PyValue[], rec);
      expect(f.length).toBe(g.length);
      for (let t = 0; t < g.length; t++) expect([t, Object.fromEntries(f[t])]).toEqual([t, Object.fromEntries(g[t])]);
      // the fast path read (nearly) every frame, not just the first
      expect(rec.dicts.length).toBeGreaterThan(g.length - 3);
      // an ndarray object pickled once and read again by a GET makes the first pass start over
      expect(rec.restarts).toBe(name.includes('reused_array') ? 1 : 0);
    });
  }

  it('parseSignVerseNpz gives numpy\'s values for every person of a frame', () => {
    for (const name of ['p4_two', 'p3_two', 'p4_reused_array']) {
      const seq = parseSignVerseNpz(new Uint8Array(readFileSync(join(tmp, `${name}.npz`))), `${name}.npz`, undefined, undefined, { signverseHands: 'stored' });
      const ref = JSON.parse(readFileSync(join(tmp, `${name}.f7.json`), 'utf8')) as Record<string, number[] | number>;
      expect(seq.people[7]).toBe(ref.num_persons);
      const persons = [seq.frame(7), ...Array.from({ length: (seq.extraPeople?.[7]?.length ?? 0) / FRAME_STRIDE }, (_, k) => (seq.extraPeople?.[7] as Float32Array).subarray(k * FRAME_STRIDE, (k + 1) * FRAME_STRIDE))];
      expect(persons.length).toBe(ref.num_persons);
      persons.forEach((d, k) => {
        for (const [part, { start, count }] of [['body', PARTS.body], ['face', PARTS.face], ['left_hand', PARTS.leftHand], ['right_hand', PARTS.rightHand]] as const) {
          const kp = ref[`person_${String(k).padStart(3, '0')}_${part}_keypoints`] as number[];
          const sc = ref[`person_${String(k).padStart(3, '0')}_${part}_scores`] as number[];
          for (let i = 0; i < count; i++) {
            const o = (start + i) * CHANNELS;
            expect([d[o], d[o + 1]]).toEqual([Math.fround(kp[2 * i]), Math.fround(kp[2 * i + 1])]);
            expect(d[o + 2]).toBe(part === 'body' ? (sc[i] >= 0 ? 1 : 0) : Math.fround(sc[i]));
          }
        }
      });
    }
  });
});
