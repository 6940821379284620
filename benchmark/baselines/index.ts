/**
 * Baseline rows of every suite, computed through the same scoring path as a submission and cached under
 * `<dataDir>/cache/baselines/<suite version>/<name>-<key>.json`, the key a hash of everything that made the row
 * (suite version, judge hash, scoring and signbench versions, and the generator's hash or the training data):
 * - `ground-truth`: the suite's reference poses submitted as a predictions directory (the judge's ceiling);
 * - `mean-pose`: the mean training pose held for the mean training length, for every item;
 * - `nearest-sentence`: the ground-truth poses of the training sentence with the most word overlap (retrieval);
 * - `default-generator`: the committed generator (models/generator) submitted as a model.
 * The two training-data rows need the suite's training split (the procedural corpus, or the corpus directory the
 * suite was built from); where it is not there they are left out.
 *
 * A fingerspelling suite (`info.task`) has its own rows instead (fingerspelling.ts): ground truth, `mean-pose` per
 * sign language, `nearest-word` (retrieval by letter sequence) and `char-generator` (a character-level model fitted
 * on the corpus's train split at first use; its row records the model's hash).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultModelDir as defaultGeneratorDir } from '../../generator/runtime.js';
import { loadTrainingSplits, type TrainingExample } from '../../corpus/training.js';
import { SignbenchError } from '../../pose/errors.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { canonicalJson, modelDirHash, sha256, signbenchVersion } from '../hash.js';
import { evaluateSubmission, scorePoses, SCORING_VERSION, type EvalResult, type Progress } from '../scoring/evaluate.js';
import type { Suite } from '../suite/index.js';
import { charGeneratorPoses, charModel, meanPosePerLanguage, nearestWordPoses, readTrainWords, type CharModel, type TrainWord } from './fingerspelling.js';
import { meanPoseSequence, nearestSentences } from './systems.js';

export const BASELINE_NAMES = ['ground-truth', 'mean-pose', 'nearest-sentence', 'default-generator', 'nearest-word', 'char-generator'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];
/** The rows of each kind of suite. */
const SUITE_BASELINES: readonly BaselineName[] = ['ground-truth', 'mean-pose', 'nearest-sentence', 'default-generator'];
const FINGERSPELLING_BASELINES: readonly BaselineName[] = ['ground-truth', 'mean-pose', 'nearest-word', 'char-generator'];

export interface BaselineOptions {
  dataDir: string;
  onProgress?: (p: Progress & { baseline: BaselineName }) => void;
  signal?: AbortSignal;
  /** Compute only these (default: all of the suite's). */
  only?: readonly BaselineName[];
  /** The default generator (default: models/generator). */
  generatorDir?: string;
  /** Training sequences averaged for the mean pose (default 300, as scripts/eval/models.ts). */
  meanPoseSample?: number;
}

export interface BaselineRow {
  name: BaselineName;
  result: EvalResult;
}

const METHOD_VERSIONS: Record<BaselineName, string> = {
  'ground-truth': 'ground-truth/1', 'mean-pose': 'mean-pose/1', 'nearest-sentence': 'nearest-jaccard-words/1', 'default-generator': 'generator-runtime/1',
  'nearest-word': 'nearest-letters-levenshtein/1', 'char-generator': 'fingerspelling-char/1',
};

async function trainingSplit(suite: Suite): Promise<TrainingExample[] | null> {
  const src = suite.source;
  if (!src) return null;
  if (src.kind === 'procedural') return (await loadTrainingSplits('procedural', { sentences: src.sentences, seed: src.seed })).train;
  if (!existsSync(src.dir)) return null;
  const splits = await loadTrainingSplits(src.dir).catch(() => null);
  return splits && splits.train.length > 0 ? splits.train : null;
}

