/**
 * Progressive-Transformers data (PHOENIX-2014T style): `{train,dev,test}.skels` (or `<split>.pred.skels`, a model's
 * predictions) with sibling `.files`, `.text`, `.gloss` (beside the `.skels` or in its parent folder, as
 * pose/formats/pt-skels.ts finds them). One entry per line; the split comes from the file name.
 *
 * - Ids: `pt-<.files line>` made safe (`pt-dev_11August_2010_Wednesday_tagesschau-2`), so a predictions folder builds
 *   a corpus with the same ids as its reference and the two can be scored entry by entry.
 * - Glosses: PT has no gloss timings. `glossTiming: 'even'` (default) spreads the gloss tokens evenly over the
 *   sequence: approximate spans, but the gloss string survives in the manifest; `'none'` leaves glosses empty.
 * - language `de`, signLanguage `gsg`, signer `signer` option (default `unknown`: the files name no signer),
 *   source `pt-skels`, 25 fps.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PoseFormatError } from '../../pose/errors.js';
import { readPtSkels } from '../../pose/formats/pt-skels.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { writeCorpus } from '../format.js';
import type { CorpusEntry, Split } from '../entry.js';
import { contentVersion, evenSpans, requireDir, safeId, type BuildBaseOptions, type BuildResult } from './common.js';

export const PT_SOURCE = 'pt-skels';

export interface PtSkelsOptions extends BuildBaseOptions {
  /** How gloss tokens get frame spans (default 'even'). */
  glossTiming?: 'even' | 'none';
  /** Signer id of every entry (default 'unknown'). */
  signer?: string;
}

const SPLIT_OF: Readonly<Record<string, Split>> = { train: 'train', dev: 'dev', val: 'dev', test: 'test' };

/** The `.skels` files of a folder with their split, in train, dev, test order. */
export async function listPtSkels(src: string): Promise<{ file: string; split: Split }[]> {
  await requireDir(src, 'pt-skels');
  const found: { file: string; split: Split }[] = [];
  for (const name of (await readdir(src)).sort()) {
    const m = /^(train|dev|val|test)(\.pred)?\.skels$/i.exec(name);
    if (m) found.push({ file: join(src, name), split: SPLIT_OF[m[1].toLowerCase()] });
  }
  if (found.length === 0) throw new Error(`pt-skels: no train/dev/test .skels file in ${src}`);
  const order: Split[] = ['train', 'dev', 'test'];
  return found.sort((a, b) => order.indexOf(a.split) - order.indexOf(b.split) || (a.file < b.file ? -1 : 1));
}

/** The sibling files readPtSkels uses for one `.skels` (for the content version). */
async function siblings(skels: string): Promise<string[]> {
  const stem = basename(skels).replace(/\.skels$/i, '').replace(/\.pred$/i, '');
  const out: string[] = [];
  for (const ext of ['files', 'text', 'gloss']) {
    for (const dir of [dirname(skels), dirname(dirname(skels))]) {
      const p = join(dir, `${stem}.${ext}`);
      if ((await stat(p).catch(() => null))?.isFile()) { out.push(p); break; }
    }
  }
  return out;
}

/** Writes the PT corpus of `opts.src` to `opts.out`. */
export async function buildPtSkels(opts: PtSkelsOptions): Promise<BuildResult> {
  const timing = opts.glossTiming ?? 'even';
  if (timing !== 'even' && timing !== 'none') throw new Error(`pt-skels: glossTiming must be 'even' or 'none', got ${JSON.stringify(timing)}`);
  const signer = opts.signer ?? 'unknown';
  const files = await listPtSkels(opts.src);
  const sources: string[] = [];
  for (const f of files) sources.push(f.file, ...(await siblings(f.file)));
  const version = await contentVersion('pt-skels', opts.src, sources, { timing, signer });
  async function* entries(): AsyncGenerator<{ entry: CorpusEntry; seq: PoseSequence }> {
    const seen = new Set<string>();
    for (const { file, split } of files) {
      let line = 0;
      try {
        for await (const { seq } of readPtSkels(file)) {
          line++;
          let id = safeId(`pt-${seq.meta.id}`);
          if (seen.has(id)) id = safeId(`pt-${split}-${line}-${seq.meta.id}`);
          if (seen.has(id)) throw new Error(`pt-skels: ${file} line ${line}: id '${id}' appears twice`);
          seen.add(id);
          const text = seq.meta.text ?? '';
          const tokens = (seq.meta.gloss ?? '').split(/\s+/).filter(Boolean);
          const glosses = timing === 'even' ? evenSpans(tokens, seq.frames) : [];
          seq.meta = { ...seq.meta, id, text, glosses, language: 'de', signLanguage: 'gsg', signer, source: PT_SOURCE };
          const entry: CorpusEntry = {
            id, text, glosses, language: 'de', signLanguage: 'gsg', signer, split, frames: seq.frames, fps: seq.meta.fps, source: PT_SOURCE,
          };
          yield { entry, seq };
        }
      } catch (err) {
        if (err instanceof PoseFormatError) throw new Error(`pt-skels: ${err.message}`, { cause: err });
        throw err;
      }
    }
  }
  const { written } = await writeCorpus(opts.out, entries(), { version, overwrite: opts.overwrite, onProgress: (n) => opts.onProgress?.(n) });
  return { written, version };
}
