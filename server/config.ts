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

export { ENV_HELP } from './env.js';

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
    maxArchiveBytes: int(env, 'SIGNBENCH_MAX_ARCHIVE_MB', 256, 1) * 2 ** 20,
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
