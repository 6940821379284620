/**
 * SignVerse-2M shards (a `.tar` shard, a directory of shards and/or video folders) → a segment corpus: each English
 * caption cue becomes one entry, frames [floor(start·fps), ceil(end·fps)) of its video at the video's fps (clamped to
 * the video), text = the cue text. Cues shorter than `minFrames` (default 8) are dropped.
 *
 * - A video without cues (no English captions, e.g. SLRTP hypothesis/reference shards) becomes one whole-video entry
 *   with its caption text or '' (`uncaptioned: 'whole'`, default), keeping its video id as entry id so that shards
 *   with matched clip ids stay matched; `'skip'` leaves such videos out.
 * - Ids: `<video id>-c<cue number, from 0>` (numbers count dropped cues too, so they are stable).
 * - Split by a hash of the video id (80/10/10, the same hash as openCorpus uses for raw shards), so a video never
 *   spans splits; signer = the video id (SignVerse names no signer); glosses empty; language `en`.
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PoseSequence } from '../../pose/sequence.js';
import { readSignVerse, readSignVerseCaptions } from '../../pose/signverse/index.js';
import { writeCorpus } from '../format.js';
import type { CorpusEntry } from '../entry.js';
import { contentVersion, hashSplit, safeId, type BuildBaseOptions, type BuildResult } from './common.js';

export const SIGNVERSE_SOURCE = 'signverse';
/** The salt format.ts uses for SignVerse video splits. */
const SPLIT_SALT = 'signverse-split';
const MAX_SOURCE_FILES = 1_000_000;

export interface SignVerseBuildOptions extends BuildBaseOptions {
  /** Drop cues shorter than this many frames (default 8). */
  minFrames?: number;
  /** What a video without caption cues becomes (default 'whole'). */
  uncaptioned?: 'whole' | 'skip';
  /** Sign language of every entry when the data does not say (default 'und'). */
  signLanguage?: string;
  /** Warnings of the SignVerse reader (default: process.emitWarning). */
  onWarning?: (message: string) => void;
}

/** Every regular file under `path` (or `path` itself), sorted. */
async function filesUnder(path: string): Promise<string[]> {
  const st = await stat(path).catch(() => null);
  if (!st) throw new Error(`signverse: ${path}: no such file or directory`);
  if (st.isFile()) return [path];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const d of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, d.name);
      if (d.isDirectory()) await walk(p);
      else if (d.isFile()) out.push(p);
      if (out.length > MAX_SOURCE_FILES) throw new Error(`signverse: more than ${MAX_SOURCE_FILES} files under ${path}`);
    }
  };
  await walk(path);
  return out;
}

/** Cue frames [floor(start·fps), ceil(end·fps)) clamped to the video. */
export function cueFrames(start: number, end: number, fps: number, frames: number): { start: number; end: number } {
  const s = Math.max(0, Math.min(frames, Math.floor(start * fps)));
  const e = Math.max(s, Math.min(frames, Math.ceil(end * fps)));
  return { start: s, end: e };
}

/** Writes the segment corpus of the shards at `opts.src` to `opts.out`. */
export async function buildSignVerse(opts: SignVerseBuildOptions): Promise<BuildResult> {
  const minFrames = opts.minFrames ?? 8;
  if (!(Number.isInteger(minFrames) && minFrames >= 1)) throw new Error(`signverse: minFrames must be a positive integer, got ${opts.minFrames}`);
  const uncaptioned = opts.uncaptioned ?? 'whole';
  if (uncaptioned !== 'whole' && uncaptioned !== 'skip') throw new Error(`signverse: uncaptioned must be 'whole' or 'skip', got ${JSON.stringify(uncaptioned)}`);
  const files = await filesUnder(opts.src);
  const root = files.length === 1 && files[0] === opts.src ? dirname(opts.src) : opts.src;
  const settings = { minFrames, uncaptioned, signLanguage: opts.signLanguage ?? null };
  const version = await contentVersion('signverse', root, files, settings);
  const readOpts = { onWarning: opts.onWarning };
  const captions = await readSignVerseCaptions(opts.src, readOpts);
  async function* entries(): AsyncGenerator<{ entry: CorpusEntry; seq: PoseSequence }> {
    const videos = new Set<string>();
    for await (const video of readSignVerse(opts.src, readOpts)) {
      const vid = video.meta.id;
      if (videos.has(vid)) throw new Error(`signverse: video id '${vid}' appears twice under ${opts.src}`);
      videos.add(vid);
      const split = hashSplit(SPLIT_SALT, vid);
      const fps = video.meta.fps;
      const signLanguage = video.meta.signLanguage ?? opts.signLanguage ?? 'und';
      const base = { language: 'en', signLanguage, signer: vid, split, fps, source: SIGNVERSE_SOURCE, glosses: [] };
      const cues = captions.get(vid)?.captions ?? [];
      if (cues.length === 0) {
        if (uncaptioned === 'skip' || video.frames === 0) continue;
        const id = safeId(vid);
        const text = (video.meta.text ?? '').replace(/\s+/g, ' ').trim();
        const seq = video.clone({ id, text, gloss: null, glosses: [], language: 'en', signLanguage, signer: vid, source: SIGNVERSE_SOURCE });
        yield { entry: { ...base, id, text, frames: seq.frames }, seq };
        continue;
      }
      for (let i = 0; i < cues.length; i++) {
        const { start, end } = cueFrames(cues[i].start, cues[i].end, fps, video.frames);
        if (end - start < minFrames) continue;
        const id = safeId(`${vid}-c${String(i).padStart(3, '0')}`);
        const text = cues[i].text.replace(/\s+/g, ' ').trim();
        const seq = video.slice(start, end, { id, text, gloss: null, glosses: [], language: 'en', signLanguage, signer: vid, source: SIGNVERSE_SOURCE });
        yield { entry: { ...base, id, text, frames: seq.frames }, seq };
      }
    }
  }
  const { written } = await writeCorpus(opts.out, entries(), { version, overwrite: opts.overwrite, onProgress: (n) => opts.onProgress?.(n) });
  return { written, version };
}
