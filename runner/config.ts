import { resolve } from 'node:path';
import { SignbenchError } from '../pose/errors.js';

/**
 * Where the runner keeps its files and how it runs. Everything comes from options first, then the environment, then
 * a default, so that the CLI, the server and the tests configure it the same way.
 */

/** The data directory: `--data DIR` | `SIGNBENCH_DATA` | `./data` (git-ignored). Holds suites, caches, uploads, the DB. */
export function resolveDataDir(opt?: string): string {
  return resolve(opt || process.env.SIGNBENCH_DATA || 'data');
}

/** Runs a submitter may finish per suite per UTC day (`SIGNBENCH_QUOTA`, default 5). */
export const DEFAULT_QUOTA = 5;

export interface RunnerConfig {
  dataDir: string;
  /** `sqlite:PATH` (default `sqlite:<dataDir>/signbench.db`); issue 17 adds `postgres://…`. */
  db: string;
  /** `local` (the SQLite runs table with leases); issue 17 adds `redis://…`. */
  queue: string;
  /** Finished runs per submitter per suite per UTC day. */
  quota: number;
  /** How long a claimed run stays a worker's without a heartbeat before another worker may take it. */
  leaseMs: number;
  /** Wall-clock limit of one scoring child process. */
  runTimeoutMs: number;
  /** Resident-memory limit of one scoring child process, in MiB. */
  runMemoryMb: number;
  /** How often an idle worker looks for queued runs. */
  pollMs: number;
}

function envNumber(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new SignbenchError('invalid-input', `${name} must be a number ≥ 0, got "${v}"`);
  return n;
}

/** The runner's configuration from explicit values, else SIGNBENCH_* variables, else defaults. */
export function runnerConfig(opts: Partial<RunnerConfig> & { dataDir?: string } = {}, env: NodeJS.ProcessEnv = process.env): RunnerConfig {
  const dataDir = resolveDataDir(opts.dataDir);
  return {
    dataDir,
    db: opts.db ?? (env.SIGNBENCH_DB || undefined) ?? `sqlite:${resolve(dataDir, 'signbench.db')}`,
    queue: opts.queue ?? (env.SIGNBENCH_QUEUE || undefined) ?? 'local',
    quota: opts.quota ?? envNumber('SIGNBENCH_QUOTA', DEFAULT_QUOTA, env),
    leaseMs: opts.leaseMs ?? envNumber('SIGNBENCH_LEASE_MS', 60_000, env),
    runTimeoutMs: opts.runTimeoutMs ?? envNumber('SIGNBENCH_RUN_TIMEOUT_MS', 60 * 60_000, env),
    runMemoryMb: opts.runMemoryMb ?? envNumber('SIGNBENCH_RUN_MEMORY_MB', 6144, env),
    pollMs: opts.pollMs ?? envNumber('SIGNBENCH_POLL_MS', 500, env),
  };
}
