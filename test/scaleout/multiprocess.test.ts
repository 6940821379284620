import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../pose/zip.js';
import { PostgresStore } from '../../runner/store/postgres.js';
import type { RunEvent, Store } from '../../runner/store/types.js';
import { parseSse, referenceArchive } from '../server/helpers.js';
import { hasPostgres, startPostgres, type TestPostgres } from '../runner/postgres-server.js';
import { freePort, hasRedis, startRedis, type TestRedis } from '../runner/redis-server.js';
import { REPO, startServer, startWorker, type Proc } from './cluster.js';

/**
 * Scale-out with real processes: 2 API servers + 3 workers (+ 1 restarted) on PostgreSQL + Redis (BullMQ). The issue
 * asks for 60 submissions; on CI's 2 shared cores a synthetic-mini run costs ~2 s, and 60 took 150 s alone here, so the
 * default is 40 (2 of them malformed models), ~100 s alone, to stay inside ~3–4 minutes while `npm test` runs other
 * files beside it; SIGNBENCH_SCALEOUT_N=60 runs the count.
 */
const N = Number(process.env.SIGNBENCH_SCALEOUT_N || 40);
const MALFORMED = new Set([5, N - 3]);
const LEASE_MS = 4000;
const TOKEN_LIMIT = 8; // submissions per token per minute: the shared limit checked at the end

