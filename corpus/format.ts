import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { z } from 'zod';
import { DEFAULT_LIMITS, PoseFormatError, SignbenchError, type ReadLimits } from '../pose/errors.js';
import { ensureDir, readInputFile, writeFileAtomic } from '../pose/fsio.js';
import type { PoseSequence } from '../pose/sequence.js';
import { encodePoseFile, parsePoseFile } from '../pose/formats/pose-format.js';
import { readSignVerse, writeSignVerseShard } from '../pose/signverse/index.js';
import { hashSeed } from '../nn/rng.js';
import type { CorpusEntry, Split } from './entry.js';

/**
 * A corpus on disk: a directory with
 * - `corpus.json`: `{ format: "signbench-corpus", formatVersion: 1, version }` (the corpus version, e.g. the
 *   procedural content hash),
 * - `manifest.jsonl`: one CorpusEntry per line plus `file`, the entry's pose file relative to the directory,
 * - `poses/<id>.pose`: one pose-format v0.2 file per sequence (DWPose-128, see pose/formats/pose-format.ts).
 * Text, glosses, signer and split live in the manifest (a `.pose` file has no place for them); `read` puts them
 * back into the sequence's meta. Nothing in the files depends on the time of writing, so the same input gives
 * byte-identical directories.
 *
 * A directory of SignVerse-2M shards (`*.tar`) or video folders opens as a corpus too (read-only): entries are
 * listed by streaming the shards once; splits are assigned by a hash of the video id (80/10/10), which says nothing
 * about signer independence.
 */

export const MANIFEST = 'manifest.jsonl';
export const CORPUS_JSON = 'corpus.json';
export const POSES_DIR = 'poses';

export interface ManifestEntry extends CorpusEntry {
  file: string;
}

export interface CorpusInfo {
  dir: string;
  format: 'signbench' | 'signverse';
  version: string;
  entries: number;
  splits: Record<Split, number>;
  signers: number;
  signersBySplit: Record<Split, string[]>;
  languages: string[];
  signLanguages: string[];
  /** Distinct glosses over all entries (0 where the corpus has no glosses). */
  vocabulary: number;
  frames: number;
  /** Total duration in hours. */
  hours: number;
}

export interface Corpus {
  readonly dir: string;
  readonly version: string;
  entries(split?: Split): CorpusEntry[];
  read(entry: CorpusEntry): Promise<PoseSequence>;
  stream(split?: Split): AsyncGenerator<{ entry: CorpusEntry; seq: PoseSequence }>;
  info(): CorpusInfo;
}

