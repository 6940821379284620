import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { lossCurveSvg, type CurvePoint } from './curve.js';
import { Adam } from './optim.js';
import type { ParamStore } from './params.js';
import { SignbenchError } from '../pose/errors.js';
import { writeFileAtomicSync } from '../pose/fsio.js';

export const LOSS_SVG = 'loss.svg';

export interface StepResult {
  /** Scalar loss to minimise (kept alive by the loop; the loop disposes it). */
  loss: tf.Scalar;
  /** Terms of the loss to show beside it in the progress line (smoothed like the loss; the loop disposes them). */
  parts?: Record<string, tf.Scalar>;
}

export interface TrainLoopOptions {
  params: ParamStore;
  optimizer: Adam;
  /** Learning rate per step (0-based). */
  lr: (step: number) => number;
  /** Total steps to reach (a resumed run continues up to this). */
  steps: number;
  /**
   * Builds the loss of step `step`. Must depend only on `step` (and the run's fixed seed) so that resuming
   * reproduces the same sequence of batches and dropout masks.
   */
  lossAt: (step: number) => StepResult;
  /** Checkpoint directory: weights.bin, manifest.json, loss.svg. */
  outDir: string;
  config: unknown;
  vocab?: string[] | null;
  /** Extra manifest fields (corpus version, training command…); merged with the loop's own. */
  extra?: Record<string, unknown>;
  /** Continue from the checkpoint in outDir (weights, optimizer moments, step, loss history). */
  resume?: boolean;
  /** Save every N steps (and at the end). Default: steps/10, at least 50. */
  checkpointEvery?: number;
  /** Progress after every step: the caller draws it (the CLI as a bar or lines, the server as events). */
  onProgress?: (p: TrainProgress) => void;
  /** Stops training between steps: the loop saves a checkpoint (so that `resume` continues) and throws `aborted`. */
  signal?: AbortSignal;
  title?: string;
  /** Called after each checkpoint save. */
  onCheckpoint?: (step: number) => void;
}

/**
 * The options every trainer (generator, translator, recogniser) takes, under the same names. Trainers add their
 * model's own (config, data, corpus record).
 */
export interface TrainRunOptions {
  /** Where the checkpoint (or the model directory with its checkpoint) is written. */
  outDir: string;
  /** Steps and batch size (default: the config's). */
  steps?: number;
  batch?: number;
  seed?: number;
  /** Continue from the checkpoint in outDir. */
  resume?: boolean;
  /** Warm start from the weights of this checkpoint or model directory (fresh optimizer and schedule). */
  initFrom?: string;
  /** The command line that produced the model (recorded in the manifest). */
  command?: string;
  onProgress?: (p: TrainProgress) => void;
  /** Stops training: the trainer saves what it can and throws `aborted`. */
  signal?: AbortSignal;
}

/** What a training step reports. */
export interface TrainProgress {
  /** Steps done (resumed runs count from the checkpoint's step) of `steps`. */
  step: number;
  steps: number;
  /** The smoothed loss, with its smoothed terms, formatted: `0.01234 (ce 0.0100, aux 0.0023)`. */
  loss: string;
  stepsPerSecond: number;
  etaSeconds: number;
}

export interface TrainLoopResult {
  steps: number;
  history: CurvePoint[];
  /** Steps per second over this invocation. */
  stepsPerSecond: number;
  finalLoss: number;
}

function isCurve(x: unknown): x is CurvePoint[] {
  return Array.isArray(x) && x.every((p) => typeof p?.step === 'number' && typeof p?.loss === 'number');
}

/**
 * The shared training loop: gradient step with Adam(W), progress (loss, steps/s, ETA), periodic checkpoint with
 * optimizer state for resume, and loss.svg beside the checkpoint.
 */
export function trainLoop(opts: TrainLoopOptions): TrainLoopResult {
  const { params, optimizer, outDir } = opts;
  let start = 0;
  let history: CurvePoint[] = [];
  if (opts.resume && hasCheckpoint(outDir)) {
    const ckpt = loadCheckpoint(outDir);
    ckpt.loadInto(params);
    const opt = ckpt.optimizerTensors();
    if (opt.size > 0) optimizer.importState(ckpt.manifest.optimizerStep ?? ckpt.manifest.step, opt);
    start = ckpt.manifest.step;
    const h = ckpt.manifest.extra?.history;
    if (isCurve(h)) history = h;
  }
  const every = opts.checkpointEvery ?? Math.max(50, Math.round(opts.steps / 10));
  const save = (step: number) => {
    saveCheckpoint(outDir, {
      params, step, config: opts.config, vocab: opts.vocab ?? null,
      optimizer: optimizer.exportState(),
      extra: { ...opts.extra, history },
    });
    writeFileAtomicSync(join(outDir, LOSS_SVG), lossCurveSvg([{ name: 'train', points: history }], { title: opts.title }));
    opts.onCheckpoint?.(step);
  };
  const vars = params.variables();
  const t0 = performance.now();
  let last = history.length > 0 ? history[history.length - 1].loss : NaN;
  let emaLoss = NaN;
  const emaParts = new Map<string, number>();
  for (let step = start; step < opts.steps; step++) {
    if (opts.signal?.aborted) {
      save(step);
      throw new SignbenchError('aborted', `training stopped at step ${step} of ${opts.steps}; the checkpoint in ${outDir} resumes it`);
    }
    let parts: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const r = opts.lossAt(step);
      parts = r.parts ?? {};
      for (const t of Object.values(parts)) tf.keep(t);
      return r.loss;
    }, vars);
    last = value.dataSync()[0];
    value.dispose();
    for (const [k, t] of Object.entries(parts)) {
      const v = t.dataSync()[0];
      t.dispose();
      const prev = emaParts.get(k);
      emaParts.set(k, prev === undefined ? v : 0.95 * prev + 0.05 * v);
    }
    if (!Number.isFinite(last)) {
      for (const g of Object.values(grads)) g.dispose();
      throw new Error(`training diverged at step ${step}: loss is ${last}`);
    }
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[params.publicName(k)] = g;
    optimizer.apply(named, opts.lr(step));
    history.push({ step: step + 1, loss: last });
    emaLoss = Number.isNaN(emaLoss) ? last : 0.95 * emaLoss + 0.05 * last;
    const done = step + 1 - start;
    const sps = done / ((performance.now() - t0) / 1000);
    const loss = emaLoss.toFixed(5) + (emaParts.size > 0 ? ` (${[...emaParts].map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')})` : '');
    const eta = (opts.steps - step - 1) / sps;
    opts.onProgress?.({ step: step + 1, steps: opts.steps, loss, stepsPerSecond: sps, etaSeconds: eta });
    if ((step + 1) % every === 0 && step + 1 < opts.steps) save(step + 1);
  }
  const steps = Math.max(start, opts.steps);
  save(steps);
  const elapsed = (performance.now() - t0) / 1000;
  return { steps, history, stepsPerSecond: elapsed > 0 ? (steps - start) / elapsed : 0, finalLoss: last };
}
