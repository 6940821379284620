/**
 * Progressive Transformers `.skels` (BenSaunders27/ProgressiveTransformersSLP): one line per sequence, frames of
 * 50 joints × (x, y, z) + a counter t/(T−1), all joint values divided by 3, joints in the 3D skeleton of its
 * inverse-kinematics pipeline centred on the neck: 0–7 = OpenPose body 0–7 (nose, neck, r-shoulder, r-elbow,
 * r-wrist, l-shoulder, l-elbow, l-wrist), 8–28 = left hand 21, 29–49 = right hand 21 (checked: joint 29 sits at the
 * right wrist 4, joint 8 at the left wrist 7). Siblings `<split>.text`, `.gloss`, `.files` hold the sentence, glosses and
 * id of each line. Predictions (`<split>.pred.skels`) use the same layout.
 *
 * Canonical mapping: PT's own plotting convention (`plot_videos.py`: joints × 3 × 240 + (350, 250) in a 650×650 frame),
 * so x = (3·X·240 + 350) / 650, y = (3·Y·240 + 250) / 650, width = height = 650; z is dropped; all 50 points get c = 1,
 * the other body points and the face c = 0. fps is 25 (PHOENIX-2014T). The raw frames (counter included) are
 * available through `parsePtSkelsLine` for metrics that need them (the PT DTW score trims at the counter peak).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';
import { readInputText } from '../fsio.js';
import { PoseSequence } from '../sequence.js';
import { CHANNELS, FRAME_STRIDE, PARTS } from '../skeleton.js';

export const PT_JOINTS = 50;
export const PT_FRAME_VALUES = PT_JOINTS * 3 + 1; // 151
export const PT_FPS = 25;
export const PT_PLOT_SIZE = 650;
const PT_SCALE = 3 * 240;
const PT_OFFSET_X = 350;
const PT_OFFSET_Y = 250;

/** Canonical point index of each PT joint. */
export const PT_TO_DWPOSE: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 7,
  ...Array.from({ length: 21 }, (_, i) => PARTS.leftHand.start + i),
  ...Array.from({ length: 21 }, (_, i) => PARTS.rightHand.start + i),
];

/** One `.skels` line: `frames` × 151 values (joints ÷ 3 and the counter), as in the file. */
export interface PtSkelsRaw {
  frames: number;
  values: Float32Array;
}

/** Parses one `.skels` line; `where` names the file and line for errors. */
export function parsePtSkelsLine(line: string, where: string, limits: Partial<ReadLimits> = {}): PtSkelsRaw {
  const tokens = line.trim().split(/\s+/).filter((s) => s.length > 0);
  if (tokens.length % PT_FRAME_VALUES !== 0) {
    throw new PoseFormatError(where, `${tokens.length} values is not a multiple of ${PT_FRAME_VALUES} (50 joints × xyz + counter)`);
  }
  const frames = tokens.length / PT_FRAME_VALUES;
  const maxFrames = limits.maxFrames ?? DEFAULT_LIMITS.maxFrames;
  if (frames > maxFrames) throw new PoseFormatError(where, `${frames} frames, over the ${maxFrames}-frame limit`);
  const values = new Float32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const v = Number(tokens[i]);
    if (!Number.isFinite(v)) throw new PoseFormatError(where, `value ${i} (frame ${Math.floor(i / PT_FRAME_VALUES)}) is not a finite number: '${tokens[i].slice(0, 20)}'`);
    values[i] = v;
  }
  return { frames, values };
}

/** The counter channel of a raw PT sequence. */
export function ptCounter(raw: PtSkelsRaw): Float32Array {
  const c = new Float32Array(raw.frames);
  for (let t = 0; t < raw.frames; t++) c[t] = raw.values[t * PT_FRAME_VALUES + PT_FRAME_VALUES - 1];
  return c;
}

/** Maps raw PT frames into a canonical sequence (see the module comment for the coordinate convention). */
export function ptToSequence(raw: PtSkelsRaw, meta: { id: string; text?: string | null; gloss?: string | null }): PoseSequence {
  const data = new Float32Array(raw.frames * FRAME_STRIDE);
  for (let t = 0; t < raw.frames; t++) {
    const src = t * PT_FRAME_VALUES;
    const dst = t * FRAME_STRIDE;
    for (let j = 0; j < PT_JOINTS; j++) {
      const o = dst + PT_TO_DWPOSE[j] * CHANNELS;
      data[o] = (raw.values[src + j * 3] * PT_SCALE + PT_OFFSET_X) / PT_PLOT_SIZE;
      data[o + 1] = (raw.values[src + j * 3 + 1] * PT_SCALE + PT_OFFSET_Y) / PT_PLOT_SIZE;
      data[o + 2] = 1;
    }
  }
  return new PoseSequence(
    { id: meta.id, fps: PT_FPS, width: PT_PLOT_SIZE, height: PT_PLOT_SIZE, text: meta.text ?? null, gloss: meta.gloss ?? null, language: 'de', signLanguage: 'gsg', source: 'pt-skels' },
    data,
    new Uint8Array(raw.frames).fill(raw.frames > 0 ? 1 : 0),
  );
}

async function readLines(path: string | null, maxBytes: number): Promise<string[] | null> {
  if (!path) return null;
  const text = await readInputText(path, { maxBytes });
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** Sibling file `<split>.<ext>` of a `.skels` file, looked for beside it and in its parent (for `pred/` folders). */
async function sibling(skels: string, ext: string): Promise<string | null> {
  const split = basename(skels).replace(/\.skels$/, '').replace(/\.pred$/, '');
  for (const dir of [dirname(skels), dirname(dirname(skels))]) {
    const p = join(dir, `${split}.${ext}`);
    if (await exists(p)) return p;
  }
  return null;
}

export interface PtSkelsItem {
  raw: PtSkelsRaw;
  seq: PoseSequence;
}

/**
 * Reads a `.skels` file line by line with its sibling `.files`, `.text` and `.gloss` (when present) and yields one
 * sequence per line. A sibling with a different line count is an error naming both counts.
 */
export async function* readPtSkels(path: string, limits: Partial<ReadLimits> = {}): AsyncGenerator<PtSkelsItem> {
  const maxBytes = limits.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const lines = (await readLines(path, maxBytes)) ?? [];
  if (lines.every((l) => l.trim() === '')) throw new PoseFormatError(path, 'holds no sequence (an empty .skels file)');
  const side: Record<'files' | 'text' | 'gloss', string[] | null> = { files: null, text: null, gloss: null };
  for (const ext of ['files', 'text', 'gloss'] as const) {
    const p = await sibling(path, ext);
    const l = await readLines(p, maxBytes);
    if (l && l.length !== lines.length) throw new PoseFormatError(path, `${lines.length} sequences but ${p} has ${l.length} lines`);
    side[ext] = l;
  }
  for (let i = 0; i < lines.length; i++) {
    const raw = parsePtSkelsLine(lines[i], `${path} line ${i + 1}`, limits);
    const id = side.files?.[i]?.trim() || `${basename(path).replace(/\.skels$/, '')}-${i}`;
    yield { raw, seq: ptToSequence(raw, { id, text: side.text?.[i]?.trim() ?? null, gloss: side.gloss?.[i]?.trim() ?? null }) };
  }
}
