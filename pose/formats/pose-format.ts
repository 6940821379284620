/**
 * pose-format `.pose` files (sign-language-processing/pose): read v0.0, v0.1 and v0.2, write v0.2.
 *
 * The byte layout and the raw layer (`parsePoseFileRaw`, `encodePoseFileRaw`, `PoseFile`) live in
 * pose-format-raw.ts and are re-exported here.
 *
 * Two layers:
 * - raw: `parsePoseFileRaw` / `encodePoseFileRaw` keep everything the file holds (`PoseFile`). Every count is
 *   checked against the bytes left before anything is allocated; the body must fill the file exactly.
 * - canonical: `parsePoseFile` detects the layout by component names (our DWPose-128, OpenPose-137, MediaPipe
 *   Holistic full or reduced) and maps the first person present in each frame to a DWPose-128 `PoseSequence`
 *   (pixels ÷ header width/height); `encodePoseFile` writes a DWPose-128 `.pose` v0.2.
 *
 * Exact round trips (parsePoseFile(encodePoseFile(s)) returns every float32 of s bit for bit). The reader computes
 * x = float32(p / W) from the stored float32 pixel value p. For each value the writer stores float32(x·W), or the
 * float32 within two ulps of it that divides back to x, and checks every value. Real data (normalised coordinates
 * that came from pixels ÷ frame size) passes, and the file is a plain `.pose` in pixels of the real frame. But no
 * float32 p gives back every x when W is not a power of two (where the mantissa of x·W wraps, the pixel grid is
 * coarser than x's grid: ~9% of arbitrary coordinates at 1280 × 720), so for other data (model output, and derived
 * points such as the mid-shoulder neck of a converted MediaPipe file) the writer adds a component
 * `SIGNBENCH_EXACT_XY` — the same 128 points with the exact normalised x, y and confidence 0 (file size ×2). Every
 * `.pose` reader and viewer treats confidence 0 as masked, so the file still draws from the pixel components at
 * the real frame size; our reader takes x, y from the hidden copy. A frame size that is not a uint16 integer
 * is written rounded into the header plus a point-less component `SIGNBENCH_FRAME:<width>x<height>` that keeps it.
 * Confidences are stored raw (always exact). fps is stored as float32 and read back as the shortest decimal that
 * rounds to it (24, 25, 29.97).
 */
import { basename, extname } from 'node:path';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';
import { readInputFile } from '../fsio.js';
import { checkFpsValue, PoseSequence } from '../sequence.js';
import { BODY_LIMBS, BODY_NAMES, CHANNELS, FRAME_STRIDE, HAND_EDGES, HAND_NAMES, POINT_NAMES, POINTS } from '../skeleton.js';
import {
  emptyHolisticFrames, holisticToDwpose, HOLISTIC_FACE_POINTS, HOLISTIC_HAND_POINTS, HOLISTIC_POSE_POINTS,
  MEDIAPIPE_FACE_TO_IBUG68, MEDIAPIPE_HAND_NAMES, MEDIAPIPE_POSE_NAMES, type HolisticFrames,
} from './mediapipe.js';
import { isOpenPose137, openPose137PointMap } from './openpose137.js';
import { encodePoseFileRaw, parsePoseFileRaw, totalPoints, type PoseComponent, type PoseFile } from './pose-format-raw.js';

export { encodePoseFileRaw, parsePoseFileRaw, type PoseComponent, type PoseFile, type PoseParseOptions } from './pose-format-raw.js';

// ───────────────────────────── canonical layer ─────────────────────────────

/** Component names of our own DWPose-128 layout, in the order `encodePoseFile` writes them. */
export const DWPOSE_COMPONENTS = ['DWPOSE_BODY_18', 'DWPOSE_FACE_68', 'DWPOSE_LEFT_HAND_21', 'DWPOSE_RIGHT_HAND_21'] as const;
/** Prefix of the point-less component that keeps a frame size the uint16 header cannot hold (see module comment). */
export const FRAME_SIZE_MARKER = 'SIGNBENCH_FRAME:';
/** Name of the hidden component (confidence 0) that holds the exact normalised x, y when pixels cannot. */
export const EXACT_COMPONENT = 'SIGNBENCH_EXACT_XY';

