/** Structured request logs (one JSON line each, with the request id) and Prometheus metrics. */
import type { MiddlewareHandler } from 'hono';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InferencePool } from './pool/index.js';

export type LogFn = (line: Record<string, unknown>) => void;

export const jsonLog: LogFn = (line) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', ...line })}\n`);

export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  latency: Histogram<'method' | 'route'>;
  tasks: Histogram<'op' | 'outcome'>;
  runs: Histogram<'suite' | 'state'>;
}

export function createMetrics(pool?: InferencePool, opts: { defaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaults) collectDefaultMetrics({ register: registry, prefix: 'signbench_' });
  const requests = new Counter({ name: 'signbench_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'] as const, registers: [registry] });
  const latency = new Histogram({
    name: 'signbench_http_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const tasks = new Histogram({
    name: 'signbench_inference_task_duration_seconds', help: 'time an inference process spent on one task', labelNames: ['op', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
  });
  const runs = new Histogram({
    name: 'signbench_run_duration_seconds', help: 'benchmark run durations (queued → finished/failed)', labelNames: ['suite', 'state'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600], registers: [registry],
  });
  if (pool) {
    const stat = (name: string, help: string, key: 'queued' | 'busy' | 'ready' | 'rejected') => new Gauge({ name, help, registers: [registry], collect() { this.set(pool.stats()[key]); } });
    stat('signbench_pool_queue_depth', 'requests waiting for an inference process', 'queued');
    stat('signbench_pool_busy_workers', 'inference processes running a task', 'busy');
    stat('signbench_pool_ready_workers', 'inference processes with models loaded', 'ready');
    stat('signbench_pool_rejected_total', 'requests answered 503 because the queue was full', 'rejected');
    pool.onTaskDone = (op, seconds, ok) => tasks.observe({ op, outcome: ok ? 'ok' : 'error' }, seconds);
  }
  return { registry, requests, latency, tasks, runs };
}

/** Logs one line per request and records its count and latency under the matched route pattern. */
export function requestLog(log: LogFn, metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const t0 = performance.now();
    await next();
    const seconds = (performance.now() - t0) / 1000;
    const route = c.req.routePath && c.req.routePath !== '/*' ? c.req.routePath : c.res.status === 404 ? '<unmatched>' : c.req.routePath;
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.latency.observe({ method: c.req.method, route }, seconds);
    log({ requestId: c.get('requestId' as never), method: c.req.method, path: c.req.path, route, status: c.res.status, ms: Math.round(seconds * 10_000) / 10, ip: c.get('clientIp' as never) });
  };
}
