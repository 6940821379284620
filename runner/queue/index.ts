import { SignbenchError } from '../../pose/errors.js';
import type { Store } from '../store/types.js';
import { LocalQueue } from './local.js';
import type { RunQueue } from './types.js';

export type { RunQueue, RunHandler, RunContext } from './types.js';

/** The queue named by `queue`: `local` (the store's runs table) or `redis://…` (BullMQ on Redis; runner/queue/redis.ts). */
export async function openQueue(config: { queue: string; leaseMs: number; pollMs: number }, store: Store): Promise<RunQueue> {
  if (config.queue === 'local') return new LocalQueue(store, config);
  if (/^rediss?:\/\//.test(config.queue)) {
    const { RedisQueue } = await import('./redis.js'); // BullMQ loads only where a Redis queue is configured
    return new RedisQueue(config.queue, store, config);
  }
  throw new SignbenchError('invalid-input', `SIGNBENCH_QUEUE must be local or redis://…, got "${config.queue}"`);
}