const HOLISTIC_NAMES = ['POSE_LANDMARKS', 'FACE_LANDMARKS', 'LEFT_HAND_LANDMARKS', 'RIGHT_HAND_LANDMARKS', 'POSE_WORLD_LANDMARKS'];

export type PoseLayout = 'dwpose128' | 'openpose137' | 'holistic';

/** Which known layout the components form; throws a PoseFormatError listing them when none. */
export function detectPoseLayout(components: readonly PoseComponent[], file = '<input>'): PoseLayout {
  const names = components.map((c) => c.name);
  const real = components.filter((c) => !c.name.startsWith(FRAME_SIZE_MARKER) && c.name !== EXACT_COMPONENT);
  if (real.length === 4 && DWPOSE_COMPONENTS.every((n, i) => real.some((c) => c.name === n && c.points.length === [18, 68, 21, 21][i]))) {
    return 'dwpose128';
  }
  if (isOpenPose137(components)) return 'openpose137';
  if (names.every((n) => HOLISTIC_NAMES.includes(n)) && names.some((n) => n !== 'POSE_WORLD_LANDMARKS')) return 'holistic';
  const listed = components.map((c) => `${c.name} (${c.points.length} ${c.format})`).join(', ') || 'none';
  throw new PoseFormatError(file, `unknown .pose layout: components ${listed}; expected DWPose-128 (${DWPOSE_COMPONENTS.join(', ')}), OpenPose-137 (pose_keypoints_2d, face_keypoints_2d, hand_left/right_keypoints_2d) or MediaPipe Holistic (POSE_LANDMARKS, FACE_LANDMARKS, LEFT/RIGHT_HAND_LANDMARKS)`);
}

/** The shortest decimal that rounds to the same float32 (fps 29.97 stored as float32 reads back as 29.97). */
function shortestFloat32(v: number): number {
  if (!Number.isFinite(v) || v === 0) return v;
  for (let p = 1; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) return d;
  }
  return v;
}

/** Per frame: which person slot to use (the first with any confidence > 0, else 0) and how many slots are non-empty. */
function choosePeople(pf: PoseFile): { slot: Uint16Array; count: Uint8Array } {
  const points = totalPoints(pf.components);
  const slot = new Uint16Array(pf.frames);
  const count = new Uint8Array(pf.frames);
  for (let t = 0; t < pf.frames; t++) {
    let first = -1;
    let n = 0;
    for (let p = 0; p < pf.people; p++) {
      const base = (t * pf.people + p) * points;
      for (let i = 0; i < points; i++) {
        if (pf.confidence[base + i] > 0) { n++; if (first < 0) first = p; break; }
      }
    }
    slot[t] = Math.max(0, first);
    count[t] = Math.min(255, n);
  }
  return { slot, count };
}

/**
 * Reads point `g` of person `slot` in frame t as normalised (x, y, c) into out[o..o+2]. Confidence ≤ 0 → 0;
 * non-finite confidence, or non-finite coordinates of a present point, is an error; a missing point's non-finite
 * coordinates become 0.
 */
function readForeignPoint(pf: PoseFile, points: number, file: string, t: number, slot: number, g: number, out: Float32Array, o: number): void {
  const k = (t * pf.people + slot) * points + g;
  const c = pf.confidence[k];
  const px = pf.data[k * pf.dims];
  const py = pf.data[k * pf.dims + 1];
  if (!Number.isFinite(c)) throw new PoseFormatError(file, `non-finite confidence ${c} at frame ${t}, point ${g}`);
  const present = c > 0;
  if (present && !(Number.isFinite(px) && Number.isFinite(py))) {
    throw new PoseFormatError(file, `non-finite coordinates (${px}, ${py}) at frame ${t}, point ${g}`);
  }
  out[o] = Number.isFinite(px) ? px / pf.width : 0;
  out[o + 1] = Number.isFinite(py) ? py / pf.height : 0;
  out[o + 2] = present ? c : 0;
}

/**
 * MediaPipe landmark number of point i of a holistic component: by point name (pose and hand names, face mesh
 * numbers as pose-format writes them, which is how `reduce_holistic` subsets stay identifiable), else by position
 * when the component has the full count; -1 when unknown.
 */
