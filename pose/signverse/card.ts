/**
 * The SignVerse-2M dataset card's layout of `{video_id}/poses.npz` (beside `caption.json` and `{video_id}.complete`):
 * np.savez keys `video_id, fps (float), num_frames, frame_ids, width, height, frames`, where `frames` is a pickled
 * object array of per-frame dicts `{num_people, frame_id, width, height, person_0: {body: (18, 3), face: (68, 3),
 * left_hand: (21, 3), right_hand: (21, 3)}, person_1: …}` in **pixel** coordinates with the score in the third
 * column. The pipeline's own layout (frame_payloads, normalised coordinates) is read by npz.ts.
 *
 * Body scores: where every body score of the clip is −1 or a whole number ≥ 0 they are easy_dwpose's subset indices
 * (present iff ≥ 0, as in the pipeline's files); otherwise they are confidences and kept as they are.
 */
import { PoseFormatError, type ReadLimits } from '../errors.js';
import { encodeNpy, npyHeader, parseNpy, type NpyArray } from '../npy.js';
import { NumpyArrayRef, PickleWriter, type PyKey, type PyValue } from '../pickle.js';
import { checkFpsValue, PoseSequence, type SequenceMeta } from '../sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../skeleton.js';
import { writeZip, type MemberLookup } from '../zip.js';
import { resolveSignVerseHands, type SignVerseHandsMode } from './hands.js';

const CARD_PARTS: readonly [string, { start: number; count: number }][] = [
  ['body', PARTS.body], ['face', PARTS.face], ['left_hand', PARTS.leftHand], ['right_hand', PARTS.rightHand],
];

/** Whether the npz members (names without `.npy`) are the card's layout. */
export function isCardNpz(members: MemberLookup): boolean {
  return members.has('frames') && !members.has('frame_payloads');
}

/** A Python int/float/bool or a one-element numeric ndarray as a number; null for anything else. */
export function pyNumber(v: PyValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof NumpyArrayRef && v.size === 1 && v.raw && v.dtype) {
    const dv = new DataView(v.raw.buffer, v.raw.byteOffset, v.raw.byteLength);
    const le = v.dtype.byteOrder !== '>';
    switch (v.dtype.code) {
      case 'i4': return dv.getInt32(0, le);
      case 'i8': return Number(dv.getBigInt64(0, le));
      case 'f4': return dv.getFloat32(0, le);
      case 'f8': return dv.getFloat64(0, le);
    }
  }
  return null;
}

function scalarOf(a: NpyArray | undefined): number | null {
  if (!a || a.data.length !== 1) return null;
  const v = a.data[0];
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
}

function personKey(d: Map<PyKey, PyValue>, k: number): string | null {
  for (const key of [`person_${k}`, `person_${String(k).padStart(3, '0')}`]) if (d.has(key)) return key;
  return null;
}

export interface CardParseOptions {
  onWarning?: (message: string) => void;
  signverseHands?: SignVerseHandsMode;
}

