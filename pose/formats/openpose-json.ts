/**
 * OpenPose per-frame `*_keypoints.json` (v1.x): `people[k].{pose,face,hand_left,hand_right}_keypoints_2d` as flat
 * `[x, y, c, …]` lists in pixels. Body COCO-18 (54 values) maps 1:1; BODY_25 (75 values) drops MidHip and the feet;
 * face 70 drops the two pupils; hands are 21 points. Pixels are normalised by a given frame size, else by one
 * inferred from the largest coordinates seen (the smallest common video size that contains them). OpenPose writes
 * (0, 0, 0) for undetected points: they come out with c = 0.
 */
import { dirname, basename, join } from 'node:path';
import { stat } from 'node:fs/promises';
import { PoseFormatError, type ReadLimits } from '../errors.js';
import { readInputText } from '../fsio.js';
import { PoseSequence } from '../sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../skeleton.js';
import { arr, listFrameFiles, num, readJsonFile } from './json-frames.js';
import { BODY25_INDEX_OF_BODY18 } from './openpose137.js';


/** Common video frame sizes, smallest area first, for inferring a frame size from pixel coordinates. */
const COMMON_SIZES: readonly [number, number][] = [
  [210, 260], [256, 256], [320, 240], [480, 360], [512, 512], [640, 360], [640, 480], [720, 480], [720, 576],
  [854, 480], [960, 540], [1024, 768], [1280, 720], [1280, 960], [1440, 1080], [1920, 1080], [2048, 1080],
  [2560, 1440], [3840, 2160], [4096, 2160],
].sort((a, b) => a[0] * a[1] - b[0] * b[1]) as [number, number][];

/**
 * Infers the frame size from pixel coordinates: the smallest common video size that contains every point and, when
 * the signer's centre `centreX` is known (e.g. the median neck x), frames it roughly centred (within 10% of the width:
 * signers are framed centred); the smallest containing size when none does. None fits → the bounding box rounded up
 * to a multiple of 16.
 */
export function inferFrameSize(maxX: number, maxY: number, centreX?: number): { width: number; height: number } {
  const fits = COMMON_SIZES.filter(([w, h]) => maxX <= w && maxY <= h);
  if (fits.length === 0) return { width: Math.max(16, Math.ceil(maxX / 16) * 16), height: Math.max(16, Math.ceil(maxY / 16) * 16) };
  const centred = centreX !== undefined && Number.isFinite(centreX)
    ? fits.find(([w]) => Math.abs(w / 2 - centreX) <= 0.1 * w)
    : undefined;
  const [width, height] = centred ?? fits[0];
  return { width, height };
}

type Part = 'body' | 'face' | 'leftHand' | 'rightHand';
const KEYS: readonly [Part, string][] = [
  ['body', 'pose_keypoints_2d'], ['face', 'face_keypoints_2d'], ['leftHand', 'hand_left_keypoints_2d'], ['rightHand', 'hand_right_keypoints_2d'],
];

/** Decodes one OpenPose frame into `out` in PIXELS (normalised later); returns the number of people. */
function decodeOpenPoseFrame(doc: unknown, file: string, out: Float32Array, maxPeople: number): number {
  if (!doc || typeof doc !== 'object') throw new PoseFormatError(file, 'an OpenPose frame must be a JSON object');
  const people = arr((doc as { people?: unknown }).people, file, 'people');
  if (people.length > maxPeople) throw new PoseFormatError(file, `${people.length} people, over the ${maxPeople} limit`);
  out.fill(0);
  // every person is an object of keypoint arrays: `{"people": [[1, 2]]}` is not one person
  people.forEach((q, k) => {
    if (!q || typeof q !== 'object' || Array.isArray(q)) {
      throw new PoseFormatError(file, `people[${k}] must be an object with pose_keypoints_2d, got ${Array.isArray(q) ? 'an array' : q === null ? 'null' : typeof q}`);
    }
  });
  if (people.length === 0) return 0;
  const p = people[0] as Record<string, unknown>;
  for (const [part, key] of KEYS) {
    const { start, count } = PARTS[part];
    if (p[key] === undefined || (Array.isArray(p[key]) && (p[key] as unknown[]).length === 0)) continue; // part not computed
    const flat = arr(p[key], file, `people[0].${key}`);
    let map: (i: number) => number = (i) => i;
    if (part === 'body') {
      if (flat.length === 75) map = (i) => BODY25_INDEX_OF_BODY18[i];
      else if (flat.length !== 54) throw new PoseFormatError(file, `people[0].${key}: expected 54 (COCO-18) or 75 (BODY_25) values, got ${flat.length}`);
    } else if (part === 'face') {
      if (flat.length !== 70 * 3 && flat.length !== 68 * 3) throw new PoseFormatError(file, `people[0].${key}: expected 210 (face 70) or 204 values, got ${flat.length}`);
    } else if (flat.length !== 63) {
      throw new PoseFormatError(file, `people[0].${key}: expected 63 values (21 points), got ${flat.length}`);
    }
    for (let i = 0; i < count; i++) {
      const s = map(i) * 3;
      const o = (start + i) * CHANNELS;
      out[o] = num(flat[s], file, `people[0].${key}[${s}]`);
      out[o + 1] = num(flat[s + 1], file, `people[0].${key}[${s + 1}]`);
      out[o + 2] = Math.max(0, num(flat[s + 2], file, `people[0].${key}[${s + 2}]`));
    }
  }
  return Math.min(people.length, 255);
}

