import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvalResult } from '../../benchmark/scoring/evaluate.js';
import { loadSuite, type Suite } from '../../benchmark/suite/index.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { writeZip } from '../../pose/zip.js';
import { waitForRun } from '../../runner/events.js';
import { LocalQueue } from '../../runner/queue/local.js';
import { SqliteStore } from '../../runner/store/sqlite.js';
import { utcDay } from '../../runner/store/ids.js';
import type { RunState } from '../../runner/store/types.js';
import { leaderboard, submit } from '../../runner/submit.js';
import { runWorker, type WorkerEvent } from '../../runner/worker.js';

/**
 * The runner end to end on synthetic-mini, with real SQLite files, real worker processes (the CLI's `signbench
 * worker`) and real scoring child processes: submit → queue → worker → stored result → leaderboard, a worker
 * stopped with SIGTERM and one killed with SIGKILL mid-run, a failed run's log and quota, rerun.
 */
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LIMITS = { timeoutMs: 300_000, memoryMb: 4096 };

let dataDir: string;
let suite: Suite;
let preds: string;
let store: SqliteStore;

/** Scores queued runs in this process (children do the scoring) until none is queued or running. */
async function drain(opts: { leaseMs?: number; concurrency?: number } = {}): Promise<WorkerEvent[]> {
  const events: WorkerEvent[] = [];
  const stop = new AbortController();
  const worker = runWorker({
    store, queue: new LocalQueue(store, { leaseMs: opts.leaseMs ?? 30_000, pollMs: 100 }), dataDir, signal: stop.signal,
    leaseMs: opts.leaseMs ?? 30_000, limits: LIMITS, concurrency: opts.concurrency ?? 1, onEvent: (e) => events.push(e),
  });
  for (;;) {
    await sleep(200);
    const live = [...await store.listRuns({ state: 'queued' }), ...await store.listRuns({ state: 'running' })];
    if (live.length === 0) break;
  }
  stop.abort();
  await worker;
  return events;
}

