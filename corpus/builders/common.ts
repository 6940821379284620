/**
 * Helpers shared by the corpus builders: content-hash versions, entry ids that are safe file names, hash splits,
 * and source paths that must stay inside the source folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { PoseSequence } from '../../pose/sequence.js';
import { hashSeed } from '../../nn/rng.js';
import type { Split } from '../entry.js';

/** Bump when any change in a builder alters its output for the same input. */
export const BUILDER_VERSION = 'signbench-builders/1';

/** Options every builder takes. */
export interface BuildBaseOptions {
  /** Source folder (or file, for signverse shards). */
  src: string;
  /** Output corpus directory. */
  out: string;
  /** Replace an existing corpus in `out`. */
  overwrite?: boolean;
  /** Called after each written entry; `total` where known up front. */
  onProgress?: (done: number, total?: number) => void;
}

export interface BuildResult {
  written: number;
  version: string;
}

/**
 * `<kind>-<sha256 prefix>` over the builder version, the kind, the options that change output, and each source
 * file's path (relative to `root`) and bytes, in sorted path order. Files are streamed, never held whole.
 */
export async function contentVersion(kind: string, root: string, files: readonly string[], settings: unknown): Promise<string> {
  const h = createHash('sha256');
  h.update(`${BUILDER_VERSION}\0${kind}\0${JSON.stringify(settings)}\0`);
  const rels = [...new Set(files.map((f) => relative(root, f).split(sep).join('/')))].sort();
  for (const rel of rels) {
    const abs = resolve(root, rel);
    const st = await stat(abs).catch(() => null);
    if (!st?.isFile()) throw new Error(`${abs}: source file is missing`);
    h.update(`${rel}\0${st.size}\0`);
    for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  }
  return `${kind}-${h.digest('hex').slice(0, 16)}`;
}

/** A short stable hex hash of a string (for ids of non-ASCII names). */
export function shortHash(s: string, chars = 8): string {
  return createHash('sha256').update(s).digest('hex').slice(0, chars);
}

/**
 * An id that writeCorpus accepts (`[A-Za-z0-9][A-Za-z0-9._-]{0,199}`): diacritics dropped, other characters become
 * `_`, a leading non-alphanumeric gets an `x` in front, and the length is capped.
 */
export function safeId(raw: string): string {
  let s = raw.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[^A-Za-z0-9._-]+/g, '_');
  if (!/^[A-Za-z0-9]/.test(s)) s = `x${s}`;
  return s.slice(0, 200);
}

/** 80/10/10 train/dev/test from a hash of `key` (salted with `salt`): the same key always lands in the same split. */
export function hashSplit(salt: string, key: string): Split {
  const r = hashSeed(salt, key) / 4294967296;
  return r < 0.8 ? 'train' : r < 0.9 ? 'dev' : 'test';
}

/** `rel` resolved under `root`; throws when it is absolute or climbs out of `root`. */
export function insideRoot(root: string, rel: string, where: string): string {
  const abs = resolve(root, rel);
  const back = relative(resolve(root), abs);
  if (isAbsolute(rel) || back === '' || back === '..' || back.startsWith('..' + sep) || isAbsolute(back)) {
    throw new Error(`${where}: path ${JSON.stringify(rel)} points outside the source folder ${root}`);
  }
  return abs;
}

/** Throws a clear error unless `path` is an existing directory. */
export async function requireDir(path: string, what: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new Error(`${what}: ${path}: no such directory`);
  if (!st.isDirectory()) throw new Error(`${what}: ${path} is not a directory`);
}

/** `n` glosses spread evenly over `frames` frames (for sources without gloss timings). */
export function evenSpans(glosses: readonly string[], frames: number): { gloss: string; start: number; end: number }[] {
  const n = glosses.length;
  return glosses.map((gloss, i) => ({ gloss, start: Math.floor((i * frames) / n), end: Math.floor(((i + 1) * frames) / n) }));
}

/**
 * Rounds every x, y to the nearest value that is a float32 pixel coordinate divided by the frame size (a change of
 * at most half a float32 ulp of the pixel value, ~1e-5 px). `.pose` stores pixels; on-grid values need no hidden
 * exact copy (pose/formats/pose-format.ts), which halves the files of composed or interpolated sequences.
 */
export function snapToPixelGrid(seq: PoseSequence): PoseSequence {
  const { width, height } = seq.meta;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) return seq;
  const d = seq.data;
  for (let i = 0; i < d.length; i += 3) {
    d[i] = Math.fround(Math.fround(d[i] * width) / width);
    d[i + 1] = Math.fround(Math.fround(d[i + 1] * height) / height);
  }
  return seq;
}
