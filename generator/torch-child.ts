import { spawn } from 'node:child_process';
import type { TrainProgress } from '../nn/train-loop.js';
import { SignbenchError } from '../pose/errors.js';

export interface TorchChildOptions {
  /** Each progress line of the trainer (`[torch] step 120/1000 loss …`), parsed. */
  onProgress?: (p: TrainProgress) => void;
  /** Every other line the trainer writes on stderr (device, parameter count, "done"). */
  onLog?: (line: string) => void;
  /** Kills the trainer (SIGTERM) and rejects with an `aborted` error. */
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

// `[torch] step 120/1000 loss 0.01234 (pose 0.01, hand 0.002) lr 1.00e-03 12.3 steps/s ETA 45 s`; a time-budgeted run
// prints no total (`step 120 loss …`).
const PROGRESS = /^\[\w+\] step (\d+)(?:\/(\d+))? loss (.+?) lr \S+ ([\d.]+) steps\/s ETA (\d+) s$/;

/** A trainer's stderr line as progress, or null when it is another message. */
export function parseProgressLine(line: string): TrainProgress | null {
  const m = PROGRESS.exec(line);
  if (!m) return null;
  const step = Number(m[1]);
  const stepsPerSecond = Number(m[4]);
  const etaSeconds = Number(m[5]);
  const steps = m[2] !== undefined ? Number(m[2]) : step + Math.round(etaSeconds * stepsPerSecond);
  return { step, steps, loss: m[3], stepsPerSecond, etaSeconds };
}

/**
 * Runs a PyTorch trainer script (generator/torch/train.py or train_nar.py) as a child process. Its stderr lines
 * become `onProgress` and `onLog` calls (nothing is written to this process's stderr); the last lines are kept for
 * the error when it fails. `what` names the trainer in errors.
 */
export function runTorchTrainer(python: string, script: string, args: string[], what: string, opts: TorchChildOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new SignbenchError('aborted', `${what}: stopped before the trainer started`));
      return;
    }
    const child = spawn(python, [script, ...args], { env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    let partial = '';
    const line = (l: string) => {
      if (l === '') return;
      const p = parseProgressLine(l);
      if (p) opts.onProgress?.(p);
      else opts.onLog?.(l);
    };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) line(l.replace(/\r$/, ''));
    });
    const onAbort = () => child.kill('SIGTERM');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new SignbenchError('internal', `${what}: cannot run ${python} (${e.message})`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort);
      line(partial);
      if (code === 0) resolve();
      else if (opts.signal?.aborted) reject(new SignbenchError('aborted', `${what}: stopped (the trainer was killed)`));
      else {
        const last = tail.trim().split('\n').filter((l) => !PROGRESS.test(l)).pop();
        reject(new SignbenchError('internal', `${what}: the PyTorch trainer failed (${signal ? `signal ${signal}` : `exit ${code}`})${last ? `: ${last}` : ''}`));
      }
    });
  });
}
