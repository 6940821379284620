/**
 * CLERC Épée (https://huggingface.co/datasets/CLERC-DATA/epee; toolkit github.com/melouxflorian-jpg/epee-asl-toolkit,
 * CC BY-NC-SA 4.0): an ASL keypoint corpus of Deaf signers with gloss segmentation. Layout of a release:
 *
 *   metadata.csv                one row per clip (clip_id, signer_id, phrase_id, …)
 *   keypoints/<clip_id>.npy     float (n_frames, 128, 3): x, y, z in MediaPipe image-normalised space (signer
 *                               perspective, not clipped to [0, 1]); (0, 0, 0) marks an undetected landmark
 *   annotations/<clip_id>.json  {clip_id, signer_id, text_en, fps, n_frames, segments: [{gloss, start, end}]},
 *                               start/end in seconds (the toolkit's frames are int(t · fps))
 *
 * The 128 landmarks, as documented by the toolkit (README "Keypoint layout", loader.py slices):
 *   0–20 left hand, 21–41 right hand (MediaPipe Hands order = DWPose hand order), 42–53 MediaPipe Pose 11–22
 *   (shoulders, elbows, wrists, pinky/index/thumb tips), 54–63 Pose 23–32 (hips, knees, ankles, heels, feet:
 *   extrapolated, the clips are framed waist-up), 64–91 an eyes + mouth subset of the face mesh (its indices are not
 *   published), 92–127 the 36 points of FaceMesh FACE_OVAL.
 *
 * Mapping to DWPose-128, and what is left missing (c = 0):
 * - body: shoulders, elbows, wrists from 42–47; neck = mid-shoulders (both needed); hips from 54/55. Knees and
 *   ankles are extrapolations and stay missing unless `includeLegs`. Nose, eyes and ears are not in the data.
 * - hands 1:1. Which hand is which: the card says "signer perspective"; MediaPipe Hands' own handedness labels are
 *   mirrored on non-selfie video, so `hands: 'auto'` (default) checks per clip which hand's wrist lies on the
 *   pose's LEFT_WRIST (index 46) and swaps when the labels are mirrored.
 * - face: the jaw (iBUG 0–16) from FACE_OVAL — all 17 jaw landmarks of our MediaPipe→iBUG table are oval points.
 *   The order of the 36 oval points in the file is not documented; the toolkit draws them as one closed outline,
 *   i.e. in contour order. The reader picks, per clip, between MediaPipe's FACE_OVAL contour order (starting at
 *   landmark 10) and ascending landmark numbers by which gives a clearly shorter closed outline (< 0.6× the other),
 *   and uses the jaw only if the chin (152) is then the lowest oval point in most frames. Brows, nose, eyes, mouth stay missing (the 64–91
 *   subset is not identified).
 * - confidence: 1 for a detected landmark, 0 for (0, 0, 0). Frame size: unknown, width = height = 1 unless given
 *   (coordinates are already fractions of the frame).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_LIMITS, PoseFormatError, isSignbenchError, type ReadLimits } from '../errors.js';
import { readInputFile, readInputText } from '../fsio.js';
import { parseNpy } from '../npy.js';
import { PoseSequence, type GlossSpan } from '../sequence.js';
import { BODY, CHANNELS, FRAME_STRIDE, PARTS } from '../skeleton.js';
import { MEDIAPIPE_FACE_TO_IBUG68 } from './mediapipe.js';

export const EPEE_POINTS = 128;
export const EPEE_LEFT_HAND = 0;
export const EPEE_RIGHT_HAND = 21;
/** First index of MediaPipe Pose landmarks 11–22 and 23–32. */
export const EPEE_UPPER_BODY = 42;
export const EPEE_LOWER_BODY = 54;
export const EPEE_EYES_MOUTH = 64;
export const EPEE_HEAD_OVAL = 92;

/** MediaPipe FACEMESH_FACE_OVAL in contour order (its connection list, starting at landmark 10). */
export const FACE_OVAL_CONTOUR = [
  10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150,
  136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
] as const;
export const FACE_OVAL_SORTED = [...FACE_OVAL_CONTOUR].sort((a, b) => a - b);

