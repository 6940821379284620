import { SignbenchError } from '../../pose/errors.js';
import type { Store } from '../store/types.js';
import { LocalQueue } from './local.js';
import type { RunQueue } from './types.js';

export type { RunQueue, RunHandler, RunContext } from './types.js';

/** The queue named by `queue`: `local` (the store's runs table); issue 17 adds `redis://…` (BullMQ). */
export async function openQueue(config: { queue: string; leaseMs: number; pollMs: number }, store: Store): Promise<RunQueue> {
  if (config.queue === 'local') return new LocalQueue(store, config);
  if (/^rediss?:\/\//.test(config.queue)) {
    throw new SignbenchError('invalid-input', 'SIGNBENCH_QUEUE=redis://…: the BullMQ queue is not built yet (issue 17); use local');
  }
  throw new SignbenchError('invalid-input', `SIGNBENCH_QUEUE must be local or redis://…, got "${config.queue}"`);
}
