/**
 * SignVerse-2M `poses.npz` ⇄ PoseSequence.
 *
 * Reading (reference §1.2-1.7): `frame_payloads` is a pickled object array of per-frame dicts; person_000 is taken.
 * - body: x, y kept as stored; c = 1 where the stored "score" (an OpenPose subset index) is ≥ 0, else 0;
 * - face and hands: c = the raw DWPose score (0 or negative stays "missing");
 * - frames with num_persons = 0 have no person keys: people 0, all points (0, 0, 0);
 * - ≥ 2 persons: every person is read (person_001… into `extraPeople`); the pipeline's hand mix-up of multi-person
 *   frames is undone or not per clip, as `signverseHands` says (hands.ts);
 * - `frame_indices` is ignored (unreliable); frame t is payload t; fps from `fps` (25 when missing, as the trainer
 *   does), size from frame_widths/frame_heights[0] (else the first payload's frame_width/frame_height).
 * Writing mirrors the pipeline (numpy 1.x style: pickle protocol 3, numpy.core globals; protocol 4 with
 * numpy._core on request): body scores are written back as subset index j (present) or -1.
 */
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';
import { encodeNpy, npyHeader, parseNpy, parseNpyHeader, type NpyArray } from '../npy.js';
import {
  DictStandIn,
  FAST_DICT_DECLINE,
  FAST_DICT_IGNORE,
  NumpyArrayRef,
  PickleWriter,
  unpickle,
  type FastDictReader,
  type NumpyDtype,
  type PyKey,
  type PyValue,
} from '../pickle.js';
import type { PoseSequence, SequenceMeta } from '../sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../skeleton.js';
import { ZipArchive, writeZip } from '../zip.js';
import { applyHandLayout, type SignVerseHandsMode } from './hands.js';
import { encodeCardNpz, isCardNpz, parseCardNpz, pyNumber, signVerseSequence, signVerseStem } from './card.js';

export interface SignVerseParseOptions {
  /** Receives non-fatal findings (default: process.emitWarning). */
  onWarning?: (message: string) => void;
  /** Hand labelling of frames with ≥ 2 people: decided from the data (default), as stored, or repaired. */
  signverseHands?: SignVerseHandsMode;
}

export function defaultWarn(message: string): void {
  process.emitWarning(message, { code: 'SIGNBENCH_SIGNVERSE' });
}

type Part = 'body' | 'face' | 'left_hand' | 'right_hand';
const PART_INFO: Record<Part, { start: number; count: number }> = {
  body: PARTS.body,
  face: PARTS.face,
  left_hand: PARTS.leftHand,
  right_hand: PARTS.rightHand,
};
const PART_ORDER: readonly Part[] = ['body', 'face', 'left_hand', 'right_hand'];

function scalarNumber(v: NpyArray | undefined): number | null {
  if (!v || v.data.length < 1) return null;
  const x = v.data[0];
  if (typeof x === 'number') return x;
  if (typeof x === 'bigint') return Number(x);
  return null;
}

/**
 * Decodes a pickled float array of `count` points (keypoints: shape (count, 2); scores: shape (count,); a leading
 * axis of 1 is accepted) into `out` at point offset `start`, channel(s) `ch`.
 */
class PointCopier {
  private source: Uint8Array | null = null;
  private dv: DataView | null = null;

  constructor(private readonly fail: (problem: string) => never) {}

  /** A DataView over the array's source (the pickle input), created once per source. */
  private view(a: NumpyArrayRef): DataView {
    const src = a.src as Uint8Array;
    if (src !== this.source) {
      this.source = src;
      this.dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
    }
    return this.dv as DataView;
  }

  /** Checks type and shape of a float array of `count` points (or `count` scores). */
  private check(v: PyValue | undefined, key: string, t: number, count: number, pairs: boolean): NumpyArrayRef {
    if (!(v instanceof NumpyArrayRef) || !v.src || !v.dtype) return this.fail(`frame ${t}: ${key} is not a numeric array`);
    const code = v.dtype.code;
    if (code !== 'f4' && code !== 'f8') return this.fail(`frame ${t}: ${key} has dtype ${v.dtype.descr}, expected <f4`);
    const s = v.shape;
    const okShape = pairs
      ? (s.length === 2 && s[0] === count && s[1] === 2) || (s.length === 3 && s[0] === 1 && s[1] === count && s[2] === 2)
      : (s.length === 1 && s[0] === count) || (s.length === 2 && s[0] === 1 && s[1] === count);
    if (!okShape) return this.fail(`frame ${t}: ${key} has shape (${s.join(', ')}), expected (${pairs ? `${count}, 2` : `${count},`})`);
    if (v.fortranOrder && pairs) return this.fail(`frame ${t}: ${key} is in Fortran order`);
    return v;
  }

