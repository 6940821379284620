import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { PoseSequence } from '../../pose/sequence.js';
import { GeneratorRuntime, defaultModelDir as generatorDir } from '../../generator/runtime.js';
import { loadTrainingCorpus } from '../../translator/corpus-data.js';
import { Translator, defaultModelDir as translatorDir } from '../../translator/runtime.js';
import { meanPoseSequence, nearestSentences } from '../baselines/systems.js';
import { BLEU, corpusBleu } from '../metrics/text/bleu.js';
import { pairedBootstrap } from '../metrics/text/significance.js';
import { dtwMjeCorpus } from '../metrics/pose/dtw-mje.js';

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
  dtwMje: number;
  seconds: number;
  /** Generator only, when the nearest-training-sentence row is computed too: sacrebleu's paired bootstrap (1,000
   * resamples, seed 12345) of the generator's BLEU against that baseline's. */
  pValueVsNearest?: number;
}

/** Re-exported for benchmark/eval/sign.ts; the baselines live in benchmark/baselines/systems.ts. */
export { meanPoseSequence } from '../baselines/systems.js';

/** The rows evaluateModels can compute. */
export const SYSTEMS = ['truth', 'generator', 'mean', 'nearest'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export async function evaluateModels(opts: { limit?: number; generator?: string; translator?: string; meanPoseSample?: number; systems?: readonly SystemName[] } = {}): Promise<SystemRow[]> {
  const want = new Set<SystemName>(opts.systems ?? SYSTEMS);
  const corpus = await loadTrainingCorpus('procedural');
  const test = corpus.test.slice(0, opts.limit ?? 100);
  const refs = test.map((e) => e.text.toLowerCase());
  const refPoses = test.map((e) => e.sequence());
  const judge = await Translator.load(opts.translator ?? translatorDir());
  const rows: SystemRow[] = [];
  const hyps = new Map<SystemRow, string[]>();
  let gen: SystemRow | undefined;
  const score = async (system: string, poses: PoseSequence[], t0: number): Promise<SystemRow> => {
    const out = await judge.translateBatch(poses, { batchSize: 32 });
    const texts = out.map((o) => o.text);
    const bleu = corpusBleu(texts, [refs]);
    const mje = dtwMjeCorpus(poses.map((p, i) => [p, refPoses[i]] as const));
    const row = { system, sentences: test.length, bleu4: bleu.score, dtwMje: mje.dtwMje, seconds: (performance.now() - t0) / 1000 };
    rows.push(row);
    hyps.set(row, texts);
    return row;
  };
  try {
    let t0 = performance.now();
    if (want.has('truth')) await score('ground truth (judge ceiling)', refPoses, t0);

    const genDir = opts.generator ?? generatorDir();
    if (!want.has('generator')) {
      // not asked for
    } else if (existsSync(join(genDir, 'manifest.json'))) {
      t0 = performance.now();
      const runtime = await GeneratorRuntime.load(genDir);
      const poses: PoseSequence[] = [];
      for (const e of test) poses.push(await runtime.generate(e.text, { id: e.id, truncate: true }));
      await runtime.dispose();
      gen = await score(opts.generator ? `generator (${opts.generator})` : 'generator (models/generator)', poses, t0);
    } else {
      process.stderr.write(`[eval] ${genDir}: no generator model; its row is skipped\n`);
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
    if (gen) {
      const [bleu] = pairedBootstrap(hyps.get(near) ?? [], [{ name: gen.system, hyps: hyps.get(gen) ?? [] }], [refs], [new BLEU()]);
      gen.pValueVsNearest = bleu.systems[0].pValue;
    }
  } finally {
    await judge.release();
  }
  return rows;
}

export function formatTable(rows: SystemRow[], judge = 'models/translator'): string {
  const lines = [
    `Back-translation on the procedural test split (${rows[0]?.sentences ?? 0} sentences, held-out signers); judge = ${judge} (greedy)`,
    `| system | BLEU-4 ↑ | DTW-MJE ↓ | seconds |`,
    `|---|---:|---:|---:|`,
    ...rows.map((r) => `| ${r.system} | ${r.bleu4.toFixed(2)} | ${r.dtwMje.toFixed(4)} | ${r.seconds.toFixed(1)} |`),
    ...rows.filter((r) => r.pValueVsNearest !== undefined).map((r) => `\n${r.system} vs nearest training sentence, BLEU-4: paired bootstrap (1,000 resamples) p = ${r.pValueVsNearest?.toFixed(4)}`),
  ];
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string', default: '100' }, generator: { type: 'string' }, translator: { type: 'string' },
      systems: { type: 'string', default: SYSTEMS.join(',') }, json: { type: 'boolean', default: false },
    },
  });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer, got "${values.limit}"`);
  const systems = values.systems.split(',').map((x) => x.trim());
  const unknown = systems.filter((x) => !(SYSTEMS as readonly string[]).includes(x));
  if (unknown.length > 0) throw new Error(`--systems: unknown ${unknown.join(', ')} (known: ${SYSTEMS.join(', ')})`);
  const rows = await evaluateModels({ limit, generator: values.generator, translator: values.translator, systems: systems as SystemName[] });
  process.stdout.write(values.json ? JSON.stringify(rows) + '\n' : formatTable(rows, values.translator ?? 'models/translator'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => { process.stderr.write(`eval models: ${(err as Error).message}\n`); process.exitCode = 1; });
}
