import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunHandler, RunQueue } from '../../runner/queue/types.js';
import { SqliteStore } from '../../runner/store/sqlite.js';
import type { Store } from '../../runner/store/types.js';
import { fakeResult } from './store-suite.js';

export interface QueueFactory {
  /** A queue on `store` (each call: another worker's or server's view of the same queue). */
  open(store: Store, opts: { leaseMs: number; pollMs: number }): RunQueue;
  /** The `SIGNBENCH_QUEUE` value and queue name a separate process uses to reach the same queue. */
  processArgs(): [string, string];
}

/**
 * The RunQueue contract, run unchanged against every implementation (`local` and BullMQ on Redis), on a real SQLite
 * store: every run is handled exactly once by several consumers, a run given back by a stopping worker reaches
 * another, and a consumer process killed with SIGKILL has its run finished by another once the lease expires.
 */
export function queueContract(name: string, factory: () => Promise<QueueFactory>): void {
  describe(`RunQueue contract: ${name}`, () => {
    let dir: string;
    let store: Store;
    let f: QueueFactory;
    const queues: RunQueue[] = [];
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sb-queue-'));
      store = new SqliteStore(join(dir, 'db.sqlite'));
      f = await factory();
    });
    afterEach(async () => {
      for (const q of queues.splice(0)) await q.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const open = (leaseMs = 30_000) => { const q = f.open(store, { leaseMs, pollMs: 50 }); queues.push(q); return q; };
    const submitN = async (n: number) => {
      const alice = await store.ensureSubmitter('alice');
      const ids: string[] = [];
      const producer = open();
      for (let i = 0; i < n; i++) {
        const sub = await store.createSubmission({ suite: 'mini', name: `s${i}`, submitterId: alice.id, kind: 'predictions', sha256: 'ab'.repeat(32), path: '/x' });
        await producer.enqueue(sub.runId);
        ids.push(sub.runId);
      }
      return ids;
    };
    const until = async (cond: () => Promise<boolean>, ms: number) => {
      for (const t0 = Date.now(); !(await cond()); await sleep(50)) if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms`);
    };
    const allFinished = (ids: string[]) => async () => (await Promise.all(ids.map((id) => store.getRun(id)))).every((r) => r?.state === 'finished');

    it('hands each run to exactly one of several consumers, and each is finished once', async () => {
      const ids = await submitN(12);
      const handled: string[] = [];
      const handler = (w: string): RunHandler => async (run, ctx) => {
        expect(run.workerId).toBe(ctx.workerId);
        handled.push(run.id);
        await sleep(20);
        await store.finishRun(run.id, w, fakeResult(10));
      };
      const stop = new AbortController();
      const consumers = ['w1', 'w2'].map((w) => open().consume(handler(w), { workerId: w, concurrency: 2, signal: stop.signal }));
      await until(allFinished(ids), 30_000);
      stop.abort();
      await Promise.all(consumers);
      expect(handled.sort()).toEqual([...ids].sort());
      for (const id of ids) expect((await store.getRun(id))?.attempt).toBe(1);
    }, 60_000);

    it('a run given back by a stopping consumer is claimed by another and finished there', async () => {
      const [id] = await submitN(1);
      const stopA = new AbortController();
      let claimedA = false;
      const a = open().consume(async (run, ctx) => {
        claimedA = true;
        await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
        await store.releaseRun(run.id, ctx.workerId, 'worker stopped');
      }, { workerId: 'a', concurrency: 1, signal: stopA.signal });
      await until(async () => claimedA, 20_000);
      stopA.abort();
      await a;
      expect((await store.getRun(id!))?.state).toBe('queued');
      const stopB = new AbortController();
      const b = open().consume(async (run, ctx) => { await store.finishRun(run.id, ctx.workerId, fakeResult(5)); }, { workerId: 'b', concurrency: 1, signal: stopB.signal });
      await until(allFinished([id!]), 20_000);
      stopB.abort();
      await b;
      const run = await store.getRun(id!);
      expect(run).toMatchObject({ state: 'finished', workerId: 'b', attempt: 2 });
      expect((await store.runEvents(id!)).map((e) => e.type).filter((t) => t !== 'progress')).toEqual(['queued', 'running', 'released', 'running', 'finished']);
    }, 60_000);

    it('a consumer process killed with SIGKILL has its run finished by another once the lease expires', async () => {
      const leaseMs = 1500;
      const [id] = await submitN(1);
      const [queueArg, queueName] = f.processArgs();
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/runner/queue-consumer.ts', join(dir, 'db.sqlite'), queueArg, String(leaseMs), 'doomed', queueName], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((r) => child.once('exit', r));
      try {
        const line = await new Promise<string>((resolve, reject) => {
          createInterface({ input: child.stdout! }).on('line', (l) => { if (l.startsWith('claimed ')) resolve(l); });
          child.once('exit', (code) => reject(new Error(`consumer exited (${code}) before claiming`)));
        });
        expect(line).toBe(`claimed ${id}`);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
      const killedAt = Date.now();
      const stop = new AbortController();
      let handledAt = 0;
      const b = open(leaseMs).consume(async (run, ctx) => {
        handledAt = Date.now();
        await store.finishRun(run.id, ctx.workerId, fakeResult(7));
      }, { workerId: 'survivor', concurrency: 1, signal: stop.signal });
      await until(allFinished([id!]), 30_000);
      stop.abort();
      await b;
      expect(handledAt - killedAt).toBeGreaterThanOrEqual(0);
      const run = await store.getRun(id!);
      expect(run).toMatchObject({ state: 'finished', workerId: 'survivor', attempt: 2 });
      const events = (await store.runEvents(id!)).map((e) => `${e.type}:${e.workerId ?? ''}`);
      expect(events).toEqual(['queued:', 'running:doomed', 'requeued:doomed', 'running:survivor', 'finished:survivor']);
    }, 60_000);
  });
}