const ready = hasPostgres() && hasRedis();
(ready ? describe : describe.skip)('scale-out: 2 servers + 3 workers on PostgreSQL + Redis (real processes)', () => {
  let pgServer: TestPostgres;
  let redis: TestRedis;
  let dataDir: string;
  let store: Store;
  let env: NodeJS.ProcessEnv;
  const procs: Proc[] = [];
  let servers: (Proc & { url: string })[] = [];

  beforeAll(async () => {
    [pgServer, redis] = await Promise.all([startPostgres(), startRedis()]);
    dataDir = await mkdtemp(join(tmpdir(), 'sb-scaleout-'));
    env = {
      SIGNBENCH_DB: await pgServer.createDatabase(), SIGNBENCH_QUEUE: redis.url, SIGNBENCH_DATA: dataDir,
      SIGNBENCH_RUN_WORKER: '0', SIGNBENCH_POOL_WORKERS: '1', SIGNBENCH_WARM_SUITES: '0', SIGNBENCH_POLL_MS: '200',
      SIGNBENCH_LEASE_MS: String(LEASE_MS), SIGNBENCH_QUOTA: '1000', SIGNBENCH_RATE_LIMIT: '100000', SIGNBENCH_TOKEN_RATE_LIMIT: String(TOKEN_LIMIT),
    };
    // The suite and its baselines, prepared once before the servers start (as docs/deploy.md does).
    const prep = spawnSync(process.execPath, [join(REPO, 'bin', 'signbench.js'), 'leaderboard', '--suite', 'synthetic-mini', '--data', dataDir, '--json'],
      { cwd: REPO, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
    expect(prep.status, prep.stderr).toBe(0);
    store = await PostgresStore.open(env.SIGNBENCH_DB!);
    servers = await Promise.all([0, 1].map(async () => startServer(await freePort(), dataDir, env)));
    procs.push(...servers);
  }, 400_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await store?.close();
    await Promise.all([pgServer?.stop(), redis?.stop()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 120_000);

  it(`${N} submissions through both servers; a worker SIGKILLed mid-run and one restarted; every run ends once; same leaderboard on both`, async () => {
    const zip = await referenceArchive(dataDir);
    const broken = writeZip([{ name: 'manifest.json', data: new TextEncoder().encode('{"format": "not a generator"}') }]);
    const tokens = await Promise.all(Array.from({ length: Math.ceil(N / (TOKEN_LIMIT - 1)) }, (_, i) => store.createToken(`team${i}`).then((t) => t.token)));

    let killed: { runId: string; at: number } | null = null;
    const workers: Proc[] = [];
    const onEvent = (i: number) => (e: { type: string; runId?: string }) => {
      if (i === 0 && e.type === 'claimed' && !killed) {
        killed = { runId: e.runId!, at: Date.now() };
        workers[0]!.child.kill('SIGKILL'); // mid-run: its scoring child has just started
      }
    };
    for (let i = 0; i < 3; i++) workers.push(startWorker(dataDir, env, LEASE_MS, onEvent(i)));
    procs.push(...workers);

    const submitOne = async (i: number): Promise<{ id: string; runId: string; malformed: boolean; via: number }> => {
      const malformed = MALFORMED.has(i);
      const f = new FormData();
      f.set('suite', 'synthetic-mini');
      f.set('name', `sys-${String(i).padStart(2, '0')}`);
      if (malformed) f.set('kind', 'model');
      f.set('file', new File([malformed ? broken : zip], malformed ? 'model.zip' : 'preds.zip'));
      const via = i % 2;
      const res = await fetch(`${servers[via]!.url}/v1/submissions`, { method: 'POST', body: f, headers: { Authorization: `Bearer ${tokens[i % tokens.length]}` } });
      const body = await res.json() as { id: string };
      expect(res.status, JSON.stringify(body)).toBe(202);
      return { id: body.id, runId: (await store.getSubmission(body.id))!.runId, malformed, via };
    };
    const t0 = Date.now();
    const subs: Awaited<ReturnType<typeof submitOne>>[] = [];
    for (let i = 0; i < N; i += 4) subs.push(...await Promise.all([i, i + 1, i + 2, i + 3].filter((j) => j < N).map(submitOne)));

    // Progress over SSE from the server the submission did not go through (the last one: still queued now).
    const last = subs[subs.length - 1]!;
    const sse = fetch(`${servers[1 - last.via]!.url}/v1/submissions/${last.id}/events`).then((r) => r.text());

    // The killed worker is replaced by a new process once its kill is seen.
    while (!killed) await sleep(50);
    await sleep(500);
    const restarted = startWorker(dataDir, env, LEASE_MS);
    procs.push(restarted);

    const deadline = Date.now() + 300_000 + N * 3000;
    for (;;) {
      const live = (await store.listRuns({ state: 'queued', limit: 1 })).length + (await store.listRuns({ state: 'running', limit: 1 })).length;
      if (live === 0) break;
      if (Date.now() > deadline) throw new Error(`runs still live after ${Math.round((Date.now() - t0) / 1000)} s; workers:\n${[...workers, restarted].map((w) => w.tail()).join('\n---\n')}`);
      await sleep(500);
    }
    const minutes = (Date.now() - t0) / 60_000;

    // Every submission ended: finished with one result, or (the malformed models) failed with the error in its log.
    const pg = (store as PostgresStore).pool;
    const counts = new Map((await pg.query('SELECT submission_id, count(*)::int AS n FROM results GROUP BY submission_id')).rows.map((r: { submission_id: string; n: number }) => [r.submission_id, r.n]));
    for (const s of subs) {
      const run = (await store.getRun(s.runId))!;
      if (s.malformed) {
        expect(run.state, s.id).toBe('failed');
        expect(run.log).toMatch(/failed: /);
        expect(counts.get(s.id)).toBeUndefined();
      } else {
        expect(run.state, `${s.id}: ${run.error?.message}`).toBe('finished');
        expect(counts.get(s.id), s.id).toBe(1);
      }
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(N - MALFORMED.size);

    // The SIGKILLed worker's run: requeued when its lease ran out, then finished by another worker.
    const k = killed as unknown as { runId: string; at: number };
    const events: RunEvent[] = await store.runEvents(k.runId);
    const types = events.filter((e) => e.type !== 'progress').map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['queued', 'running', 'requeued']);
    expect(types.at(-1)).toMatch(/finished|failed/);
    const firstWorker = events.find((e) => e.type === 'running')!.workerId;
    const lastRunning = events.filter((e) => e.type === 'running').at(-1)!;
    expect(lastRunning.workerId).not.toBe(firstWorker);
    const takeoverS = (Date.parse(events.at(-1)!.at) - k.at) / 1000;

    // SSE through the other server followed the run to its result.
    const sseEvents = parseSse(await sse).map(([e]) => e);
    expect(sseEvents).toContain('progress');
    expect(sseEvents.at(-1)).toBe(last.malformed ? 'error' : 'result');

    // Both servers rank the same rows.
    const boards = await Promise.all(servers.map((s) => fetch(`${s.url}/v1/leaderboard/synthetic-mini`).then((r) => r.json() as Promise<{ rows: { name: string }[] }>)));
    expect(boards[0]).toEqual(boards[1]);
    const names = new Set(boards[0]!.rows.map((r) => r.name));
    for (const s of subs) if (!s.malformed) expect(names.has(`sys-${String(subs.indexOf(s)).padStart(2, '0')}`)).toBe(true);

    process.stderr.write(`[scale-out] ${N} submissions, 3 workers (1 killed, 1 restarted): ${(N / minutes).toFixed(1)} per minute; SIGKILL → finished elsewhere in ${takeoverS.toFixed(1)} s (lease ${LEASE_MS} ms)\n`);
  }, 600_000);

  it('the per-token rate limit holds across both servers (counted in Redis)', async () => {
    const { token } = await store.createToken('burst');
    // Stay inside one fixed window of the minute.
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 45_000) await sleep(60_000 - intoWindow + 100);
    const statuses: number[] = [];
    for (let i = 0; i < TOKEN_LIMIT + 2; i++) {
      // An empty form: 400 once past the limiter, 429 when the token's limit is spent on either server.
      const res = await fetch(`${servers[i % 2]!.url}/v1/submissions`, { method: 'POST', body: new FormData(), headers: { Authorization: `Bearer ${token}` } });
      statuses.push(res.status);
    }
    // In process memory each server would allow TOKEN_LIMIT of its own (TOKEN_LIMIT/2 + 1 each here): no 429 at all.
    expect(statuses.slice(0, TOKEN_LIMIT).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(TOKEN_LIMIT)).toEqual([429, 429]);
  }, 60_000);
});
