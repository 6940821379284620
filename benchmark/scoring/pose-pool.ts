/**
 * DTW-MJE of many (hypothesis, reference) pairs on worker threads: exact DTW over 128 points is the costliest part
 * of scoring (about 60 ms per pair of 110-frame sequences), and it runs while the judge back-translates on ONNX
 * Runtime's threads. Small jobs run inline, where starting workers would cost more than it saves.
 */
import { scriptEntry } from '../../pose/script-entry.js';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SignbenchError } from '../../pose/errors.js';
import type { PoseSequence } from '../../pose/sequence.js';
import { dtwMje, type DtwMjeResult } from '../metrics/pose/dtw-mje.js';

// From the sources a worker thread cannot take `--import tsx`, so pose-worker.mjs registers tsx and loads the loop;
// compiled, the loop's .js runs as it is.
const LOOP = scriptEntry(import.meta.url, './pose-worker-loop');
const WORKER = LOOP.compiled ? LOOP.path : new URL('./pose-worker.mjs', import.meta.url);
const CHUNK = 8;

export interface PoolOptions {
  /** Worker threads (default: the CPUs, at most 4). */
  threads?: number;
  /** Pairs below which everything runs inline (default 16). */
  minPairs?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const wire = (s: PoseSequence) => ({ meta: s.meta, data: s.data });

export async function dtwMjeMany(pairs: readonly (readonly [PoseSequence, PoseSequence])[], opts: PoolOptions = {}): Promise<DtwMjeResult[]> {
  const n = pairs.length;
  const threads = Math.max(1, Math.min(opts.threads ?? Math.min(4, availableParallelism()), Math.ceil(n / CHUNK)));
  const aborted = () => new SignbenchError('aborted', 'scoring cancelled');
  if (n < (opts.minPairs ?? 16) || threads < 2) {
    const out: DtwMjeResult[] = [];
    for (const [k, [h, r]] of pairs.entries()) {
      if (opts.signal?.aborted) throw aborted();
      out.push(dtwMje(h, r));
      if (k % 8 === 7) { opts.onProgress?.(k + 1, n); await new Promise((res) => setImmediate(res)); }
    }
    opts.onProgress?.(n, n);
    return out;
  }
  const results: DtwMjeResult[] = new Array(n);
  const chunks = Math.ceil(n / CHUNK);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const fail = (err: Error) => { if (!finished) { finished = true; reject(err); } };
      const onAbort = () => fail(aborted());
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: Worker) => {
        if (next >= chunks) return;
        const c = next++;
        w.postMessage({ chunk: c, pairs: pairs.slice(c * CHUNK, (c + 1) * CHUNK).map(([h, r]) => [wire(h), wire(r)]) });
      };
      for (let t = 0; t < threads; t++) {
        const w = new Worker(WORKER);
        workers.push(w);
        w.on('message', (m: { chunk: number; results?: DtwMjeResult[]; error?: string }) => {
          if (m.error !== undefined || !m.results) return fail(new SignbenchError('internal', `DTW-MJE worker: ${m.error}`));
          m.results.forEach((r, i) => { results[m.chunk * CHUNK + i] = r; });
          done += m.results.length;
          opts.onProgress?.(done, n);
          if (done === n) { finished = true; opts.signal?.removeEventListener('abort', onAbort); resolve(); } else feed(w);
        });
        w.on('error', (err) => fail(new SignbenchError('internal', `DTW-MJE worker: ${err.message}`)));
        feed(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