export interface OpenPoseOptions {
  width?: number;
  height?: number;
  fps?: number;
  id?: string;
  text?: string | null;
}

/** Builds a sequence from parsed OpenPose frame documents. */
export function parseOpenPoseFrames(docs: unknown[], file: string, opts: OpenPoseOptions = {}, limits: Partial<ReadLimits> = {}): PoseSequence {
  const maxFrames = limits.maxFrames ?? 1_000_000;
  if (docs.length > maxFrames) throw new PoseFormatError(file, `${docs.length} frames, over the ${maxFrames}-frame limit`);
  const data = new Float32Array(docs.length * FRAME_STRIDE);
  const people = new Uint8Array(docs.length);
  let maxX = 0;
  let maxY = 0;
  const neckX: number[] = [];
  for (let t = 0; t < docs.length; t++) {
    const frame = data.subarray(t * FRAME_STRIDE, (t + 1) * FRAME_STRIDE);
    people[t] = decodeOpenPoseFrame(docs[t], docs.length > 1 ? `${file} frame ${t}` : file, frame, limits.maxPeople ?? 64);
    for (let o = 0; o < FRAME_STRIDE; o += 3) {
      if (frame[o + 2] > 0) { if (frame[o] > maxX) maxX = frame[o]; if (frame[o + 1] > maxY) maxY = frame[o + 1]; }
    }
    if (frame[1 * CHANNELS + 2] > 0) neckX.push(frame[1 * CHANNELS]);
  }
  neckX.sort((a, b) => a - b);
  const centre = neckX.length ? neckX[neckX.length >> 1] : undefined;
  const size = opts.width && opts.height ? { width: opts.width, height: opts.height } : inferFrameSize(maxX, maxY, centre);
  for (let o = 0; o < data.length; o += 3) {
    data[o] /= size.width;
    data[o + 1] /= size.height;
  }
  return new PoseSequence(
    { id: opts.id ?? basename(file), fps: opts.fps ?? 25, ...size, text: opts.text ?? null, source: 'openpose-json' },
    data,
    people,
  ).validate(file);
}

/** The sentence for a clip from a `text.tsv` (`<clip id>\t<sentence>`) beside its folder, if there is one. */
async function textFromTsv(dir: string): Promise<string | null> {
  const tsv = join(dirname(dir), 'text.tsv');
  if (!(await stat(tsv).then((s) => s.isFile(), () => false))) return null;
  const content = await readInputText(tsv);
  const id = basename(dir);
  for (const line of content.split(/\r?\n/)) {
    const tab = line.indexOf('\t');
    if (tab > 0 && line.slice(0, tab) === id) {
      let text = line.slice(tab + 1).trim();
      if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1).replace(/""/g, '"');
      return text;
    }
  }
  return null;
}

/** Reads a directory of `*_keypoints.json` frames (or one such file) as a sequence. */
export async function readOpenPoseJson(path: string, opts: OpenPoseOptions = {}, limits: Partial<ReadLimits> = {}, isDir = true): Promise<PoseSequence> {
  if (!isDir) return parseOpenPoseFrames([await readJsonFile(path, limits)], path, opts, limits);
  const files = await listFrameFiles(path, /_keypoints\.json$/i, limits);
  if (files.length === 0) throw new PoseFormatError(path, 'no *_keypoints.json files in the directory');
  const docs: unknown[] = [];
  for (const f of files) docs.push(await readJsonFile(f, limits));
  const text = opts.text !== undefined ? opts.text : await textFromTsv(path);
  return parseOpenPoseFrames(docs, path, { ...opts, id: opts.id ?? basename(path), text }, limits);
}

/** Whether a parsed JSON value looks like an OpenPose frame. */
export function looksLikeOpenPoseJson(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object') return false;
  const people = (doc as { people?: unknown }).people;
  return Array.isArray(people) && (people.length === 0 || (typeof people[0] === 'object' && people[0] !== null && 'pose_keypoints_2d' in people[0]));
}
