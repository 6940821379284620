/**
 * SignVerse-2M on disk: tar shards (`Sign_DWPose_NPZ_000001.tar`), directories of shards, extracted video folders
 * (`<vid>/npz/poses.npz` + `<vid>/captions/*.vtt`) and bare `poses.npz` files. Reading streams: one video's bytes at
 * a time. Writing produces the shard layout of the pipeline (Python tarfile, PAX headers).
 */
import { createWriteStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';
import { checkInputFile, readInputFile, readInputText, withAtomicFile } from '../fsio.js';
import type { PoseSequence } from '../sequence.js';
import { readTar, readTarFile, TarWriter } from '../tar.js';
import { formatVtt, selectSignVerseCaptions, type SignVerseCaptions } from './captions.js';
import { formatCompleteMarker, parseCompleteMarker } from './complete.js';
import { defaultWarn, encodeSignVerseNpz, parseSignVerseNpz, type SignVerseEncodeOptions } from './npz.js';
import type { SignVerseHandsMode } from './hands.js';

export interface SignVerseReadOptions {
  limits?: Partial<ReadLimits>;
  /** Receives non-fatal findings (default: process.emitWarning). */
  onWarning?: (message: string) => void;
  /** Hand labelling of frames with ≥ 2 people (hands.ts): `auto` (default), `stored` or `repair`. */
  signverseHands?: SignVerseHandsMode;
}

/** What one video folder contributes, collected while streaming. */
interface VideoFiles {
  /** Folder path inside the archive (or on disk): `<vid>`, `dataset/<vid>`, ... */
  folder: string;
  npz: Uint8Array | null;
  /** poses.npz's path inside the folder when not the pipeline's `npz/poses.npz` (the card's `poses.npz`). */
  npzName?: string;
  complete: string | null;
  captions: { name: string; text: string }[];
}

const utf8 = new TextDecoder('utf-8');

/**
 * Classifies an archive path: which video folder it belongs to and what it is; null for anything else. The
 * pipeline's layout is `<vid>/npz/poses.npz`, `<vid>/npz/.complete`, `<vid>/captions/*.vtt`; the dataset card's is
 * `<vid>/poses.npz`, `<vid>/caption.json` and `<vid>.complete` (beside the folder, or inside it).
 */
function classify(path: string): { folder: string; kind: 'npz' | 'complete' | 'caption' } | null {
  const parts = path.split('/');
  const name = parts[parts.length - 1];
  const sub = parts[parts.length - 2];
  const folder = parts.slice(0, -2).join('/');
  if (sub === 'npz' && name === 'poses.npz') return { folder, kind: 'npz' };
  if (sub === 'npz' && name === '.complete') return { folder, kind: 'complete' };
  if (sub === 'captions' && (name.toLowerCase().endsWith('.vtt') || name.endsWith('.captions.json'))) return { folder, kind: 'caption' };
  const parent = parts.slice(0, -1).join('/');
  if (name === 'poses.npz') return { folder: parent, kind: 'npz' };
  if (name === 'caption.json') return { folder: parent, kind: 'caption' };
  const vid = name.endsWith('.complete') ? name.slice(0, -'.complete'.length) : '';
  if (vid !== '') return { folder: sub === vid ? parent : [...parts.slice(0, -1), vid].join('/'), kind: 'complete' };
  return null;
}

function videoFromFiles(v: VideoFiles, where: string, opts: SignVerseReadOptions): PoseSequence | null {
  const warn = opts.onWarning ?? defaultWarn;
  const label = `${where}${v.folder ? `:${v.folder}` : ''}`;
  if (!v.npz) {
    warn(`${label}: no npz/poses.npz; skipped`);
    return null;
  }
  const folderId = v.folder.split('/').pop() || undefined;
  const npzFile = `${label}/${v.npzName ?? 'npz/poses.npz'}`;
  const seq = parseSignVerseNpz(v.npz, npzFile, undefined, opts.limits, { onWarning: warn, signverseHands: opts.signverseHands });
  if (!seq.meta.id && folderId) seq.meta.id = folderId;
  const caps = selectSignVerseCaptions(seq.meta.id, v.captions);
  if (caps.text !== null) {
    seq.meta.text = caps.text;
    seq.meta.language = 'en';
  }
  if (caps.signLanguage) seq.meta.signLanguage = caps.signLanguage;
  if (v.complete !== null) {
    const m = parseCompleteMarker(v.complete);
    if (m.fps !== null && m.fps !== seq.meta.fps) warn(`${label}: .complete says fps=${m.fps}, poses.npz says ${seq.meta.fps}`);
    if (m.frames !== null && m.frames !== seq.frames) warn(`${label}: .complete says frames=${m.frames}, poses.npz holds ${seq.frames}`);
    if (m.videoId !== null && m.videoId !== seq.meta.id) warn(`${label}: .complete says video_id=${m.videoId}, poses.npz says ${seq.meta.id}`);
  }
  return seq;
}

/**
 * Streams the videos of one tar shard (bytes, a stream, or async chunks). Videos are yielded when the archive moves
 * on to another folder, so a shard is never held in memory. Captions (`.vtt`, `.captions.json`) give meta.text.
 */
export async function* readSignVerseTar(
  source: Uint8Array | AsyncIterable<Uint8Array>,
  file: string,
  opts: SignVerseReadOptions = {},
): AsyncGenerator<PoseSequence> {
  for await (const v of tarVideos(source, file, opts, true)) {
    const seq = videoFromFiles(v, file, opts);
    if (seq) yield seq;
  }
}

async function* tarVideos(
  source: Uint8Array | AsyncIterable<Uint8Array> | { path: string },
  file: string,
  opts: SignVerseReadOptions,
  withPoses: boolean,
): AsyncGenerator<VideoFiles> {
  let current: VideoFiles | null = null;
  const want = (name: string): boolean => {
    const c = classify(name);
    return c !== null && (withPoses || c.kind !== 'npz');
  };
  // A file on disk is read with positioned reads: only the members wanted, each straight into its buffer. The
  // poses.npz bytes go into one reused buffer while no video that is not yet handed on holds it (a video is parsed
  // before the caller asks for the next one).
  let shared = new Uint8Array(0);
  const buffer = (size: number): Uint8Array => {
    if (current?.npz?.buffer === shared.buffer && shared.length > 0) return new Uint8Array(size);
    if (shared.length < size) shared = new Uint8Array(Math.max(size, Math.min(2 * shared.length, 1 << 30)));
    return shared.subarray(0, size);
  };
  const members = 'path' in source
    ? readTarFile(source.path, file, { limits: opts.limits, want, buffer })
    : readTar(source, file, { limits: opts.limits, want });
  for await (const m of members) {
    const c = classify(m.name);
    if (!c || m.type !== 'file') continue;
    if (current && current.folder !== c.folder) {
      yield current;
      current = null;
    }
    current ??= { folder: c.folder, npz: null, complete: null, captions: [] };
    if (c.kind === 'npz') {
      if (!m.name.endsWith('/npz/poses.npz')) current.npzName = 'poses.npz';
      if (m.data) current.npz = m.data;
      else current.npz = new Uint8Array(0); // present but not read (captions-only pass)
    } else if (m.data) {
      if (c.kind === 'complete') current.complete = utf8.decode(m.data);
      else current.captions.push({ name: m.name, text: utf8.decode(m.data) });
    }
  }
  if (current) yield current;
}

async function readFolder(dir: string, withPoses: boolean, limits: ReadLimits): Promise<VideoFiles> {
  const v: VideoFiles = { folder: basename(dir), npz: null, complete: null, captions: [] };
  if (await isFile(join(dir, 'poses.npz'))) {
    // the dataset card's layout: <vid>/poses.npz, <vid>/caption.json, <vid>.complete beside (or in) the folder
    v.npzName = 'poses.npz';
    if (withPoses) v.npz = await readBounded(join(dir, 'poses.npz'), limits);
    const marker = `${basename(dir)}.complete`;
    v.complete = (await readOptionalText(join(dirname(dir), marker))) ?? (await readOptionalText(join(dir, marker)));
    const caption = await readOptionalText(join(dir, 'caption.json'));
    if (caption !== null) v.captions.push({ name: 'caption.json', text: caption });
    return v;
  }
  const npzPath = join(dir, 'npz', 'poses.npz');
  if (withPoses) v.npz = await readBounded(npzPath, limits);
  v.complete = await readOptionalText(join(dir, 'npz', '.complete'));
  const capDir = join(dir, 'captions');
  const names = await readdir(capDir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    if (!name.toLowerCase().endsWith('.vtt') && !name.endsWith('.captions.json')) continue;
    const text = await readInputText(join(capDir, name), { maxBytes: SMALL_FILE_BYTES });
    v.captions.push({ name, text });
  }
  return v;
}

/** Largest `.complete` marker or caption file read (they are a few KiB). */
const SMALL_FILE_BYTES = 64 * 1024 * 1024;

/** A small side file (marker, captions) as text, bounded; null when there is no such file. */
async function readOptionalText(path: string): Promise<string | null> {
  return (await isFile(path)) ? readInputText(path, { maxBytes: SMALL_FILE_BYTES }) : null;
}

function readBounded(path: string, limits: ReadLimits): Promise<Uint8Array> {
  return readInputFile(path, { maxBytes: limits.maxBytes });
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

/** Whether a file starts like a zip (an npz) rather than a tar. */
async function looksLikeZip(path: string): Promise<boolean> {
  await checkInputFile(path);
  const fh = await open(path, 'r');
  try {
    const b = new Uint8Array(4);
    await fh.read(b, 0, 4, 0);
    return b[0] === 0x50 && b[1] === 0x4b;
  } finally {
    await fh.close();
  }
}

type Source = { kind: 'tar'; path: string } | { kind: 'folder'; path: string } | { kind: 'npz'; path: string };

/** Lists what a path holds, in sorted order: shards, video folders (depth ≤ 4), or one file. */
async function sources(path: string, limits: ReadLimits, depth = 0): Promise<Source[]> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new PoseFormatError(path, 'no such file or directory');
  if (st.isFile()) {
    if (path.toLowerCase().endsWith('.npz') || (await looksLikeZip(path))) return [{ kind: 'npz', path }];
    return [{ kind: 'tar', path }];
  }
  if (!st.isDirectory()) throw new PoseFormatError(path, 'neither a file nor a directory');
  if (await isFile(join(path, 'npz', 'poses.npz')) || (await isFile(join(path, 'poses.npz')))) return [{ kind: 'folder', path }];
  if (depth >= 4) return [];
  const names = (await readdir(path)).sort();
  if (names.length > limits.maxEntries) throw new PoseFormatError(path, `more than ${limits.maxEntries} entries`);
  const out: Source[] = [];
  for (const name of names) {
    const p = join(path, name);
    const s = await stat(p).catch(() => null);
    if (!s) continue;
    if (s.isFile() && name.toLowerCase().endsWith('.tar')) out.push({ kind: 'tar', path: p });
    else if (s.isDirectory()) out.push(...(await sources(p, limits, depth + 1)));
  }
  return out;
}

/**
 * Reads SignVerse-2M poses from `path`: a `.tar` shard, a directory of shards and/or video folders, one extracted
 * video folder (`<vid>/npz/poses.npz` + `<vid>/captions/*.vtt`), or a bare `poses.npz` (captions taken from a
 * sibling `../captions` folder when the file sits in `<vid>/npz/`). Yields one PoseSequence per video.
 */
export async function* readSignVerse(path: string, opts: SignVerseReadOptions = {}): AsyncGenerator<PoseSequence> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  for (const src of await sources(path, limits)) {
    if (src.kind === 'tar') {
      await checkInputFile(src.path);
      for await (const v of tarVideos({ path: src.path }, src.path, opts, true)) {
        const seq = videoFromFiles(v, src.path, opts);
        if (seq) yield seq;
      }
    } else if (src.kind === 'folder') {
      const v = await readFolder(src.path, true, limits);
      const seq = videoFromFiles({ ...v, folder: '' }, src.path, opts);
      if (seq) yield seq;
    } else {
      const npz = await readBounded(src.path, limits);
      const inVideo = basename(dirname(src.path)) === 'npz' && basename(src.path) === 'poses.npz';
      const v: VideoFiles = inVideo
        ? { ...(await readFolder(dirname(dirname(src.path)), false, limits)), npz, folder: '' }
        : { folder: '', npz, complete: null, captions: [] };
      const seq = inVideo
        ? videoFromFiles(v, dirname(dirname(src.path)), opts)
        : parseSignVerseNpz(npz, src.path, undefined, opts.limits, { onWarning: opts.onWarning, signverseHands: opts.signverseHands });
      if (seq) yield seq;
    }
  }
}