export interface WriteCorpusOptions {
  /** Called after each sequence with the count written so far. */
  onProgress?: (written: number) => void;
  /** Corpus version recorded in corpus.json (default: `unversioned`). */
  version?: string;
  /** Replace an existing corpus in `dir` (default: refuse). */
  overwrite?: boolean;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

const glossSpanSchema = z.object({ gloss: z.string(), start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
const entrySchema = z.object({
  id: z.string().regex(SAFE_ID),
  text: z.string(),
  glosses: z.array(glossSpanSchema),
  language: z.string(),
  signLanguage: z.string(),
  signer: z.string(),
  split: z.enum(['train', 'dev', 'test']),
  frames: z.number().int().nonnegative(),
  fps: z.number().positive(),
  source: z.string(),
  file: z.string().min(1),
});
const corpusJsonSchema = z.object({ format: z.literal('signbench-corpus'), formatVersion: z.literal(1), version: z.string() });

/** The manifest line of an entry, with a fixed key order (stable bytes). */
function manifestLine(e: CorpusEntry, file: string): string {
  const m: ManifestEntry = {
    id: e.id, text: e.text, glosses: e.glosses.map((g) => ({ gloss: g.gloss, start: g.start, end: g.end })),
    language: e.language, signLanguage: e.signLanguage, signer: e.signer, split: e.split, frames: e.frames, fps: e.fps,
    source: e.source, file,
  };
  return JSON.stringify(m) + '\n';
}

/**
 * Writes `items` as a corpus directory, streaming: one sequence in memory at a time. The manifest is written to a
 * temporary name and renamed at the end, so a crashed write never leaves a manifest that lists missing files.
 */
export async function writeCorpus(
  dir: string,
  items: Iterable<{ entry: CorpusEntry; seq: PoseSequence }> | AsyncIterable<{ entry: CorpusEntry; seq: PoseSequence }>,
  opts: WriteCorpusOptions = {},
): Promise<{ written: number }> {
  if (existsSync(join(dir, MANIFEST)) && !opts.overwrite) {
    throw new SignbenchError('conflict', `${dir} already holds a corpus (${MANIFEST})`, { detail: { path: dir, option: 'overwrite' } });
  }
  if (opts.overwrite) await rm(join(dir, POSES_DIR), { recursive: true, force: true });
  await ensureDir(join(dir, POSES_DIR));
  const tmp = join(dir, `${MANIFEST}.partial`);
  const manifest = await open(tmp, 'w');
  const seen = new Set<string>();
  let written = 0;
  try {
    for await (const { entry, seq } of items) {
      if (!SAFE_ID.test(entry.id)) throw new Error(`writeCorpus: entry id ${JSON.stringify(entry.id)} cannot be a file name`);
      if (seen.has(entry.id)) throw new Error(`writeCorpus: entry id '${entry.id}' appears twice`);
      seen.add(entry.id);
      if (seq.frames !== entry.frames) {
        throw new Error(`writeCorpus: entry '${entry.id}' says ${entry.frames} frames, its sequence has ${seq.frames}`);
      }
      const file = `${POSES_DIR}/${entry.id}.pose`;
      await writeFileAtomic(join(dir, file), encodePoseFile(seq));
      await manifest.write(manifestLine(entry, file));
      written++;
      opts.onProgress?.(written);
    }
  } finally {
    await manifest.close();
  }
  await writeFileAtomic(join(dir, CORPUS_JSON), JSON.stringify({ format: 'signbench-corpus', formatVersion: 1, version: opts.version ?? 'unversioned' }) + '\n');
  await rename(tmp, join(dir, MANIFEST));
  return { written };
}

function computeInfo(dir: string, format: CorpusInfo['format'], version: string, entries: readonly CorpusEntry[]): CorpusInfo {
  const splits: Record<Split, number> = { train: 0, dev: 0, test: 0 };
  const signersBySplit: Record<Split, Set<string>> = { train: new Set(), dev: new Set(), test: new Set() };
  const signers = new Set<string>();
  const languages = new Set<string>();
  const signLanguages = new Set<string>();
  const vocab = new Set<string>();
  let frames = 0;
  let seconds = 0;
  for (const e of entries) {
    splits[e.split]++;
    signersBySplit[e.split].add(e.signer);
    signers.add(e.signer);
    if (e.language) languages.add(e.language);
    if (e.signLanguage) signLanguages.add(e.signLanguage);
    for (const g of e.glosses) vocab.add(g.gloss);
    frames += e.frames;
    seconds += e.fps > 0 ? e.frames / e.fps : 0;
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    dir, format, version, entries: entries.length, splits, signers: signers.size,
    signersBySplit: { train: sorted(signersBySplit.train), dev: sorted(signersBySplit.dev), test: sorted(signersBySplit.test) },
    languages: sorted(languages), signLanguages: sorted(signLanguages), vocabulary: vocab.size, frames,
    hours: seconds / 3600,
  };
}

/** A manifest `file` must stay inside the corpus directory. */
function safeJoin(dir: string, file: string, where: string): string {
  const n = normalize(file);
  if (isAbsolute(file) || n === '..' || n.startsWith('..' + sep) || n.startsWith('../')) {
    throw new PoseFormatError(where, `file ${JSON.stringify(file)} points outside the corpus directory`);
  }
  return join(dir, n);
}

function readBounded(path: string, limits: ReadLimits): Promise<Uint8Array> {
  return readInputFile(path, { maxBytes: limits.maxBytes });
}

async function openManifestCorpus(dir: string, limits: ReadLimits): Promise<Corpus> {
  const manifestPath = join(dir, MANIFEST);
  const text = new TextDecoder().decode(await readBounded(manifestPath, limits));
  const entries: ManifestEntry[] = [];
  const ids = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    if (entries.length >= limits.maxEntries) throw new PoseFormatError(manifestPath, `more than ${limits.maxEntries} entries`);
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new PoseFormatError(manifestPath, `line ${i + 1}: not JSON (${(err as Error).message})`);
    }
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PoseFormatError(manifestPath, `line ${i + 1}: ${issue.path.join('.') || 'entry'}: ${issue.message}`);
    }
    if (ids.has(parsed.data.id)) throw new PoseFormatError(manifestPath, `line ${i + 1}: id '${parsed.data.id}' appears twice`);
    ids.add(parsed.data.id);
    safeJoin(dir, parsed.data.file, `${manifestPath} line ${i + 1}`);
    entries.push(parsed.data);
  }
  let version = 'unversioned';
  const cj = join(dir, CORPUS_JSON);
  if (existsSync(cj)) {
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder().decode(await readBounded(cj, limits)));
    } catch (err) {
      throw new PoseFormatError(cj, `not JSON (${(err as Error).message})`);
    }
    const parsed = corpusJsonSchema.safeParse(raw);
    if (!parsed.success) throw new PoseFormatError(cj, `not a signbench corpus description: ${parsed.error.issues[0].message}`);
    version = parsed.data.version;
  }
  const byId = new Map(entries.map((e) => [e.id, e] as const));
  const read = async (entry: CorpusEntry): Promise<PoseSequence> => {
    const m = byId.get(entry.id);
    if (!m) throw new Error(`corpus ${dir}: no entry '${entry.id}'`);
    const path = safeJoin(dir, m.file, manifestPath);
    const seq = parsePoseFile(await readBounded(path, limits), path, limits);
    if (seq.frames !== m.frames) throw new PoseFormatError(path, `holds ${seq.frames} frames, the manifest says ${m.frames}`);
    seq.meta = {
      ...seq.meta, id: m.id, fps: m.fps, text: m.text, gloss: m.glosses.map((g) => g.gloss).join(' ') || null,
      glosses: m.glosses.map((g) => ({ ...g })), language: m.language, signLanguage: m.signLanguage, signer: m.signer,
      source: m.source,
    };
    return seq;
  };
  return corpusOf(dir, 'signbench', version, entries.map(stripFile), read);
}