function landmarkOf(c: PoseComponent, i: number, total: number, names: readonly string[] | null): number {
  const name = c.points[i];
  if (names) {
    const k = names.indexOf(name);
    if (k >= 0) return k;
  } else if (/^\d+$/.test(name)) {
    const k = Number(name);
    return k < total ? k : -1;
  }
  return c.points.length === total || (names === null && c.points.length === 468) ? i : -1;
}

const FACE_LANDMARKS_USED = new Set(MEDIAPIPE_FACE_TO_IBUG68.flat());

function toHolistic(pf: PoseFile, file: string, slot: Uint16Array): HolisticFrames {
  const h = emptyHolisticFrames(pf.frames);
  const tmp = new Float32Array(3);
  const points = totalPoints(pf.components);
  let offset = 0;
  for (const c of pf.components) {
    let target: Float32Array | null = null;
    let total = 0;
    let names: readonly string[] | null = null;
    if (c.name === 'POSE_LANDMARKS') { target = h.pose; total = HOLISTIC_POSE_POINTS; names = MEDIAPIPE_POSE_NAMES; }
    else if (c.name === 'FACE_LANDMARKS') { target = h.face; total = HOLISTIC_FACE_POINTS; }
    else if (c.name === 'LEFT_HAND_LANDMARKS') { target = h.leftHand; total = HOLISTIC_HAND_POINTS; names = MEDIAPIPE_HAND_NAMES; }
    else if (c.name === 'RIGHT_HAND_LANDMARKS') { target = h.rightHand; total = HOLISTIC_HAND_POINTS; names = MEDIAPIPE_HAND_NAMES; }
    if (target) {
      // Face mesh landmarks that no iBUG-68 point uses are skipped (the mapping reads ~70 of 468/478).
      const landmark = c.points.map((_, i) => landmarkOf(c, i, total, names))
        .map((k) => (target === h.face && !FACE_LANDMARKS_USED.has(k) ? -1 : k));
      for (let t = 0; t < pf.frames; t++) {
        for (let i = 0; i < c.points.length; i++) {
          const k = landmark[i];
          if (k < 0) continue;
          readForeignPoint(pf, points, file, t, slot[t], offset + i, tmp, 0);
          target.set(tmp, (t * total + k) * 3);
        }
      }
    }
    offset += c.points.length;
  }
  return h;
}

function frameSizeFromMarker(components: readonly PoseComponent[], file: string): { width: number; height: number } | null {
  const marker = components.find((c) => c.name.startsWith(FRAME_SIZE_MARKER));
  if (!marker) return null;
  const m = /^(\S+)x(\S+)$/.exec(marker.name.slice(FRAME_SIZE_MARKER.length));
  const width = m ? Number(m[1]) : NaN;
  const height = m ? Number(m[2]) : NaN;
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new PoseFormatError(file, `bad frame size marker component "${marker.name}"`);
  }
  return { width, height };
}

function dwposeFromOwnLayout(pf: PoseFile, file: string, slot: Uint16Array): Float32Array {
  const out = new Float32Array(pf.frames * FRAME_STRIDE);
  const starts = [0, 18, 86, 107];
  let offset = 0;
  const sourceOf = new Int32Array(POINTS).fill(-1);
  let exactOffset = -1;
  for (const c of pf.components) {
    const k = (DWPOSE_COMPONENTS as readonly string[]).indexOf(c.name);
    if (k >= 0) for (let i = 0; i < c.points.length; i++) sourceOf[starts[k] + i] = offset + i;
    if (c.name === EXACT_COMPONENT && c.points.length === POINTS) exactOffset = offset;
    offset += c.points.length;
  }
  const points = offset;
  for (let t = 0; t < pf.frames; t++) {
    const base = (t * pf.people + slot[t]) * points;
    for (let p = 0; p < POINTS; p++) {
      const kk = base + sourceOf[p];
      let x: number;
      let y: number;
      if (exactOffset >= 0) {
        x = pf.data[(base + exactOffset + p) * pf.dims];
        y = pf.data[(base + exactOffset + p) * pf.dims + 1];
      } else {
        x = Math.fround(pf.data[kk * pf.dims] / pf.width);
        y = Math.fround(pf.data[kk * pf.dims + 1] / pf.height);
      }
      const c = pf.confidence[kk];
      if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(c))) {
        throw new PoseFormatError(file, `non-finite value at frame ${t}, point ${p}: (${x}, ${y}, ${c})`);
      }
      const o = t * FRAME_STRIDE + p * CHANNELS;
      out[o] = x;
      out[o + 1] = y;
      out[o + 2] = c;
    }
  }
  return out;
}