  xy(v: PyValue | undefined, key: string, t: number, count: number, out: Float32Array, base: number): void {
    const a = this.check(v, key, t, count, true);
    const dv = this.view(a);
    const dtype = a.dtype as NumpyDtype;
    const le = dtype.byteOrder !== '>';
    const f8 = dtype.code === 'f8';
    let o = a.offset;
    let p = base;
    for (let i = 0; i < count; i++, p += CHANNELS) {
      let x: number;
      let y: number;
      if (f8) { x = dv.getFloat64(o, le); y = dv.getFloat64(o + 8, le); o += 16; } else { x = dv.getFloat32(o, le); y = dv.getFloat32(o + 4, le); o += 8; }
      // x - x is NaN for NaN and ±Infinity: one check for both
      if (x - x !== 0 || y - y !== 0) this.fail(`frame ${t}: ${key}[${i}] is not finite (${x}, ${y})`);
      out[p] = x;
      out[p + 1] = y;
    }
  }

  /** Scores into the c channel: raw, or (body) 1 where ≥ 0 and 0 where < 0. */
  scores(v: PyValue | undefined, key: string, t: number, count: number, out: Float32Array, base: number, subsetIndex: boolean): void {
    const a = this.check(v, key, t, count, false);
    const dv = this.view(a);
    const dtype = a.dtype as NumpyDtype;
    const le = dtype.byteOrder !== '>';
    const f8 = dtype.code === 'f8';
    let o = a.offset;
    let p = base + 2;
    for (let i = 0; i < count; i++, p += CHANNELS) {
      let s: number;
      if (f8) { s = dv.getFloat64(o, le); o += 8; } else { s = dv.getFloat32(o, le); o += 4; }
      if (s - s !== 0) this.fail(`frame ${t}: ${key}[${i}] is not finite (${s})`);
      out[p] = subsetIndex ? (s >= 0 ? 1 : 0) : s;
    }
  }
}

/** Keys of person_000 per part (built once; the frame loop looks them up without building strings). */
const P0_KEYS: Record<Part, [string, string]> = {
  body: ['person_000_body_keypoints', 'person_000_body_scores'],
  face: ['person_000_face_keypoints', 'person_000_face_scores'],
  left_hand: ['person_000_left_hand_keypoints', 'person_000_left_hand_scores'],
  right_hand: ['person_000_right_hand_keypoints', 'person_000_right_hand_scores'],
};

// Keys are built once per person prefix and reused: a frame loop that builds them per frame spends its time making
// and hashing fresh strings (the payload's own keys are interned by the unpickler).
const KEY_CACHE = new Map<string, Record<Part, [string, string]>>([['person_000', P0_KEYS]]);
const PREFIX_CACHE: [string, string][][] = [];

/** The keypoint and score keys of every part for a person prefix. */
function partKeys(prefix: string): Record<Part, [string, string]> {
  let keys = KEY_CACHE.get(prefix);
  if (keys === undefined) {
    keys = {
      body: [`${prefix}_body_keypoints`, `${prefix}_body_scores`],
      face: [`${prefix}_face_keypoints`, `${prefix}_face_scores`],
      left_hand: [`${prefix}_left_hand_keypoints`, `${prefix}_left_hand_scores`],
      right_hand: [`${prefix}_right_hand_keypoints`, `${prefix}_right_hand_scores`],
    };
    if (KEY_CACHE.size < 1024) KEY_CACHE.set(prefix, keys);
  }
  return keys;
}

