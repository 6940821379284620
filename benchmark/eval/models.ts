import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PoseSequence } from '../../pose/sequence.js';
import { GeneratorRuntime, defaultModelDir as generatorDir } from '../../generator/runtime.js';
import { loadTrainingCorpus } from '../../translator/corpus-data.js';
import { Translator, defaultModelDir as translatorDir } from '../../translator/runtime.js';
import { meanPoseSequence, nearestSentences } from '../baselines/systems.js';
import { BLEU } from '../metrics/text/bleu.js';
import { CHRF } from '../metrics/text/chrf.js';
import { defaultRng } from '../metrics/text/numpyrng.js';
import { estimateCi, pairedBootstrap } from '../metrics/text/significance.js';
import { dtwMje } from '../metrics/pose/dtw-mje.js';
import { proceduralCorpus, SIGNERS, TEST_SIGNERS } from '../../corpus/procedural/index.js';

/**
 * Back-translation benchmark of the text→pose generator against two baselines on the procedural TEST split
 * (held-out signers): every system turns each test sentence into poses, the translator (the judge) turns the poses
 * back into text, and we score BLEU-4 against the sentence and DTW-MJE against the ground-truth poses.
 *
 * Systems: ground truth (the judge's ceiling), the generator (models/generator), mean pose (the average training pose
 * held for the average training length) and nearest training sentence (the ground-truth poses of the training
 * sentence with the most word overlap: a retrieval baseline).
 */
export interface SystemRow {
  system: string;
  /** Test sentences scored. */
  sentences: number;
  bleu4: number;
  /** chrF (sacrebleu defaults: character 6-grams, β 2). */
  chrf: number;
  /** 95% half-intervals of BLEU-4 and chrF (sacrebleu's bootstrap: 1,000 resamples, seed 12345). */
  bleu4Ci: number;
  chrfCi: number;
  dtwMje: number;
  /** 95% half-interval of DTW-MJE (the same bootstrap resamples of the sentences, mean of the per-pair values). */
  dtwMjeCi: number;
  seconds: number;
  /** Generators only, when the nearest-training-sentence row is computed too: sacrebleu's paired bootstrap (1,000
   * resamples, seed 12345) of the generator's BLEU (and chrF) against that baseline's. */
  pValueVsNearest?: number;
  chrfPValueVsNearest?: number;
}

/** Mean and 95% half-interval of per-sentence values under sacrebleu's bootstrap resamples (numpy default_rng). */
export function bootstrapMean(values: readonly number[], nSamples = 1000, seed = 12345): { mean: number; ci: number } {
  const n = values.length;
  const rng = defaultRng(seed);
  const idx = new Int32Array(n);
  const means = new Float64Array(nSamples);
  for (let b = 0; b < nSamples; b++) {
    rng.choice(n, idx);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += values[idx[k]];
    means[b] = sum / n;
  }
  return { mean: values.reduce((a, v) => a + v, 0) / n, ci: estimateCi(means, false).ci };
}

/** The rows evaluateModels can compute. `floor`: each test sentence signed by a training signer (what a generator
 * that knew the training signers perfectly would score against the held-out ones). */
