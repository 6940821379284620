/** Per-key fixed-window rate limits with X-RateLimit-* and Retry-After headers. */
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { SignbenchError } from '../pose/errors.js';

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(readonly limit: number, readonly windowMs = 60_000) {}

  /** Counts one request for `key`: whether it is allowed, what is left, and when the window resets (ms). */
  hit(key: string, now = Date.now()): { allowed: boolean; remaining: number; resetMs: number } {
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.sweep(now);
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= this.limit, remaining: Math.max(0, this.limit - w.count), resetMs: w.start + this.windowMs - now };
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
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
    const r = limiter.hit(key);
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