function stripFile(m: ManifestEntry): CorpusEntry {
  const { file: _file, ...e } = m;
  return e;
}

function corpusOf(dir: string, format: CorpusInfo['format'], version: string, all: CorpusEntry[],
  read: (e: CorpusEntry) => Promise<PoseSequence>): Corpus {
  let info: CorpusInfo | undefined;
  return {
    dir,
    version,
    entries: (split?: Split) => (split ? all.filter((e) => e.split === split) : all.slice()),
    read,
    async *stream(split?: Split) {
      for (const entry of all) {
        if (split && entry.split !== split) continue;
        yield { entry, seq: await read(entry) };
      }
    },
    info: () => (info ??= computeInfo(dir, format, version, all)),
  };
}

function hashSplit(id: string): Split {
  const r = hashSeed('signverse-split', id) / 4294967296;
  return r < 0.8 ? 'train' : r < 0.9 ? 'dev' : 'test';
}

function entryOfSequence(seq: PoseSequence, split: Split): CorpusEntry {
  const m = seq.meta;
  return {
    id: m.id, text: m.text ?? '', glosses: m.glosses?.map((g) => ({ ...g })) ?? [], language: m.language ?? 'en',
    signLanguage: m.signLanguage ?? 'und', signer: m.signer ?? 'unknown', split, frames: seq.frames, fps: m.fps,
    source: m.source ?? 'signverse',
  };
}

