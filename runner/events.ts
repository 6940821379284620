import type { RunEvent, Store } from './store/types.js';

export interface SubscribeOptions {
  /** Events after this sequence number only (a reconnecting client's Last-Event-ID); default: from the start. */
  afterSeq?: number;
  /** How often the store is read (default 250 ms). */
  intervalMs?: number;
  /** Stops the subscription. */
  signal?: AbortSignal;
}

const TERMINAL = new Set(['finished', 'failed']);

/**
 * Follows a run's state changes and progress from the store, so any process (the server streaming server-sent
 * events, the CLI waiting for a run) sees what a worker in another process records. Listens until the run finishes
 * or fails (the terminal event is delivered), `signal` aborts, or the returned function is called.
 */
export function subscribe(store: Store, runId: string, listener: (e: RunEvent) => void, opts: SubscribeOptions = {}): () => void {
  let seq = opts.afterSeq ?? 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
  opts.signal?.addEventListener('abort', stop, { once: true });
  const poll = async () => {
    if (stopped) return;
    try {
      for (const e of await store.runEvents(runId, seq)) {
        if (stopped) return;
        seq = e.seq;
        listener(e);
        if (TERMINAL.has(e.type)) return stop();
      }
    } catch {
      // The store was closed or busy: try again on the next tick (a closed store stops with its owner's signal).
    }
    if (!stopped) timer = setTimeout(() => void poll(), opts.intervalMs ?? 250);
  };
  void poll();
  return stop;
}

/** Resolves with a run's terminal event (finished or failed); rejects when `signal` aborts first. */
export function waitForRun(store: Store, runId: string, opts: Omit<SubscribeOptions, 'afterSeq'> & { onEvent?: (e: RunEvent) => void } = {}): Promise<RunEvent> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(opts.signal.reason);
    const onAbort = () => reject(opts.signal!.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    subscribe(store, runId, (e) => {
      opts.onEvent?.(e);
      if (TERMINAL.has(e.type)) {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(e);
      }
    }, opts);
  });
}
