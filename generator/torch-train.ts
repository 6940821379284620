import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initBackend } from '../nn/backend.js';
import { loadCheckpoint, saveCheckpoint } from '../nn/checkpoint.js';
import { lossCurveSvg, type CurvePoint } from '../nn/curve.js';
import { LOSS_SVG } from '../nn/train-loop.js';
import type { GeneratorConfig } from './config.js';
import { writePack } from './pack.js';
import { runTorchTrainer } from './torch-child.js';
import { statsToJson } from './normalization.js';
import { CHECKPOINT_SUBDIR, exportFromCheckpoint, initFromRecord, outputMeta, prepareTraining, type TrainGeneratorOptions, type TrainGeneratorResult } from './train.js';
import { SignbenchError } from '../pose/errors.js';
import { writeFileAtomicSync } from '../pose/fsio.js';

/** The PyTorch trainer shipped beside this module. */
export const TORCH_TRAINER = join(dirname(fileURLToPath(import.meta.url)), 'torch', 'train.py');
export const PACK_SUBDIR = 'pack';
/** Steps between the trainer's progress reports. */
const LOG_EVERY = 100;

/** The tfjs trainer's options (exportModel aside: this trainer always exports) and the PyTorch run's own. */
export interface TorchTrainOptions extends Omit<TrainGeneratorOptions, 'exportModel'> {
  /** Python interpreter with PyTorch and NumPy (default: $SIGNBENCH_PYTHON or python3). */
  python?: string;
  /** auto (CUDA when PyTorch sees a GPU), cuda or cpu. */
  device?: string;
  /** Seconds: the cosine schedule runs over wall time and training stops there, instead of the config's steps. */
  timeBudget?: number;
  /** Keep <out>/pack (the training data as flat arrays) after training. */
  keepPack?: boolean;
  /** Messages of the pack step and the trainer (device, parameters, "done"), one line each. */
  onLog?: (line: string) => void;
}

/** The Python the PyTorch trainer runs with: $SIGNBENCH_PYTHON, else python3. */
export function defaultPython(): string {
  return process.env.SIGNBENCH_PYTHON ?? 'python3';
}

/** Throws a clear error unless `python` can import torch and numpy. */
export function checkTorch(python: string): string {
  const r = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__, torch.cuda.is_available())'], { encoding: 'utf8' });
  if (r.error) throw new SignbenchError('internal', `PyTorch training: cannot run ${python} (${r.error.message}); install Python 3 with PyTorch, or choose another interpreter (SIGNBENCH_PYTHON)`);
  if (r.status !== 0) throw new SignbenchError('internal', `PyTorch training: ${python} cannot import torch and numpy (${(r.stderr || '').trim().split('\n').pop()}); install PyTorch, or train with the tfjs trainer`);
  return r.stdout.trim();
}

/**
 * Writes what the PyTorch trainer starts from into <out>/pack: the training pack (train and dev splits) and the
 * initial weights as a checkpoint in <out>/pack/init (fresh from the seed, or the warm start, grown as asked).
 */
export async function packForTorch(opts: TorchTrainOptions): Promise<{ packDir: string; initDir: string; cfg: GeneratorConfig; seed: number }> {
  if (opts.resume) throw new SignbenchError('invalid-input', 'resume: the PyTorch trainer starts runs, it does not resume them (warm-start from the model instead)');
  await initBackend({ log: false });
  const prep = prepareTraining(opts);
  const packDir = join(opts.outDir, PACK_SUBDIR);
  const t0 = performance.now();
  writePack({ dir: packDir, cfg: prep.cfg, vocab: prep.vocab, stats: prep.stats, seed: prep.seed, splits: { train: opts.train, ...(opts.dev?.length ? { dev: opts.dev } : {}) } });
  opts.onLog?.(`[torch] packed ${opts.train.length} training examples in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${packDir}`);
  const initDir = join(packDir, 'init');
  saveCheckpoint(initDir, {
    params: prep.params, step: 0, config: prep.cfg, vocab: [...prep.vocab.itos],
    extra: { seed: prep.seed, corpus: opts.corpus, command: opts.command ?? null, ...(prep.stats ? { poseStats: statsToJson(prep.stats) } : {}), ...initFromRecord(prep) },
  });
  prep.params.dispose();
  return { packDir, initDir, cfg: prep.cfg, seed: prep.seed };
}

/**
 * Exports the ONNX model directory from a checkpoint the PyTorch trainer wrote: loss.svg from its history, the
 * manifest's training record from its `extra.trainer`.
 */
export function exportTorchCheckpoint(ckptDir: string, opts: Pick<TrainGeneratorOptions, 'outDir' | 'train' | 'corpus' | 'command'>): TrainGeneratorResult {
  const ck = loadCheckpoint(ckptDir);
  const cfg = ck.manifest.config as GeneratorConfig;
  const extra = ck.manifest.extra ?? {};
  const history = (Array.isArray(extra.history) ? extra.history : []) as CurvePoint[];
  writeFileAtomicSync(join(ckptDir, LOSS_SVG), lossCurveSvg([{ name: 'train', points: history }], { title: `generator ${cfg.name} (PyTorch)` }));
  const trainer = (extra.trainer ?? {}) as { device?: string; stepsPerSecond?: number };
  const metrics: Record<string, number> = { ...(extra.metrics as Record<string, number> | undefined) };
  const last = history[history.length - 1]?.loss;
  if (last !== undefined) metrics.train_loss_last = last;
  const parameters = ck.manifest.tensors.filter((t) => !t.name.startsWith('adam.')).reduce((a, t) => a + t.length, 0);
  const backend = `torch (${trainer.device ?? 'unknown device'})`;
  const seed = typeof extra.seed === 'number' ? extra.seed : 0;
  const stepsPerSecond = trainer.stepsPerSecond ?? 0;
  exportFromCheckpoint(ck, opts.outDir, {
    corpus: opts.corpus, metrics, ...outputMeta(opts.train, cfg),
    training: { command: opts.command ?? '', steps: ck.manifest.step, seed, backend, stepsPerSecond, date: new Date().toISOString(), parameters },
  });
  return { modelDir: opts.outDir, checkpointDir: ckptDir, steps: ck.manifest.step, finalLoss: last ?? NaN, stepsPerSecond, parameters, metrics, backend };
}

/**
 * Trains the generator with PyTorch (generator/torch/train.py) — on a GPU when PyTorch sees one — from the same
 * starting point, data and loss as the tfjs trainer, then exports the ONNX model directory as trainGenerator does.
 */
export async function trainGeneratorTorch(opts: TorchTrainOptions): Promise<TrainGeneratorResult> {
  const python = opts.python ?? defaultPython();
  const version = checkTorch(python);
  opts.onLog?.(`[torch] ${python}: torch ${version.replace(' True', ', CUDA available').replace(' False', ', no CUDA')}`);
  const { packDir, initDir, seed } = await packForTorch(opts);
  const ckptDir = join(opts.outDir, CHECKPOINT_SUBDIR);
  await runTorchTrainer(python, TORCH_TRAINER, [
    packDir, '--init', initDir, '--out', ckptDir, '--seed', String(seed), '--device', opts.device ?? 'auto',
    ...(opts.timeBudget ? ['--time-budget', String(opts.timeBudget)] : []), '--log-every', String(LOG_EVERY),
  ], 'PyTorch training', opts);
  const res = exportTorchCheckpoint(ckptDir, opts);
  if (!opts.keepPack) rmSync(packDir, { recursive: true, force: true });
  return res;
}
