/**
 * Corpus builders for real data: one entry point, `buildCorpus(kind, opts)`, writing a signbench corpus directory
 * (corpus/format.ts) whose version is a content hash of the source files, the options and the builder version.
 *
 * | kind | src | entries |
 * |---|---|---|
 * | `fingerspelling` | the fingerspelling lexicon folder (index.csv + .pose clips) | built-in words spelled letter by letter |
 * | `dgs` | the DGS sentences folder (`{train,test}/<name>_{original,updated}.pose`, `_metadata.json`) | one per sentence |
 * | `pt-skels` | a folder of `{train,dev,test}.skels/.text/.gloss/.files` (or `<split>.pred.skels`) | one per line |
 * | `signverse` | a SignVerse-2M shard or folder of shards | one per caption cue |
 *
 * See each module for the choices made (splits, signers, gloss timing).
 */
import type { BuildBaseOptions, BuildResult } from './common.js';
import { buildDgs, type DgsOptions } from './dgs.js';
import { buildFingerspelling, type FingerspellingOptions } from './fingerspelling/index.js';
import { buildPtSkels, type PtSkelsOptions } from './pt-skels.js';
import { buildSignVerse, type SignVerseBuildOptions } from './signverse.js';

export { BUILDER_VERSION, contentVersion, hashSplit, safeId, type BuildBaseOptions, type BuildResult } from './common.js';
export { buildDgs, listDgs, dgsGlossSpans, readDgsMetadata, DGS_SOURCE, type DgsOptions, type DgsMetadata, type DgsItem } from './dgs.js';
export { buildFingerspelling, planFingerspelling, WORDS, FINGERSPELLING_SOURCE, type FingerspellingOptions, type PlannedWord } from './fingerspelling/index.js';
export { buildPtSkels, listPtSkels, PT_SOURCE, type PtSkelsOptions } from './pt-skels.js';
export { buildSignVerse, cueFrames, SIGNVERSE_SOURCE, type SignVerseBuildOptions } from './signverse.js';

export const BUILD_KINDS = ['fingerspelling', 'dgs', 'pt-skels', 'signverse'] as const;
export type BuildKind = (typeof BUILD_KINDS)[number];

/** Options of every kind in one type (each builder reads its own and ignores the rest). */
export type BuildCorpusOptions = BuildBaseOptions
  & Partial<Omit<FingerspellingOptions, keyof BuildBaseOptions>>
  & Partial<Omit<DgsOptions, keyof BuildBaseOptions>>
  & Partial<Omit<PtSkelsOptions, keyof BuildBaseOptions>>
  & Partial<Omit<SignVerseBuildOptions, keyof BuildBaseOptions>>;

/** Builds a corpus of `kind` from `opts.src` into `opts.out`; returns the entries written and the corpus version. */
export async function buildCorpus(kind: BuildKind, opts: BuildCorpusOptions): Promise<BuildResult> {
  if (!opts || typeof opts.src !== 'string' || !opts.src) throw new Error('buildCorpus: src (the source folder) is required');
  if (typeof opts.out !== 'string' || !opts.out) throw new Error('buildCorpus: out (the corpus directory to write) is required');
  switch (kind) {
    case 'fingerspelling':
      return buildFingerspelling(opts);
    case 'dgs':
      return buildDgs(opts);
    case 'pt-skels':
      return buildPtSkels(opts);
    case 'signverse':
      return buildSignVerse(opts);
    default:
      throw new Error(`buildCorpus: unknown kind ${JSON.stringify(kind)}; known: ${BUILD_KINDS.join(', ')}`);
  }
}
