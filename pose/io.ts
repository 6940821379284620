/**
 * One door to every pose format: `detectFormat` names what a path holds, `readPoses` streams its sequences as
 * canonical DWPose-128, `writePoses` writes sequences in a chosen format. The CLI (`inspect`, `convert`), the
 * renderer, metrics and the server all read through here.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from './errors.js';
import { checkInputFile, ensureDir, readInputFile, writeFileAtomic } from './fsio.js';
import { PoseSequence } from './sequence.js';

export const POSE_FORMATS = [
  'signverse', 'pose', 'dwpose-json', 'dwpose-npz', 'openpose-json', 'pt-skels', 'islr-parquet', 'clerc',
] as const;
export type PoseFormat = (typeof POSE_FORMATS)[number];

export const WRITE_FORMATS = ['signverse-npz', 'signverse-tar', 'pose', 'dwpose-json'] as const;
export type WriteFormat = (typeof WRITE_FORMATS)[number];

export interface ReadOptions {
  limits?: Partial<ReadLimits>;
  /** Frame size for formats that do not store one (DWPose JSON/npz frames, OpenPose JSON). */
  width?: number;
  height?: number;
  fps?: number;
  /** SignVerse frames with ≥ 2 people: hand labelling `auto` (default, from the data), `stored` or `repair`. */
  signverseHands?: 'auto' | 'stored' | 'repair';
}

/** Options of the writers that have them: the SignVerse layout (`pipeline`, the default, or the dataset card's). */
export interface WriteOptions {
  signverseLayout?: 'pipeline' | 'card';
}

export interface Detected {
  format: PoseFormat;
  /** A directory of per-frame files, of shards, or of `.pose` files. */
  dir: boolean;
}

async function head(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const isTarHeader = (b: Uint8Array) => b.length >= 263 && String.fromCharCode(...b.subarray(257, 262)) === 'ustar';
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isNpy = (b: Uint8Array) => b.length >= 6 && b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === 'NUMPY';

/** Names the format of a file or directory, or throws a PoseFormatError saying what was found. */
export async function detectFormat(path: string): Promise<Detected> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new PoseFormatError(path, 'no such file or directory');
  if (st.isDirectory()) return { format: await detectDirectory(path), dir: true };
  await checkInputFile(path); // not a device, FIFO or socket: those are never opened
  const ext = extname(path).toLowerCase();
  const b = await head(path, 512);
  if (ext === '.tar' || isTarHeader(b)) return { format: 'signverse', dir: false };
  if (ext === '.pose') return { format: 'pose', dir: false };
  if (ext === '.skels') return { format: 'pt-skels', dir: false };
  if (ext === '.parquet') return { format: 'islr-parquet', dir: false };
  if (ext === '.npz' || isZip(b)) {
    return { format: basename(path) === 'poses.npz' || (await zipHasMember(path, 'frame_payloads.npy')) || (await zipHasMember(path, 'frames.npy')) ? 'signverse' : 'dwpose-npz', dir: false };
  }
  if (ext === '.npy' || isNpy(b)) return { format: 'dwpose-npz', dir: false };
  if (ext === '.json') {
    const text = new TextDecoder().decode(b);
    if (/"people"\s*:/.test(text)) return { format: 'openpose-json', dir: false };
    return { format: 'dwpose-json', dir: false };
  }
  throw new PoseFormatError(path, `unknown pose format (extension '${ext || 'none'}'); readable: ${POSE_FORMATS.join(', ')}`);
}

/** Whether the zip's central directory (the file's last 64 KiB) names `member`. */
async function zipHasMember(path: string, member: string): Promise<boolean> {
  const st = await stat(path);
  const n = Math.min(st.size, 65_536 + 22);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, st.size - n);
    return buf.includes(member);
  } finally {
    await fh.close();
  }
}

async function detectDirectory(dir: string): Promise<PoseFormat> {
  const names = await readdir(dir);
  const has = (re: RegExp) => names.some((n) => re.test(n));
  if (has(/_keypoints\.json$/i)) return 'openpose-json';
  if (names.includes('keypoints') && (names.includes('annotations') || names.includes('metadata.csv'))) return 'clerc';
  if (has(/\.tar$/i) || names.includes('npz') || names.includes('poses.npz')) return 'signverse';
  for (const n of names) {
    const s = await stat(join(dir, n)).catch(() => null);
    if (!s?.isDirectory()) continue;
    if (await stat(join(dir, n, 'npz', 'poses.npz')).catch(() => null)) return 'signverse';
    if (await stat(join(dir, n, 'poses.npz')).catch(() => null)) return 'signverse'; // the dataset card's layout
  }
  if (has(/\.pose$/i)) return 'pose';
  if (has(/\.json$/i)) return 'dwpose-json';
  if (has(/\.(npz|npy)$/i)) return 'dwpose-npz';
  if (has(/\.skels$/i)) return 'pt-skels';
  throw new PoseFormatError(dir, `no readable pose files in the directory (looked for .tar shards, <video>/npz/poses.npz, *_keypoints.json, .pose, .json, .npz/.npy, .skels, CLERC keypoints/)`);
}

/** Streams the sequences of any readable path as canonical DWPose-128. */
export async function* readPoses(path: string, opts: ReadOptions = {}): AsyncGenerator<PoseSequence> {
  let count = 0;
  for await (const seq of readFormat(path, opts)) {
    count++;
    yield seq;
  }
  // An empty, truncated or all-zero file is not a pose file with nothing in it: say so instead of "0 sequences".
  if (count === 0) throw new PoseFormatError(path, 'holds no pose sequence (empty, truncated or not a pose file?)');
}

