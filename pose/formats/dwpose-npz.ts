/**
 * One DWPose frame saved by numpy: a `.npy` holding a pickled dict (0-d object array) or an `.npz` whose members are
 * the dict's keys. Three dict layouts are understood:
 * - person-centric (SignVerse's visualiser, the `dwpose-frame` fixture): `num_persons`, `person_0` → {body_keypoints
 *   (18,2), body_scores (18,), face_*, left_hand_*, right_hand_*};
 * - flat per-frame payloads (pipeline02 `--per-frame-npz`): `num_persons`, `frame_width`, `frame_height`,
 *   `person_000_body_keypoints`, ...;
 * - the old DWPose dict: `bodies` (18N,2), `body_scores` (N,18), `hands` (2N,21,2) stacked [L0..L(N-1), R0..R(N-1)],
 *   `hands_scores` (2N,21), `faces` (N,68,2), `faces_scores` (N,68).
 * Body scores are OpenPose subset indices (≥ 0 present → c = 1, −1 → c = 0); hand and face scores are kept raw.
 * The first person is taken. Coordinates are normalised to the frame; width/height come from the dict when it has
 * them, else from `meta`, else 1×1.
 */
import { readInputFile } from '../fsio.js';
import { basename } from 'node:path';
import { DWPOSE_JSON_DEFAULT_SIZE } from './dwpose-json.js';
import { listFrameFiles } from './json-frames.js';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';
import { npyFromPickled, parseNpy, type NpyArray } from '../npy.js';
import { NumpyArrayRef, type PyKey, type PyValue } from '../pickle.js';
import { PoseSequence, type SequenceMeta } from '../sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../skeleton.js';
import { readZip } from '../zip.js';

type Value = NpyArray | number | string | Map<string, Value> | null;

function fromPy(v: PyValue, file: string, depth = 0): Value {
  if (depth > 8) throw new PoseFormatError(file, 'dict nesting is too deep');
  if (v instanceof NumpyArrayRef) {
    const a = npyFromPickled(v, file);
    if (a.dtype === 'O' && a.shape.length === 0) return fromPy(a.data[0], file, depth + 1);
    return a;
  }
  if (v instanceof Map) {
    const m = new Map<string, Value>();
    for (const [k, x] of v as Map<PyKey, PyValue>) if (typeof k === 'string') m.set(k, fromPy(x, file, depth + 1));
    return m;
  }
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

function fromNpy(a: NpyArray, file: string): Value {
  if (a.dtype === 'O') return a.shape.length === 0 ? fromPy(a.data[0], file) : a;
  return a;
}

function numbers(v: Value | undefined): number[] | null {
  if (typeof v === 'number') return [v];
  if (v === undefined || v === null || typeof v === 'string' || v instanceof Map) return null;
  if (v.dtype === 'O' || v.dtype === 'U') return null;
  return Array.from(v.data as ArrayLike<number | bigint>, Number);
}

function shapeOf(v: Value | undefined): number[] {
  return v !== null && v !== undefined && typeof v === 'object' && !(v instanceof Map) ? v.shape : [];
}

function frameFromDict(d: Map<string, Value>, file: string, meta?: Partial<SequenceMeta>): PoseSequence {
  const fail = (p: string): never => { throw new PoseFormatError(file, p); };
  const data = new Float32Array(FRAME_STRIDE);
  const num = (k: string): number | null => numbers(d.get(k))?.[0] ?? null;
  const put = (src: Value | undefined, scores: Value | undefined, what: string, start: number, count: number, offset: number, subset: boolean) => {
    const xy = numbers(src);
    const sc = numbers(scores);
    if (!xy || !sc) return fail(`${what}: keypoints or scores missing or not numeric`);
    if (xy.length < (offset + count) * 2 || sc.length < offset + count) {
      fail(`${what}: shape (${shapeOf(src).join(', ')}) / (${shapeOf(scores).join(', ')}) is too small for ${count} points`);
    }
    for (let i = 0; i < count; i++) {
      const x = xy[(offset + i) * 2];
      const y = xy[(offset + i) * 2 + 1];
      const s = sc[offset + i];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(s)) fail(`${what}[${i}] is not finite`);
      const o = (start + i) * CHANNELS;
      data[o] = x;
      data[o + 1] = y;
      data[o + 2] = subset ? (s >= 0 ? 1 : 0) : s;
    }
  };
  let people = num('num_persons');
  const nested = [...d.keys()].find((k) => /^person_0+$/.test(k) && d.get(k) instanceof Map);
  const flat = ['person_000', 'person_0', 'person_00'].find((p) => d.has(`${p}_body_keypoints`));
  if (nested !== undefined || flat !== undefined) {
    const get = (suffix: string): Value | undefined =>
      nested !== undefined ? (d.get(nested) as Map<string, Value>).get(suffix) : d.get(`${flat}_${suffix}`);
    people ??= 1;
    if (people > 0) {
      put(get('body_keypoints'), get('body_scores'), 'body', PARTS.body.start, PARTS.body.count, 0, true);
      put(get('face_keypoints'), get('face_scores'), 'face', PARTS.face.start, PARTS.face.count, 0, false);
      put(get('left_hand_keypoints'), get('left_hand_scores'), 'left hand', PARTS.leftHand.start, PARTS.leftHand.count, 0, false);
      put(get('right_hand_keypoints'), get('right_hand_scores'), 'right hand', PARTS.rightHand.start, PARTS.rightHand.count, 0, false);
    }
  } else if (d.has('bodies')) {
    const bodies = d.get('bodies');
    if (bodies instanceof Map) fail('bodies as {candidate, subset} is not supported');
    const n = Math.max(1, Math.floor((numbers(bodies)?.length ?? 0) / 36));
    people ??= n;
    put(bodies, d.get('body_scores'), 'body', PARTS.body.start, PARTS.body.count, 0, true);
    put(d.get('faces'), d.get('faces_scores'), 'face', PARTS.face.start, PARTS.face.count, 0, false);
    const hands = d.get('hands');
    const handCount = Math.floor((numbers(hands)?.length ?? 0) / 42);
    put(hands, d.get('hands_scores'), 'left hand', PARTS.leftHand.start, PARTS.leftHand.count, 0, false);
    // stacked [L0..L(N-1), R0..R(N-1)]: person 0's right hand is hand N (= hand 1 for one person)
    const right = handCount >= 2 ? Math.floor(handCount / 2) : 1;
    put(hands, d.get('hands_scores'), 'right hand', PARTS.rightHand.start, PARTS.rightHand.count, right * 21, false);
  } else if (people === 0) {
    // an empty frame: num_persons only
  } else {
    fail(`no DWPose keys (expected person_0 / person_000_* / bodies), found: ${[...d.keys()].slice(0, 12).join(', ')}`);
  }
  if (people === null || !Number.isInteger(people) || people < 0) return fail(`num_persons is ${people}`);
  // a frame without its size gets DWPose's detect resolution, as DWPose JSON frames do
  const width = num('frame_width') ?? meta?.width ?? DWPOSE_JSON_DEFAULT_SIZE;
  const height = num('frame_height') ?? meta?.height ?? DWPOSE_JSON_DEFAULT_SIZE;
  const stem = (file.split(/[/\\]/).pop() ?? 'frame').replace(/\.(npy|npz)$/i, '');
  const fullMeta: SequenceMeta = {
    id: stem, fps: 24, width, height, text: null, gloss: null, language: null, signLanguage: null, signer: null,
    source: 'dwpose', ...meta,
  };
  const p = people === 0 ? 0 : Math.min(people, 255);
  if (p === 0) data.fill(0);
  return new PoseSequence(fullMeta, data, new Uint8Array([p]));
}

