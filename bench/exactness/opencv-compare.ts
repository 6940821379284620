/**
 * Bulk comparison of our raster primitives with OpenCV's (the reference drawings' rasteriser): random limb
 * ellipses (given as integer ellipse arguments, or as the DWPose annotator's float limb endpoints), lines and filled
 * circles on canvases of 64..2160 px are drawn by one Python process (`opencv_draw.py`, cv2 + numpy) and by us, and
 * the pixel sets are compared through their moments (count, Σx, Σy, Σx², Σy², Σxy, bounding box) and, for ellipses,
 * a hash of the polygon's vertices.
 *
 * Used by test/render/opencv-exact.test.ts (a sample) and bench/render-exact.ts (≥ 100,000 primitives).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../nn/rng.js';
import { RgbImage } from '../../render/raster/image.js';
import { forEachRun, TILE } from '../../render/raster/tiles.js';
import { ellipse2Poly } from '../../render/raster/ellipse.js';
import { fillConvexPoly } from '../../render/raster/polygon.js';
import { fillCircle } from '../../render/raster/circle.js';
import { line } from '../../render/raster/thick-line.js';
import { limbEllipse } from '../../render/geometry.js';

/** Primitive kinds, as numbered in opencv_draw.py. */
export const KIND_NAMES = ['ellipse', 'line', 'circle', 'limb'] as const;
export type KindName = (typeof KIND_NAMES)[number];

/** Int32 values per record: kind, W, H, 9 arguments. */
export const RECORD = 12;
/** Summary values per record (see opencv_draw.py). */
export const SUMMARY = 12;

export const DRAW_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'opencv_draw.py');

const f32bits = new DataView(new ArrayBuffer(4));
function floatBits(v: number): number {
  f32bits.setFloat32(0, v, true);
  return f32bits.getInt32(0, true);
}
function bitsFloat(b: number): number {
  f32bits.setInt32(0, b, true);
  return f32bits.getFloat32(0, true);
}

/**
 * `count` random primitives, in groups sharing a canvas size: sizes 64..2160 (a third of them under 200 px, odd
 * sizes, non-square canvases), shapes partly off the canvas, near-degenerate short limbs (axes 0..3, endpoints a few
 * pixels apart) and sub-pixel limb endpoints.
 */
export function randomPrimitives(count: number, seed = 1): Int32Array {
  const r = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const size = () => (r() < 0.35 ? int(64, 200) : int(64, 2160));
  const out = new Int32Array(count * RECORD);
  let i = 0;
  while (i < count) {
    const W = size();
    const H = r() < 0.4 ? W : size();
    const group = Math.min(count - i, int(50, 400));
    for (let g = 0; g < group; g++, i++) {
      const o = i * RECORD;
      const roll = r();
      const kind = roll < 0.35 ? 3 : roll < 0.55 ? 0 : roll < 0.8 ? 1 : 2;
      out[o] = kind;
      out[o + 1] = W;
      out[o + 2] = H;
      const span = Math.max(W, H);
      const a = out.subarray(o + 3, o + RECORD);
      if (kind === 0) {
        a[0] = int(-40, W + 40);
        a[1] = int(-40, H + 40);
        const s = r();
        a[2] = s < 0.3 ? int(0, 3) : s < 0.7 ? int(4, 60) : int(0, span);
        a[3] = r() < 0.6 ? 4 : pick([0, 1, 2, 3, 6, 8, 12, int(0, 30)]);
        a[4] = int(-180, 180);
      } else if (kind === 1) {
        a[0] = int(-W >> 2, W + (W >> 2));
        a[1] = int(-H >> 2, H + (H >> 2));
        const s = r();
        const reach = s < 0.3 ? 3 : s < 0.7 ? 60 : span;
        a[2] = a[0] + int(-reach, reach);
        a[3] = a[1] + int(-reach, reach);
        a[4] = r() < 0.6 ? pick([1, 2, 6]) : int(1, 14);
      } else if (kind === 2) {
        a[0] = int(-20, W + 20);
        a[1] = int(-20, H + 20);
        a[2] = r() < 0.6 ? pick([3, 4, 6, 8, 12, 24]) : int(0, 40);
      } else {
        // endpoints in pixels with sub-pixel offsets, normalised to float32 like a candidate array
        const ax = int(-30, W + 30) + r();
        const ay = int(-30, H + 30) + r();
        const s = r();
        const reach = s < 0.35 ? 3 : s < 0.7 ? 80 : span;
        const bx = ax + (r() * 2 - 1) * reach;
        const by = ay + (r() * 2 - 1) * reach;
        a[0] = floatBits(ax / W);
        a[1] = floatBits(ay / H);
        a[2] = floatBits(bx / W);
        a[3] = floatBits(by / H);
        a[4] = r() < 0.7 ? 4 : pick([1, 12, 13, int(1, 20)]);
      }
    }
  }
  return out;
}

/** The polygon of an ellipse or limb record (our ellipse2Poly), else null. */
export function recordPolygon(rec: Int32Array): number[] | null {
  const [kind, W, H, a0, a1, a2, a3, a4] = rec;
  if (kind === 0) return ellipse2Poly(a0, a1, a2, a3, a4, 0, 360, 1);
  if (kind === 3) {
    const [cx, cy, half, angle] = limbEllipse(bitsFloat(a0), bitsFloat(a1), bitsFloat(a2), bitsFloat(a3), W, H);
    return ellipse2Poly(cx, cy, half, a4, angle, 0, 360, 1);
  }
  return null;
}