/** Parses the card layout's npz members into a PoseSequence (all people; hands as `signverseHands` says). */
export function parseCardNpz(
  members: MemberLookup,
  file: string,
  meta: Partial<SequenceMeta> | undefined,
  limits: ReadLimits,
  opts: CardParseOptions = {},
): PoseSequence {
  const fail = (problem: string): never => { throw new PoseFormatError(file, problem); };
  const npy = (key: string): NpyArray | undefined => {
    const b = members.get(key);
    return b ? parseNpy(b, `${file}:${key}.npy`, limits) : undefined;
  };
  const framesArr = npy('frames');
  if (!framesArr || framesArr.dtype !== 'O' || framesArr.shape.length !== 1) return fail('frames must be a 1-d object array of frame dicts');
  const items = framesArr.data;
  const frames = items.length;
  if (frames > limits.maxFrames) fail(`${frames} frames exceed the limit of ${limits.maxFrames}`);
  const vid = npy('video_id');
  const videoId = vid && typeof vid.data[0] === 'string' ? vid.data[0] : null;
  const fps = scalarOf(npy('fps'));
  const numFrames = scalarOf(npy('num_frames'));
  let width = scalarOf(npy('width'));
  let height = scalarOf(npy('height'));

  const data = new Float32Array(frames * FRAME_STRIDE);
  const people = new Uint8Array(frames);
  const extra: (Float32Array | undefined)[] = new Array(frames);
  let subsetScores = true;

  const readPerson = (p: PyValue | undefined, where: string, w: number, h: number, out: Float32Array, base: number): void => {
    if (!(p instanceof Map)) return fail(`${where} is not a dict`);
    for (const [part, { start, count }] of CARD_PARTS) {
      const a = p.get(part);
      if (!(a instanceof NumpyArrayRef) || !a.src || !a.dtype) return fail(`${where}.${part} is not a numeric array`);
      const code = a.dtype.code;
      if (code !== 'f4' && code !== 'f8') fail(`${where}.${part} has dtype ${a.dtype.descr}, expected <f4`);
      const s = a.shape;
      if (!(s.length === 2 && s[0] === count && s[1] === 3)) fail(`${where}.${part} has shape (${s.join(', ')}), expected (${count}, 3)`);
      if (a.fortranOrder) fail(`${where}.${part} is in Fortran order`);
      const dv = new DataView(a.src.buffer, a.src.byteOffset + a.offset, a.byteLength);
      const le = a.dtype.byteOrder !== '>';
      const size = code === 'f8' ? 8 : 4;
      for (let i = 0; i < count; i++) {
        const o = base + (start + i) * CHANNELS;
        for (let c = 0; c < 3; c++) {
          const at = (i * 3 + c) * size;
          const v = size === 8 ? dv.getFloat64(at, le) : dv.getFloat32(at, le);
          if (v - v !== 0) fail(`${where}.${part}[${i}] is not finite`);
          out[o + c] = c === 0 ? v / w : c === 1 ? v / h : v;
        }
        if (part === 'body') {
          const sc = out[o + 2];
          if (!(sc === -1 || (sc >= 0 && Number.isInteger(sc)))) subsetScores = false;
        }
      }
    }
  };

  for (let t = 0; t < frames; t++) {
    const d = items[t];
    if (!(d instanceof Map)) return fail(`frame ${t}: not a dict`);
    const w = pyNumber(d.get('width')) ?? width;
    const h = pyNumber(d.get('height')) ?? height;
    if (width === null && w !== null) width = w;
    if (height === null && h !== null) height = h;
    const n = pyNumber(d.get('num_people')) ?? (personKey(d, 0) ? 1 : 0);
    if (!Number.isInteger(n) || n < 0) return fail(`frame ${t}: num_people is ${n}`);
    if (n > limits.maxPeople) fail(`frame ${t}: ${n} people exceed the limit of ${limits.maxPeople}`);
    if (n === 0) continue;
    if (!(w !== null && w > 0 && h !== null && h > 0)) return fail(`frame ${t}: no frame size to normalise its pixel coordinates`);
    const k0 = personKey(d, 0);
    if (k0 === null) return fail(`frame ${t}: num_people is ${n} but person_0 is missing`);
    people[t] = Math.min(n, 255);
    readPerson(d.get(k0), `frame ${t}: ${k0}`, w, h, data, t * FRAME_STRIDE);
    const keys: string[] = [];
    for (let k = 1; k < n; k++) {
      const kk = personKey(d, k);
      if (kk === null) break;
      keys.push(kk);
    }
    if (keys.length > 0) {
      const e = new Float32Array(keys.length * FRAME_STRIDE);
      keys.forEach((kk, i) => readPerson(d.get(kk), `frame ${t}: ${kk}`, w, h, e, i * FRAME_STRIDE));
      extra[t] = e;
    }
  }
  if (subsetScores) {
    // easy_dwpose subset indices: present (1) iff ≥ 0
    const toPresence = (buf: Float32Array) => {
      for (let o = 0; o < buf.length; o += FRAME_STRIDE) {
        for (let j = 0; j < PARTS.body.count; j++) buf[o + j * CHANNELS + 2] = buf[o + j * CHANNELS + 2] >= 0 ? 1 : 0;
      }
    };
    for (let t = 0; t < frames; t++) if (people[t] > 0) toPresence(data.subarray(t * FRAME_STRIDE, (t + 1) * FRAME_STRIDE));
    for (const e of extra) if (e) toPresence(e);
  }
  if (numFrames !== null && numFrames !== frames) opts.onWarning?.(`${file}: num_frames is ${numFrames} but frames holds ${frames}; using ${frames}`);
  const w = meta?.width ?? width ?? Number.NaN;
  const h = meta?.height ?? height ?? Number.NaN;
  if (!(w > 0 && h > 0)) fail(`no usable frame size (width/height give ${w}×${h})`);
  return signVerseSequence(file, { id: videoId ?? signVerseStem(file), fps: fps ?? 24, width: w, height: h }, meta, data, people, extra, opts.signverseHands);
}

/** `<vid>/npz/poses.npz` and `<vid>/poses.npz` → `<vid>`; else the file name without `.npz`. */
export function signVerseStem(file: string): string {
  const parts = file.split(/[/\\]/).filter(Boolean);
  if (parts.length >= 3 && parts[parts.length - 2] === 'npz') return parts[parts.length - 3];
  if (parts.length >= 2 && parts[parts.length - 1] === 'poses.npz') return parts[parts.length - 2];
  return (parts.pop() ?? 'poses').replace(/\.npz$/, '');
}