/** Baseline rows of a suite (cached; computed on first use). */
export async function baselineResults(suite: Suite, opts: BaselineOptions): Promise<BaselineRow[]> {
  const fingerspelling = suite.info.task === 'fingerspelling';
  const names = fingerspelling ? FINGERSPELLING_BASELINES : SUITE_BASELINES;
  const only = new Set<BaselineName>(opts.only ?? names);
  const genDir = opts.generatorDir ?? defaultGeneratorDir();
  const sample = opts.meanPoseSample ?? 300;
  const base = {
    suite: suite.info.version, judge: suite.info.judge?.hash ?? null, scoring: SCORING_VERSION, signbench: await signbenchVersion(),
  };
  const cacheDir = join(opts.dataDir, 'cache', 'baselines', suite.info.version);
  let train: TrainingExample[] | null | undefined;
  const getTrain = async () => (train === undefined ? (train = await trainingSplit(suite)) : train);
  // Fingerspelling: the train words with their sign languages, and the char model fitted on them.
  const fsDir = suite.source?.kind === 'corpus' && existsSync(suite.source.dir) ? suite.source.dir : null;
  let words: Promise<{ version: string; words: TrainWord[] }> | undefined;
  const getWords = () => (words ??= readTrainWords(fsDir!, suite.prompts(), opts.signal));
  let model: CharModel | undefined;
  const rows: BaselineRow[] = [];
  for (const name of names) {
    if (!only.has(name)) continue;
    if (opts.signal?.aborted) throw new SignbenchError('aborted', 'baselines cancelled');
    const onProgress = (p: Progress) => opts.onProgress?.({ ...p, baseline: name });
    let what: unknown;
    if (name === 'default-generator') {
      if (!existsSync(join(genDir, 'manifest.json'))) continue;
      what = { generator: await modelDirHash(genDir) };
    } else if (fingerspelling && name !== 'ground-truth') {
      if (!fsDir) continue;
      if (name === 'char-generator') {
        const w = await getWords();
        model ??= await charModel(opts.dataDir, w.version, w.words, opts.signal);
        what = { source: suite.source, model: model.hash };
      } else {
        what = { source: suite.source, corpus: (await getWords()).version, perLanguage: true };
      }
    } else if (name === 'mean-pose' || name === 'nearest-sentence') {
      what = { source: suite.source, sample: name === 'mean-pose' ? sample : null };
    }
    const key = sha256(canonicalJson({ ...base, method: METHOD_VERSIONS[name], what })).slice(0, 16);
    const file = join(cacheDir, `${name}-${key}.json`);
    if (existsSync(file)) {
      rows.push({ name, result: JSON.parse(await readFile(file, 'utf8')) as EvalResult });
      continue;
    }
    let result: EvalResult;
    const opt = { onProgress, signal: opts.signal };
    if (name === 'ground-truth') {
      result = await evaluateSubmission(suite, { kind: 'predictions', path: suite.referenceDir }, opt);
    } else if (name === 'default-generator') {
      result = await evaluateSubmission(suite, { kind: 'model', dir: genDir }, opt);
    } else if (fingerspelling) {
      const prompts = suite.prompts();
      const t0 = performance.now();
      let poses: Map<string, PoseSequence>;
      let extra: Record<string, unknown> = {};
      if (name === 'char-generator') {
        const g = charGeneratorPoses(model!, prompts);
        poses = g.poses;
        const m = model!.manifest;
        extra = { model: { format: m.format, version: m.version, hash: model!.hash, dir: model!.dir, corpusVersion: m.corpusVersion, trainWords: m.trainWords, trainSeconds: model!.trainSeconds, unseenLetters: g.unseen, letters: g.letters } };
      } else if (name === 'mean-pose') {
        poses = meanPosePerLanguage(prompts, (await getWords()).words);
      } else {
        const picks = nearestWordPoses(prompts, (await getWords()).words);
        poses = new Map([...picks].map(([id, p]) => [id, p.seq]));
        extra = { retrieved: Object.fromEntries([...picks].map(([id, p]) => [id, p.word])) };
      }
      result = await scorePoses(suite, poses, { sha256: name === 'char-generator' ? model!.hash : key, kind: 'baseline' }, opt);
      Object.assign(result, extra);
      result.timings = { ...result.timings, total_s: Math.round((performance.now() - t0) / 10) / 100 };
    } else {
      const tr = await getTrain();
      if (!tr) continue;
      const prompts = suite.prompts();
      const poses = new Map<string, PoseSequence>();
      if (name === 'mean-pose') {
        const mean = meanPoseSequence(tr.slice(0, sample).map((e) => e.sequence()), 'mean-pose');
        for (const p of prompts) poses.set(p.id, mean);
      } else {
        const picks = nearestSentences(prompts.map((p) => p.text), tr.map((e) => e.text));
        prompts.forEach((p, i) => poses.set(p.id, tr[picks[i]!]!.sequence()));
      }
      const t0 = performance.now();
      result = await scorePoses(suite, poses, { sha256: key, kind: 'baseline' }, opt);
      result.timings = { ...result.timings, total_s: Math.round((performance.now() - t0) / 10) / 100 };
    }
    result.submission = { ...result.submission, kind: 'baseline' };
    await mkdir(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(result));
    await rename(tmp, file);
    rows.push({ name, result });
  }
  return rows;
}