/** A DWPose frame `.npz` (members = dict keys; nested dicts as 0-d object arrays) → a one-frame PoseSequence. */
export function parseDwposeFrameNpz(bytes: Uint8Array, file: string, meta?: Partial<SequenceMeta>, limits?: Partial<ReadLimits>): PoseSequence {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const d = new Map<string, Value>();
  for (const e of readZip(bytes, file, { limits: lim })) {
    d.set(e.name.replace(/\.npy$/, ''), fromNpy(parseNpy(e.data, `${file}:${e.name}`, lim), file));
  }
  return frameFromDict(d, file, meta);
}

/** A DWPose frame `.npy` (a 0-d object array holding the frame dict) → a one-frame PoseSequence. */
export function parseDwposeFrameNpy(bytes: Uint8Array, file: string, meta?: Partial<SequenceMeta>, limits?: Partial<ReadLimits>): PoseSequence {
  const v = fromNpy(parseNpy(bytes, file, { ...DEFAULT_LIMITS, ...limits }), file);
  if (!(v instanceof Map)) throw new PoseFormatError(file, 'the .npy does not hold a pickled frame dict');
  return frameFromDict(v, file, meta);
}

/**
 * DWPose per-frame `.npz`/`.npy` (a pickled frame dict each): one file is a one-frame sequence; a directory of them
 * (SignVerse's per-frame mode writes `npz/<frame:08d>.npz`) is one sequence in frame-number order.
 */
export async function readDwposeNpz(path: string, frame: { width?: number; height?: number; fps?: number }, limits: Partial<ReadLimits>, dir: boolean): Promise<PoseSequence> {
  const meta = { ...(frame.width ? { width: frame.width } : {}), ...(frame.height ? { height: frame.height } : {}), ...(frame.fps ? { fps: frame.fps } : {}) };
  const parseOne = async (f: string) => {
    const bytes = await readInputFile(f, { maxBytes: limits.maxBytes });
    return /\.npy$/i.test(f) ? parseDwposeFrameNpy(bytes, f, meta, limits) : parseDwposeFrameNpz(bytes, f, meta, limits);
  };
  if (!dir) return parseOne(path);
  const files = await listFrameFiles(path, /\.(npz|npy)$/i, limits);
  const maxFrames = limits.maxFrames ?? DEFAULT_LIMITS.maxFrames;
  if (files.length > maxFrames) throw new PoseFormatError(path, `${files.length} frame files, over the ${maxFrames}-frame limit`);
  const frames: PoseSequence[] = [];
  for (const f of files) frames.push(await parseOne(f));
  if (frames.length === 0) throw new PoseFormatError(path, 'no .npz/.npy frame files in the directory');
  return PoseSequence.concat(frames, { ...frames[0].meta, id: basename(path) });
}
