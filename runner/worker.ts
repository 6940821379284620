import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isSignbenchError } from '../pose/errors.js';
import { runnerConfig } from './config.js';
import type { RunQueue } from './queue/types.js';
import { LogTail, scoreInChild, type SandboxLimits, type ScoreJob } from './sandbox.js';
import type { Progress, Run, RunError, Store } from './store/types.js';

export type WorkerEvent =
  | { type: 'claimed'; runId: string; submission: string; attempt: number }
  | { type: 'progress'; runId: string; progress: Progress }
  | { type: 'finished'; runId: string; seconds: number }
  | { type: 'failed'; runId: string; error: RunError }
  /** Given back to the queue because the worker is stopping. */
  | { type: 'released'; runId: string }
  /** The lease ran out and another worker took the run: this worker's outcome is dropped. */
  | { type: 'lost'; runId: string }
  /** The store failed (busy, closed); the worker keeps going. */
  | { type: 'error'; message: string };

export interface WorkerOptions {
  store: Store;
  queue: RunQueue;
  dataDir: string;
  /** Stop: claim nothing more, kill the current children and release their runs. */
  signal: AbortSignal;
  /** Default: runnerConfig's (SIGNBENCH_LEASE_MS, 60 s). */
  leaseMs?: number;
  /** Default: runnerConfig's (SIGNBENCH_RUN_TIMEOUT_MS, SIGNBENCH_RUN_MEMORY_MB). */
  limits?: SandboxLimits;
  concurrency?: number;
  workerId?: string;
  onEvent?: (e: WorkerEvent) => void;
}

export interface WorkerSummary {
  workerId: string;
  finished: number;
  failed: number;
  released: number;
  lost: number;
}

/** A worker id that names the machine and process: `host:pid:random`. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

function runError(err: unknown): RunError {
  if (isSignbenchError(err)) return { kind: err.kind, message: err.message, ...(err.detail === undefined ? {} : { detail: err.detail }) };
  return { kind: 'internal', message: err instanceof Error ? err.message : String(err) };
}

function scoreJob(run: Run, dataDir: string): ScoreJob {
  const input: ScoreJob['input'] = run.submission.kind === 'model'
    ? { kind: 'model', dir: run.submission.path }
    : { kind: 'predictions', path: run.submission.path };
  return { suite: run.suite, dataDir, input };
}

/**
 * Runs queued runs until `signal` aborts. Each run is scored in a child process (runner/sandbox.ts) while the worker
 * keeps its lease alive and records progress; the outcome is written once: finishRun (the result and the log),
 * failRun (error and log), or releaseRun when the worker is stopping. A run whose lease was lost (this worker
 * stalled and another took it over) is dropped here without writing.
 */
export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const workerId = opts.workerId ?? newWorkerId();
  const summary: WorkerSummary = { workerId, finished: 0, failed: 0, released: 0, lost: 0 };
  const emit = (e: WorkerEvent) => opts.onEvent?.(e);
  const { store } = opts;
  const config = opts.leaseMs === undefined || opts.limits === undefined ? runnerConfig({ dataDir: opts.dataDir }) : null;
  const leaseMs = opts.leaseMs ?? config!.leaseMs;
  const limits = opts.limits ?? { timeoutMs: config!.runTimeoutMs, memoryMb: config!.runMemoryMb };

  const handle = async (run: Run, ctx: { signal: AbortSignal }): Promise<void> => {
    const t0 = Date.now();
    const log = new LogTail();
    log.note(`run ${run.id} of submission ${run.submissionId} ("${run.submission.name}", ${run.submission.kind}) on ${run.suite}: attempt ${run.attempt}, worker ${workerId}`);
    emit({ type: 'claimed', runId: run.id, submission: run.submissionId, attempt: run.attempt });

    const child = new AbortController();
    let stop: 'shutdown' | 'lease' | null = null;
    const onShutdown = () => { stop ??= 'shutdown'; child.abort(); };
    if (ctx.signal.aborted) onShutdown();
    else ctx.signal.addEventListener('abort', onShutdown, { once: true });

    // Store writes for this run go one after another: heartbeats, progress, then the outcome.
    let writes = Promise.resolve();
    const beat = (progress?: Progress) => {
      writes = writes.then(async () => {
        const ok = await store.heartbeat(run.id, workerId, leaseMs, progress);
        if (!ok && !stop) { stop = 'lease'; child.abort(); }
      }).catch((err) => emit({ type: 'error', message: `heartbeat of ${run.id}: ${(err as Error).message}` }));
    };
    let lastStage = '';
    let lastWrite = 0;
    const onProgress = (p: Progress) => {
      emit({ type: 'progress', runId: run.id, progress: p });
      const now = Date.now();
      // Every stage change is recorded; within a stage, at most one progress row a second.
      if (p.stage !== lastStage || now - lastWrite >= 1000 || p.done === p.total) {
        lastStage = p.stage;
        lastWrite = now;
        beat(p);
      }
    };
    const timer = setInterval(() => beat(), Math.max(50, Math.floor(leaseMs / 3)));

    let outcome: { result: Awaited<ReturnType<typeof scoreInChild>> } | { error: unknown };
    try {
      outcome = { result: await scoreInChild(scoreJob(run, opts.dataDir), { ...limits, signal: child.signal, onProgress, log }) };
    } catch (err) {
      outcome = { error: err };
    } finally {
      clearInterval(timer);
      ctx.signal.removeEventListener('abort', onShutdown);
    }
    await writes;
    try {
      if ('result' in outcome) {
        log.note(`finished in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        await store.finishRun(run.id, workerId, outcome.result, log.toString());
        summary.finished++;
        emit({ type: 'finished', runId: run.id, seconds: (Date.now() - t0) / 1000 });
      } else if (stop === 'shutdown') {
        await store.releaseRun(run.id, workerId, 'worker stopped');
        summary.released++;
        emit({ type: 'released', runId: run.id });
      } else if (stop === 'lease') {
        summary.lost++;
        emit({ type: 'lost', runId: run.id });
      } else {
        const error = runError(outcome.error);
        log.note(`failed: ${error.kind}: ${error.message}`);
        await store.failRun(run.id, workerId, error, log.toString());
        summary.failed++;
        emit({ type: 'failed', runId: run.id, error });
      }
    } catch (err) {
      if (isSignbenchError(err, 'conflict')) {
        // Another worker owns the run now (our lease expired while we were busy): its outcome wins.
        summary.lost++;
        emit({ type: 'lost', runId: run.id });
      } else {
        emit({ type: 'error', message: `recording ${run.id}: ${(err as Error).message}` });
      }
    }
  };

  await opts.queue.consume(handle, {
    workerId,
    concurrency: opts.concurrency ?? 1,
    signal: opts.signal,
    onError: (err) => emit({ type: 'error', message: (err as Error).message }),
  });
  return summary;
}