/** Draws record `rec` with our rasteriser onto `img` (channel 0 = 255). */
export function drawRecord(img: RgbImage, rec: Int32Array): number[] | null {
  const [kind, , , a0, a1, a2, a3, a4] = rec;
  const poly = recordPolygon(rec);
  if (poly) fillConvexPoly(img, poly, 255, 0, 0);
  else if (kind === 1) line(img, a0, a1, a2, a3, a4, 255, 0, 0);
  else if (kind === 2) fillCircle(img, a0, a1, a2, 255, 0, 0);
  else throw new Error(`unknown primitive kind ${kind}`);
  return poly;
}

/** Moments of the lit pixels of `img` (channel 0), written into `out` at `o`, as opencv_draw.py does. */
function moments(img: RgbImage, out: Float64Array, o: number): void {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const { data, width, words, mask } = img;
  for (let y = img.y0; y <= img.y1; y++) {
    const row = y * width;
    forEachRun(mask, y * words, words, (t0, t1) => {
      const end = Math.min(width, (t1 + 1) * TILE);
      for (let x = t0 * TILE; x < end; x++) {
        if (data[(row + x) * 3] === 0) continue;
        n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    });
  }
  if (n > 0) out.set([n, sx, sy, sxx, syy, sxy, x0, y0, x1, y1], o);
}

function vertexHash(poly: number[]): [number, number] {
  let h = 0n;
  for (let i = 0; i < poly.length; i += 2) h += BigInt(i / 2 + 1) * BigInt(poly[i] * 65599 + poly[i + 1]);
  return [poly.length / 2, Number(h)];
}

/** Our summaries of the records (SUMMARY values each). */
export function summariseOurs(records: Int32Array): Float64Array {
  const n = records.length / RECORD;
  const out = new Float64Array(n * SUMMARY);
  let img: RgbImage | null = null;
  for (let i = 0; i < n; i++) {
    const rec = records.subarray(i * RECORD, (i + 1) * RECORD);
    if (!img || img.width !== rec[1] || img.height !== rec[2]) img = new RgbImage(rec[1], rec[2]);
    const poly = drawRecord(img, rec);
    moments(img, out, i * SUMMARY);
    if (poly) out.set(vertexHash(poly), i * SUMMARY + 10);
    img.clear();
  }
  return out;
}

/** A Python that imports cv2 and numpy: $SIGNBENCH_OPENCV_PYTHON, then Debian's /usr/bin/python3, then python3. */
export function findOpenCvPython(): { python: string; version: string } | null {
  const candidates = [process.env.SIGNBENCH_OPENCV_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import cv2, numpy; print(cv2.__version__, numpy.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return null;
}

/** OpenCV's summaries of the records, drawn by one Python process. */
export function summariseOpenCv(records: Int32Array, python: string): Float64Array {
  const dir = mkdtempSync(join(tmpdir(), 'signbench-opencv-'));
  try {
    const batch = join(dir, 'batch.bin');
    const result = join(dir, 'out.bin');
    writeFileSync(batch, new Uint8Array(records.buffer, records.byteOffset, records.byteLength));
    const r = spawnSync(python, [DRAW_SCRIPT, batch, result], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${DRAW_SCRIPT} failed (${r.status ?? r.signal}): ${r.stderr.trim().slice(-2000)}`);
    const bytes = readFileSync(result);
    const i64 = new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    return Float64Array.from(i64, (v) => Number(v));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Difference {
  index: number;
  kind: KindName;
  width: number;
  height: number;
  /** The record's arguments (limbs: the float endpoints and the stick width). */
  args: number[];
  ours: number[];
  opencv: number[];
}

/** Records whose summaries differ. */
export function differences(records: Int32Array, ours: Float64Array, opencv: Float64Array): Difference[] {
  const out: Difference[] = [];
  const n = records.length / RECORD;
  for (let i = 0; i < n; i++) {
    const a = ours.subarray(i * SUMMARY, (i + 1) * SUMMARY);
    const b = opencv.subarray(i * SUMMARY, (i + 1) * SUMMARY);
    if (a.every((v, k) => v === b[k])) continue;
    const rec = records.subarray(i * RECORD, (i + 1) * RECORD);
    const kind = rec[0];
    const args = kind === 3 ? [...Array.from(rec.subarray(3, 7), bitsFloat), rec[7]] : Array.from(rec.subarray(3, 8));
    out.push({ index: i, kind: KIND_NAMES[kind], width: rec[1], height: rec[2], args, ours: Array.from(a), opencv: Array.from(b) });
  }
  return out;
}

export interface ExactnessReport {
  opencv: string;
  compared: Record<KindName, number>;
  differing: Record<KindName, number>;
  differences: Difference[];
}

/** Draws `count` random primitives both ways and reports what differs. */
export function compareWithOpenCv(count: number, seed: number, python: string, version = ''): ExactnessReport {
  const records = randomPrimitives(count, seed);
  const theirs = summariseOpenCv(records, python);
  const ours = summariseOurs(records);
  const diffs = differences(records, ours, theirs);
  const zero = () => ({ ellipse: 0, line: 0, circle: 0, limb: 0 });
  const compared = zero();
  const differing = zero();
  for (let i = 0; i < count; i++) compared[KIND_NAMES[records[i * RECORD]]]++;
  for (const d of diffs) differing[d.kind]++;
  return { opencv: version, compared, differing, differences: diffs };
}
