import { Redis } from 'ioredis';
import { redisConnection } from '../runner/queue/redis.js';
import type { WindowCounter } from './limits.js';

/**
 * Fixed-window counters in Redis, shared by every API server on the same Redis (SIGNBENCH_QUEUE=redis://…): one key
 * per limiter, client and window, INCR then PEXPIRE in one MULTI. When Redis cannot answer, the request is let through
 * (and `onError` told): a limiter's outage must not take the API down with it.
 */
export class RedisCounter implements WindowCounter {
  readonly redis: Redis;

  constructor(url: string, private readonly onError?: (err: Error) => void, prefix = 'signbench:rl:') {
    const { maxRetriesPerRequest: _, ...opts } = redisConnection(url) as Record<string, unknown>;
    this.redis = new Redis({ ...opts, keyPrefix: prefix, maxRetriesPerRequest: 1, lazyConnect: false });
    this.redis.on('error', (err) => this.onError?.(err));
  }

  async incr(key: string, windowMs: number, now: number): Promise<{ count: number; resetMs: number }> {
    const window = Math.floor(now / windowMs);
    const k = `${key}:${window}`;
    try {
      const replies = await this.redis.multi().incr(k).pexpire(k, windowMs + 1000).exec();
      const count = Number(replies?.[0]?.[1] ?? 0);
      return { count, resetMs: (window + 1) * windowMs - now };
    } catch (err) {
      this.onError?.(err as Error);
      return { count: 0, resetMs: windowMs };
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
