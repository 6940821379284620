/** Per-key fixed-window rate limits with X-RateLimit-* and Retry-After headers. */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { SignbenchError } from '../pose/errors.js';

/**
 * Where a limiter counts: in this process (the default, one server) or somewhere every API server shares (Redis,
 * server/limits-redis.ts), so that a limit holds across several servers behind a load balancer.
 */
export interface WindowCounter {
  /** Counts one hit of `key` in its fixed window of `windowMs`: the count so far and the ms left in the window. */
  incr(key: string, windowMs: number, now: number): Promise<{ count: number; resetMs: number }>;
}

/** The in-process counter: one window per key, swept when the map grows large. */
export class MemoryCounter implements WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  async incr(key: string, windowMs: number, now: number): Promise<{ count: number; resetMs: number }> {
    let w = this.windows.get(key);
    if (!w || now - w.start >= windowMs) {
      if (this.windows.size > 100_000) this.sweep(now, windowMs);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetMs: w.start + windowMs - now };
  }

  private sweep(now: number, windowMs: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= windowMs) this.windows.delete(k);
  }
}

export class RateLimiter {
  constructor(readonly limit: number, readonly windowMs = 60_000, private readonly counter: WindowCounter = new MemoryCounter(), readonly name = 'rl') {}

  /** Counts one request for `key`: whether it is allowed, what is left, and when the window resets (ms). */
  async hit(key: string, now = Date.now()): Promise<{ allowed: boolean; remaining: number; resetMs: number }> {
    const { count, resetMs } = await this.counter.incr(`${this.name}:${key}`, this.windowMs, now);
    return { allowed: count <= this.limit, remaining: Math.max(0, this.limit - count), resetMs };
  }
}

/** The client address: the socket's peer (proxies' X-Forwarded-For is not trusted). */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

/** Applies `limiter` to the key `keyOf(c)` (skipped when it returns null), setting the headers on every answer. */
export function rateLimit(limiter: RateLimiter, keyOf: (c: Context) => string | null, policy: string): MiddlewareHandler {
  return async (c, next) => {
    if (limiter.limit <= 0) return next();
    const key = keyOf(c);
    if (key === null) return next();
    const r = await limiter.hit(key);
    const reset = Math.ceil(r.resetMs / 1000);
    c.header('X-RateLimit-Limit', String(limiter.limit));
    c.header('X-RateLimit-Remaining', String(r.remaining));
    c.header('X-RateLimit-Reset', String(reset));
    c.header('X-RateLimit-Policy', `${limiter.limit};w=${Math.round(limiter.windowMs / 1000)};comment="${policy}"`);
    if (!r.allowed) {
      c.header('Retry-After', String(Math.max(1, reset)));
      throw new SignbenchError('rate-limited', `rate limit of ${limiter.limit} requests per ${Math.round(limiter.windowMs / 1000)} s (${policy}) reached; retry in ${reset} s`);
    }
    return next();
  };
}
