/**
 * One door to every pose format: `detectFormat` names what a path holds, `readPoses` streams its sequences as
 * canonical DWPose-128, `writePoses` writes sequences in a chosen format. The CLI (`inspect`, `convert`), the
 * renderer, metrics and the server all read through here.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DEFAULT_LIMITS, PoseFormatError, SignbenchError, type ReadLimits } from './errors.js';
import { checkInputFile, ensureDir, readInputText, writeFileAtomic } from './fsio.js';
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
  if (ext === '.json') return { format: await sniffJson(path, st.size, b), dir: false };
  throw new PoseFormatError(path, `unknown pose format (extension '${ext || 'none'}'); readable: ${POSE_FORMATS.join(', ')}`);
}

/** JSON files up to this size are parsed for sniffing; bigger ones are judged by their first bytes. */
const SNIFF_PARSE_BYTES = 1 << 20;

/**
 * DWPose or OpenPose JSON, as the format modules' own looks… tests say (a file small enough to parse here), else
 * by its first bytes (`b`). Unparsable JSON goes to the DWPose reader, which names the problem.
 */
async function sniffJson(path: string, size: number, b: Uint8Array): Promise<PoseFormat> {
  if (size <= SNIFF_PARSE_BYTES) {
    let doc: unknown;
    try {
      doc = JSON.parse(await readInputText(path, { maxBytes: SNIFF_PARSE_BYTES }));
    } catch {
      doc = undefined;
    }
    if (doc !== undefined) {
      if ((await import('./formats/dwpose-json.js')).looksLikeDwposeJson(doc)) return 'dwpose-json';
      if ((await import('./formats/openpose-json.js')).looksLikeOpenPoseJson(doc)) return 'openpose-json';
    }
  }
  return /"people"\s*:/.test(new TextDecoder().decode(b)) ? 'openpose-json' : 'dwpose-json';
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
      const { readDwposeNpz } = await import('./formats/dwpose-npz.js');
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

/** Writes one sequence to `file` in the format its extension names (.pose, .npz, .tar, .json), making its folder. */
export async function writePoseFile(file: string, seq: PoseSequence): Promise<void> {
  const format = formatFromExtension(file);
  if (!format) throw new SignbenchError('invalid-input', `${file}: unknown extension "${extname(file)}" (use .pose, .npz, .tar or .json)`);
  await ensureDir(dirname(resolve(file)));
  await writePoses(file, [seq], format);
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
      throw new PoseFormatError(out, `the input holds several sequences: give a directory (or a .tar in the signverse-tar format) instead of a ${EXT[format]} file`);
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

/** Formats `parsePoseBytes` reads from memory (directory layouts like CLERC need paths). */
export const BYTE_FORMATS = ['signverse', 'pose', 'dwpose-json', 'dwpose-npz', 'openpose-json', 'pt-skels', 'islr-parquet'] as const;
export type ByteFormat = (typeof BYTE_FORMATS)[number];

const isParquet = (b: Uint8Array) => b.length >= 8 && String.fromCharCode(...b.subarray(0, 4)) === 'PAR1';
const isPoseHeader = (b: Uint8Array) => {
  if (b.length < 12) return false;
  const v = Math.round(new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true) * 1000) / 1000;
  return v === 0 || v === 0.1 || v === 0.2;
};

/** Names the format of bytes from their magic (and a file name hint's extension); a PoseFormatError when unknown. */
export function detectFormatFromBytes(bytes: Uint8Array, name = '<input>'): ByteFormat {
  const ext = extname(name).toLowerCase();
  if (ext === '.pose') return 'pose';
  if (ext === '.skels') return 'pt-skels';
  if (isTarHeader(bytes) || ext === '.tar') return 'signverse';
  if (isParquet(bytes) || ext === '.parquet') return 'islr-parquet';
  if (isZip(bytes)) return new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20))).includes('frame_payloads') ? 'signverse' : 'dwpose-npz';
  if (isNpy(bytes)) return 'dwpose-npz';
  const first = bytes.find((c) => c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09);
  if (first === 0x7b || first === 0x5b) {
    return /"people"\s*:/.test(new TextDecoder().decode(bytes.subarray(0, 4096))) ? 'openpose-json' : 'dwpose-json';
  }
  if (isPoseHeader(bytes)) return 'pose';
  throw new PoseFormatError(name, `unknown pose format (${bytes.length} bytes, no known signature); readable from bytes: ${BYTE_FORMATS.join(', ')}`);
}