export const SYSTEMS = ['truth', 'generator', 'floor', 'mean', 'nearest'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export interface EvaluateOptions {
  limit?: number;
  /** Generator model directories (default: models/generator); `generator` is the one-model form. */
  generators?: string[];
  generator?: string;
  translator?: string;
  meanPoseSample?: number;
  systems?: readonly SystemName[];
  /** Called with what was skipped and why (a generator directory without a model). */
  onWarning?: (message: string) => void;
}

export async function evaluateModels(opts: EvaluateOptions = {}): Promise<SystemRow[]> {
  const want = new Set<SystemName>(opts.systems ?? SYSTEMS);
  const corpus = await loadTrainingCorpus('procedural');
  const test = corpus.test.slice(0, opts.limit ?? 100);
  const refs = test.map((e) => e.text.toLowerCase());
  const refPoses = test.map((e) => e.sequence());
  const judge = await Translator.load(opts.translator ?? translatorDir());
  const rows: SystemRow[] = [];
  const hyps = new Map<SystemRow, string[]>();
  const gens: SystemRow[] = [];
  const score = async (system: string, poses: PoseSequence[], t0: number): Promise<SystemRow> => {
    const out = await judge.translateBatch(poses, { batchSize: 32 });
    const texts = out.map((o) => o.text);
    const [bleu, chrf] = pairedBootstrap(texts, [], [refs], [new BLEU(), new CHRF()]);
    const mje = bootstrapMean(poses.map((p, i) => dtwMje(p, refPoses[i]).dtwMje));
    const row: SystemRow = {
      system, sentences: test.length, bleu4: bleu.baseline.score, bleu4Ci: bleu.baseline.ci, chrf: chrf.baseline.score, chrfCi: chrf.baseline.ci,
      dtwMje: mje.mean, dtwMjeCi: mje.ci, seconds: (performance.now() - t0) / 1000,
    };
    rows.push(row);
    hyps.set(row, texts);
    return row;
  };
  try {
    let t0 = performance.now();
    if (want.has('truth')) await score('ground truth (judge ceiling)', refPoses, t0);

    const genDirs = opts.generators ?? [opts.generator ?? generatorDir()];
    for (const genDir of want.has('generator') ? genDirs : []) {
      if (!existsSync(join(genDir, 'manifest.json'))) {
        opts.onWarning?.(`${genDir}: no generator model; its row is skipped`);
        continue;
      }
      t0 = performance.now();
      const runtime = await GeneratorRuntime.load(genDir);
      const poses: PoseSequence[] = [];
      for (const e of test) poses.push(await runtime.generate(e.text, { id: e.id, truncate: true }));
      await runtime.release();
      gens.push(await score(`generator (${genDir === generatorDir() ? 'models/generator' : genDir}, ${runtime.architecture})`, poses, t0));
    }

    if (want.has('floor')) {
      t0 = performance.now();
      const proc = proceduralCorpus();
      const byId = new Map(proc.entries.map((e) => [e.id, e]));
      const trainSigners = SIGNERS.map((_, i) => i).filter((i) => !TEST_SIGNERS.includes(i));
      const poses = test.map((e, k) => {
        const entry = byId.get(e.id);
        if (!entry) throw new Error(`floor: test entry ${e.id} is not in the procedural corpus`);
        return proc.sequenceBy(entry, trainSigners[k % trainSigners.length]);
      });
      await score('same sentence, training signer (floor)', poses, t0);
    }

    if (want.has('mean')) {
      t0 = performance.now();
      const sample = corpus.train.slice(0, opts.meanPoseSample ?? 300).map((e) => e.sequence());
      const mean = meanPoseSequence(sample, 'mean-pose');
      await score('mean pose', test.map(() => mean), t0);
    }
    if (!want.has('nearest')) return rows;
    t0 = performance.now();
    const picks = nearestSentences(test.map((e) => e.text), corpus.train.map((e) => e.text));
    const nearest = picks.map((i) => corpus.train[i].sequence());
    const near = await score('nearest training sentence', nearest, t0);
    if (gens.length > 0) {
      const [bleu, chrf] = pairedBootstrap(hyps.get(near) ?? [], gens.map((g) => ({ name: g.system, hyps: hyps.get(g) ?? [] })), [refs], [new BLEU(), new CHRF()]);
      gens.forEach((g, i) => {
        g.pValueVsNearest = bleu.systems[i].pValue;
        g.chrfPValueVsNearest = chrf.systems[i].pValue;
      });
    }
  } finally {
    await judge.release();
  }
  return rows;
}

export function formatTable(rows: SystemRow[], judge = 'models/translator'): string {
  const pm = (v: number, ci: number, digits: number) => `${v.toFixed(digits)} ± ${ci.toFixed(digits)}`;
  const lines = [
    `Back-translation on the procedural test split (${rows[0]?.sentences ?? 0} sentences, held-out signers); judge = ${judge} (greedy); ± = 95% bootstrap half-interval`,
    `| system | BLEU-4 ↑ | chrF ↑ | DTW-MJE ↓ | p vs nearest (BLEU / chrF) | seconds |`,
    `|---|---:|---:|---:|---:|---:|`,
    ...rows.map((r) => `| ${r.system} | ${pm(r.bleu4, r.bleu4Ci, 2)} | ${pm(r.chrf, r.chrfCi, 2)} | ${pm(r.dtwMje, r.dtwMjeCi, 4)} | ${r.pValueVsNearest !== undefined ? `${r.pValueVsNearest.toFixed(4)} / ${r.chrfPValueVsNearest?.toFixed(4)}` : ''} | ${r.seconds.toFixed(1)} |`),
  ];
  return lines.join('\n') + '\n';
}
