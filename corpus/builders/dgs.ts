/**
 * DGS sentences (fluent-pose-synthesis sample of the Public DGS Corpus): `<split>/<name>_original.pose`,
 * `<name>_updated.pose` and `<name>_metadata.json` (sentence.english / german, sentence.start in ms of the
 * document, glosses {gloss[], start[], end[]} in ms of the document).
 *
 * - `variant: 'original'` (default): the real signing; glosses become frame spans of the clip: (ms − sentence.start)
 *   at the file's fps, start floored, end ceiled, both clamped to [0, frames] (a gloss outside the clip keeps an empty
 *   span, so the gloss string stays whole).
 * - `variant: 'updated'`: the dictionary-stitched "system output" of the same sentences, with the same ids, so a
 *   benchmark can score updated against original entry by entry. Its glosses have no timing of their own: they are
 *   spread evenly over the sequence.
 * - Text: English (`language: 'en'`, default) or German (`'de'`).
 * - Split: the set is for evaluation, so every entry is `test`, unless `keepFolderSplit` keeps the folder's split
 *   (`train`/`dev`/`test`).
 * - Signer: `dgs-<document_id>` (the metadata names no informant; a document holds two).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { PoseFormatError } from '../../pose/errors.js';
import { readInputText } from '../../pose/fsio.js';
import { readPoseFile } from '../../pose/formats/pose-format.js';
import type { GlossSpan, PoseSequence } from '../../pose/sequence.js';
import { writeCorpus } from '../format.js';
import type { CorpusEntry, Split } from '../entry.js';
import { contentVersion, evenSpans, requireDir, safeId, type BuildBaseOptions, type BuildResult } from './common.js';

export const DGS_SOURCE = 'dgs-corpus';
export const DGS_SIGN_LANGUAGE = 'gsg';
const MAX_METADATA_BYTES = 1024 * 1024;
const MAX_POSE_BYTES = 512 * 1024 * 1024;

export interface DgsOptions extends BuildBaseOptions {
  /** Which sequences: the real signing or the stitched system output (default 'original'). */
  variant?: 'original' | 'updated';
  /** Text language (default 'en'). */
  language?: 'en' | 'de';
  /** Keep the folder's split instead of marking every entry 'test' (default false). */
  keepFolderSplit?: boolean;
}

const metadataSchema = z.object({
  document_id: z.union([z.string(), z.number()]).transform(String),
  id: z.union([z.string(), z.number()]).transform(String).optional(),
  sentence: z.object({
    start: z.number().finite(),
    end: z.number().finite().optional(),
    english: z.string(),
    german: z.string(),
    glosses: z.object({ gloss: z.array(z.string()), start: z.array(z.number().finite()), end: z.array(z.number().finite()) }),
  }),
});
export type DgsMetadata = z.infer<typeof metadataSchema>;

export interface DgsItem {
  /** Folder (train/dev/test) and file stem (`train_10`). */
  folder: string;
  name: string;
  metadataFile: string;
  poseFile: string;
  metadata: DgsMetadata;
}

const FOLDER_SPLITS: Readonly<Record<string, Split>> = { train: 'train', dev: 'dev', val: 'dev', validation: 'dev', test: 'test' };

/** Reads and checks one `_metadata.json`. */
export async function readDgsMetadata(path: string): Promise<DgsMetadata> {
  const text = await readInputText(path, { maxBytes: MAX_METADATA_BYTES });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message})`);
  }
  const parsed = metadataSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue.path.join('.') || 'metadata'}: ${issue.message}`);
  }
  const g = parsed.data.sentence.glosses;
  if (g.start.length !== g.gloss.length || g.end.length !== g.gloss.length) {
    throw new Error(`${path}: sentence.glosses has ${g.gloss.length} glosses, ${g.start.length} starts and ${g.end.length} ends`);
  }
  return parsed.data;
}

