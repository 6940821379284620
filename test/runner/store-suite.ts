import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { EvalResult } from '../../benchmark/scoring/evaluate.js';
import { hashToken, sameDigest, utcDay } from '../../runner/store/ids.js';
import type { Store, Submitter } from '../../runner/store/types.js';

/** A result as the store sees it (the store keeps results as given; real scoring is tested in worker.test.ts). */
export function fakeResult(bleu: number | null, version = 'sv-1'): EvalResult {
  return {
    suite: 'mini', n: 1, signature: { suite: { name: 'mini', version }, text: `suite:mini@${version}` },
    sacrebleu: bleu === null ? null : { bleu, chrf: bleu / 2 }, pose: { dtw_mje: 0.1 }, items: [],
  } as unknown as EvalResult;
}

/**
 * The Store contract, run against every implementation (SQLite here; PostgreSQL in issue 17): `open` makes a fresh,
 * empty store; `reopen` opens the same database again (a second process's view).
 */
export function storeContract(name: string, open: () => Promise<{ store: Store; reopen: () => Promise<Store>; cleanup?: () => Promise<void> }>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let reopen: () => Promise<Store>;
    let cleanup: (() => Promise<void>) | undefined;
    let alice: Submitter;
    beforeEach(async () => {
      ({ store, reopen, cleanup } = await open());
      alice = await store.ensureSubmitter('alice');
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    const submit = (over: Partial<Parameters<Store['createSubmission']>[0]> = {}) => store.createSubmission({
      suite: 'mini', name: 'sys', submitterId: alice.id, kind: 'predictions', sha256: 'ab'.repeat(32), path: '/x', ...over,
    });

    it('creates, authenticates and revokes tokens; stores only their hash', async () => {
      const { token, submitter } = await store.createToken('bob');
      expect(token).toMatch(/^sbt_/);
      expect((await store.authenticate(token))?.id).toBe(submitter.id);
      expect(await store.authenticate(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
      expect(await store.authenticate('')).toBeNull();
      expect(await store.authenticate(hashToken(token))).toBeNull();
      const second = await store.createToken('bob');
      expect(second.submitter.id).toBe(submitter.id);
      expect(await store.revokeToken('bob')).toBe(2);
      expect(await store.authenticate(token)).toBeNull();
      expect(await store.authenticate(second.token)).toBeNull();
      await expect(store.revokeToken('bob')).rejects.toMatchObject({ kind: 'not-found' });
      expect(sameDigest(hashToken('a'), hashToken('a'))).toBe(true);
      expect(sameDigest(hashToken('a'), hashToken('b'))).toBe(false);
    });

    it('queues a run per submission and records every state change with a time', async () => {
      const sub = await submit();
      expect(sub.state).toBe('queued');
      expect(sub.submitter).toBe('alice');
      const run = await store.claimRun('w1', 60_000);
      expect(run?.id).toBe(sub.runId);
      expect(run?.attempt).toBe(1);
      expect(run?.submission.path).toBe('/x');
      expect(await store.claimRun('w2', 60_000)).toBeNull();
      expect(await store.heartbeat(run!.id, 'w1', 60_000, { done: 3, total: 24, stage: 'translating' })).toBe(true);
      expect(await store.heartbeat(run!.id, 'w2', 60_000)).toBe(false);
      expect((await store.getRun(run!.id))?.progress).toEqual({ done: 3, total: 24, stage: 'translating' });
      await store.finishRun(run!.id, 'w1', fakeResult(30), 'log text');
      const done = await store.getRun(run!.id);
      expect(done?.state).toBe('finished');
      expect(done?.log).toBe('log text');
      expect((await store.getSubmission(sub.id))?.state).toBe('finished');
      const events = await store.runEvents(run!.id);
      expect(events.map((e) => e.type)).toEqual(['queued', 'running', 'progress', 'finished']);
      for (const e of events) expect(Date.parse(e.at)).toBeGreaterThan(0);
      expect((await store.runEvents(run!.id, events[1]!.seq)).map((e) => e.type)).toEqual(['progress', 'finished']);
      expect((await store.getResult(run!.id))?.sacrebleu?.bleu).toBe(30);
      expect((await store.getResult(sub.id))?.sacrebleu?.bleu).toBe(30);
    });

    it('writes a result once: a second finish, or a finish by another worker, is a conflict', async () => {
      await submit();
      const run = (await store.claimRun('w1', 60_000))!;
      await expect(store.finishRun(run.id, 'w2', fakeResult(1))).rejects.toMatchObject({ kind: 'conflict' });
      await store.finishRun(run.id, 'w1', fakeResult(30));
      await expect(store.finishRun(run.id, 'w1', fakeResult(31))).rejects.toMatchObject({ kind: 'conflict' });
      await expect(store.failRun(run.id, 'w1', { kind: 'internal', message: 'x' }, '')).rejects.toMatchObject({ kind: 'conflict' });
      expect((await store.getResult(run.id))?.sacrebleu?.bleu).toBe(30);
      expect(await store.finishedResults('mini')).toHaveLength(1);
    });

    it('re-queues a run whose lease expired; the old worker can no longer finish it', async () => {
      const sub = await submit();
      const t0 = Date.now();
      const run = (await store.claimRun('dead', 1_000, { now: t0 }))!;
      expect(await store.requeueExpired(t0 + 500)).toEqual([]);
      expect(await store.requeueExpired(t0 + 2_000)).toEqual([run.id]);
      expect((await store.getRun(run.id))?.state).toBe('queued');
      const again = (await store.claimRun('alive', 60_000))!;
      expect(again.id).toBe(run.id);
      expect(again.attempt).toBe(2);
      expect(await store.heartbeat(run.id, 'dead', 1_000)).toBe(false);
      await expect(store.finishRun(run.id, 'dead', fakeResult(1))).rejects.toMatchObject({ kind: 'conflict' });
      await store.finishRun(run.id, 'alive', fakeResult(2));
      expect((await store.runEvents(run.id)).map((e) => [e.type, e.workerId])).toEqual([
        ['queued', null], ['running', 'dead'], ['requeued', 'dead'], ['running', 'alive'], ['finished', 'alive'],
      ]);
      expect((await store.getSubmission(sub.id))?.state).toBe('finished');
    });

    it('claiming re-queues expired leases on the way', async () => {
      await submit();
      const t0 = Date.now();
      const run = (await store.claimRun('dead', 100, { now: t0 - 10_000 }))!;
      const taken = await store.claimRun('alive', 60_000, { now: t0 });
      expect(taken?.id).toBe(run.id);
      expect(taken?.workerId).toBe('alive');
    });

    it('releases a run back to the queue (a worker stopping)', async () => {
      await submit();
      const run = (await store.claimRun('w1', 60_000))!;
      expect(await store.releaseRun(run.id, 'w2')).toBe(false);
      expect(await store.releaseRun(run.id, 'w1')).toBe(true);
      expect((await store.getRun(run.id))?.state).toBe('queued');
      expect((await store.runEvents(run.id)).at(-1)?.type).toBe('released');
      expect((await store.claimRun('w2', 60_000))?.id).toBe(run.id);
    });

    it('a failed run keeps its error and log and costs no quota; quotas count finished runs per day', async () => {
      const quota = { limit: 2 };
      const a = await submit({ quota });
      const run = (await store.claimRun('w', 60_000))!;
      await store.failRun(run.id, 'w', { kind: 'rejected', message: 'bad', detail: { problems: [{ id: 'x', problem: 'NaN' }] } }, 'the log');
      const failed = await store.getRun(run.id);
      expect(failed?.state).toBe('failed');
      expect(failed?.error).toEqual({ kind: 'rejected', message: 'bad', detail: { problems: [{ id: 'x', problem: 'NaN' }] } });
      expect(failed?.log).toBe('the log');
      expect(await store.quotaUsed(alice.id, 'mini', utcDay())).toBe(0);
      // Two more fit (the failed one is not counted), the third does not while both are queued or finished.
      await submit({ quota });
      await submit({ quota });
      await expect(submit({ quota })).rejects.toMatchObject({ kind: 'rate-limited' });
      for (let r = await store.claimRun('w', 60_000); r; r = await store.claimRun('w', 60_000)) await store.finishRun(r.id, 'w', fakeResult(5));
      expect(await store.quotaUsed(alice.id, 'mini', utcDay())).toBe(2);
      expect(await store.quotaUsed(alice.id, 'mini', '2000-01-01')).toBe(0);
      expect(await store.quotaUsed(alice.id, 'other', utcDay())).toBe(0);
      await expect(submit({ quota })).rejects.toMatchObject({ kind: 'rate-limited' });
      // Another suite, another submitter, or the next day: not limited.
      await submit({ quota, suite: 'other' });
      const bob = await store.ensureSubmitter('bob');
      await submit({ quota, submitterId: bob.id });
      await submit({ quota: { limit: 2, now: Date.now() + 86_400_000 } });
      expect((await store.getSubmission(a.id))?.state).toBe('failed');
    });

    it('reruns a submission (by run or submission id) as a new run; never while one is live', async () => {
      const sub = await submit();
      await expect(store.rerun(sub.id)).rejects.toMatchObject({ kind: 'conflict' });
      const first = (await store.claimRun('w', 60_000))!;
      await expect(store.rerun(first.id)).rejects.toMatchObject({ kind: 'conflict' });
      await store.failRun(first.id, 'w', { kind: 'internal', message: 'disk full' }, 'log');
      const second = await store.rerun(first.id);
      expect(second.id).not.toBe(first.id);
      expect(second.state).toBe('queued');
      expect((await store.getSubmission(sub.id))?.runId).toBe(second.id);
      const r = (await store.claimRun('w', 60_000))!;
      expect(r.id).toBe(second.id);
      await store.finishRun(r.id, 'w', fakeResult(10));
      const third = await store.rerun(sub.id);
      await store.finishRun((await store.claimRun('w', 60_000))!.id, 'w', fakeResult(12));
      // The leaderboard takes each submission's latest finished result, once.
      const rows = await store.finishedResults('mini');
      expect(rows).toHaveLength(1);
      expect(rows[0]!.result.sacrebleu?.bleu).toBe(12);
      expect(rows[0]!.id).toBe(sub.id);
      expect((await store.listRuns({ submissionId: sub.id })).map((x) => x.id)).toEqual([third.id, second.id, first.id]);
      await expect(store.rerun('nope')).rejects.toMatchObject({ kind: 'not-found' });
    });

    it('lists runs and submissions by suite and state; leaderboard entries by suite version', async () => {
      const a = await submit({ name: 'a' });
      await submit({ name: 'b', suite: 'other' });
      const ra = (await store.claimRun('w', 60_000))!;
      expect(ra.submissionId).toBe(a.id);
      await store.finishRun(ra.id, 'w', fakeResult(20, 'sv-old'));
      expect((await store.listRuns({ suite: 'mini' })).map((r) => r.submission.name)).toEqual(['a']);
      expect((await store.listRuns({ state: 'queued' })).map((r) => r.submission.name)).toEqual(['b']);
      expect((await store.listSubmissions({ suite: 'other' })).map((s) => s.name)).toEqual(['b']);
      expect(await store.finishedResults('mini', { suiteVersion: 'sv-1' })).toEqual([]);
      const [entry] = await store.finishedResults('mini', { suiteVersion: 'sv-old' });
      expect(entry).toMatchObject({ name: 'a', kind: 'submission', id: a.id });
      expect(Date.parse(entry!.submittedAt!)).toBeGreaterThan(0);
    });

    it('claimers on separate connections take each run exactly once', async () => {
      const runIds = new Set<string>();
      for (let i = 0; i < 30; i++) runIds.add((await submit({ name: `s${i}` })).runId);
      const others = await Promise.all([reopen(), reopen(), reopen()]);
      try {
        const claimed = await Promise.all(others.map(async (s, w) => {
          const mine: string[] = [];
          for (let r = await s.claimRun(`w${w}`, 60_000); r; r = await s.claimRun(`w${w}`, 60_000)) {
            mine.push(r.id);
            await new Promise((res) => setTimeout(res, 1));
            await s.finishRun(r.id, `w${w}`, fakeResult(1));
          }
          return mine;
        }));
        const all = claimed.flat();
        expect(all).toHaveLength(30);
        expect(new Set(all)).toEqual(runIds);
        for (const id of runIds) expect((await store.runEvents(id)).filter((e) => e.type === 'running')).toHaveLength(1);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });

    it('another connection sees the same state (what a second process sees)', async () => {
      const sub = await submit();
      const other = await reopen();
      try {
        const run = (await other.claimRun('w', 60_000))!;
        expect(run.id).toBe(sub.runId);
        expect((await store.getRun(run.id))?.state).toBe('running');
        await store.putSuite({ name: 'mini', version: 'sv-1', n: 24 });
        expect(await other.listSuites()).toEqual([{ name: 'mini', version: 'sv-1', info: { name: 'mini', version: 'sv-1', n: 24 } }]);
      } finally {
        await other.close();
      }
    });
  });
}