async function openSignVerseCorpus(dir: string, limits: ReadLimits): Promise<Corpus> {
  // Each child (shard or video folder) is one source; reading an entry re-streams only its own source.
  const names = (await readdir(dir)).sort();
  const sources: string[] = [];
  for (const name of names) {
    const p = join(dir, name);
    const st = await stat(p).catch(() => null);
    if (!st) continue;
    if ((st.isFile() && name.toLowerCase().endsWith('.tar')) || st.isDirectory()) sources.push(p);
  }
  if (existsSync(join(dir, 'npz', 'poses.npz'))) sources.splice(0, sources.length, dir);
  const entries: CorpusEntry[] = [];
  const sourceOf = new Map<string, string>();
  for (const src of sources) {
    for await (const seq of readSignVerse(src, { limits })) {
      if (sourceOf.has(seq.meta.id)) throw new PoseFormatError(src, `video id '${seq.meta.id}' appears twice in ${dir}`);
      sourceOf.set(seq.meta.id, src);
      entries.push(entryOfSequence(seq, hashSplit(seq.meta.id)));
      if (entries.length > limits.maxEntries) throw new PoseFormatError(dir, `more than ${limits.maxEntries} videos`);
    }
  }
  if (entries.length === 0) throw new PoseFormatError(dir, `neither ${MANIFEST} nor any SignVerse shard or video folder`);
  const read = async (entry: CorpusEntry): Promise<PoseSequence> => {
    const src = sourceOf.get(entry.id);
    if (!src) throw new Error(`corpus ${dir}: no video '${entry.id}'`);
    for await (const seq of readSignVerse(src, { limits })) if (seq.meta.id === entry.id) return seq;
    throw new PoseFormatError(src, `video '${entry.id}' has disappeared since the corpus was opened`);
  };
  return corpusOf(dir, 'signverse', `signverse:${entries.length}`, entries, read);
}

/**
 * Opens a corpus directory: a signbench corpus (manifest.jsonl) or a directory of SignVerse-2M shards. Entries are
 * listed up front; sequences are read on demand.
 */
export async function openCorpus(dir: string, opts: { limits?: Partial<ReadLimits> } = {}): Promise<Corpus> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const st = await stat(dir).catch(() => null);
  if (!st) throw new Error(`openCorpus: ${dir}: no such directory`);
  if (!st.isDirectory()) {
    if (dir.toLowerCase().endsWith('.tar')) return openSignVerseFile(dir, limits);
    throw new Error(`openCorpus: ${dir} is not a directory`);
  }
  if (existsSync(join(dir, MANIFEST))) return openManifestCorpus(dir, limits);
  return openSignVerseCorpus(dir, limits);
}

/** One SignVerse shard file opened as a corpus. */
async function openSignVerseFile(path: string, limits: ReadLimits): Promise<Corpus> {
  const entries: CorpusEntry[] = [];
  for await (const seq of readSignVerse(path, { limits })) entries.push(entryOfSequence(seq, hashSplit(seq.meta.id)));
  const read = async (entry: CorpusEntry): Promise<PoseSequence> => {
    for await (const seq of readSignVerse(path, { limits })) if (seq.meta.id === entry.id) return seq;
    throw new Error(`corpus ${path}: no video '${entry.id}'`);
  };
  return corpusOf(path, 'signverse', `signverse:${entries.length}`, entries, read);
}

/**
 * Writes a corpus as SignVerse-2M shards `Sign_DWPose_NPZ_000001.tar`, … of `shardSize` videos each (captions carry
 * the text; glosses, signer and split have no place in that schema and are dropped). Streams one video at a time.
 */
export async function exportSignVerse(corpus: Corpus, outDir: string,
  opts: { shardSize?: number; split?: Split; onProgress?: (written: number) => void; mtime?: number } = {}): Promise<{ shards: string[]; videos: number }> {
  const shardSize = opts.shardSize ?? 1000;
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error(`exportSignVerse: shardSize must be a positive integer, got ${shardSize}`);
  await mkdir(outDir, { recursive: true });
  const entries = corpus.entries(opts.split);
  const shards: string[] = [];
  let videos = 0;
  for (let s = 0; s * shardSize < entries.length; s++) {
    const chunk = entries.slice(s * shardSize, (s + 1) * shardSize);
    const path = join(outDir, `Sign_DWPose_NPZ_${String(s + 1).padStart(6, '0')}.tar`);
    async function* seqs(): AsyncGenerator<PoseSequence> {
      for (const e of chunk) {
        yield await corpus.read(e);
        videos++;
        opts.onProgress?.(videos);
      }
    }
    await writeSignVerseShard(path, seqs(), { mtime: opts.mtime ?? 0 });
    shards.push(path);
  }
  return { shards, videos };
}
