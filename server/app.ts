/**
 * The signbench HTTP app: generation, rendering, translation, the sign.mt-compatible GET, the benchmark, metrics,
 * OpenAPI docs and the web UI, on Hono. `createApp` wires routes to the library (through the inference pool) and
 * the runner; `server/main.ts` serves it.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { timeout } from 'hono/timeout';
import { HTTPException } from 'hono/http-exception';
import type { ServerConfig } from './config.js';
import { errorResponse, onError } from './errors.js';
import { clientIp, RateLimiter, rateLimit, type WindowCounter } from './limits.js';
import { createMetrics, jsonLog, requestLog, type LogFn, type Metrics } from './observability.js';
import type { InferencePool } from './pool/index.js';
import { formatIssues, registerInference } from './routes/inference.js';
import { registerMeta } from './routes/meta.js';
import { registerUi } from './routes/ui.js';

export type AppEnv = { Variables: { requestId: string; clientIp: string } };

export interface AppDeps {
  config: ServerConfig;
  pool: InferencePool;
  log?: LogFn;
  /** Extra readiness checks (the store). */
  readyChecks?: Record<string, () => Promise<boolean | string>>;
  /** Registers more routes (the benchmark routes) on the app before the catch-alls. */
  extraRoutes?: (app: OpenAPIHono<AppEnv>, ctx: { metrics: Metrics; log: LogFn; tokenLimiter: RateLimiter }) => void;
  /** Where rate limits count: in this process by default; Redis when several servers share the limits. */
  rateCounter?: WindowCounter;
}

export interface SignbenchApp {
  app: OpenAPIHono<AppEnv>;
  metrics: Metrics;
  /** Refuse new requests (503, Connection: close) from now on: the first step of a SIGTERM drain. */
  drain(): void;
  /** Requests being answered now. */
  inFlight(): number;
}

const KB = 1024;

export function createApp(deps: AppDeps): SignbenchApp {
  const { config, pool } = deps;
  const log = deps.log ?? jsonLog;
  const metrics = createMetrics(pool, { defaults: deps.log === undefined });
  let draining = false;
  let inFlight = 0;

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, 'invalid-input', `${result.target}: ${formatIssues(result.error)}`, 400);
    },
  });
  app.onError(onError(log));
  app.notFound((c) => errorResponse(c, 'not-found', `no route ${c.req.method} ${c.req.path.slice(0, 200)}`, 404));

  app.use('*', requestId({ headerName: 'X-Request-Id' }));
  app.use('*', async (c, next) => {
    c.set('clientIp', clientIp(c));
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  });
  app.use('*', requestLog(log, metrics));
  app.use('*', async (c, next) => {
    if (!draining) return next();
    c.header('Connection', 'close');
    return errorResponse(c, 'busy', 'the server is shutting down; retry on another instance', 503);
  });
  app.use('*', secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"], objectSrc: ["'none'"], frameAncestors: ["'none'"],
    },
    crossOriginResourcePolicy: 'cross-origin', // .pose answers are fetched by pose-viewer pages elsewhere
  }));

  const origins = config.corsOrigins;
  const corsMw = cors({
    origin: origins.includes('*') ? '*' : origins,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization'],
    exposeHeaders: ['X-Request-Id', 'X-Model-Tag', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'Content-Disposition', 'X-Frames'],
    maxAge: 600,
  });
  // Load shedding: when the pool is saturated, inference routes answer 503 before anything else runs on them (rate
  // limits, body limits, reading or validating the body): under overload these answers are most of the traffic and
  // must cost the event loop as little as possible. They still get the request id, the log line, metrics and CORS.
  const shed: MiddlewareHandler = async (c, next) => {
    if (!pool.saturated) return next();
    await corsMw(c, async () => {
      c.header('Retry-After', '1');
      c.res = errorResponse(c, 'busy', 'all inference workers are busy and the queue is full; try again shortly', 503);
    });
    return c.res;
  };
  for (const path of ['/v1/generate', '/v1/render', '/v1/translate']) app.post(path, shed);
  app.get('/spoken_text_to_signed_pose', shed);
  const ipLimiter = new RateLimiter(config.rateLimit, 60_000, deps.rateCounter, 'ip');
  const tokenLimiter = new RateLimiter(config.tokenRateLimit, 60_000, deps.rateCounter, 'token');
  const limited = rateLimit(ipLimiter, (c) => c.get('clientIp'), 'per client IP');
  const deadline = timeout(config.requestTimeoutMs, () => new HTTPException(504, { message: `the request ran over ${config.requestTimeoutMs} ms` }));
  for (const path of ['/v1/*', '/spoken_text_to_signed_pose', '/api/*']) {
    app.use(path, corsMw, limited);
  }
  app.use('/v1/*', deadline);
  app.use('/spoken_text_to_signed_pose', deadline);

  const limit = (maxSize: number, what: string): MiddlewareHandler => bodyLimit({
    maxSize,
    onError: (c: Context) => errorResponse(c, 'too-large', `${what}: the body is over the ${maxSize >= 2 ** 20 ? `${Math.round(maxSize / 2 ** 20)} MiB` : `${Math.round(maxSize / KB)} KiB`} limit`, 413),
  });
  app.post('/v1/generate', limit(64 * KB, 'generate'));
  app.post('/v1/render', limit(config.maxUploadBytes + 64 * KB, 'render'));
  app.post('/v1/translate', limit(config.maxUploadBytes + 64 * KB, 'translate'));
  app.post('/v1/submissions', limit(config.maxArchiveBytes + 64 * KB, 'submission'));
  app.on(['POST', 'PUT', 'PATCH'], '*', async (c, next) => (['/v1/render', '/v1/translate', '/v1/submissions', '/v1/generate'].includes(c.req.path) ? next() : limit(64 * KB, 'request')(c, next)));

  registerInference(app, pool, config.defaultGenerator);
  const ready = async () => {
    const checks: Record<string, boolean | string> = { models: pool.ready, draining };
    for (const [name, check] of Object.entries(deps.readyChecks ?? {})) checks[name] = await check().catch((e: Error) => e.message);
    const ok = pool.ready && !draining && Object.entries(checks).every(([k, v]) => k === 'draining' || v === true);
    return { ok, checks };
  };
  registerMeta(app, { pool, metrics, ready });
  deps.extraRoutes?.(app, { metrics, log, tokenLimiter });
  registerUi(app);

  return { app, metrics, drain: () => { draining = true; }, inFlight: () => inFlight };
}
