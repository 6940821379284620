import { afterAll, describe, it } from 'vitest';
import { LocalQueue } from '../../runner/queue/local.js';
import { RedisQueue } from '../../runner/queue/redis.js';
import { queueContract } from './queue-suite.js';
import { hasRedis, startRedis, type TestRedis } from './redis-server.js';

queueContract('local', async () => ({
  open: (store, opts) => new LocalQueue(store, opts),
  processArgs: () => ['local', ''],
}));

if (hasRedis()) {
  let server: Promise<TestRedis> | undefined;
  afterAll(async () => { if (server) await (await server).stop(); }, 30_000);
  let n = 0;
  queueContract('redis (BullMQ)', async () => {
    const { url } = await (server ??= startRedis());
    const name = `test-${process.pid}-${n++}`; // each test its own BullMQ queue
    return {
      open: (store, opts) => new RedisQueue(url, store, { ...opts, name }),
      processArgs: () => [url, name],
    };
  });
} else {
  describe.skip('RunQueue contract: redis (BullMQ)', () => { it('needs Debian redis-server or SIGNBENCH_TEST_REDIS', () => {}); });
}