/** The person key prefix present in a payload: person_000 (also person_0 / person_00, as the trainer tries). */
function personPrefix(d: Map<PyKey, PyValue>, k: number): string | null {
  if (k === 0 && d.has(P0_KEYS.body[0])) return 'person_000';
  let candidates = PREFIX_CACHE[k];
  if (candidates === undefined) {
    candidates = [`person_${String(k).padStart(3, '0')}`, `person_${k}`, `person_${String(k).padStart(2, '0')}`].map((p) => [p, `${p}_body_keypoints`]);
    if (k < 1024) PREFIX_CACHE[k] = candidates;
  }
  for (const [p, bodyKey] of candidates) if (d.has(bodyKey)) return p;
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Fast path: frame dicts read straight from the pickle bytes (pickle.ts FastDictReader). Every item of a frame dict
// is filed under a slot; the dict's items go into one growing record (slot, value or byte offset, dtype kind), and
// the frame is converted from that record when the dict is appended to the payload list, exactly as `convert`
// converts the Map (same order, same checks, same messages). Dicts with anything else (other person key spellings,
// values of other types, more than FAST_PEOPLE people) are declined and built as Maps.

const SLOT_NUM_PERSONS = 0;
const SLOT_WIDTH = 1;
const SLOT_HEIGHT = 2;
const SLOT_PERSON = 3;
/** People a fast-read frame may hold (person_000 … person_015). */
const FAST_PEOPLE = 16;
const N_SLOTS = SLOT_PERSON + FAST_PEOPLE * 8;
/** Slot of person k's part (PART_ORDER index) keypoints (+1: scores). */
const personSlot = (k: number, part: number): number => SLOT_PERSON + k * 8 + part * 2;
const PERSON_KEY = /^person_(\d{3})_(body|face|left_hand|right_hand)_(keypoints|scores)$/;
const KEY_SLOTS = new Map<string, number>();

function keySlot(key: string): number {
  let s = KEY_SLOTS.get(key);
  if (s === undefined) {
    if (key === 'num_persons') s = SLOT_NUM_PERSONS;
    else if (key === 'frame_width') s = SLOT_WIDTH;
    else if (key === 'frame_height') s = SLOT_HEIGHT;
    else if (!key.startsWith('person_')) s = FAST_DICT_IGNORE;
    else {
      // other spellings (person_0_…, person_00_…) take the general path, which tries them in the trainer's order
      const m = PERSON_KEY.exec(key);
      const k = m ? Number(m[1]) : FAST_PEOPLE;
      s = m && k < FAST_PEOPLE ? personSlot(k, PART_ORDER.indexOf(m[2] as Part)) + (m[3] === 'scores' ? 1 : 0) : FAST_DICT_DECLINE;
    }
    if (KEY_SLOTS.size < 4096) KEY_SLOTS.set(key, s);
  }
  return s;
}

/** dtype kinds in the record: bit 0 big-endian, bit 1 float64. */
const KIND_F4LE = 0;

class FrameRecords implements FastDictReader {
  /** Items: [slot, value (a number, or an array's byte offset), dtype kind] each. */
  rec = new Float64Array(3 * 4096);
  top = 0;
  private first = 0;

  begin(): void {
    this.first = this.top;
  }

  slot(key: string): number {
    return keySlot(key);
  }

  private push(slot: number, value: number, kind: number): void {
    if (3 * this.top + 3 > this.rec.length) {
      const next = new Float64Array(this.rec.length * 2);
      next.set(this.rec);
      this.rec = next;
    }
    const i = 3 * this.top++;
    this.rec[i] = slot;
    this.rec[i + 1] = value;
    this.rec[i + 2] = kind;
  }

  /** The last array checked per slot (a template replays the same dtype and dims objects frame after frame). */
  private readonly seenDims: (readonly number[] | null)[] = new Array(N_SLOTS).fill(null);
  private readonly seenDtype: (NumpyDtype | null)[] = new Array(N_SLOTS).fill(null);
  private readonly seenOrder: string[] = new Array(N_SLOTS).fill('');
  private readonly seenKind = new Int32Array(N_SLOTS);

  array(slot: number, dtype: NumpyDtype, dims: readonly number[], nd: number, fortranOrder: boolean, offset: number): boolean {
    if (slot === FAST_DICT_IGNORE) return true;
    if (slot < SLOT_PERSON) return false; // a size or count given as an array: the general path reads it
    if (this.seenDims[slot] === dims && this.seenDtype[slot] === dtype && this.seenOrder[slot] === dtype.byteOrder && nd === dims.length && !fortranOrder) {
      this.push(slot, offset, this.seenKind[slot]);
      return true;
    }
    const code = dtype.code;
    if (code !== 'f4' && code !== 'f8') return false;
    const rel = slot - SLOT_PERSON;
    const count = PART_INFO[PART_ORDER[(rel >> 1) & 3]].count;
    const pairs = (rel & 1) === 0;
    const okShape = pairs
      ? (nd === 2 && dims[0] === count && dims[1] === 2) || (nd === 3 && dims[0] === 1 && dims[1] === count && dims[2] === 2)
      : (nd === 1 && dims[0] === count) || (nd === 2 && dims[0] === 1 && dims[1] === count);
    if (!okShape || (fortranOrder && pairs)) return false; // the general path names the problem
    const kind = (code === 'f8' ? 2 : 0) | (dtype.byteOrder === '>' ? 1 : 0);
    if (nd === dims.length && !fortranOrder) {
      this.seenDims[slot] = dims;
      this.seenDtype[slot] = dtype;
      this.seenOrder[slot] = dtype.byteOrder;
      this.seenKind[slot] = kind;
    }
    this.push(slot, offset, kind);
    return true;
  }

  number(slot: number, value: number): boolean {
    if (slot === FAST_DICT_IGNORE) return true;
    if (slot >= SLOT_PERSON) return false; // the general path reports "not a numeric array"
    this.push(slot, value, 0);
    return true;
  }

  end(): PyValue {
    return new DictStandIn(this.first, this.top);
  }
}

/** A float of kind `kind` at byte o. */
function floatAt(dv: DataView, o: number, kind: number): number {
  return kind & 2 ? dv.getFloat64(o, (kind & 1) === 0) : dv.getFloat32(o, (kind & 1) === 0);
}

/** count (x, y) pairs from byte o into out[p], out[p + 1] (stride CHANNELS); the index of a non-finite pair, else -1. */
function copyPairs(dv: DataView, o: number, kind: number, count: number, out: Float32Array, p: number): number {
  if (kind === KIND_F4LE) {
    for (let i = 0; i < count; i++, o += 8, p += CHANNELS) {
      const x = dv.getFloat32(o, true);
      const y = dv.getFloat32(o + 4, true);
      if (x - x !== 0 || y - y !== 0) return i; // NaN and ±Infinity
      out[p] = x;
      out[p + 1] = y;
    }
    return -1;
  }
  const step = kind & 2 ? 8 : 4;
  for (let i = 0; i < count; i++, o += 2 * step, p += CHANNELS) {
    const x = floatAt(dv, o, kind);
    const y = floatAt(dv, o + step, kind);
    if (x - x !== 0 || y - y !== 0) return i;
    out[p] = x;
    out[p + 1] = y;
  }
  return -1;
}

/** count scores from byte o into out[p] (stride CHANNELS), as presence (≥ 0 → 1) when `presence`; bad index or -1. */
function copyScores(dv: DataView, o: number, kind: number, count: number, out: Float32Array, p: number, presence: boolean): number {
  if (kind === KIND_F4LE) {
    for (let i = 0; i < count; i++, o += 4, p += CHANNELS) {
      const s = dv.getFloat32(o, true);
      if (s - s !== 0) return i;
      out[p] = presence ? (s >= 0 ? 1 : 0) : s;
    }
    return -1;
  }
  const step = kind & 2 ? 8 : 4;
  for (let i = 0; i < count; i++, o += step, p += CHANNELS) {
    const s = floatAt(dv, o, kind);
    if (s - s !== 0) return i;
    out[p] = presence ? (s >= 0 ? 1 : 0) : s;
  }
  return -1;
}

/**
 * Hands out zeroed Float32Array views of a few large buffers: one typed array per frame would give the garbage
 * collector tens of thousands of small off-heap buffers to track per video (it was a third of reading time).
 */
class FloatArena {
  private buf = new Float32Array(0);
  private used = 0;

  take(n: number): Float32Array {
    if (this.used + n > this.buf.length) {
      this.buf = new Float32Array(Math.max(n, 1 << 16));
      this.used = 0;
    }
    const v = this.buf.subarray(this.used, this.used + n);
    this.used += n;
    return v;
  }
}

/**
 * Frame dicts → the sequence's buffers: `convert` for a Map (the general path), `convertFast` for a dict the
 * unpickler's fast path read into `records` (same order, same checks, same messages). Methods of one class, not
 * closures of parseSignVerseNpz, so that V8 optimises small functions once for every file.
 */
class PayloadConverter {
  readonly data: Float32Array;
  readonly people: Uint8Array;
  readonly extra: (Float32Array | undefined)[];
  readonly records = new FrameRecords();
  missingPeople = 0;
  firstSize: [number, number] | null = null;
  private readonly done: Uint8Array;
  private extraArena = new FloatArena();
  private readonly copier: PointCopier;
  private readonly pdv: DataView;
  /** Per slot: the record index of the current fast-read frame's item, or -1. */
  private readonly at = new Int32Array(N_SLOTS);

  constructor(
    private readonly frames: number,
    pickleBytes: Uint8Array,
    private readonly lim: ReadLimits,
    private readonly fail: (problem: string) => never,
  ) {
    this.data = new Float32Array(frames * FRAME_STRIDE);
    this.people = new Uint8Array(frames);
    this.extra = new Array(frames);
    this.done = new Uint8Array(frames);
    this.copier = new PointCopier(fail);
    this.pdv = new DataView(pickleBytes.buffer, pickleBytes.byteOffset, pickleBytes.byteLength);
  }

  /** Forgets every frame converted (the unpickler starts over). */
  reset(): void {
    this.data.fill(0);
    this.people.fill(0);
    this.extra.fill(undefined);
    this.done.fill(0);
    this.extraArena = new FloatArena();
    this.missingPeople = 0;
    this.firstSize = null;
    this.records.top = 0;
  }

  /** The frames no append converted (payload lists built otherwise than by APPENDS). */
  convertRest(items: readonly PyValue[]): void {
    for (let t = 0; t < this.frames; t++) {
      if (this.done[t]) continue;
      const d = items[t];
      if (d instanceof DictStandIn) this.convertFast(d, t);
      else if (!(d instanceof Map)) return this.fail(`frame ${t}: payload is not a dict`);
      else this.convert(d, t);
    }
  }

  /** Person `prefix` of frame dict d into out[base .. base + 384). */
  private readPerson(d: Map<PyKey, PyValue>, prefix: string, t: number, out: Float32Array, base: number): void {
    const keys = partKeys(prefix);
    for (const part of PART_ORDER) {
      const { start, count } = PART_INFO[part];
      const [kk, ks] = keys[part];
      const vk = d.get(kk);
      const vs = d.get(ks);
      if (vk === undefined || vs === undefined) return this.fail(`frame ${t}: ${vk === undefined ? kk : ks} is missing`);
      this.copier.xy(vk, kk, t, count, out, base + start * CHANNELS);
      this.copier.scores(vs, ks, t, count, out, base + start * CHANNELS, part === 'body');
    }
  }

  /** Frame dict t → data/people (person_000; see the module comment for the quirks). */
  convert(d: Map<PyKey, PyValue>, t: number): void {
    const { fail } = this;
    this.done[t] = 1;
    const np = pyNumber(d.get('num_persons'));
    let n: number;
    if (np === null) n = personPrefix(d, 0) ? 1 : 0;
    else if (!Number.isInteger(np) || np < 0) return fail(`frame ${t}: num_persons is ${np}`);
    else n = np;
    if (n > this.lim.maxPeople) fail(`frame ${t}: ${n} persons exceed the limit of ${this.lim.maxPeople}`);
    if (this.firstSize === null) {
      const w = pyNumber(d.get('frame_width'));
      const h = pyNumber(d.get('frame_height'));
      if (w !== null && h !== null) this.firstSize = [w, h];
    }
    if (n === 0) return;
    const p0 = personPrefix(d, 0);
    if (p0 === null) return fail(`frame ${t}: num_persons is ${n} but person_000_body_keypoints is missing`);
    this.people[t] = Math.min(n, 255);
    this.readPerson(d, p0, t, this.data, t * FRAME_STRIDE);
    if (n >= 2) {
      const prefixes: string[] = [];
      for (let k = 1; k < n; k++) {
        const pk = personPrefix(d, k);
        if (pk === null) { this.missingPeople++; break; } // people are kept in order up to the first one missing
        prefixes.push(pk);
      }
      if (prefixes.length > 0) {
        const e = this.extraArena.take(prefixes.length * FRAME_STRIDE);
        prefixes.forEach((pk, i) => this.readPerson(d, pk, t, e, i * FRAME_STRIDE));
        this.extra[t] = e;
      }
    }
  }

  /** Person k of a fast-read frame into out[base .. base + 384). */
  private readPersonFast(k: number, t: number, out: Float32Array, base: number): void {
    const rec = this.records.rec;
    const at = this.at;
    const pdv = this.pdv;
    for (let part = 0; part < 4; part++) {
      const ik = at[personSlot(k, part)];
      const is = at[personSlot(k, part) + 1];
      if (ik < 0 || is < 0) return this.missingKey(k, part, t, ik < 0 ? 0 : 1);
      const count = PART_COUNT[part];
      const p = base + PART_START[part] * CHANNELS;
      const ok = rec[3 * ik + 1];
      const kk = rec[3 * ik + 2];
      let bad = copyPairs(pdv, ok, kk, count, out, p);
      if (bad >= 0) {
        const step = kk & 2 ? 8 : 4;
        this.notFinite(k, part, t, 0, bad, `${floatAt(pdv, ok + 2 * step * bad, kk)}, ${floatAt(pdv, ok + 2 * step * bad + step, kk)}`);
      }
      const os = rec[3 * is + 1];
      const ks = rec[3 * is + 2];
      bad = copyScores(pdv, os, ks, count, out, p + 2, part === 0);
      if (bad >= 0) this.notFinite(k, part, t, 1, bad, `${floatAt(pdv, os + (ks & 2 ? 8 : 4) * bad, ks)}`);
    }
  }

  private missingKey(k: number, part: number, t: number, which: 0 | 1): never {
    return this.fail(`frame ${t}: ${partKeys(`person_${String(k).padStart(3, '0')}`)[PART_ORDER[part]][which]} is missing`);
  }

  private notFinite(k: number, part: number, t: number, which: 0 | 1, i: number, values: string): never {
    return this.fail(`frame ${t}: ${partKeys(`person_${String(k).padStart(3, '0')}`)[PART_ORDER[part]][which]}[${i}] is not finite (${values})`);
  }

  /** A fast-read frame t → data/people, as `convert` does for a Map. */
  convertFast(f: DictStandIn, t: number): void {
    const { fail, at } = this;
    this.done[t] = 1;
    at.fill(-1);
    const rec = this.records.rec;
    for (let i = f.first; i < f.end; i++) at[rec[3 * i]] = i; // a repeated key: the last one counts, as in a dict
    const np = at[SLOT_NUM_PERSONS] < 0 ? null : rec[3 * at[SLOT_NUM_PERSONS] + 1];
    let n: number;
    if (np === null) n = at[SLOT_PERSON] >= 0 ? 1 : 0;
    else if (!Number.isInteger(np) || np < 0) return fail(`frame ${t}: num_persons is ${np}`);
    else n = np;
    if (n > this.lim.maxPeople) fail(`frame ${t}: ${n} persons exceed the limit of ${this.lim.maxPeople}`);
    if (this.firstSize === null && at[SLOT_WIDTH] >= 0 && at[SLOT_HEIGHT] >= 0) {
      this.firstSize = [rec[3 * at[SLOT_WIDTH] + 1], rec[3 * at[SLOT_HEIGHT] + 1]];
    }
    if (n === 0) return;
    if (at[SLOT_PERSON] < 0) return fail(`frame ${t}: num_persons is ${n} but person_000_body_keypoints is missing`);
    this.people[t] = Math.min(n, 255);
    this.readPersonFast(0, t, this.data, t * FRAME_STRIDE);
    if (n >= 2) {
      let m = 1; // people are kept in order up to the first one missing
      while (m < n && m < FAST_PEOPLE && at[personSlot(m, 0)] >= 0) m++;
      if (m < n) this.missingPeople++;
      if (m > 1) {
        const e = this.extraArena.take((m - 1) * FRAME_STRIDE);
        for (let k = 1; k < m; k++) this.readPersonFast(k, t, e, (k - 1) * FRAME_STRIDE);
        this.extra[t] = e;
      }
    }
  }
}

const PART_START = PART_ORDER.map((p) => PART_INFO[p].start);
const PART_COUNT = PART_ORDER.map((p) => PART_INFO[p].count);

/**
 * Parses a SignVerse-2M `poses.npz` (bytes in memory) into a PoseSequence. `meta` overrides what the file says
 * (id, fps, size) and adds what it cannot say (text, signLanguage, ...). Throws PoseFormatError naming `file`.
 */
export function parseSignVerseNpz(
  bytes: Uint8Array,
  file: string,
  meta?: Partial<SequenceMeta>,
  limits?: Partial<ReadLimits>,
  opts: SignVerseParseOptions = {},
): PoseSequence {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const warn = opts.onWarning ?? defaultWarn;
  const fail = (problem: string): never => { throw new PoseFormatError(file, problem); };
  // Members are inflated only when read: an unused (or bomb) member costs nothing.
  const members = new ZipArchive(bytes, file, { limits: lim }).byStem('.npy');
  if (isCardNpz(members)) return parseCardNpz(members, file, meta, lim, opts);
  const payloadBytes = members.get('frame_payloads');
  if (!payloadBytes) return fail('not a SignVerse poses.npz: no frame_payloads member');
  const small = (key: string): NpyArray | undefined => {
    const b = members.get(key);
    return b ? parseNpy(b, `${file}:${key}.npy`, lim) : undefined;
  };

  const payloadFile = `${file}:frame_payloads.npy`;
  const header = parseNpyHeader(payloadBytes, payloadFile, lim);
  if (header.descr !== '|O' || header.shape.length !== 1) {
    return fail(`frame_payloads must be a 1-d object array, got '${header.descr}' of shape (${header.shape.join(', ')})`);
  }
  const frames = header.shape[0];
  if (frames > lim.maxFrames) fail(`${frames} frames exceed the limit of ${lim.maxFrames}`);
  // every real payload takes dozens of pickle bytes; refuse small files claiming (or referencing) huge frame counts
  if (frames > Math.max(64, payloadBytes.length / 8)) fail(`${frames} frames in ${payloadBytes.length} bytes of payload data`);

  const videoIdArr = small('video_id');
  const videoId = videoIdArr && (videoIdArr.dtype === 'U' || videoIdArr.dtype === 'O') && typeof videoIdArr.data[0] === 'string'
    ? (videoIdArr.data[0] as string)
    : null;
  const fps = scalarNumber(small('fps'));
  const totalFrames = scalarNumber(small('total_frames'));
  const widths = small('frame_widths');
  const heights = small('frame_heights');

  const pickleBytes = payloadBytes.subarray(header.dataOffset);
  const conv = new PayloadConverter(frames, pickleBytes, lim, fail);
  // Convert each frame dict as the unpickler appends it to the payload list (the first list that receives a dict)
  // and store null in its place: the dicts die young instead of all living until the end.
  let payloadList: PyValue[] | null = null;
  const result = unpickle(pickleBytes, payloadFile, {
    limits: lim,
    dictReader: conv.records,
    onRestart: () => {
      // the unpickler reads the payloads once more: forget everything the first pass converted
      conv.reset();
      payloadList = null;
    },
    onAppend: (list, item) => {
      const fast = item instanceof DictStandIn;
      if (!fast && !(item instanceof Map)) return item;
      payloadList ??= list;
      if (list !== payloadList) return item;
      const t = list.length;
      if (t >= frames) fail(`frame_payloads holds more than the ${frames} frames its header declares`);
      if (fast) conv.convertFast(item, t);
      else conv.convert(item as Map<PyKey, PyValue>, t);
      return null;
    },
  });
  if (!(result instanceof NumpyArrayRef) || !result.items || !result.dtype?.code.startsWith('O')) {
    return fail('frame_payloads does not hold a pickled object array');
  }
  if (result.items.length !== frames) fail(`frame_payloads header declares ${frames} frames, the data holds ${result.items.length}`);
  conv.convertRest(result.items);
  const { data, people, extra, firstSize } = conv;
  if (conv.missingPeople > 0) warn(`${file}: ${conv.missingPeople} frame(s) hold fewer person entries than num_persons says; kept those present`);
  if (totalFrames !== null && totalFrames !== frames) warn(`${file}: total_frames is ${totalFrames} but frame_payloads holds ${frames} frames; using ${frames}`);

  let width = widths && widths.data.length > 0 ? Number(widths.data[0]) : firstSize?.[0] ?? Number.NaN;
  let height = heights && heights.data.length > 0 ? Number(heights.data[0]) : firstSize?.[1] ?? Number.NaN;
  if (meta?.width !== undefined) width = meta.width;
  if (meta?.height !== undefined) height = meta.height;
  if (!(width > 0 && height > 0)) fail(`no usable frame size (frame_widths/frame_heights give ${width}×${height})`);
  return signVerseSequence(file, { id: videoId ?? signVerseStem(file), fps: fps ?? 25, width, height }, meta, data, people, extra, opts.signverseHands);
}


// ---------------------------------------------------------------------------------------------------------------
// Writing

export interface SignVerseEncodeOptions {
  /** 3 (default: numpy 1.x style, numpy.core globals) or 4 (numpy 2.x style, numpy._core globals). */
  protocol?: 3 | 4;
  /**
   * Hands of multi-person frames: `own` (default: each person's own hands, as a fixed writer stores them) or
   * `pipeline` (the released pipeline's mixed-up layout, hands.ts; for reproducing its files).
   */
  handLayout?: 'own' | 'pipeline';
  /** `pipeline` (default: frame_payloads, normalised) or `card` (the dataset card's `frames`, pixels; card.ts). */
  layout?: 'pipeline' | 'card';
}

/** The people of frame t to write: the signer, then the extra people (hands laid out as asked). */
export function framePeopleToWrite(seq: PoseSequence, t: number, handLayout: 'own' | 'pipeline' = 'own'): Float32Array[] {
  if (seq.people[t] === 0) return [];
  const persons = [seq.frame(t)];
  const e = seq.extraPeople?.[t];
  if (e) for (let o = 0; o < e.length; o += FRAME_STRIDE) persons.push(e.subarray(o, o + FRAME_STRIDE));
  return handLayout === 'pipeline' ? applyHandLayout(persons) : persons;
}

const KEY_SUFFIX: Record<Part, [string, string]> = {
  body: ['_body_keypoints', '_body_scores'],
  face: ['_face_keypoints', '_face_scores'],
  left_hand: ['_left_hand_keypoints', '_left_hand_scores'],
  right_hand: ['_right_hand_keypoints', '_right_hand_scores'],
};

/** The pickled `frame_payloads` object array of a sequence (every person with points; empty payloads where people = 0). */
export function encodeSignVersePayloads(seq: PoseSequence, opts: SignVerseEncodeOptions = {}): Uint8Array {
  const protocol = opts.protocol ?? 3;
  // ~2.1 KB per person-frame, ~90 B per empty frame
  let present = 0;
  for (let t = 0; t < seq.frames; t++) present += seq.peopleWithPoints(t);
  const sizeHint = 4096 + present * 2200 + (seq.frames - present) * 128;
  const w = new PickleWriter({ protocol, numpyModule: protocol >= 4 ? 'numpy._core' : 'numpy.core', sizeHint });
  const frames = seq.frames;
  const width = Math.round(seq.meta.width);
  const height = Math.round(seq.meta.height);
  w.objectArrayBegin([frames]);
  for (let b = 0; b < frames; b += 1000) {
    const end = Math.min(frames, b + 1000);
    if (end - b > 1) w.mark();
    for (let t = b; t < end; t++) {
      w.emptyDict();
      w.mark();
      w.str('num_persons'); w.scalar('<i4', seq.people[t]);
      w.str('frame_width'); w.scalar('<i4', width);
      w.str('frame_height'); w.scalar('<i4', height);
      const persons = framePeopleToWrite(seq, t, opts.handLayout);
      for (let k = 0; k < persons.length; k++) {
        const d = persons[k];
        const prefix = `person_${String(k).padStart(3, '0')}`;
        for (const part of PART_ORDER) {
          const { start, count } = PART_INFO[part];
          const o = start * CHANNELS;
          const [kSuffix, sSuffix] = KEY_SUFFIX[part];
          w.str(`${prefix}${kSuffix}`);
          w.ndarrayWith('<f4', [count, 2], count * 8, (dv, at) => {
            for (let i = 0; i < count; i++) {
              dv.setFloat32(at + i * 8, d[o + i * CHANNELS], true);
              dv.setFloat32(at + i * 8 + 4, d[o + i * CHANNELS + 1], true);
            }
          });
          w.str(`${prefix}${sSuffix}`);
          w.ndarrayWith('<f4', [count], count * 4, (dv, at) => {
            for (let i = 0; i < count; i++) {
              const c = d[o + i * CHANNELS + 2];
              dv.setFloat32(at + i * 4, part === 'body' ? (c > 0 ? i : -1) : c, true);
            }
          });
        }
      }
      w.setItems();
      w.frameBreak();
    }
    if (end - b > 1) w.appends(); else w.append();
  }
  w.objectArrayEnd();
  return w.finish();
}

function i4(shape: number[], values: ArrayLike<number>): NpyArray {
  return { dtype: 'i4', shape, data: Int32Array.from(values) };
}

/**
 * Encodes a sequence as a SignVerse-2M `poses.npz` (np.savez layout, STORED zip). Loads with
 * `np.load(path, allow_pickle=True)` under numpy 1.x and 2.x (protocol 3, the default) or numpy 2.x (protocol 4).
 */
export function encodeSignVerseNpz(seq: PoseSequence, opts: SignVerseEncodeOptions = {}): Uint8Array {
  if (opts.layout === 'card') return encodeCardNpz(seq, (t) => framePeopleToWrite(seq, t, opts.handLayout));
  seq.validate(seq.meta.id || '<sequence>'); // finite values, positive fps and size: what the reader will demand
  const frames = seq.frames;
  const fps = Math.round(seq.meta.fps);
  if (!(fps > 0)) throw new Error(`encodeSignVerseNpz: fps must be positive, got ${seq.meta.fps}`);
  const width = Math.round(seq.meta.width);
  const height = Math.round(seq.meta.height);
  if (!(width > 0 && height > 0)) throw new Error(`encodeSignVerseNpz: frame size must be positive, got ${seq.meta.width}×${seq.meta.height}`);
  const payloads = encodeSignVersePayloads(seq, opts);
  const header = npyHeader('|O', [frames]);
  const payloadNpy = new Uint8Array(header.length + payloads.length);
  payloadNpy.set(header);
  payloadNpy.set(payloads, header.length);
  const indices = new Int32Array(frames);
  for (let t = 0; t < frames; t++) indices[t] = t + 1;
  return writeZip([
    { name: 'video_id.npy', data: encodeNpy({ dtype: 'U', shape: [], data: [seq.meta.id] }) },
    { name: 'fps.npy', data: encodeNpy(i4([], [fps])) },
    { name: 'total_frames.npy', data: encodeNpy(i4([], [frames])) },
    { name: 'frame_widths.npy', data: encodeNpy({ dtype: 'i4', shape: [frames], data: new Int32Array(frames).fill(width) }) },
    { name: 'frame_heights.npy', data: encodeNpy({ dtype: 'i4', shape: [frames], data: new Int32Array(frames).fill(height) }) },
    { name: 'frame_indices.npy', data: encodeNpy({ dtype: 'i4', shape: [frames], data: indices }) },
    { name: 'frame_payloads.npy', data: payloadNpy },
  ]);
}
