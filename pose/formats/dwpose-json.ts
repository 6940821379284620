/**
 * DWPose JSON, the easy_dwpose per-frame layout: `{num_persons, person_K: {body_keypoints (18×2), body_scores (18),
 * face_keypoints (68×2), face_scores, left_hand_keypoints (21×2), left_hand_scores, right_hand_keypoints,
 * right_hand_scores}}`, coordinates normalised to the frame. Person keys may be `person_0` or `person_000`.
 * Body scores follow easy_dwpose's subset convention (index ≥ 0 valid, −1 missing), as in SignVerse.
 *
 * Sequences: a directory of per-frame files, an array of frames, or our sequence wrapper
 * `{format: "dwpose-json", id, fps, width, height, text, frames: [frame, …]}` (what `encodeDwposeJson` writes).
 * A bare frame has no frame size: callers pass one, else 512×512 (DWPose's detect resolution) is assumed.
 */
import { PoseFormatError, type ReadLimits } from '../errors.js';
import { PoseSequence, type SequenceMeta } from '../sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS, type PartName } from '../skeleton.js';
import { arr, listFrameFiles, num, readJsonFile, stem } from './json-frames.js';

export const DWPOSE_JSON_DEFAULT_SIZE = 512;

const PART_KEYS: readonly [PartName, string][] = [
  ['body', 'body'], ['face', 'face'], ['leftHand', 'left_hand'], ['rightHand', 'right_hand'],
];

function personKey(frame: Record<string, unknown>, k: number): string | undefined {
  for (const key of [`person_${k}`, `person_${String(k).padStart(3, '0')}`, `person_${String(k).padStart(2, '0')}`]) {
    if (key in frame) return key;
  }
  return undefined;
}

/**
 * Writes one easy_dwpose frame dict into `out` (384 floats: person 0); returns the number of people. With `others`,
 * persons 1, 2, … (up to the first one missing) are decoded into it, 384 floats each.
 */
export function decodeDwposeFrame(frame: unknown, file: string, out: Float32Array, maxPeople = 64, others?: Float32Array[]): number {
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
    throw new PoseFormatError(file, 'a DWPose frame must be a JSON object');
  }
  const f = frame as Record<string, unknown>;
  const people = 'num_persons' in f ? num(f.num_persons, file, 'num_persons') : personKey(f, 0) ? 1 : 0;
  if (!Number.isInteger(people) || people < 0 || people > maxPeople) {
    throw new PoseFormatError(file, `num_persons must be an integer in 0..${maxPeople}, got ${people}`);
  }
  out.fill(0);
  if (people === 0) return 0;
  const key = personKey(f, 0);
  if (!key) throw new PoseFormatError(file, `num_persons is ${people} but there is no person_0 entry`);
  decodePerson(f[key], file, key, out);
  if (others) {
    for (let k = 1; k < people; k++) {
      const kk = personKey(f, k);
      if (!kk) break;
      const o = new Float32Array(FRAME_STRIDE);
      decodePerson(f[kk], file, kk, o);
      others.push(o);
    }
  }
  return Math.min(people, 255);
}

function decodePerson(person: unknown, file: string, key: string, out: Float32Array): void {
  if (person === null || typeof person !== 'object') throw new PoseFormatError(file, `${key} must be an object`);
  const p = person as Record<string, unknown>;
  for (const [part, prefix] of PART_KEYS) {
    const { start, count } = PARTS[part];
    const kps = arr(p[`${prefix}_keypoints`], file, `${key}.${prefix}_keypoints`, count);
    const scores = arr(p[`${prefix}_scores`], file, `${key}.${prefix}_scores`, count);
    for (let i = 0; i < count; i++) {
      const xy = arr(kps[i], file, `${key}.${prefix}_keypoints[${i}]`, 2);
      const s = num(scores[i], file, `${key}.${prefix}_scores[${i}]`);
      const o = (start + i) * CHANNELS;
      out[o] = num(xy[0], file, `${key}.${prefix}_keypoints[${i}][0]`);
      out[o + 1] = num(xy[1], file, `${key}.${prefix}_keypoints[${i}][1]`);
      // Body scores are subset indices (≥ 0 present); hand and face scores are raw confidences.
      out[o + 2] = part === 'body' ? (s >= 0 ? 1 : 0) : s;
    }
  }
}

interface FrameSize { width?: number; height?: number; fps?: number }

function sequenceFromFrames(frames: unknown[], file: string, meta: SequenceMeta, limits: Partial<ReadLimits>): PoseSequence {
  const maxFrames = limits.maxFrames ?? 1_000_000;
  if (frames.length > maxFrames) throw new PoseFormatError(file, `${frames.length} frames, over the ${maxFrames}-frame limit`);
  const data = new Float32Array(frames.length * FRAME_STRIDE);
  const people = new Uint8Array(frames.length);
  const extra: (Float32Array | undefined)[] = new Array(frames.length);
  for (let t = 0; t < frames.length; t++) {
    const others: Float32Array[] = [];
    people[t] = decodeDwposeFrame(frames[t], `${file} frame ${t}`, data.subarray(t * FRAME_STRIDE, (t + 1) * FRAME_STRIDE), limits.maxPeople, others);
    if (others.length === 1) extra[t] = others[0];
    else if (others.length > 1) {
      extra[t] = new Float32Array(others.length * FRAME_STRIDE);
      others.forEach((o, k) => extra[t]!.set(o, k * FRAME_STRIDE));
    }
  }
  const seq = new PoseSequence(meta, data, people);
  seq.setExtraPeople(extra);
  return seq.validate(file);
}