export interface EpeeSegment {
  gloss: string;
  /** seconds */
  start: number;
  end: number;
}

export interface EpeeAnnotation {
  clip_id: string;
  signer_id: string;
  text_en: string;
  fps: number;
  n_frames: number;
  segments: EpeeSegment[];
}

const annotationSchema = z.object({
  clip_id: z.string(),
  signer_id: z.string(),
  text_en: z.string(),
  fps: z.number().positive().finite(),
  n_frames: z.number().int().nonnegative(),
  segments: z.array(z.object({ gloss: z.string(), start: z.number().finite(), end: z.number().finite() })),
}).passthrough();

export interface EpeeOptions {
  /** Hand assignment: 'auto' (default: checked against the pose wrists), 'as-labelled', 'swapped'. */
  hands?: 'auto' | 'as-labelled' | 'swapped';
  /** Map the extrapolated knees and ankles too (default false). */
  includeLegs?: boolean;
  /** Frame size in pixels when known (default 1 × 1: coordinates stay normalised). */
  width?: number;
  height?: number;
  /** fps when there is no annotation (default 30, the corpus' rate). */
  fps?: number;
}

/** Parses and checks one `annotations/<clip_id>.json`. */
export function parseEpeeAnnotation(text: string, file: string): EpeeAnnotation {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PoseFormatError(file, `not JSON: ${(e as Error).message}`);
  }
  const r = annotationSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PoseFormatError(file, `not an Épée annotation: ${issue.path.join('.') || '<root>'}: ${issue.message}`);
  }
  return r.data as EpeeAnnotation;
}

function present(kp: Float32Array, o: number): boolean {
  return kp[o] !== 0 || kp[o + 1] !== 0 || kp[o + 2] !== 0;
}