/**
 * Parses the sequences held in `bytes` (an upload, a message) without touching the file system. `format` defaults to
 * what `detectFormatFromBytes` finds; `name` labels errors. Honours `opts.limits` like the path readers.
 */
export async function parsePoseBytes(bytes: Uint8Array, format?: ByteFormat | PoseFormat, name = '<input>', opts: ReadOptions = {}): Promise<PoseSequence[]> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  if (bytes.length > limits.maxBytes) throw new PoseFormatError(name, `${bytes.length} bytes exceed the limit of ${limits.maxBytes}`, { kind: 'too-large' });
  if (bytes.length === 0) throw new PoseFormatError(name, 'empty input');
  const fmt = format ?? detectFormatFromBytes(bytes, name);
  const frame = { width: opts.width, height: opts.height, fps: opts.fps };
  const json = (): unknown => {
    try {
      return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (err) {
      throw new PoseFormatError(name, `not valid JSON (${(err as Error).message})`);
    }
  };
  switch (fmt) {
    case 'pose': return [(await import('./formats/pose-format.js')).parsePoseFile(bytes, name, limits)];
    case 'signverse': {
      const sv = await import('./signverse/index.js');
      if (isZip(bytes)) return [sv.parseSignVerseNpz(bytes, name, undefined, limits, { onWarning: () => undefined })];
      const out: PoseSequence[] = [];
      for await (const seq of sv.readSignVerseTar(bytes, name, { limits, onWarning: () => undefined })) out.push(seq);
      if (out.length === 0) throw new PoseFormatError(name, 'the archive holds no <video>/npz/poses.npz');
      return out;
    }
    case 'dwpose-json': return [(await import('./formats/dwpose-json.js')).parseDwposeJson(json(), name, frame, limits)];
    case 'openpose-json': {
      const doc = json();
      return [(await import('./formats/openpose-json.js')).parseOpenPoseFrames(Array.isArray(doc) ? doc : [doc], name, frame, limits)];
    }
    case 'dwpose-npz': {
      const { parseDwposeFrameNpy, parseDwposeFrameNpz } = await import('./formats/dwpose-npz.js');
      const meta = { ...(frame.width ? { width: frame.width } : {}), ...(frame.height ? { height: frame.height } : {}), ...(frame.fps ? { fps: frame.fps } : {}) };
      return [isNpy(bytes) ? parseDwposeFrameNpy(bytes, name, meta, limits) : parseDwposeFrameNpz(bytes, name, meta, limits)];
    }
    case 'pt-skels': {
      const { parsePtSkelsLine, ptToSequence } = await import('./formats/pt-skels.js');
      const lines = new TextDecoder().decode(bytes).split(/\r?\n/).filter((l) => l.trim() !== '');
      if (lines.length > limits.maxEntries) throw new PoseFormatError(name, `${lines.length} lines, over the ${limits.maxEntries}-entry limit`, { kind: 'too-large' });
      return lines.map((l, i) => ptToSequence(parsePtSkelsLine(l, `${name} line ${i + 1}`, limits), { id: `${basename(name).replace(/\.skels$/, '')}-${i}` }));
    }
    case 'islr-parquet': return [await (await import('./formats/parquet-islr.js')).parseIslrParquet(bytes, name, limits)];
    case 'clerc': throw new PoseFormatError(name, 'CLERC is a directory layout and cannot be read from bytes');
  }
  throw new PoseFormatError(name, `unknown pose format '${String(fmt)}'; readable from bytes: ${BYTE_FORMATS.join(', ')}`);
}
