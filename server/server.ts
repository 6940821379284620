/**
 * Builds the whole server for `main.ts` and for tests over real HTTP: config, the inference pool, the runner's store
 * and queue, an in-process runner worker (scoring runs in its own child processes), and the app.
 */
import { scriptEntry } from '../pose/script-entry.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { createApp, type SignbenchApp } from './app.js';
import { loadConfig, type ServerConfig } from './config.js';
import { jsonLog, type LogFn, type Metrics } from './observability.js';
import { InferencePool } from './pool/index.js';
import { registerBench } from './routes/bench.js';
import { runnerConfig } from '../runner/config.js';
import { openQueue } from '../runner/queue/index.js';
import { openStore } from '../runner/store/index.js';
import type { Store } from '../runner/store/types.js';
import { runWorker } from '../runner/worker.js';

const CLI = scriptEntry(import.meta.url, '../cli/main');

/**
 * Prepares a suite in a child process: `suite` materialises it (`signbench suite info`), `baselines` also scores and
 * caches its baseline rows (`signbench leaderboard`). Both write to the data directory, where the server then reads.
 */
export function prepareSuite(name: string, what: 'suite' | 'baselines', dataDir: string, env: NodeJS.ProcessEnv, children?: Set<ChildProcess>): Promise<void> {
  const args = what === 'suite' ? ['suite', 'info', name, '--data', dataDir, '--json'] : ['leaderboard', '--suite', name, '--data', dataDir, '--json'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI.execArgv, CLI.path, ...args], {
      env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (child.pid) try { setPriority(child.pid, Math.min(19, getPriority(process.pid) + 10)); } catch { /* keep the default */ }
    children?.add(child);
    child.once('exit', () => children?.delete(child));
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-2000); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`preparing suite ${name} failed (exit ${code}): ${err.trim().split('\n').pop()}`))));
  });
}

export interface Server extends SignbenchApp {
  config: ServerConfig;
  pool: InferencePool;
  store: Store;
  close(): Promise<void>;
}

export async function createServer(opts: { config?: Partial<ServerConfig>; env?: NodeJS.ProcessEnv; log?: LogFn; waitReady?: boolean } = {}): Promise<Server> {
  const env = opts.env ?? process.env;
  const config = loadConfig(env, opts.config);
  const log = opts.log ?? jsonLog;
  const pool = new InferencePool({
    size: config.poolSize, maxQueue: config.queueSize, taskTimeoutMs: config.requestTimeoutMs,
    models: { generators: config.generators, defaultGenerator: config.defaultGenerator, translator: config.translator },
    limits: { maxBytes: config.maxUploadBytes, maxFrames: config.maxFrames, maxEntries: 100_000 },
  });
  const runner = runnerConfig({ dataDir: config.dataDir, quota: config.quota }, env);
  const store = await openStore({ db: runner.db });
  const queue = await openQueue(runner, store);
  // With a Redis queue, rate limits count in the same Redis, so they hold across every API server.
  const rateCounter = /^rediss?:\/\//.test(runner.queue)
    ? new (await import('./limits-redis.js')).RedisCounter(runner.queue, (err) => log({ level: 'error', msg: 'rate-limit counter', error: err.message }))
    : undefined;
  let metrics: Metrics | undefined;
  // Run durations (submitted → finished/failed) for /metrics, from the store's timestamps.
  const recordRun = async (runId: string, state: string) => {
    const run = await store.getRun(runId).catch(() => null);
    const sub = run && (await store.getSubmission(run.submissionId).catch(() => null));
    if (run?.finishedAt && sub) metrics?.runs.observe({ suite: run.suite, state }, (Date.parse(run.finishedAt) - Date.parse(sub.createdAt)) / 1000);
  };
  const stopWorker = new AbortController();
  const preparing = new Set<ChildProcess>();
  const worker = config.runWorkers > 0
    ? runWorker({
      store, queue, dataDir: config.dataDir, signal: stopWorker.signal, leaseMs: runner.leaseMs, concurrency: config.runWorkers,
      limits: { timeoutMs: runner.runTimeoutMs, memoryMb: runner.runMemoryMb },
      onEvent: (e) => {
        if (e.type === 'progress') return;
        log({ msg: `run ${e.type}`, ...e });
        if (e.type === 'finished' || e.type === 'failed') void recordRun(e.runId, e.type);
      },
    }).catch((err: Error) => log({ level: 'error', msg: 'runner worker stopped', error: err.message }))
    : Promise.resolve();
  if (opts.waitReady !== false) await pool.whenReady();
  const app = createApp({
    config, pool, log: opts.log, rateCounter,
    readyChecks: { store: async () => { await store.listSuites(); return true; } },
    extraRoutes: (a, ctx) => registerBench(a, { store, queue, dataDir: config.dataDir, quota: config.quota, maxArchiveBytes: config.maxArchiveBytes, tokenLimiter: ctx.tokenLimiter,
      warmOnStart: config.warmSuites,
      prepare: (suite, what) => prepareSuite(suite, what, config.dataDir, env, preparing).catch((err: Error) => { log({ level: 'error', msg: err.message }); throw err; }),
    }),
  });
  metrics = app.metrics;
  return {
    ...app, config, pool, store,
    close: async () => {
      stopWorker.abort(); // the worker releases its run for another worker
      for (const child of preparing) child.kill('SIGKILL'); // a half-prepared suite is redone on the next start
      await worker;
      await pool.close();
      await queue.close();
      await rateCounter?.close();
      await store.close();
    },
  };
}
