/**
 * Scale-out throughput: submissions per minute with M workers, on a throwaway PostgreSQL + Redis on loopback, one API
 * server (`signbench serve`) and M `signbench worker` processes, as docs/deploy.md runs them. N synthetic-mini
 * predictions are submitted over HTTP at once; the rate is N over the time from the first submission to the last
 * finished run (the store's timestamps). With --kill, the first worker is SIGKILLed at its first claim and the time
 * from the kill to that run finishing elsewhere is reported too.
 *
 *   npx tsx bench/scaleout.ts --workers 2 --n 20 [--kill] [--lease-ms 4000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresStore } from '../runner/store/postgres.js';
import { startPostgres } from '../test/runner/postgres-server.js';
import { freePort, startRedis } from '../test/runner/redis-server.js';
import { REPO, startServer, startWorker, type Proc } from '../test/scaleout/cluster.js';
import { referenceArchive } from '../test/server/helpers.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1]! : def; };
const WORKERS = Number(opt('workers', '1'));
const N = Number(opt('n', '20'));
const LEASE_MS = Number(opt('lease-ms', '4000'));
const KILL = args.includes('--kill');

const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
const dataDir = await mkdtemp(join(tmpdir(), 'sb-scaleout-bench-'));
const procs: Proc[] = [];
try {
  const env: NodeJS.ProcessEnv = {
    SIGNBENCH_DB: await pg.createDatabase(), SIGNBENCH_QUEUE: redis.url, SIGNBENCH_DATA: dataDir, SIGNBENCH_RUN_WORKER: '0',
    SIGNBENCH_POOL_WORKERS: '1', SIGNBENCH_WARM_SUITES: '0', SIGNBENCH_POLL_MS: '200', SIGNBENCH_LEASE_MS: String(LEASE_MS),
    SIGNBENCH_QUOTA: '100000', SIGNBENCH_RATE_LIMIT: '100000', SIGNBENCH_TOKEN_RATE_LIMIT: '100000',
  };
  const prep = spawnSync(process.execPath, [join(REPO, 'bin', 'signbench.js'), 'leaderboard', '--suite', 'synthetic-mini', '--data', dataDir, '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (prep.status !== 0) throw new Error(prep.stderr);
  const store = await PostgresStore.open(env.SIGNBENCH_DB!);
  const server = await startServer(await freePort(), dataDir, env);
  procs.push(server);
  const { token } = await store.createToken('bench');
  const zip = await referenceArchive(dataDir);
  let killed: { runId: string; at: number } | null = null;
  const workers: Proc[] = [];
  for (let i = 0; i < WORKERS; i++) {
    workers.push(startWorker(dataDir, env, LEASE_MS, (e) => {
      if (KILL && i === 0 && e.type === 'claimed' && !killed) { killed = { runId: e.runId!, at: Date.now() }; workers[0]!.child.kill('SIGKILL'); }
    }));
  }
  procs.push(...workers);
  await sleep(2000); // the workers are up (loaded, connected) before the clock starts
  const ids = await Promise.all(Array.from({ length: N }, async (_, i) => {
    const f = new FormData();
    f.set('suite', 'synthetic-mini');
    f.set('name', `bench-${i}`);
    f.set('file', new File([zip], 'preds.zip'));
    const res = await fetch(`${server.url}/v1/submissions`, { method: 'POST', body: f, headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 202) throw new Error(`submission ${i}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  }));
  for (;;) {
    const live = (await store.listRuns({ state: 'queued', limit: 1 })).length + (await store.listRuns({ state: 'running', limit: 1 })).length;
    if (live === 0) break;
    await sleep(250);
  }
  const subs = await Promise.all(ids.map((id) => store.getSubmission(id)));
  const runs = await Promise.all(subs.map((s) => store.getRun(s!.runId)));
  const t0 = Math.min(...subs.map((s) => Date.parse(s!.createdAt)));
  const t1 = Math.max(...runs.map((r) => Date.parse(r!.finishedAt!)));
  const finished = runs.filter((r) => r!.state === 'finished').length;
  const out: Record<string, unknown> = { workers: WORKERS, n: N, finished, cpus: cpus().length, seconds: (t1 - t0) / 1000, perMinute: Number((N / ((t1 - t0) / 60_000)).toFixed(1)) };
  const k = killed as { runId: string; at: number } | null;
  if (k) out.killToFinishedS = (Date.parse((await store.getRun(k.runId))!.finishedAt!) - k.at) / 1000;
  process.stdout.write(JSON.stringify(out) + '\n');
  await store.close();
} finally {
  await Promise.all(procs.map((p) => p.stop()));
  await Promise.all([pg.stop(), redis.stop()]);
  await rm(dataDir, { recursive: true, force: true });
}
