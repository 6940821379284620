import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeZip } from '../../pose/zip.js';
import { parseSse, referenceArchive, testServer, untilReady } from './helpers.js';

type S = Awaited<ReturnType<typeof testServer>>;
let srv: S;
let data: string;
let token: string;
const req = (path: string, init?: RequestInit) => srv.app.request(path, init);

function form(fields: Record<string, string | File>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

beforeAll(async () => {
  data = await mkdtemp(join(tmpdir(), 'signbench-server-'));
  srv = await testServer({ dataDir: data, warmSuites: false, runWorkers: 1 });
  token = (await srv.store.createToken('tester')).token;
  // First use: the suite is materialised and its baselines scored in a child process; meanwhile 503 + Retry-After.
  const res = await untilReady(() => req('/v1/leaderboard/synthetic-mini'));
  expect(res.status).toBe(200);
}, 400_000);
afterAll(async () => {
  await srv?.close();
  await rm(data, { recursive: true, force: true });
});

describe('benchmark routes', () => {
  it('suites and prompts; references served only for public suites; unknown suites 404', async () => {
    const res = await req('/v1/suites');
    const { suites } = await res.json() as { suites: { name: string; n: number; publicReferences: boolean; judge: unknown }[] };
    const mini = suites.find((s) => s.name === 'synthetic-mini')!;
    expect(mini.n).toBe(24);
    expect(JSON.stringify(mini.judge)).not.toContain('/'); // no server paths
    const { prompts } = await (await req('/v1/suites/synthetic-mini/prompts')).json() as { prompts: { id: string; text: string }[] };
    expect(prompts.length).toBe(24);
    expect(prompts[0].text.length).toBeGreaterThan(0);
    const ref = await req(`/v1/suites/synthetic-mini/items/${prompts[0].id}/reference`);
    expect(ref.status).toBe(mini.publicReferences ? 200 : 404);
    expect((await req('/v1/suites/nope/prompts')).status).toBe(404);
    expect([400, 404]).toContain((await req('/v1/suites/..%2F..%2Fetc/prompts')).status);
    expect([400, 404]).toContain((await req('/v1/leaderboard/%2Ftmp')).status);
  }, 240_000);

  it('submissions need a valid bearer token and a well-formed archive', async () => {
    const zip = await referenceArchive(data);
    const body = () => form({ suite: 'synthetic-mini', name: 'x', file: new File([zip], 'p.zip') });
    expect((await req('/v1/submissions', { method: 'POST', body: body() })).status).toBe(401);
    expect((await req('/v1/submissions', { method: 'POST', body: body(), headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    const auth = { Authorization: `Bearer ${token}` };
    expect((await req('/v1/submissions', { method: 'POST', headers: auth, body: form({ suite: 'synthetic-mini', name: 'x' }) })).status).toBe(400);
    expect((await req('/v1/submissions', { method: 'POST', headers: auth, body: form({ suite: 'nope', name: 'x', file: new File([zip], 'p.zip') }) })).status).toBe(404);
    // wrong ids: rejected with the per-item report
    const wrong = writeZip([{ name: 'not-an-item.pose', data: zip.subarray(0, 100) }]);
    const rej = await req('/v1/submissions', { method: 'POST', headers: auth, body: form({ suite: 'synthetic-mini', name: 'bad', file: new File([wrong], 'bad.zip') }) });
    expect(rej.status).toBe(422);
    const r = await rej.json() as { error: string; info: { problems: unknown[] } };
    expect(r.error).toBe('rejected');
    expect(r.info.problems.length).toBeGreaterThan(0);
    // path traversal
    const evil = writeZip([{ name: '../../evil.pose', data: new Uint8Array(10) }]);
    const ev = await req('/v1/submissions', { method: 'POST', headers: auth, body: form({ suite: 'synthetic-mini', name: 'evil', file: new File([evil], 'evil.zip') }) });
    expect(ev.status).toBeGreaterThanOrEqual(400);
    expect(ev.status).toBeLessThan(500);
  }, 240_000);

  it('a predictions archive is queued, scored by the worker with SSE progress, and ranked', async () => {
    const zip = await referenceArchive(data);
    const res = await req('/v1/submissions', { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form({ suite: 'synthetic-mini', name: 'ground-truth-copy', file: new File([zip], 'preds.zip') }) });
    expect(res.status, await res.clone().text()).toBe(202);
    const { id, state } = await res.json() as { id: string; state: string };
    expect(state).toBe('queued');
    const events = parseSse(await (await req(`/v1/submissions/${id}/events`)).text());
    const names = events.map(([e]) => e);
    expect(names).toContain('progress');
    expect(names).toContain('state');
    const result = events.find(([e]) => e === 'result')?.[1] as { n: number; sacrebleu: { bleu: number } };
    expect(result.n).toBe(24);
    const sub = await (await req(`/v1/submissions/${id}`)).json() as { state: string; result: { n: number } };
    expect(sub.state).toBe('finished');
    expect(sub.result.n).toBe(24);
    const lb = await (await req('/v1/leaderboard/synthetic-mini')).json() as { rows: { name: string; kind: string; rank: number }[] };
    const row = lb.rows.find((x) => x.name === 'ground-truth-copy')!;
    expect(row.kind).toBe('submission');
    expect(lb.rows.some((x) => x.kind === 'baseline')).toBe(true);
    expect(await (await req('/v1/leaderboard/synthetic-mini?format=md')).text()).toContain('ground-truth-copy');
    expect(await (await req('/v1/leaderboard/synthetic-mini?format=html')).text()).toContain('<svg');
    const entry = await (await req('/v1/leaderboard/synthetic-mini/entries/ground-truth-copy')).json() as { result: { items: { id: string }[] } };
    expect(entry.result.items.length).toBe(24);
    const pose = await (await req(`/v1/leaderboard/synthetic-mini/entries/ground-truth-copy/items/${entry.result.items[0].id}/pose`)).json() as { frames: number[][] };
    expect(pose.frames[0].length).toBe(384);
    const metrics = await (await req('/metrics')).text();
    expect(metrics).toContain('signbench_run_duration_seconds_count{suite="synthetic-mini",state="finished"} 1');
  }, 400_000);
});
