import { afterAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../runner/queue/local.js';
import { RedisQueue, redisConnection } from '../../runner/queue/redis.js';
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

if (hasRedis()) {
  describe('BullMQ queue: the store decides', () => {
    it('duplicate and stale jobs of a run (a retried or re-delivered job) never run it twice nor double its result', async () => {
      const { Queue } = await import('bullmq');
      const { mkdtemp, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { SqliteStore } = await import('../../runner/store/sqlite.js');
      const { fakeResult } = await import('./store-suite.js');
      const redis = await startRedis();
      const dir = await mkdtemp(join(tmpdir(), 'sb-queue-dup-'));
      const store = new SqliteStore(join(dir, 'db.sqlite'));
      const name = 'dups';
      const raw = new Queue(name, { connection: redisConnection(redis.url) });
      const queue = new RedisQueue(redis.url, store, { leaseMs: 30_000, pollMs: 50, name });
      try {
        const alice = await store.ensureSubmitter('alice');
        const sub = await store.createSubmission({ suite: 'mini', name: 's', submitterId: alice.id, kind: 'predictions', sha256: 'ab'.repeat(32), path: '/x' });
        // The run's own job, a stale one of an earlier attempt and one with a made-up id: three deliveries of one run.
        await queue.enqueue(sub.runId);
        await queue.enqueue(sub.runId);
        await raw.add('run', { runId: sub.runId }, { jobId: `${sub.runId}_x` });
        await raw.add('run', { runId: sub.runId }, { jobId: `${sub.runId}_y` });
        let calls = 0;
        const stop = new AbortController();
        const consuming = queue.consume(async (run, ctx) => {
          calls++;
          await new Promise((r) => setTimeout(r, 300)); // the other deliveries arrive while this one runs
          await store.finishRun(run.id, ctx.workerId, fakeResult(3));
        }, { workerId: 'w', concurrency: 3, signal: stop.signal });
        const pending = async () => Object.values(await raw.getJobCounts('wait', 'active', 'delayed')).reduce((a, b) => a + b, 0);
        for (let t = 0; (await pending()) > 0 || (await store.getRun(sub.runId))?.state !== 'finished'; t++) {
          if (t > 200) throw new Error('the run did not finish');
          await new Promise((r) => setTimeout(r, 50));
        }
        await queue.enqueue(sub.runId); // a finished run is not queued again
        await new Promise((r) => setTimeout(r, 300));
        stop.abort();
        await consuming;
        expect(calls).toBe(1);
        expect((await store.getRun(sub.runId))).toMatchObject({ state: 'finished', attempt: 1 });
        expect((await store.runEvents(sub.runId)).filter((e) => e.type === 'finished')).toHaveLength(1);
        expect(await raw.getJobCounts('wait', 'active', 'delayed')).toEqual({ wait: 0, active: 0, delayed: 0 });
      } finally {
        await raw.close();
        await queue.close();
        await store.close();
        await redis.stop();
        await rm(dir, { recursive: true, force: true });
      }
    }, 60_000);

    it('refuses a malformed queue URL with a clear error', () => {
      expect(() => redisConnection('redis://127.0.0.1:6379/zero')).toThrow(/must be a number/);
    });
  });
}
