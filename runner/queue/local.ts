import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../store/types.js';
import type { RunHandler, RunQueue } from './types.js';

/**
 * The embedded queue: the store's runs table. Each of `concurrency` slots claims the oldest queued run atomically
 * (the store re-queues runs whose lease expired on the way), runs the handler, and polls every `pollMs` when idle.
 */
export class LocalQueue implements RunQueue {
  constructor(private readonly store: Store, private readonly opts: { leaseMs: number; pollMs: number }) {}

  async enqueue(_runId: string): Promise<void> {
    // The run is already in the runs table in state queued: nothing else to announce.
  }

  async consume(handler: RunHandler, opts: { workerId: string; concurrency: number; signal: AbortSignal; onError?: (err: unknown) => void }): Promise<void> {
    const slot = async (): Promise<void> => {
      while (!opts.signal.aborted) {
        try {
          const run = await this.store.claimRun(opts.workerId, this.opts.leaseMs);
          if (run) {
            await handler(run, { workerId: opts.workerId, signal: opts.signal });
            continue;
          }
        } catch (err) {
          // A busy database or a handler's bug must not stop the worker: report it and try again after a pause.
          opts.onError?.(err);
        }
        await sleep(this.opts.pollMs, undefined, { signal: opts.signal }).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, slot));
  }

  async close(): Promise<void> {}
}