/** Parses a `.pose` file of a known layout into a DWPose-128 `PoseSequence` (see the module comment). */
export function parsePoseFile(bytes: Uint8Array, file: string, limits: Partial<ReadLimits> = {}): PoseSequence {
  const pf = parsePoseFileRaw(bytes, file, limits);
  // A file with no person slots holds frames at no byte cost: refuse a canonical array far beyond its size.
  const canonical = pf.frames * FRAME_STRIDE * 4;
  if (canonical > Math.max(64 * 2 ** 20, 16 * bytes.length)) {
    throw new PoseFormatError(file, `${pf.frames} frames would need ${canonical} bytes of memory for a ${bytes.length}-byte file; refusing`);
  }
  return poseFileToSequence(pf, file);
}

/** Maps an already parsed `PoseFile` to a DWPose-128 `PoseSequence`. */
export function poseFileToSequence(pf: PoseFile, file: string): PoseSequence {
  const layout = detectPoseLayout(pf.components, file);
  if (pf.dims < 2) throw new PoseFormatError(file, `points have ${pf.dims} coordinate(s); x and y are needed`);
  if (!(pf.width > 0 && pf.height > 0)) throw new PoseFormatError(file, `header frame size ${pf.width}×${pf.height}: pixel coordinates cannot be normalised`);
  const fps = shortestFloat32(pf.fps);
  const fpsProblem = checkFpsValue(fps);
  if (fpsProblem) throw new PoseFormatError(file, fpsProblem);
  const { slot, count } = choosePeople(pf);
  let data: Float32Array;
  let width = pf.width;
  let height = pf.height;
  if (pf.people === 0) {
    data = new Float32Array(pf.frames * FRAME_STRIDE); // no person slots: every frame is empty
  } else if (layout === 'dwpose128') {
    data = dwposeFromOwnLayout(pf, file, slot);
  } else if (layout === 'openpose137') {
    const map = openPose137PointMap(pf.components);
    const points = totalPoints(pf.components);
    data = new Float32Array(pf.frames * FRAME_STRIDE);
    for (let t = 0; t < pf.frames; t++) {
      for (let p = 0; p < POINTS; p++) {
        if (map[p] >= 0) readForeignPoint(pf, points, file, t, slot[t], map[p], data, t * FRAME_STRIDE + p * CHANNELS);
      }
    }
  } else {
    data = holisticToDwpose(toHolistic(pf, file, slot));
  }
  if (layout === 'dwpose128') {
    const size = frameSizeFromMarker(pf.components, file);
    if (size) ({ width, height } = size);
  }
  const id = basename(file, extname(file));
  const seq = new PoseSequence({ id, fps, width, height, text: null, gloss: null, source: `pose:${layout}` }, data, count);
  if (layout === 'dwpose128' && pf.people > 1) seq.setExtraPeople(otherSlots(pf, file, slot));
  return seq;
}

/** Our layout's other person slots with any point present (after the signer's slot), per frame. */
function otherSlots(pf: PoseFile, file: string, slot: Uint16Array): (Float32Array | undefined)[] {
  const others: Float32Array[][] = Array.from({ length: pf.frames }, () => []);
  const k = new Uint16Array(pf.frames);
  for (let s = 1; s < pf.people; s++) {
    const decoded = dwposeFromOwnLayout(pf, file, k.fill(s)); // one slot at a time: memory of one slot
    for (let t = 0; t < pf.frames; t++) {
      if (s <= slot[t]) continue;
      const f = decoded.subarray(t * FRAME_STRIDE, (t + 1) * FRAME_STRIDE);
      for (let p = 0; p < POINTS; p++) if (f[p * CHANNELS + 2] > 0) { others[t].push(f.slice()); break; }
    }
  }
  return others.map((o) => {
    if (o.length === 0) return undefined;
    const e = new Float32Array(o.length * FRAME_STRIDE);
    o.forEach((f, i) => e.set(f, i * FRAME_STRIDE));
    return e;
  });
}