/** Mean distance between a hand's wrist and a pose wrist over the frames where both are present. */
function wristDistance(kp: Float32Array, frames: number, hand: number, poseWrist: number): number {
  let sum = 0;
  let n = 0;
  for (let t = 0; t < frames; t++) {
    const a = (t * EPEE_POINTS + hand) * 3;
    const b = (t * EPEE_POINTS + poseWrist) * 3;
    if (present(kp, a) && present(kp, b)) {
      sum += Math.hypot(kp[a] - kp[b], kp[a + 1] - kp[b + 1]);
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

/** Whether the file's "left hand" block is the signer's right (mirrored MediaPipe Hands labels). */
export function epeeHandsMirrored(kp: Float32Array, frames: number): boolean {
  const lWrist = EPEE_UPPER_BODY + 4; // Pose 15 LEFT_WRIST
  const rWrist = EPEE_UPPER_BODY + 5; // Pose 16 RIGHT_WRIST
  const straight = wristDistance(kp, frames, EPEE_LEFT_HAND, lWrist) + wristDistance(kp, frames, EPEE_RIGHT_HAND, rWrist);
  const crossed = wristDistance(kp, frames, EPEE_LEFT_HAND, rWrist) + wristDistance(kp, frames, EPEE_RIGHT_HAND, lWrist);
  return Number.isFinite(straight) && Number.isFinite(crossed) && crossed < straight;
}

/** The FACE_OVAL order of the file's 92–127 block, or null when neither candidate order is plausible. */
export function epeeOvalOrder(kp: Float32Array, frames: number): readonly number[] | null {
  const perimeter = (t: number) => {
    let len = 0;
    for (let i = 0; i < 36; i++) {
      const a = (t * EPEE_POINTS + EPEE_HEAD_OVAL + i) * 3;
      const b = (t * EPEE_POINTS + EPEE_HEAD_OVAL + ((i + 1) % 36)) * 3;
      if (!present(kp, a) || !present(kp, b)) return Number.NaN;
      len += Math.hypot(kp[a] - kp[b], kp[a + 1] - kp[b + 1]);
    }
    return len;
  };
  // Stored order vs. that order re-sorted into the other candidate: compare outline lengths.
  let stored = 0;
  let resorted = 0;
  let n = 0;
  // If the file is in ascending order, walking it in contour order visits these stored positions.
  const sortedPos = FACE_OVAL_CONTOUR.map((k) => FACE_OVAL_SORTED.indexOf(k));
  for (let t = 0; t < frames; t++) {
    const p = perimeter(t);
    if (!Number.isFinite(p)) continue;
    let q = 0;
    for (let i = 0; i < 36; i++) {
      const a = (t * EPEE_POINTS + EPEE_HEAD_OVAL + sortedPos[i]) * 3;
      const b = (t * EPEE_POINTS + EPEE_HEAD_OVAL + sortedPos[(i + 1) % 36]) * 3;
      q += Math.hypot(kp[a] - kp[b], kp[a + 1] - kp[b + 1]);
    }
    stored += p;
    resorted += q;
    n++;
  }
  if (n === 0) return null;
  // One order must give a clearly shorter outline than the other (a scrambled file gives two long ones).
  if (Math.min(stored, resorted) > 0.6 * Math.max(stored, resorted)) return null;
  const order: readonly number[] = stored <= resorted ? FACE_OVAL_CONTOUR : FACE_OVAL_SORTED;
  // Plausibility: the chin (152) is the lowest oval point in most frames.
  const chin = order.indexOf(152);
  let lowest = 0;
  for (let t = 0; t < frames; t++) {
    let best = -1;
    let bestY = -Infinity;
    for (let i = 0; i < 36; i++) {
      const o = (t * EPEE_POINTS + EPEE_HEAD_OVAL + i) * 3;
      if (present(kp, o) && kp[o + 1] > bestY) { bestY = kp[o + 1]; best = i; }
    }
    if (best === chin) lowest++;
  }
  return lowest >= n / 2 ? order : null;
}

/**
 * Maps Épée keypoints (frames × 128 × 3, x y z) to DWPose-128 frames (frames × 384), as the module comment says.
 */
export function epeeToDwpose(kp: Float32Array, frames: number, options: EpeeOptions = {}): Float32Array {
  if (kp.length !== frames * EPEE_POINTS * 3) throw new Error(`epeeToDwpose: ${kp.length} values for ${frames} frames × 128 × 3`);
  const out = new Float32Array(frames * FRAME_STRIDE);
  const mode = options.hands ?? 'auto';
  const swap = mode === 'swapped' || (mode === 'auto' && epeeHandsMirrored(kp, frames));
  const oval = epeeOvalOrder(kp, frames);
  const ovalIndex = new Map<number, number>();
  if (oval) oval.forEach((k, i) => ovalIndex.set(k, EPEE_HEAD_OVAL + i));
  const U = EPEE_UPPER_BODY;
  const L = EPEE_LOWER_BODY;
  const body: [number, number][] = [
    [BODY.lShoulder, U], [BODY.rShoulder, U + 1], [BODY.lElbow, U + 2], [BODY.rElbow, U + 3], [BODY.lWrist, U + 4],
    [BODY.rWrist, U + 5], [BODY.lHip, L], [BODY.rHip, L + 1],
  ];
  if (options.includeLegs) body.push([BODY.lKnee, L + 2], [BODY.rKnee, L + 3], [BODY.lAnkle, L + 4], [BODY.rAnkle, L + 5]);
  const copy = (t: number, src: number, dst: number) => {
    const s = (t * EPEE_POINTS + src) * 3;
    const d = t * FRAME_STRIDE + dst * CHANNELS;
    const ok = present(kp, s) && Number.isFinite(kp[s]) && Number.isFinite(kp[s + 1]);
    out[d] = ok ? kp[s] : 0;
    out[d + 1] = ok ? kp[s + 1] : 0;
    out[d + 2] = ok ? 1 : 0;
  };
  const leftSrc = swap ? EPEE_RIGHT_HAND : EPEE_LEFT_HAND;
  const rightSrc = swap ? EPEE_LEFT_HAND : EPEE_RIGHT_HAND;
  for (let t = 0; t < frames; t++) {
    for (const [dst, src] of body) copy(t, src, dst);
    const ls = (t * EPEE_POINTS + U) * 3;
    const rs = (t * EPEE_POINTS + U + 1) * 3;
    if (present(kp, ls) && present(kp, rs)) {
      const d = t * FRAME_STRIDE + BODY.neck * CHANNELS;
      out[d] = (kp[ls] + kp[rs]) / 2;
      out[d + 1] = (kp[ls + 1] + kp[rs + 1]) / 2;
      out[d + 2] = 1;
    }
    for (let i = 0; i < 21; i++) {
      copy(t, leftSrc + i, PARTS.leftHand.start + i);
      copy(t, rightSrc + i, PARTS.rightHand.start + i);
    }
    if (oval) {
      for (let p = 0; p <= 16; p++) {
        const sources = MEDIAPIPE_FACE_TO_IBUG68[p].map((k) => ovalIndex.get(k)).filter((k): k is number => k !== undefined);
        const d = t * FRAME_STRIDE + (PARTS.face.start + p) * CHANNELS;
        let x = 0;
        let y = 0;
        let n = 0;
        for (const s of sources) {
          const o = (t * EPEE_POINTS + s) * 3;
          if (present(kp, o)) { x += kp[o]; y += kp[o + 1]; n++; }
        }
        if (n > 0 && n === sources.length) { out[d] = x / n; out[d + 1] = y / n; out[d + 2] = 1; }
      }
    }
  }
  return out;
}

/** Frame spans of the annotation's gloss segments ([int(start·fps), int(end·fps)), clamped to the clip). */
export function epeeGlossSpans(ann: EpeeAnnotation, frames: number): GlossSpan[] {
  return ann.segments.map((s) => {
    const start = Math.max(0, Math.min(frames, Math.trunc(s.start * ann.fps)));
    const end = Math.max(start, Math.min(frames, Math.trunc(s.end * ann.fps)));
    return { gloss: s.gloss, start, end };
  });
}

/**
 * One Épée clip: the keypoints `.npy` bytes and (optionally) its annotation, as a DWPose-128 sequence with text,
 * glosses, signer and fps from the annotation.
 */
export function parseEpeeClip(npyBytes: Uint8Array, annotation: EpeeAnnotation | null, file: string, limitsIn: Partial<ReadLimits> = {}, options: EpeeOptions = {}): PoseSequence {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...limitsIn };
  const arr = parseNpy(npyBytes, file, limits);
  if (arr.dtype !== 'f4' && arr.dtype !== 'f8') throw new PoseFormatError(file, `keypoints must be float32/float64, got ${arr.dtype}`);
  const [frames, points, dims] = arr.shape;
  if (arr.shape.length !== 3 || points !== EPEE_POINTS || dims !== 3) {
    throw new PoseFormatError(file, `keypoints shape (${arr.shape.join(', ')}) is not (n_frames, 128, 3)`);
  }
  if (frames > limits.maxFrames) throw new PoseFormatError(file, `${frames} frames, over the ${limits.maxFrames} limit`);
  const kp = arr.data instanceof Float32Array ? arr.data : Float32Array.from(arr.data);
  for (let i = 0; i < kp.length; i++) {
    if (!Number.isFinite(kp[i])) {
      const t = Math.floor(i / (EPEE_POINTS * 3));
      throw new PoseFormatError(file, `non-finite value ${kp[i]} at frame ${t}, landmark ${Math.floor(i / 3) % EPEE_POINTS}`);
    }
  }
  if (annotation && annotation.n_frames !== frames) {
    throw new PoseFormatError(file, `annotation says ${annotation.n_frames} frames, keypoints have ${frames}`);
  }
  const data = epeeToDwpose(kp, frames, options);
  const fps = annotation?.fps ?? options.fps ?? 30;
  const glosses = annotation ? epeeGlossSpans(annotation, frames) : undefined;
  return new PoseSequence({
    id: annotation?.clip_id ?? file.replace(/^.*[\\/]/, '').replace(/\.npy$/, ''),
    fps,
    width: options.width ?? 1,
    height: options.height ?? 1,
    text: annotation?.text_en ?? null,
    gloss: glosses ? glosses.map((g) => g.gloss).join(' ') : null,
    glosses,
    language: 'en',
    signLanguage: 'ase',
    signer: annotation?.signer_id ?? null,
    source: 'clerc-epee',
  }, data).validate(file);
}

/** Splits one CSV line (RFC 4180 quotes). */
function csvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Rows of an Épée `metadata.csv` as objects keyed by the header; `clip_id` is required. */
export function parseEpeeMetadata(text: string, file: string, limitsIn: Partial<ReadLimits> = {}): Record<string, string>[] {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...limitsIn };
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new PoseFormatError(file, 'empty metadata.csv');
  if (lines.length - 1 > limits.maxEntries) throw new PoseFormatError(file, `${lines.length - 1} rows, over the ${limits.maxEntries} limit`);
  const header = csvLine(lines[0]).map((h) => h.trim());
  if (!header.includes('clip_id')) throw new PoseFormatError(file, `no clip_id column (columns: ${header.join(', ')})`);
  return lines.slice(1).map((l, i) => {
    const cells = csvLine(l);
    if (cells.length !== header.length) throw new PoseFormatError(file, `row ${i + 2} has ${cells.length} cells, header has ${header.length}`);
    const row: Record<string, string> = {};
    header.forEach((h, k) => { row[h] = cells[k]; });
    if (!/^[\w.-]+$/.test(row.clip_id)) throw new PoseFormatError(file, `row ${i + 2}: clip_id ${JSON.stringify(row.clip_id)} is not a plain file name`);
    return row;
  });
}

/** Reads `keypoints/<clipId>.npy` and `annotations/<clipId>.json` under an Épée release root. */
export async function readEpeeClip(root: string, clipId: string, limitsIn: Partial<ReadLimits> = {}, options: EpeeOptions = {}): Promise<PoseSequence> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...limitsIn };
  if (!/^[\w.-]+$/.test(clipId)) throw new Error(`readEpeeClip: clip id ${JSON.stringify(clipId)} is not a plain file name`);
  const npyPath = join(root, 'keypoints', `${clipId}.npy`);
  const annPath = join(root, 'annotations', `${clipId}.json`);
  const npy = await readInputFile(npyPath, { maxBytes: limits.maxBytes });
  let ann: EpeeAnnotation | null = null;
  try {
    ann = parseEpeeAnnotation(await readInputText(annPath, { maxBytes: limits.maxBytes }), annPath);
  } catch (e) {
    if (!isSignbenchError(e, 'not-found')) throw e;
  }
  return parseEpeeClip(npy, ann, npyPath, limits, options);
}