/** Parses a DWPose JSON document: one frame, an array of frames, or our sequence wrapper. */
export function parseDwposeJson(doc: unknown, file: string, opts: FrameSize & { id?: string } = {}, limits: Partial<ReadLimits> = {}): PoseSequence {
  const base: SequenceMeta = {
    id: opts.id ?? stem(file),
    fps: opts.fps ?? 24,
    width: opts.width ?? DWPOSE_JSON_DEFAULT_SIZE,
    height: opts.height ?? DWPOSE_JSON_DEFAULT_SIZE,
    text: null,
    source: 'dwpose-json',
  };
  if (Array.isArray(doc)) return sequenceFromFrames(doc, file, base, limits);
  if (doc && typeof doc === 'object' && Array.isArray((doc as { frames?: unknown }).frames)) {
    const w = doc as Record<string, unknown>;
    const meta: SequenceMeta = {
      ...base,
      id: typeof w.id === 'string' ? w.id : base.id,
      fps: w.fps === undefined ? base.fps : num(w.fps, file, 'fps'),
      width: w.width === undefined ? base.width : num(w.width, file, 'width'),
      height: w.height === undefined ? base.height : num(w.height, file, 'height'),
      text: typeof w.text === 'string' ? w.text : null,
      gloss: typeof w.gloss === 'string' ? w.gloss : null,
      language: typeof w.language === 'string' ? w.language : null,
      signLanguage: typeof w.sign_language === 'string' ? w.sign_language : null,
      signer: typeof w.signer === 'string' ? w.signer : null,
    };
    return sequenceFromFrames(w.frames as unknown[], file, meta, limits);
  }
  return sequenceFromFrames([doc], file, base, limits);
}

/** Reads a DWPose JSON file or a directory of per-frame DWPose JSON files. */
export async function readDwposeJson(path: string, opts: FrameSize = {}, limits: Partial<ReadLimits> = {}, isDir = false): Promise<PoseSequence> {
  if (!isDir) return parseDwposeJson(await readJsonFile(path, limits), path, opts, limits);
  const files = await listFrameFiles(path, /\.json$/i, limits);
  if (files.length === 0) throw new PoseFormatError(path, 'no .json frame files in the directory');
  const frames: unknown[] = [];
  for (const f of files) frames.push(await readJsonFile(f, limits));
  return parseDwposeJson(frames, path, { ...opts, id: stem(path) }, limits);
}

/** Whether a parsed JSON value looks like an easy_dwpose frame or a sequence of them. */
export function looksLikeDwposeJson(doc: unknown): boolean {
  const isFrame = (f: unknown) => !!f && typeof f === 'object' && ('num_persons' in (f as object) || 'person_0' in (f as object));
  if (Array.isArray(doc)) return doc.length > 0 && isFrame(doc[0]);
  if (doc && typeof doc === 'object' && Array.isArray((doc as { frames?: unknown }).frames)) {
    const frames = (doc as { frames: unknown[] }).frames;
    return (doc as { format?: unknown }).format === 'dwpose-json' || (frames.length > 0 && isFrame(frames[0]));
  }
  return isFrame(doc);
}

const round = (v: number) => Number(v.toPrecision(9)); // float32 → shortest text that parses back to the same float32

/** One person (384 floats) in the easy_dwpose person layout. */
function encodePerson(f: Float32Array): Record<string, unknown> {
  const person: Record<string, unknown> = {};
  for (const [part, prefix] of PART_KEYS) {
    const { start, count } = PARTS[part];
    const kps: number[][] = [];
    const scores: number[] = [];
    for (let i = 0; i < count; i++) {
      const o = (start + i) * CHANNELS;
      kps.push([round(f[o]), round(f[o + 1])]);
      const c = f[o + 2];
      scores.push(part === 'body' ? (c > 0 ? i : -1) : round(c));
    }
    person[`${prefix}_keypoints`] = kps;
    person[`${prefix}_scores`] = scores;
  }
  return person;
}

/**
 * Encodes a sequence as our DWPose JSON sequence wrapper (frames in the easy_dwpose layout: person_0, then person_1…
 * for the extra people of multi-person frames; body scores written as subset indices j / −1). Every float32 value
 * survives a round trip.
 */
export function encodeDwposeJson(seq: PoseSequence): string {
  const frames: unknown[] = [];
  for (let t = 0; t < seq.frames; t++) {
    if (seq.people[t] === 0) { frames.push({ num_persons: 0 }); continue; }
    const frame: Record<string, unknown> = { num_persons: seq.people[t], person_0: encodePerson(seq.frame(t)) };
    for (let k = 1; k < seq.peopleWithPoints(t); k++) frame[`person_${k}`] = encodePerson(seq.person(t, k)!);
    frames.push(frame);
  }
  const m = seq.meta;
  return JSON.stringify({
    format: 'dwpose-json', id: m.id, fps: m.fps, width: m.width, height: m.height,
    text: m.text ?? null, gloss: m.gloss ?? null, language: m.language ?? null,
    sign_language: m.signLanguage ?? null, signer: m.signer ?? null, frames,
  });
}
