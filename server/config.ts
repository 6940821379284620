/** Server configuration from the environment (listed by `signbench serve --help`). */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { defaultModelDir as defaultGeneratorDir } from '../generator/runtime.js';
import { defaultModelDir as defaultTranslatorDir } from '../translator/runtime.js';

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  /** Allowed CORS origins ('*' = any). */
  corsOrigins: string[];
  /** Requests per minute per client IP on the API (0 = off), and per bearer token on authenticated routes. */
  rateLimit: number;
  tokenRateLimit: number;
  /** Submissions per token per suite per day. */
  quota: number;
  poolSize: number;
  queueSize: number;
  /** Request deadline for non-streaming routes, ms. */
  requestTimeoutMs: number;
  /** Largest pose upload (render, translate), bytes. */
  maxUploadBytes: number;
  /** Largest submission archive, bytes. */
  maxArchiveBytes: number;
  maxFrames: number;
  generators: Record<string, string>;
  defaultGenerator: string;
  translator: string;
  /** Seconds SIGTERM waits for in-flight requests. */
  drainSeconds: number;
  /** Runs this server's in-process runner worker scores at once (0: none). */
  runWorkers: number;
  /** Prepare the suites (materialise, score baselines) in the background at start. */
  warmSuites: boolean;
}

/** Every environment variable the server reads, with its meaning and default (for --help). */
export const ENV_HELP: [string, string][] = [
  ['PORT', 'port to listen on (default 8080)'],
  ['HOST', 'address to bind (default 127.0.0.1; 0.0.0.0 to serve the network)'],
  ['SIGNBENCH_DATA', 'data directory: store, suites, uploads (default ./data)'],
  ['SIGNBENCH_CORS_ORIGINS', 'comma-separated origins allowed by CORS, or * (default *)'],
  ['SIGNBENCH_RATE_LIMIT', 'API requests per minute per client IP, 0 = off (default 600)'],
  ['SIGNBENCH_TOKEN_RATE_LIMIT', 'requests per minute per bearer token (default 120)'],
  ['SIGNBENCH_QUOTA', 'submissions per token per suite per day (default 5; failed runs do not count)'],
  ['SIGNBENCH_POOL_WORKERS', 'inference processes for generate/render/translate (default: CPU cores, at most 4)'],
  ['SIGNBENCH_POOL_QUEUE', 'requests that may wait for an inference process before 503 (default 32)'],
  ['SIGNBENCH_RUN_WORKER', 'benchmark runs scored by this server: 1 = one run at a time (default), 0 = none (run `signbench worker` apart)'],
  ['SIGNBENCH_DB, SIGNBENCH_QUEUE, SIGNBENCH_LEASE_MS, SIGNBENCH_RUN_TIMEOUT_MS, SIGNBENCH_RUN_MEMORY_MB', 'the runner\'s store, run queue and limits (see runner/config.ts)'],
  ['SIGNBENCH_TIMEOUT_MS', 'deadline of one request (default 60000)'],
  ['SIGNBENCH_MAX_UPLOAD_MB', 'largest pose upload (default 32)'],
  ['SIGNBENCH_MAX_ARCHIVE_MB', 'largest submission archive (default 512)'],
  ['SIGNBENCH_GENERATORS', 'extra generator models: id=dir,id2=dir2 (the committed model is "default")'],
  ['SIGNBENCH_TRANSLATOR', 'translator model directory (default models/translator)'],
];

function int(env: NodeJS.ProcessEnv, name: string, def: number, min = 0): number {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServerConfig> = {}): ServerConfig {
  const generators: Record<string, string> = { default: defaultGeneratorDir() };
  for (const pair of (env.SIGNBENCH_GENERATORS ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`SIGNBENCH_GENERATORS: "${pair}" is not id=dir`);
    generators[pair.slice(0, eq).trim()] = resolve(pair.slice(eq + 1).trim());
  }
  return {
    port: int(env, 'PORT', 8080),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.SIGNBENCH_DATA || 'data'),
    corsOrigins: (env.SIGNBENCH_CORS_ORIGINS ?? '*').split(',').map((s) => s.trim()).filter(Boolean),
    rateLimit: int(env, 'SIGNBENCH_RATE_LIMIT', 600),
    tokenRateLimit: int(env, 'SIGNBENCH_TOKEN_RATE_LIMIT', 120),
    quota: int(env, 'SIGNBENCH_QUOTA', 5),
    poolSize: int(env, 'SIGNBENCH_POOL_WORKERS', Math.max(1, Math.min(4, cpus().length)), 1),
    queueSize: int(env, 'SIGNBENCH_POOL_QUEUE', 32),
    requestTimeoutMs: int(env, 'SIGNBENCH_TIMEOUT_MS', 60_000, 1),
    maxUploadBytes: int(env, 'SIGNBENCH_MAX_UPLOAD_MB', 32, 1) * 2 ** 20,
    maxArchiveBytes: int(env, 'SIGNBENCH_MAX_ARCHIVE_MB', 512, 1) * 2 ** 20,
    maxFrames: 10_000,
    generators,
    defaultGenerator: 'default',
    translator: env.SIGNBENCH_TRANSLATOR ? resolve(env.SIGNBENCH_TRANSLATOR) : defaultTranslatorDir(),
    drainSeconds: 20,
    runWorkers: int(env, 'SIGNBENCH_RUN_WORKER', 1),
    warmSuites: env.SIGNBENCH_WARM_SUITES !== '0',
    ...overrides,
  };
}
