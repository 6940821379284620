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
import { meanPoseSequence, nearestSentences } from './systems.js';

export const BASELINE_NAMES = ['ground-truth', 'mean-pose', 'nearest-sentence', 'default-generator'] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

export interface BaselineOptions {
  dataDir: string;
  onProgress?: (p: Progress & { baseline: BaselineName }) => void;
  signal?: AbortSignal;
  /** Compute only these (default: all four). */
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
  const only = new Set<BaselineName>(opts.only ?? BASELINE_NAMES);
  const genDir = opts.generatorDir ?? defaultGeneratorDir();
  const sample = opts.meanPoseSample ?? 300;
  const base = {
    suite: suite.info.version, judge: suite.info.judge?.hash ?? null, scoring: SCORING_VERSION, signbench: await signbenchVersion(),
  };
  const cacheDir = join(opts.dataDir, 'cache', 'baselines', suite.info.version);
  let train: TrainingExample[] | null | undefined;
  const getTrain = async () => (train === undefined ? (train = await trainingSplit(suite)) : train);
  const rows: BaselineRow[] = [];
  for (const name of BASELINE_NAMES) {
    if (!only.has(name)) continue;
    if (opts.signal?.aborted) throw new SignbenchError('aborted', 'baselines cancelled');
    const onProgress = (p: Progress) => opts.onProgress?.({ ...p, baseline: name });
    let what: unknown;
    if (name === 'default-generator') {
      if (!existsSync(join(genDir, 'manifest.json'))) continue;
      what = { generator: await modelDirHash(genDir) };
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
