/** Builders for hand-made SignVerse payloads and npz files used by the signverse tests. */
import { spawnSync } from 'node:child_process';
import { encodeNpy, type NpyArray } from '../../pose/npy.js';
import { NumpyArrayRef, NumpyDtype, NumpyScalar, type PickleInput, type PyKey } from '../../pose/pickle.js';
import { writeZip } from '../../pose/zip.js';
import { PoseSequence } from '../../pose/sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../../pose/skeleton.js';

/** A pickled-style float32 ndarray. */
export function f4(shape: number[], values: ArrayLike<number>): NumpyArrayRef {
  const a = new NumpyArrayRef();
  a.shape = shape;
  a.dtype = new NumpyDtype('f4', '<');
  a.raw = new Uint8Array(Float32Array.from(values).buffer);
  return a;
}

/** A person's 8 arrays with values derived from `seed` (hand scores = seed/100 + i/1000, body all present). */
export function person(prefix: string, seed: number, overrides: Record<string, NumpyArrayRef> = {}): [string, PickleInput][] {
  const pts = (n: number, k: number) => Array.from({ length: n * 2 }, (_, i) => seed + k + i / 1000);
  const entries: [string, PickleInput][] = [
    [`${prefix}_body_keypoints`, f4([18, 2], pts(18, 0.1))],
    [`${prefix}_body_scores`, f4([18], Array.from({ length: 18 }, (_, j) => j))],
    [`${prefix}_face_keypoints`, f4([68, 2], pts(68, 0.2))],
    [`${prefix}_face_scores`, f4([68], Array.from({ length: 68 }, (_, i) => 0.5 + i / 1000))],
    [`${prefix}_left_hand_keypoints`, f4([21, 2], pts(21, 0.3))],
    [`${prefix}_left_hand_scores`, f4([21], Array.from({ length: 21 }, (_, i) => seed / 100 + i / 1000))],
    [`${prefix}_right_hand_keypoints`, f4([21, 2], pts(21, 0.4))],
    [`${prefix}_right_hand_scores`, f4([21], Array.from({ length: 21 }, (_, i) => seed / 100 + 0.5 + i / 1000))],
  ];
  return entries.map(([k, v]) => [k, overrides[k] ?? v]);
}

/** One frame payload dict with `n` persons (person_000 .. person_(n-1), each seeded by its index). */
export function payload(n: number, opts: { persons?: number; overrides?: Record<string, NumpyArrayRef> } = {}): Map<PyKey, PickleInput> {
  const m = new Map<PyKey, PickleInput>([
    ['num_persons', new NumpyScalar('<i4', n)],
    ['frame_width', new NumpyScalar('<i4', 640)],
    ['frame_height', new NumpyScalar('<i4', 480)],
  ]);
  const stored = opts.persons ?? n;
  for (let k = 0; k < stored; k++) {
    for (const [key, v] of person(`person_${String(k).padStart(3, '0')}`, k, k === 0 ? opts.overrides : {})) m.set(key, v);
  }
  return m;
}

/** An npz in the SignVerse layout around the given payloads. */
export function npzOf(payloads: PickleInput[], extra: { fps?: number; id?: string; totalFrames?: number } = {}): Uint8Array {
  const n = payloads.length;
  const i4 = (shape: number[], v: number[]): NpyArray => ({ dtype: 'i4', shape, data: Int32Array.from(v) });
  const objects = { dtype: 'O', shape: [n], data: payloads } as unknown as NpyArray;
  return writeZip([
    { name: 'video_id.npy', data: encodeNpy({ dtype: 'U', shape: [], data: [extra.id ?? 'vid'] }) },
    { name: 'fps.npy', data: encodeNpy(i4([], [extra.fps ?? 24])) },
    { name: 'total_frames.npy', data: encodeNpy(i4([], [extra.totalFrames ?? n])) },
    { name: 'frame_widths.npy', data: encodeNpy(i4([n], new Array(n).fill(640))) },
    { name: 'frame_heights.npy', data: encodeNpy(i4([n], new Array(n).fill(480))) },
    { name: 'frame_indices.npy', data: encodeNpy(i4([n], Array.from({ length: n }, (_, i) => i + 1))) },
    { name: 'frame_payloads.npy', data: encodeNpy(objects) },
  ]);
}

/** Debian's python3 with numpy (1.x), or null when it is not installed. */
export function numpyPython(): string | null {
  for (const py of ['/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

/** Runs a python snippet; returns stdout (throws with stderr on failure). */
export function runPython(py: string, code: string, args: string[] = []): string {
  const r = spawnSync(py, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout;
}

/** Person at horizontal centre cx: body around it, each hand's root at its own wrist, fingers beside it. */
function personAt(out: Float32Array, cx: number, t: number): void {
  out.fill(0);
  for (let j = 0; j < PARTS.body.count; j++) {
    out[j * CHANNELS] = cx + ((j % 5) - 2) * 0.03 + t * 0.001;
    out[j * CHANNELS + 1] = 0.3 + Math.floor(j / 5) * 0.1;
    out[j * CHANNELS + 2] = 1;
  }
  const wrists: [number, number][] = [[7, PARTS.leftHand.start], [4, PARTS.rightHand.start]];
  for (const [w, start] of wrists) {
    const wx = cx + (w === 4 ? -0.08 : 0.08);
    const wy = 0.55 + t * 0.002;
    out[w * CHANNELS] = wx;
    out[w * CHANNELS + 1] = wy;
    for (let k = 0; k < PARTS.leftHand.count; k++) {
      const o = (start + k) * CHANNELS;
      out[o] = wx + (k === 0 ? 0.004 : 0.01 + (k % 4) * 0.006);
      out[o + 1] = wy - (k === 0 ? 0.003 : 0.02 + Math.floor(k / 4) * 0.01);
      out[o + 2] = 0.8 + k / 200;
    }
  }
  for (let k = 0; k < PARTS.face.count; k++) {
    const o = (PARTS.face.start + k) * CHANNELS;
    out[o] = cx + (k % 10) * 0.003;
    out[o + 1] = 0.2 + Math.floor(k / 10) * 0.004;
    out[o + 2] = 0.7;
  }
}

/** `frames` frames; frames 2.. hold `n` people (the signer at 0.3, others further right), frames 0-1 one. */
export function multiPersonSequence(frames = 6, n = 2): PoseSequence {
  const seq = PoseSequence.empty({ id: 'two_people', fps: 24, width: 640, height: 480, text: 'two people' }, frames);
  const extra: (Float32Array | undefined)[] = new Array(frames);
  for (let t = 0; t < frames; t++) {
    personAt(seq.frame(t), 0.3, t);
    seq.people[t] = 1;
    if (t < 2) continue;
    const e = new Float32Array((n - 1) * FRAME_STRIDE);
    for (let k = 1; k < n; k++) personAt(e.subarray((k - 1) * FRAME_STRIDE, k * FRAME_STRIDE), 0.3 + 0.25 * k, t);
    extra[t] = e;
  }
  seq.setExtraPeople(extra);
  return seq;
}