/** The sentences under `src` (its split folders, sorted by folder then by natural name order). */
export async function listDgs(src: string, variant: 'original' | 'updated' = 'original'): Promise<DgsItem[]> {
  await requireDir(src, 'dgs sentences');
  const folders = (await readdir(src, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const items: DgsItem[] = [];
  for (const folder of folders) {
    const names = (await readdir(join(src, folder))).filter((n) => n.endsWith('_metadata.json')).map((n) => n.slice(0, -'_metadata.json'.length));
    names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of names) {
      const metadataFile = join(src, folder, `${name}_metadata.json`);
      const poseFile = join(src, folder, `${name}_${variant}.pose`);
      items.push({ folder, name, metadataFile, poseFile, metadata: await readDgsMetadata(metadataFile) });
    }
  }
  if (items.length === 0) throw new Error(`dgs sentences: no <split>/<name>_metadata.json under ${src}`);
  return items;
}

/** Gloss spans of an `_original` clip: ms of the document → frames of the clip, clamped to [0, frames]. */
export function dgsGlossSpans(m: DgsMetadata, fps: number, frames: number): GlossSpan[] {
  const g = m.sentence.glosses;
  const clamp = (v: number) => Math.max(0, Math.min(frames, v));
  return g.gloss.map((gloss, i) => {
    const start = clamp(Math.floor(((g.start[i] - m.sentence.start) * fps) / 1000));
    const end = clamp(Math.ceil(((g.end[i] - m.sentence.start) * fps) / 1000));
    return { gloss, start, end: Math.max(start, end) };
  });
}

/** Writes the DGS sentence corpus to `opts.out`. */
export async function buildDgs(opts: DgsOptions): Promise<BuildResult> {
  const variant = opts.variant ?? 'original';
  const language = opts.language ?? 'en';
  if (variant !== 'original' && variant !== 'updated') throw new Error(`dgs: variant must be 'original' or 'updated', got ${JSON.stringify(variant)}`);
  if (language !== 'en' && language !== 'de') throw new Error(`dgs: language must be 'en' or 'de', got ${JSON.stringify(language)}`);
  const items = await listDgs(opts.src, variant);
  for (const it of items) {
    const st = await stat(it.poseFile).catch(() => null);
    if (!st?.isFile()) throw new Error(`dgs sentences: ${it.poseFile} is missing (metadata ${it.metadataFile} has no ${variant} pose)`);
  }
  const settings = { variant, language, keepFolderSplit: !!opts.keepFolderSplit };
  const version = await contentVersion(`dgs-${variant}`, opts.src, items.flatMap((it) => [it.metadataFile, it.poseFile]), settings);
  async function* entries(): AsyncGenerator<{ entry: CorpusEntry; seq: PoseSequence }> {
    for (const it of items) {
      let seq: PoseSequence;
      try {
        seq = await readPoseFile(it.poseFile, { maxBytes: MAX_POSE_BYTES });
      } catch (err) {
        if (err instanceof PoseFormatError) throw new Error(`dgs sentences: ${err.message}`, { cause: err });
        throw err;
      }
      const m = it.metadata;
      const fps = seq.meta.fps;
      const glosses = variant === 'original' ? dgsGlossSpans(m, fps, seq.frames) : evenSpans(m.sentence.glosses.gloss, seq.frames);
      const split: Split = opts.keepFolderSplit ? FOLDER_SPLITS[it.folder.toLowerCase()] ?? 'test' : 'test';
      const id = safeId(`dgs-${it.name}`);
      const text = (language === 'en' ? m.sentence.english : m.sentence.german).trim();
      const signer = `dgs-${m.document_id}`;
      seq.meta = {
        ...seq.meta, id, text, gloss: m.sentence.glosses.gloss.join(' '), glosses, language, signLanguage: DGS_SIGN_LANGUAGE,
        signer, source: DGS_SOURCE,
      };
      const entry: CorpusEntry = {
        id, text, glosses, language, signLanguage: DGS_SIGN_LANGUAGE, signer, split, frames: seq.frames, fps, source: DGS_SOURCE,
      };
      yield { entry, seq };
    }
  }
  const total = items.length;
  const { written } = await writeCorpus(opts.out, entries(), { version, overwrite: opts.overwrite, onProgress: (n) => opts.onProgress?.(n, total) });
  return { written, version };
}
