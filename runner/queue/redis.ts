import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { SignbenchError } from '../../pose/errors.js';
import type { Store } from '../store/types.js';
import type { RunHandler, RunQueue } from './types.js';

/** What a BullMQ job carries: a run id and nothing else; the store holds everything about the run. */
interface RunJob {
  runId: string;
}

export interface RedisQueueOptions {
  /** How long a claimed run (and a BullMQ job's lock) stays a worker's without renewal. */
  leaseMs: number;
  /** How often an idle consumer reconciles the store with the queue (queued runs without a job, expired leases). */
  pollMs: number;
  /** The BullMQ queue's name (tests use their own); default `signbench-runs`. */
  name?: string;
}

/** ioredis options from `redis://[user:password@]host:port[/db]` (`rediss://` for TLS). */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new SignbenchError('invalid-input', `SIGNBENCH_QUEUE: not a redis:// URL: "${url}"`);
  }
  const db = u.pathname.replace(/^\//, '');
  if (db && !/^\d+$/.test(db)) throw new SignbenchError('invalid-input', `SIGNBENCH_QUEUE: the database in "${url}" must be a number`);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's workers block on Redis; it wants ioredis to retry forever rather than fail a command.
    maxRetriesPerRequest: null,
  };
}

/**
 * BullMQ on Redis. The store stays the source of truth: a job carries a run id, and the consumer claims that run in
 * the store (claimRun with `runId`) before the handler sees it, so a job delivered twice (a stalled job moved back by
 * BullMQ, a duplicate add) finds the run taken or done and completes without doing anything. A run's job id is
 * `<runId>_<attempt>`, so each queued attempt has exactly one job, while a stale job of an earlier attempt (a worker
 * that stalls but lives on) cannot hide a re-queued run from the others.
 *
 * Every consumer also reconciles on a timer: it re-queues runs whose lease expired (a worker killed with SIGKILL)
 * and adds a job for every queued run, which covers a server that died between storing a submission and enqueueing
 * it, and a run a stopping worker gave back. Jobs are removed once done: Redis holds only work in flight.
 */
export class RedisQueue implements RunQueue {
  readonly name: string;
  private readonly connection: ConnectionOptions;
  private producer: Queue<RunJob> | null = null;

  constructor(url: string, private readonly store: Store, private readonly opts: RedisQueueOptions) {
    this.connection = redisConnection(url);
    this.name = opts.name ?? 'signbench-runs';
  }

  private queue(): Queue<RunJob> {
    this.producer ??= new Queue<RunJob>(this.name, {
      connection: this.connection,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
    });
    return this.producer;
  }

  /** Adds the job of `runId`'s current attempt when the store says it is queued (a no-op when it already exists). */
  async enqueue(runId: string): Promise<void> {
    const run = await this.store.getRun(runId);
    if (!run || run.state !== 'queued') return;
    await this.add(runId, run.attempt);
  }

  private async add(runId: string, attempt: number): Promise<void> {
    // A run coming back (its worker died or stopped) goes to the head of the line, as the local queue's oldest-first
    // order does, rather than behind every run submitted since.
    await this.queue().add('run', { runId }, { jobId: `${runId}_${attempt}`, lifo: attempt > 0 });
  }

  /** Re-queues expired leases in the store and makes sure every queued run has its job. */
  async reconcile(): Promise<number> {
    await this.store.requeueExpired();
    const queued = await this.store.listRuns({ state: 'queued', limit: 1000 });
    for (const run of queued) await this.add(run.id, run.attempt);
    return queued.length;
  }

  async consume(handler: RunHandler, opts: { workerId: string; concurrency: number; signal: AbortSignal; onError?: (err: unknown) => void }): Promise<void> {
    if (opts.signal.aborted) return;
    const processJob = async (job: Job<RunJob>): Promise<void> => {
      const runId = job.data.runId;
      const run = await this.store.claimRun(opts.workerId, this.opts.leaseMs, { runId });
      // Taken by another worker, finished, failed, or not yet expired: the store decides, and the reconciler brings
      // the run back should its owner die.
      if (!run) return;
      try {
        await handler(run, { workerId: opts.workerId, signal: opts.signal });
      } finally {
        // A run the handler gave back (the worker is stopping) gets its next job now rather than at the next reconcile.
        const after = await this.store.getRun(runId).catch(() => null);
        if (after?.state === 'queued') await this.add(runId, after.attempt).catch(opts.onError);
      }
    };
    const worker = new Worker<RunJob>(this.name, processJob, {
      connection: this.connection,
      concurrency: Math.max(1, opts.concurrency),
      // The BullMQ lock lives as long as the store's lease: a SIGKILLed worker's job stalls after both have expired.
      lockDuration: this.opts.leaseMs,
      stalledInterval: Math.max(1000, Math.floor(this.opts.leaseMs / 2)),
      maxStalledCount: 1000,
      autorun: false,
    });
    worker.on('error', (err) => opts.onError?.(err));
    worker.on('failed', (_job, err) => opts.onError?.(err));

    let reconciling = false;
    const tick = () => {
      if (reconciling) return;
      reconciling = true;
      this.reconcile().catch((err) => opts.onError?.(err)).finally(() => { reconciling = false; });
    };
    tick();
    const timer = setInterval(tick, Math.max(this.opts.pollMs, 250) * 4);
    const running = worker.run().catch((err) => opts.onError?.(err));
    await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearInterval(timer);
    // close() waits for the active jobs: their handlers see the abort, release their runs, and return.
    await worker.close();
    await running;
  }

  async close(): Promise<void> {
    await this.producer?.close();
    this.producer = null;
  }
}
