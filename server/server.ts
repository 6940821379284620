/** Builds the whole server (config, inference pool, store, app) for `main.ts` and for tests over real HTTP. */
import { createApp, type SignbenchApp } from './app.js';
import { loadConfig, type ServerConfig } from './config.js';
import type { LogFn } from './observability.js';
import { InferencePool } from './pool/index.js';

export interface Server extends SignbenchApp {
  config: ServerConfig;
  pool: InferencePool;
  close(): Promise<void>;
}

export async function createServer(opts: { config?: Partial<ServerConfig>; env?: NodeJS.ProcessEnv; log?: LogFn; waitReady?: boolean } = {}): Promise<Server> {
  const config = loadConfig(opts.env ?? process.env, opts.config);
  const pool = new InferencePool({
    size: config.poolSize, maxQueue: config.queueSize, taskTimeoutMs: config.requestTimeoutMs,
    models: { generators: config.generators, defaultGenerator: config.defaultGenerator, translator: config.translator },
    limits: { maxBytes: config.maxUploadBytes, maxFrames: config.maxFrames, maxEntries: 100_000 },
  });
  if (opts.waitReady !== false) await pool.whenReady();
  const app = createApp({ config, pool, log: opts.log });
  return {
    ...app, config, pool,
    close: async () => { await pool.close(); },
  };
}