/** `signbench worker` as its own process (node itself, not npx, so that signals reach the worker). */
function workerProcess(leaseMs: number): ChildProcess {
  return spawn(process.execPath, [join(REPO, 'bin', 'signbench.js'), 'worker', '--data', dataDir, '--lease-ms', String(leaseMs)], {
    cwd: REPO, env: { ...process.env, SIGNBENCH_POLL_MS: '100' }, stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitForState(runId: string, state: RunState, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while ((await store.getRun(runId))?.state !== state) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`run ${runId} not ${state} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** The `signbench` CLI on the test's data directory, as its own process. */
function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'signbench.js'), ...args, '--data', dataDir], { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Pids of the scoring children (runner/scoring-child.ts) whose parent is `ppid` (Linux /proc). */
function scoringChildrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid && readFileSync(`/proc/${d}/cmdline`, 'utf8').match(/scoring-child\.[jt]s/)) out.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

/** What a result says about the poses, without what depends on the run (timings). */
function scores(r: EvalResult): Omit<EvalResult, 'timings'> {
  const { timings: _t, ...rest } = r;
  return rest;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sb-runner-'));
  suite = await loadSuite('synthetic-mini', { dataDir });
  preds = join(dataDir, 'preds');
  await mkdir(preds);
  for (const p of suite.prompts()) await writeFile(join(preds, `${p.id}.pose`), encodePoseFile(suite.reference(p.id)));
  store = new SqliteStore(join(dataDir, 'signbench.db'));
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('runner: submit → worker → store → leaderboard', () => {
  it('scores a directory, a zip and a model submission in worker children, stores them once, ranks them; eval gives the same numbers', async () => {
    const dir = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'truth-dir', input: { kind: 'predictions', path: preds } });
    expect(dir.state).toBe('queued');
    // The same poses as an uploaded zip (the server's path): stored by content hash, keeping the extension.
    const zipBytes = writeZip(await Promise.all((await readdir(preds)).sort().map(async (f) => ({ name: f, data: await readFile(join(preds, f)) }))));
    const zip = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'truth-zip', input: { kind: 'predictions', bytes: zipBytes, filename: 'upload.zip' } });
    // The committed generator submitted as a model: copied, run by the worker's child with limits, scored.
    const model = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'generator-copy', input: { kind: 'model', path: join(REPO, 'models', 'generator') } });
    expect(existsSync(join(dataDir, 'uploads', model.sha256, 'manifest.json'))).toBe(true);
    expect(existsSync(join(dataDir, 'uploads', dir.sha256))).toBe(true);
    expect(existsSync(join(dataDir, 'uploads', `${zip.sha256}.zip`))).toBe(true);

    const progress: string[] = [];
    const done = waitForRun(store, dir.runId, { intervalMs: 50, onEvent: (e) => { if (e.type === 'progress') progress.push((e.detail as { stage: string }).stage); } });
    const events = await drain({ concurrency: 2 });
    expect(events.filter((e) => e.type === 'finished')).toHaveLength(3);
    expect((await done).type).toBe('finished');
    expect(progress).toContain('translating');

    const a = (await store.getResult(dir.runId))!;
    const b = (await store.getResult(zip.runId))!;
    expect(a.submission.sha256).toBe(dir.sha256);
    expect(a.n).toBe(24);
    expect(a.sacrebleu!.bleu).toBeGreaterThan(20);
    expect(a.pose.dtw_mje).toBe(0);
    expect({ ...scores(b), submission: null }).toEqual({ ...scores(a), submission: null });
    const run = (await store.getRun(dir.runId))!;
    expect(run.log).toMatch(/finished in/);
    expect(run.progress).toMatchObject({ total: 24 });

    // `signbench eval` on the same input, locally: the same numbers and signature as the worker.
    const evaluated = cli('eval', '--suite', 'synthetic-mini', '--predictions', preds, '--json');
    expect(evaluated.code, evaluated.err).toBe(0);
    const local = JSON.parse(evaluated.out) as EvalResult;
    expect(scores(local)).toEqual(scores(a));
    expect(local.signature).toEqual(a.signature);

    // Ranked with the baselines: ground truth's poses score the ground-truth row's numbers.
    const lb = await leaderboard({ store, dataDir, suite: 'synthetic-mini' });
    const names = lb.rows.map((r) => r.name);
    for (const n of ['ground-truth', 'mean-pose', 'nearest-sentence', 'default-generator', 'truth-dir', 'truth-zip', 'generator-copy']) expect(names).toContain(n);
    // The committed generator as a submission reproduces the default-generator baseline row.
    const gen = lb.rows.find((r) => r.name === 'default-generator')!;
    const genCopy = lb.rows.find((r) => r.name === 'generator-copy')!;
    expect(genCopy.kind).toBe('submission');
    expect(genCopy.sacrebleu).toEqual(gen.sacrebleu);
    expect(genCopy.pose).toEqual(gen.pose);
    expect(names.indexOf('default-generator')).toBe(names.indexOf('generator-copy') - 1);
    const gt = lb.rows.find((r) => r.name === 'ground-truth')!;
    const mine = lb.rows.find((r) => r.name === 'truth-dir')!;
    expect(mine.kind).toBe('submission');
    expect(mine.sacrebleu).toEqual(gt.sacrebleu);
    expect(mine.id).toBe(dir.id);
    // Tied with ground truth on every metric: the baseline first, then the earlier submission.
    expect(names.indexOf('ground-truth')).toBeLessThan(names.indexOf('truth-dir'));
    expect(names.indexOf('truth-dir')).toBeLessThan(names.indexOf('truth-zip'));
    expect(names.indexOf('truth-zip')).toBeLessThan(names.indexOf('mean-pose'));
  }, 400_000);

  it('the CLI: submit --json, token create/revoke, runs --json, leaderboard --json --html', async () => {
    const tok = cli('token', 'create', '--name', 'dora', '--json');
    expect(tok.code, tok.err).toBe(0);
    const { token } = JSON.parse(tok.out) as { token: string };
    const sub = cli('submit', '--suite', 'synthetic-mini', '--name', 'dora-1', '--predictions', preds, '--token', token, '--uses', 'text', '--json');
    expect(sub.code, sub.err).toBe(0);
    const { id, state } = JSON.parse(sub.out) as { id: string; state: string };
    expect(state).toBe('queued');
    expect((await store.getSubmission(id))).toMatchObject({ submitter: 'dora', meta: { uses: 'text' } });
    const list = cli('runs', '--suite', 'synthetic-mini', '--state', 'queued', '--json');
    expect(list.code, list.err).toBe(0);
    expect((JSON.parse(list.out) as { submissionId: string }[]).map((r) => r.submissionId)).toEqual([id]);
    expect(cli('runs', 'rerun', id, '--json').code).toBe(1); // still queued
    const missing = cli('submit', '--suite', 'synthetic-mini', '--name', 'x', '--predictions', join(dataDir, 'nope'), '--json');
    expect(missing.code).toBe(1);
    expect(cli('token', 'revoke', 'dora').code).toBe(0);
    const denied = cli('submit', '--suite', 'synthetic-mini', '--name', 'dora-2', '--predictions', preds, '--token', token);
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/unknown or revoked token/);
    await drain();

    const html = join(dataDir, 'board.html');
    const lb = cli('leaderboard', '--suite', 'synthetic-mini', '--json', '--html', html);
    expect(lb.code, lb.err).toBe(0);
    const board = JSON.parse(lb.out) as { suite: string; rows: Record<string, unknown>[] };
    expect(board.suite).toBe('synthetic-mini');
    for (const row of board.rows) for (const k of ['name', 'kind', 'slt', 'sacrebleu', 'pose', 'ci95', 'signature']) expect(row).toHaveProperty(k);
    expect(board.rows.map((r) => r.name)).toContain('dora-1');
    expect(await readFile(html, 'utf8')).toMatch(/<svg/);
  }, 400_000);

  it('refuses a malformed submission at submit with the per-item report, and queues nothing', async () => {
    const bad = join(dataDir, 'bad');
    await mkdir(bad);
    const ids = suite.prompts().map((p) => p.id);
    for (const id of ids.slice(1)) await writeFile(join(bad, `${id}.pose`), await readFile(join(preds, `${id}.pose`)));
    const before = (await store.listRuns()).length;
    const err = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'missing-one', input: { kind: 'predictions', path: bad } }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rejected', detail: { problems: [{ id: ids[0], problem: expect.stringMatching(/missing/) }] } });
    expect((await store.listRuns()).length).toBe(before);
    expect((await readdir(join(dataDir, 'uploads'))).filter((f) => f.startsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('a worker stopped with SIGTERM gives its run back; one killed with SIGKILL leaves no result and the run completes after its lease expires', async () => {
    const sub = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'survivor', input: { kind: 'predictions', path: preds } });

    const w1 = workerProcess(60_000);
    await waitForState(sub.runId, 'running');
    w1.kill('SIGTERM');
    const [code] = await once(w1, 'exit');
    expect(code).toBe(0);
    expect((await store.getRun(sub.runId))?.state).toBe('queued');

    const leaseMs = 1_500;
    const w2 = workerProcess(leaseMs);
    await waitForState(sub.runId, 'running');
    const events2 = await store.runEvents(sub.runId);
    // Wait for the scoring child to report progress, so that the kill lands mid-run.
    for (let t = 0; t < 600 && !(await store.runEvents(sub.runId, events2.at(-1)!.seq)).some((e) => e.type === 'progress'); t++) await sleep(50);
    const children = scoringChildrenOf(w2.pid!);
    expect(children).toHaveLength(1);
    w2.kill('SIGKILL');
    await once(w2, 'exit');
    // The orphaned scoring child notices its worker is gone and stops scoring.
    for (let t = 0; t < 200 && children.some(alive); t++) await sleep(50);
    expect(children.filter(alive)).toEqual([]);
    expect((await store.getRun(sub.runId))?.state).toBe('running');
    expect(await store.getResult(sub.runId)).toBeNull();
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM results WHERE run_id = ?').get(sub.runId)).toEqual({ n: 0 });

    const events = await drain({ leaseMs });
    expect(events.filter((e) => e.type === 'finished').map((e) => (e as { runId: string }).runId)).toEqual([sub.runId]);
    const history = (await store.runEvents(sub.runId)).filter((e) => e.type !== 'progress');
    expect(history.map((e) => e.type)).toEqual(['queued', 'running', 'released', 'running', 'requeued', 'running', 'finished']);
    // Three different workers held it; the last one wrote the one result.
    expect(new Set(history.filter((e) => e.type === 'running').map((e) => e.workerId)).size).toBe(3);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM results WHERE run_id = ?').get(sub.runId)).toEqual({ n: 1 });
    expect((await store.getRun(sub.runId))?.attempt).toBe(3);
    expect((await store.finishedResults('synthetic-mini')).filter((e) => e.id === sub.id)).toHaveLength(1);
  }, 400_000);

  it('a failed run keeps its log and error and costs no quota; runs rerun queues it again; tokens authenticate and revoke', async () => {
    const { token } = await store.createToken('carol');
    const broken = join(dataDir, 'broken-model');
    await mkdir(broken);
    await writeFile(join(broken, 'manifest.json'), '{"format": "not a generator"}');
    const quota = 1;
    const bad = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'broken', token, quota, input: { kind: 'model', path: broken } });
    await drain();
    const failed = (await store.getRun(bad.runId))!;
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toBeTruthy();
    expect(failed.log).toContain(failed.error!.message.slice(0, 40));
    expect(failed.log).toMatch(/failed: /);
    const carol = (await store.authenticate(token))!;
    expect(await store.quotaUsed(carol.id, 'synthetic-mini', utcDay())).toBe(0);

    // The failure cost nothing: a good submission still fits the quota of 1; after it finishes, the next does not.
    const good = await submit({ store, dataDir, suite: 'synthetic-mini', name: 'carol-good', token, quota, input: { kind: 'predictions', path: preds } });
    await drain();
    expect((await store.getRun(good.runId))?.state).toBe('finished');
    expect(await store.quotaUsed(carol.id, 'synthetic-mini', utcDay())).toBe(1);
    await expect(submit({ store, dataDir, suite: 'synthetic-mini', name: 'carol-again', token, quota, input: { kind: 'predictions', path: preds } }))
      .rejects.toMatchObject({ kind: 'rate-limited' });

    // Rerun the failed one (`signbench runs rerun`): a new run, claimed and recorded again; the first run's log stays.
    const rerun = cli('runs', 'rerun', bad.runId, '--json');
    expect(rerun.code, rerun.err).toBe(0);
    const again = JSON.parse(rerun.out) as { id: string; state: string; submission: string };
    expect(again).toMatchObject({ state: 'queued', submission: bad.id });
    await drain();
    expect((await store.getRun(again.id))?.state).toBe('failed');
    expect((await store.getRun(bad.runId))?.log).toBe(failed.log);
    expect((await store.listRuns({ submissionId: bad.id })).map((r) => r.id)).toEqual([again.id, bad.runId]);

    await store.revokeToken('carol');
    await expect(submit({ store, dataDir, suite: 'synthetic-mini', name: 'x', token, input: { kind: 'predictions', path: preds } }))
      .rejects.toMatchObject({ kind: 'unauthorized' });
  }, 400_000);
});