/**
 * Streams the clips of an Épée release root: those listed by `metadata.csv` (optionally one signer's, at most
 * `limit`), or every `keypoints/*.npy` when there is no metadata.csv.
 */
export async function* readClerc(root: string, limits: Partial<ReadLimits> = {}, options: EpeeOptions & { signer?: string; limit?: number } = {}): AsyncGenerator<PoseSequence> {
  const full: ReadLimits = { ...DEFAULT_LIMITS, ...limits };
  const metaPath = join(root, 'metadata.csv');
  let ids: string[];
  try {
    let rows = parseEpeeMetadata(await readInputText(metaPath, { maxBytes: full.maxBytes }), metaPath, full);
    if (options.signer) rows = rows.filter((r) => (r.signer_id ?? '').toUpperCase() === options.signer!.toUpperCase());
    ids = rows.map((r) => r.clip_id);
  } catch (e) {
    if (!isSignbenchError(e, 'not-found')) throw e;
    const names = await readdir(join(root, 'keypoints'));
    if (names.length > full.maxEntries) throw new PoseFormatError(root, `${names.length} files in keypoints/, over the ${full.maxEntries} limit`);
    ids = names.filter((n) => /^[\w.-]+\.npy$/.test(n)).sort().map((n) => n.slice(0, -4));
  }
  if (options.limit !== undefined) ids = ids.slice(0, options.limit);
  for (const id of ids) yield await readEpeeClip(root, id, full, options);
}
