import type { Run } from '../store/types.js';

/** What a queue hands a handler with each claimed run. */
export interface RunContext {
  workerId: string;
  /** Aborted when the worker is asked to stop; the handler then gives the run back (releaseRun). */
  signal: AbortSignal;
}

/** Scores one claimed run and records its outcome in the store (finishRun, failRun or releaseRun). */
export type RunHandler = (run: Run, ctx: RunContext) => Promise<void>;

/**
 * How runs reach workers. `local` is the SQLite runs table itself (a worker claims the oldest queued run with a
 * lease); issue 17 adds BullMQ on Redis, whose jobs carry run ids that the worker then claims in the store, so a
 * handler always receives a run the store says is this worker's.
 */
export interface RunQueue {
  /** Announces a queued run (a no-op for `local`, where the runs table is the queue). */
  enqueue(runId: string): Promise<void>;
  /** Runs `handler` on claimed runs, `concurrency` at a time, until `signal` aborts and the current ones return. */
  consume(handler: RunHandler, opts: { workerId: string; concurrency: number; signal: AbortSignal; onError?: (err: unknown) => void }): Promise<void>;
  close(): Promise<void>;
}