/**
 * The sequence of a SignVerse npz (either layout): what the file says (`base`), overridden by `meta`; every person
 * (`extra`), hands labelled as `hands` says. Throws a PoseFormatError naming `file` for a bad fps.
 */
export function signVerseSequence(
  file: string,
  base: Pick<SequenceMeta, 'id' | 'fps' | 'width' | 'height'>,
  meta: Partial<SequenceMeta> | undefined,
  data: Float32Array,
  people: Uint8Array,
  extra: (Float32Array | undefined)[],
  hands: SignVerseHandsMode = 'auto',
): PoseSequence {
  const merged: SequenceMeta = {
    ...base, text: null, gloss: null, language: null, signLanguage: null, signer: null, source: 'signverse',
  };
  for (const [k, v] of Object.entries(meta ?? {})) if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  const fpsProblem = checkFpsValue(merged.fps);
  if (fpsProblem) throw new PoseFormatError(file, fpsProblem);
  const seq = new PoseSequence(merged, data, people);
  seq.setExtraPeople(extra); // after construction: people[t] keeps the file's count
  resolveSignVerseHands(seq, hands);
  return seq;
}

/**
 * Encodes a sequence in the card's layout (pixel coordinates, scores in the third column; body scores as subset
 * indices j / −1 like every SignVerse file, so that presence survives). `people` are the persons to write per frame
 * (default: the signer and the extra people).
 */
export function encodeCardNpz(seq: PoseSequence, peopleOf: (t: number) => Float32Array[]): Uint8Array {
  seq.validate(seq.meta.id || '<sequence>');
  const frames = seq.frames;
  const width = Math.round(seq.meta.width);
  const height = Math.round(seq.meta.height);
  if (!(width > 0 && height > 0)) throw new Error(`encodeCardNpz: frame size must be positive, got ${seq.meta.width}×${seq.meta.height}`);
  const w = new PickleWriter({ protocol: 3, numpyModule: 'numpy.core', sizeHint: 4096 + frames * 3000 });
  w.objectArrayBegin([frames]);
  for (let b = 0; b < frames; b += 1000) {
    const end = Math.min(frames, b + 1000);
    if (end - b > 1) w.mark();
    for (let t = b; t < end; t++) {
      const persons = peopleOf(t);
      w.emptyDict();
      w.mark();
      w.str('num_people'); w.int(seq.people[t]);
      w.str('frame_id'); w.int(t);
      w.str('width'); w.int(width);
      w.str('height'); w.int(height);
      persons.forEach((p, k) => {
        w.str(`person_${k}`);
        w.emptyDict();
        w.mark();
        for (const [part, { start, count }] of CARD_PARTS) {
          w.str(part);
          w.ndarrayWith('<f4', [count, 3], count * 12, (dv, at) => {
            for (let i = 0; i < count; i++) {
              const o = (start + i) * CHANNELS;
              dv.setFloat32(at + i * 12, p[o] * width, true);
              dv.setFloat32(at + i * 12 + 4, p[o + 1] * height, true);
              const c = p[o + 2];
              dv.setFloat32(at + i * 12 + 8, part === 'body' ? (c > 0 ? i : -1) : c, true);
            }
          });
        }
        w.setItems();
      });
      w.setItems();
      w.frameBreak();
    }
    if (end - b > 1) w.appends(); else w.append();
  }
  w.objectArrayEnd();
  const payload = w.finish();
  const header = npyHeader('|O', [frames]);
  const framesNpy = new Uint8Array(header.length + payload.length);
  framesNpy.set(header);
  framesNpy.set(payload, header.length);
  const i8 = (shape: number[], values: number[]): NpyArray => ({ dtype: 'i8', shape, data: BigInt64Array.from(values, (v) => BigInt(v)) });
  return writeZip([
    { name: 'video_id.npy', data: encodeNpy({ dtype: 'U', shape: [], data: [seq.meta.id] }) },
    { name: 'fps.npy', data: encodeNpy({ dtype: 'f8', shape: [], data: Float64Array.of(seq.meta.fps) }) },
    { name: 'num_frames.npy', data: encodeNpy(i8([], [frames])) },
    { name: 'frame_ids.npy', data: encodeNpy(i8([frames], Array.from({ length: frames }, (_, t) => t))) },
    { name: 'width.npy', data: encodeNpy(i8([], [width])) },
    { name: 'height.npy', data: encodeNpy(i8([], [height])) },
    { name: 'frames.npy', data: framesNpy },
  ]);
}