/**
 * The English captions (cues and text) of every video under `path` (same path kinds as readSignVerse), keyed by
 * the video folder name. Tar shards are streamed without reading the pose data.
 */
export async function readSignVerseCaptions(path: string, opts: SignVerseReadOptions = {}): Promise<Map<string, SignVerseCaptions>> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const out = new Map<string, SignVerseCaptions>();
  for (const src of await sources(path, limits)) {
    if (src.kind === 'tar') {
      await checkInputFile(src.path);
      for await (const v of tarVideos({ path: src.path }, src.path, opts, false)) {
        const id = v.folder.split('/').pop() ?? v.folder;
        out.set(id, selectSignVerseCaptions(id, v.captions));
      }
    } else {
      const folder = src.kind === 'folder' ? src.path : basename(dirname(src.path)) === 'npz' ? dirname(dirname(src.path)) : dirname(src.path);
      const v = await readFolder(folder, false, limits);
      const id = basename(folder);
      out.set(id, selectSignVerseCaptions(id, v.captions));
    }
  }
  return out;
}

export interface SignVerseShardWriteOptions extends SignVerseEncodeOptions {
  /** Member mtime in seconds since the epoch (default: now). */
  mtime?: number;
  /**
   * `pipeline` (default): `<id>/captions/<id>.en.vtt`, `<id>/npz/.complete`, `<id>/npz/poses.npz` with
   * frame_payloads, as the extraction pipeline writes them. `card`: the dataset card's `<id>.complete`,
   * `<id>/caption.json` and `<id>/poses.npz` (pixel coordinates, `frames`).
   */
  layout?: 'pipeline' | 'card';
}