/** Reads a `.pose` file from disk into a DWPose-128 `PoseSequence`. */
export async function readPoseFile(path: string, limits: Partial<ReadLimits> = {}): Promise<PoseSequence> {
  const bytes = await readInputFile(path, { maxBytes: limits.maxBytes ?? DEFAULT_LIMITS.maxBytes });
  return parsePoseFile(bytes, path, limits);
}

// ───────────────────────────── DWPose-128 writer ─────────────────────────────

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 `steps` ulps away from `v` (towards +∞ for steps > 0). */
function float32Step(v: number, steps: number): number {
  f32[0] = v;
  if (v === 0) {
    u32[0] = Math.abs(steps);
    return steps > 0 ? f32[0] : -f32[0];
  }
  const up = (steps > 0) === (v > 0);
  u32[0] = up ? u32[0] + Math.abs(steps) : u32[0] - Math.abs(steps);
  return f32[0];
}

/** A float32 pixel value p with float32(p / scale) === x (bit for bit), or null when none within two ulps. */
function exactPixel(x: number, scale: number): number | null {
  const p0 = Math.fround(x * scale);
  if (Object.is(Math.fround(p0 / scale), x)) return p0;
  if (!Number.isFinite(p0)) return null;
  for (const s of [1, -1, 2, -2]) {
    const p = float32Step(p0, s);
    if (Number.isFinite(p) && Object.is(Math.fround(p / scale), x)) return p;
  }
  return null;
}

const FLT_MAX = 3.4028234663852886e38;

/**
 * Pixel coordinates of every x, y at header size sx × sy, and whether all of them divide back to the exact
 * float32. Values with no exact pixel get the nearest float32 of x·size (clamped to the float32 range).
 */
function toPixels(data: Float32Array, sx: number, sy: number): { pixels: Float32Array; exact: boolean } {
  const pixels = new Float32Array(data.length);
  let exact = true;
  for (let i = 0; i < data.length; i += CHANNELS) {
    for (let d = 0; d < 2; d++) {
      const scale = d === 0 ? sx : sy;
      const p = exactPixel(data[i + d], scale);
      if (p === null) {
        exact = false;
        pixels[i + d] = Math.max(-FLT_MAX, Math.min(FLT_MAX, Math.fround(data[i + d] * scale)));
      } else {
        pixels[i + d] = p;
      }
    }
  }
  return { pixels, exact };
}

const FACE_CHAINS: readonly (readonly [number, number, boolean])[] = [
  [0, 16, false], [17, 21, false], [22, 26, false], [27, 30, false], [31, 35, false], [36, 41, true], [42, 47, true],
  [48, 59, true], [60, 67, true],
];

function faceLimbs(): [number, number][] {
  const limbs: [number, number][] = [];
  for (const [a, b, closed] of FACE_CHAINS) {
    for (let i = a; i < b; i++) limbs.push([i, i + 1]);
    if (closed) limbs.push([b, a]);
  }
  return limbs;
}

/** The DWPose/OpenPose body limb colours (RGB), one per limb of BODY_LIMBS. */
const BODY_COLORS: [number, number, number][] = [
  [255, 0, 0], [255, 85, 0], [255, 170, 0], [255, 255, 0], [170, 255, 0], [85, 255, 0], [0, 255, 0], [0, 255, 85],
  [0, 255, 170], [0, 255, 255], [0, 170, 255], [0, 85, 255], [0, 0, 255], [85, 0, 255], [170, 0, 255], [255, 0, 255],
  [255, 0, 170],
];

/** One hue per hand edge, as the DWPose hand drawing does (HSV hue i/20, full saturation and value). */
function handColors(): [number, number, number][] {
  return HAND_EDGES.map((_, i) => {
    const h = (i / HAND_EDGES.length) * 6;
    const f = h - Math.floor(h);
    const q = Math.round(255 * (1 - f));
    const t = Math.round(255 * f);
    const rgb: [number, number, number][] = [[255, t, 0], [q, 255, 0], [0, 255, t], [0, q, 255], [t, 0, 255], [255, 0, q]];
    return rgb[Math.floor(h) % 6];
  });
}