async function* readFormat(path: string, opts: ReadOptions): AsyncGenerator<PoseSequence> {
  const { format, dir } = await detectFormat(path);
  const limits = opts.limits ?? {};
  const frame = { width: opts.width, height: opts.height, fps: opts.fps };
  switch (format) {
    case 'signverse': {
      const { readSignVerse } = await import('./signverse/index.js');
      yield* readSignVerse(path, { limits, signverseHands: opts.signverseHands });
      return;
    }
    case 'pose': {
      const { readPoseFile } = await import('./formats/pose-format.js');
      const full = { ...DEFAULT_LIMITS, ...limits };
      if (!dir) { yield await readPoseFile(path, full); return; }
      for (const n of (await readdir(path)).filter((f) => /\.pose$/i.test(f)).sort()) yield await readPoseFile(join(path, n), full);
      return;
    }
    case 'dwpose-json': {
      const { readDwposeJson } = await import('./formats/dwpose-json.js');
      yield await readDwposeJson(path, frame, limits, dir);
      return;
    }
    case 'openpose-json': {
      const { readOpenPoseJson } = await import('./formats/openpose-json.js');
      yield await readOpenPoseJson(path, frame, limits, dir);
      return;
    }
    case 'pt-skels': {
      const { readPtSkels } = await import('./formats/pt-skels.js');
      const files = dir ? (await readdir(path)).filter((f) => /\.skels$/i.test(f)).sort().map((f) => join(path, f)) : [path];
      for (const f of files) for await (const item of readPtSkels(f, limits)) yield item.seq;
      return;
    }
    case 'dwpose-npz': {
      yield await readDwposeNpz(path, frame, limits, dir);
      return;
    }
    case 'islr-parquet': {
      const { readIslrParquet } = await import('./formats/parquet-islr.js');
      yield await readIslrParquet(path, { ...DEFAULT_LIMITS, ...limits });
      return;
    }
    case 'clerc': {
      const { readClerc } = await import('./formats/clerc.js');
      yield* readClerc(path, limits);
      return;
    }
  }
}

/**
 * DWPose per-frame `.npz`/`.npy` (a pickled frame dict each): one file is a one-frame sequence; a directory of them
 * (SignVerse's per-frame mode writes `npz/<frame:08d>.npz`) is one sequence in frame-number order.
 */
async function readDwposeNpz(path: string, frame: { width?: number; height?: number; fps?: number }, limits: Partial<ReadLimits>, dir: boolean): Promise<PoseSequence> {
  const { parseDwposeFrameNpy, parseDwposeFrameNpz } = await import('./formats/dwpose-npz.js');
  const { listFrameFiles } = await import('./formats/json-frames.js');
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

/** Reads the first sequence of a path (an error when it holds none). */
export async function readFirstPose(path: string, opts: ReadOptions = {}): Promise<PoseSequence> {
  for await (const seq of readPoses(path, opts)) return seq;
  throw new PoseFormatError(path, 'holds no pose sequence');
}

/** The write format implied by an output file name, if any. */
export function formatFromExtension(out: string): WriteFormat | undefined {
  const ext = extname(out).toLowerCase();
  if (ext === '.pose') return 'pose';
  if (ext === '.npz') return 'signverse-npz';
  if (ext === '.tar') return 'signverse-tar';
  if (ext === '.json') return 'dwpose-json';
  return undefined;
}

const EXT: Record<Exclude<WriteFormat, 'signverse-tar'>, string> = { 'signverse-npz': '.npz', pose: '.pose', 'dwpose-json': '.json' };

/** A file name made from a sequence id (path separators and odd characters replaced). */
export function safeFileName(id: string): string {
  return id.replace(/[^\w.\-]+/g, '_').replace(/^\.+/, '_').slice(0, 200) || 'sequence';
}

/** Encodes one sequence in a single-file format. */
export async function encodePoses(seq: PoseSequence, format: Exclude<WriteFormat, 'signverse-tar'>, opts: WriteOptions = {}): Promise<Uint8Array> {
  switch (format) {
    case 'pose': return (await import('./formats/pose-format.js')).encodePoseFile(seq);
    case 'signverse-npz': return (await import('./signverse/index.js')).encodeSignVerseNpz(seq, { layout: opts.signverseLayout });
    case 'dwpose-json': return new TextEncoder().encode((await import('./formats/dwpose-json.js')).encodeDwposeJson(seq));
  }
}

/**
 * Writes sequences to `out`: a SignVerse shard (`signverse-tar`) holds them all; single-file formats write `out`
 * itself for one sequence, or `out/<id>.<ext>` per sequence when `out` is a directory or there are several.
 * Returns the paths written.
 */
export async function writePoses(out: string, seqs: AsyncIterable<PoseSequence> | Iterable<PoseSequence>, format: WriteFormat, opts: WriteOptions = {}): Promise<string[]> {
  if (format === 'signverse-tar') {
    const { writeSignVerseShard } = await import('./signverse/index.js');
    await writeSignVerseShard(out, seqs, { layout: opts.signverseLayout });
    return [out];
  }
  const written: string[] = [];
  const outIsDir = (await stat(out).catch(() => null))?.isDirectory() ?? extname(out) === '';
  let first: PoseSequence | undefined;
  for await (const seq of seqs) {
    if (!first && !outIsDir) { first = seq; continue; }
    if (first) {
      // a second sequence: `out` cannot be one file, so it becomes a directory of files
      throw new PoseFormatError(out, `the input holds several sequences: give a directory (or a .tar with --to signverse-tar) instead of a ${EXT[format]} file`);
    }
    await ensureDir(out);
    const p = join(out, safeFileName(seq.id) + EXT[format]);
    await writeFileAtomic(p, await encodePoses(seq, format, opts));
    written.push(p);
  }
  if (first) {
    await writeFileAtomic(out, await encodePoses(first, format, opts));
    written.push(out);
  }
  return written;
}