/** A video id usable as a folder name in a shard. */
function checkId(id: string): string {
  if (!id || id === '.' || id === '..' || /[/\\\0]/.test(id)) throw new Error(`writeSignVerseShard: video id ${JSON.stringify(id)} cannot be a folder name`);
  return id;
}

/**
 * Writes sequences as a SignVerse-2M tar shard at `outPath`, streaming (one video in memory at a time). Per video:
 * `<id>/`, `<id>/captions/<id>.en.vtt` (when meta.text: one cue spanning the sequence), `<id>/npz/.complete`,
 * `<id>/npz/poses.npz`, in the sorted order and PAX layout of Python's tarfile. The shard is written to a temporary
 * name beside `outPath` and renamed when complete; on an error nothing is left behind.
 */
export async function writeSignVerseShard(
  outPath: string,
  seqs: Iterable<PoseSequence> | AsyncIterable<PoseSequence>,
  opts: SignVerseShardWriteOptions = {},
): Promise<void> {
  await withAtomicFile(outPath, (tmp) => writeShardTo(tmp, seqs, opts));
}

async function writeShardTo(
  outPath: string,
  seqs: Iterable<PoseSequence> | AsyncIterable<PoseSequence>,
  opts: SignVerseShardWriteOptions,
): Promise<void> {
  const out = createWriteStream(outPath, { flags: 'wx' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  const tar = new TarWriter(out);
  const enc = new TextEncoder();
  const seen = new Set<string>();
  const work = async () => {
    for await (const seq of seqs) {
      const id = checkId(seq.meta.id);
      if (seen.has(id)) throw new Error(`writeSignVerseShard: video id '${id}' appears twice`);
      seen.add(id);
      const mtime = opts.mtime ?? Date.now() / 1000;
      if (opts.layout === 'card') {
        await addCardVideo(tar, seq, id, mtime, opts);
        continue;
      }
      await tar.addDirectory(id, mtime);
      const text = seq.meta.text?.trim();
      if (text) {
        await tar.addDirectory(`${id}/captions`, mtime);
        const vtt = formatVtt([{ start: 0, end: seq.frames / seq.meta.fps, text }], 'en');
        await tar.addFile(`${id}/captions/${id}.en.vtt`, enc.encode(vtt), mtime);
      }
      await tar.addDirectory(`${id}/npz`, mtime);
      const npz = encodeSignVerseNpz(seq, opts);
      await tar.addFile(`${id}/npz/.complete`, enc.encode(formatCompleteMarker(id, seq.meta.fps, seq.frames, new Date(mtime * 1000))), mtime);
      await tar.addFile(`${id}/npz/poses.npz`, npz, mtime);
    }
    await tar.finish();
    out.end();
    await finished(out);
  };
  try {
    await Promise.race([work(), failed]);
  } catch (err) {
    // Wait for the stream to close: one destroyed before its file was opened still creates it afterwards, and the
    // temporary file must exist (or not) for good before withAtomicFile removes it.
    if (!out.closed) await new Promise<void>((resolve) => { out.once('close', () => resolve()); out.destroy(); });
    throw err; // withAtomicFile removes the temporary file: no half-written shard is left behind
  }
}

/** One video in the dataset card's layout (sorted like Python's tarfile: `<id>.complete` sorts before `<id>/`). */
async function addCardVideo(tar: TarWriter, seq: PoseSequence, id: string, mtime: number, opts: SignVerseShardWriteOptions): Promise<void> {
  const enc = new TextEncoder();
  const npz = encodeSignVerseNpz(seq, { ...opts, layout: 'card' });
  await tar.addFile(`${id}.complete`, enc.encode(formatCompleteMarker(id, seq.meta.fps, seq.frames, new Date(mtime * 1000))), mtime);
  await tar.addDirectory(id, mtime);
  const text = seq.meta.text?.trim();
  if (text) {
    const caption = {
      video_id: id,
      sign_language: seq.meta.signLanguage ?? null,
      english_source: seq.meta.language === 'en' || !seq.meta.language ? 'manual_or_auto_en' : seq.meta.language,
      document_text: text,
      segments: [{ start: 0, end: Number((seq.frames / seq.meta.fps).toFixed(3)), text }],
    };
    await tar.addFile(`${id}/caption.json`, enc.encode(`${JSON.stringify(caption, null, 2)}\n`), mtime);
  }
  await tar.addFile(`${id}/poses.npz`, npz, mtime);
}