/** The header components of our DWPose-128 layout. */
export function dwposeComponents(): PoseComponent[] {
  const pairs = (l: readonly (readonly [number, number])[]) => l.map(([a, b]) => [a, b] as [number, number]);
  return [
    { name: DWPOSE_COMPONENTS[0], format: 'XYC', points: [...BODY_NAMES], limbs: pairs(BODY_LIMBS), colors: BODY_COLORS },
    { name: DWPOSE_COMPONENTS[1], format: 'XYC', points: Array.from({ length: 68 }, (_, i) => String(i)), limbs: faceLimbs(), colors: [[255, 255, 255]] },
    { name: DWPOSE_COMPONENTS[2], format: 'XYC', points: [...HAND_NAMES], limbs: pairs(HAND_EDGES), colors: handColors() },
    { name: DWPOSE_COMPONENTS[3], format: 'XYC', points: [...HAND_NAMES], limbs: pairs(HAND_EDGES), colors: handColors() },
  ];
}

/**
 * Writes a sequence as `.pose` v0.2 in our DWPose-128 layout, in pixels of its frame, one person per frame; see the
 * module comment for how exactness is kept. Throws on non-finite values or a bad fps/frame size.
 * `plain`: the four DWPose components only (no exactness or frame-size component; pixels rounded to float32 and the
 * frame size to integers), for viewers that expect nothing else (sign.mt's `<pose-viewer>`).
 */
export function encodePoseFile(seq: PoseSequence, opts: { plain?: boolean } = {}): Uint8Array {
  seq.validate(seq.meta.id || '<sequence>');
  const { width, height, fps } = seq.meta;
  const frames = seq.frames;
  // person slots: the signer in slot 0, the extra people of multi-person frames in slots 1… (empty slots: confidence 0)
  let slots = 1;
  for (let t = 0; t < frames; t++) slots = Math.max(slots, 1 + (seq.extraPeople?.[t]?.length ?? 0) / FRAME_STRIDE);
  const source = slots === 1 ? seq.data : slotData(seq, slots);
  const components = dwposeComponents();
  const uint16 = (v: number) => Number.isInteger(v) && v >= 1 && v <= 0xffff;
  const sizeFits = uint16(width) && uint16(height);
  const clampSize = (v: number) => Math.max(1, Math.min(0xffff, Math.round(v)));
  const sx = sizeFits ? width : clampSize(width);
  const sy = sizeFits ? height : clampSize(height);
  const { pixels, exact } = toPixels(source, sx, sy);
  const withExact = !opts.plain && !(exact && sizeFits);
  const total = withExact ? 2 * POINTS : POINTS;
  const xy = new Float32Array(frames * slots * total * 2);
  const confidence = new Float32Array(frames * slots * total);
  for (let ts = 0; ts < frames * slots; ts++) {
    for (let p = 0; p < POINTS; p++) {
      const i = ts * FRAME_STRIDE + p * CHANNELS;
      const j = ts * total + p;
      xy[j * 2] = pixels[i];
      xy[j * 2 + 1] = pixels[i + 1];
      confidence[j] = source[i + 2];
      if (withExact) {
        // The hidden copy: exact normalised x, y with confidence 0, which every .pose reader treats as masked.
        xy[(j + POINTS) * 2] = source[i];
        xy[(j + POINTS) * 2 + 1] = source[i + 1];
      }
    }
  }
  // One colour, so that viewers indexing colours by point never divide by zero; its points are never drawn.
  if (withExact) components.push({ name: EXACT_COMPONENT, format: 'XYC', points: [...POINT_NAMES], limbs: [], colors: [[0, 0, 0]] });
  if (!sizeFits && !opts.plain) components.push({ name: `${FRAME_SIZE_MARKER}${width}x${height}`, format: 'XYC', points: [], limbs: [], colors: [] });
  return encodePoseFileRaw({
    version: 0.2, width: sx, height: sy, depth: 0, components, fps, frames, people: slots, dims: 2, data: xy, confidence,
  });
}

/** [frame][slot][384]: the signer, then the frame's extra people, then empty slots. */
function slotData(seq: PoseSequence, slots: number): Float32Array {
  const out = new Float32Array(seq.frames * slots * FRAME_STRIDE);
  for (let t = 0; t < seq.frames; t++) {
    out.set(seq.frame(t), t * slots * FRAME_STRIDE);
    const e = seq.extraPeople?.[t];
    if (e) out.set(e, (t * slots + 1) * FRAME_STRIDE);
  }
  return out;
}
