/**
 * The benchmark routes: suites and their prompts, submissions (bearer token) with live progress, leaderboards.
 * They call the runner (submit, leaderboard, the store, events) and the suite loader; nothing is scored here. The
 * hidden references are exposed by no route: a suite's reference poses are served only when its info says they are
 * public (the built-in procedural suites, which anyone can rebuild from the seed).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { leaderboardHtml, leaderboardMarkdown, type Leaderboard } from '../../benchmark/leaderboard/index.js';
import { archiveKind, ArchiveRefused, unpackArchive } from '../../benchmark/submission/archive.js';
import { validateSubmission } from '../../benchmark/submission/index.js';
import { BUILTIN_SUITES, loadSuite, type Suite } from '../../benchmark/suite/index.js';
import { SignbenchError } from '../../pose/errors.js';
import type { PoseSequence } from '../../pose/sequence.js';
import type { RunQueue } from '../../runner/queue/types.js';
import { subscribe } from '../../runner/events.js';
import type { Store } from '../../runner/store/types.js';
import { leaderboard, submit } from '../../runner/submit.js';
import type { AppEnv } from '../app.js';
import { RateLimiter, rateLimit } from '../limits.js';
import { ErrorSchema } from '../schemas.js';

export interface BenchDeps {
  store: Store;
  dataDir: string;
  quota: number;
  maxArchiveBytes: number;
  tokenLimiter: RateLimiter;
  /** Announces each new run to the workers (BullMQ); absent or local: the store's runs table is the queue. */
  queue?: RunQueue;
  /** Materialises a suite and caches its baselines out of process (see prepareSuite in server/server.ts). */
  prepare: (suite: string, what: 'suite' | 'baselines') => Promise<void>;
  /** How long a request waits for a suite being prepared before 503 (default 20 s). */
  prepareWaitMs?: number;
  /** Prepare every known suite in the background at start (default true). */
  warmOnStart?: boolean;
}

const NAME = z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'a suite name (letters, digits, . _ -)');
const err = (d: string) => ({ description: d, content: { 'application/json': { schema: ErrorSchema } } });

/** A pose sequence as the UI players take it. */
function poseJson(seq: PoseSequence, extra: Record<string, unknown> = {}) {
  const frames: number[][] = [];
  for (let t = 0; t < seq.frames; t++) frames.push(Array.from(seq.frame(t), (v) => Math.round(v * 1e5) / 1e5));
  return { id: seq.id, fps: seq.meta.fps, width: seq.meta.width, height: seq.meta.height, frames, ...extra };
}

function bearer(c: Context): string {
  const h = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S{1,512})$/i.exec(h.trim());
  if (!m) throw new SignbenchError('unauthorized', 'an Authorization: Bearer <token> header is required (signbench token create --name NAME)');
  return m[1];
}

export function registerBench(app: OpenAPIHono<AppEnv>, deps: BenchDeps): void {
  const { store, dataDir } = deps;
  const suites = new Map<string, Promise<Suite>>();
  // Only names the server knows reach loadSuite (which also takes directories).
  const known = async (): Promise<string[]> => [...new Set([...BUILTIN_SUITES, ...(await store.listSuites()).map((s) => s.name)])];
  const getSuite = async (name: string, waitMs?: number): Promise<Suite> => {
    if (!NAME.safeParse(name).success || !(await known()).includes(name)) throw new SignbenchError('not-found', `no suite '${name.slice(0, 64)}' (GET /v1/suites lists them)`);
    await ready(name, 'suite', waitMs);
    let s = suites.get(name);
    if (!s) {
      s = loadSuite(name, { dataDir });
      suites.set(name, s);
      s.catch(() => suites.delete(name));
    }
    return s;
  };
  // Materialising a suite and scoring its baselines takes CPU-minutes: a child process does it (the CLI's
  // `leaderboard`, which caches both in the data directory), so the event loop stays free; requests meanwhile get 503.
  const warming = new Map<string, Promise<void>>();
  const warm = (name: string, what: 'suite' | 'baselines'): Promise<void> => {
    const key = `${what}:${name}`;
    let w = warming.get(key);
    if (!w) {
      w = (what === 'baselines' ? warm(name, 'suite') : Promise.resolve()).then(() => deps.prepare(name, what));
      warming.set(key, w);
      w.catch(() => warming.delete(key));
    }
    return w;
  };
  const ready = async (name: string, what: 'suite' | 'baselines', waitMs = deps.prepareWaitMs ?? 20_000): Promise<void> => {
    const w = warm(name, what);
    const done = await Promise.race([w.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), waitMs).unref())]);
    if (!done) throw new SignbenchError('busy', `suite ${name}${what === 'baselines' ? ': its baseline scores are' : ' is'} being prepared (first use); retry shortly`, { detail: { retryAfter: 10 } });
  };
  if (deps.warmOnStart !== false) void (async () => { for (const name of await known()) await warm(name, 'baselines').catch(() => undefined); })();
  // Leaderboards are cached briefly: baselines are computed once (benchmark/baselines caches them on disk), rows change when runs finish.
  const boards = new Map<string, { at: number; lb: Promise<Leaderboard> }>();
  const board = async (name: string): Promise<Leaderboard> => {
    const suite = await getSuite(name);
    await ready(name, 'baselines');
    const hit = boards.get(name);
    if (hit && Date.now() - hit.at < 5_000) return hit.lb;
    const lb = leaderboard({ store, dataDir, suite });
    boards.set(name, { at: Date.now(), lb });
    lb.catch(() => boards.delete(name));
    return lb;
  };

  app.openapi(createRoute({
    method: 'get', path: '/v1/suites', tags: ['benchmark'], summary: 'The benchmark suites',
    responses: { 200: { description: 'suites', content: { 'application/json': { schema: z.object({ suites: z.array(z.object({ name: z.string(), version: z.string(), n: z.number() }).passthrough()) }) } } } },
  }), async (c) => {
    const out = [];
    const names = await known();
    // Suites still being prepared are listed by name only (a short wait, so that the list comes at once).
    await Promise.all(names.map((n) => getSuite(n, 5_000).catch(() => null)));
    for (const name of names) {
      const s = await getSuite(name, 0).catch(() => null);
      if (!s) { out.push({ name, ready: false } as unknown as { name: string; version: string; n: number }); continue; }
      const { judge, corpus, ...info } = s.info as unknown as Record<string, unknown>;
      out.push({ ...info, judge: judge ? { hash: (judge as { hash: string }).hash } : null, corpus } as unknown as { name: string; version: string; n: number });
    }
    return c.json({ suites: out }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/v1/suites/{name}/prompts', tags: ['benchmark'], summary: 'A suite\'s prompts (id, text, glosses): what a submission generates',
    request: { params: z.object({ name: NAME }) },
    responses: { 200: { description: 'prompts', content: { 'application/json': { schema: z.object({ suite: z.string(), version: z.string(), prompts: z.array(z.object({ id: z.string(), text: z.string(), glosses: z.array(z.string()).optional() })) }) } } }, 404: err('unknown suite') },
  }), async (c) => {
    const s = await getSuite(c.req.valid('param').name);
    return c.json({ suite: s.info.name, version: s.info.version, prompts: s.prompts() }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/v1/suites/{name}/items/{id}/reference', tags: ['benchmark'],
    summary: 'The reference poses of one item, for suites whose references are public (404 otherwise)',
    request: { params: z.object({ name: NAME, id: z.string().max(128) }) },
    responses: { 200: { description: 'frames', content: { 'application/json': { schema: z.object({ fps: z.number(), frames: z.array(z.array(z.number())) }).passthrough() } } }, 404: err('unknown suite or item, or hidden references') },
  }), async (c) => {
    const { name, id } = c.req.valid('param');
    const s = await getSuite(name);
    if (!(s.info as { publicReferences?: boolean }).publicReferences) throw new SignbenchError('not-found', `suite ${name} keeps its references hidden`);
    return c.json(poseJson(s.reference(id)), 200);
  });

  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/submissions', tags: ['benchmark'], summary: 'Submit a predictions archive (or a model directory archive with kind=model); scored by the worker',
    security: [{ bearer: [] }],
    request: { body: { required: true, content: { 'multipart/form-data': { schema: z.object({ suite: NAME, name: z.string().max(100), kind: z.enum(['predictions', 'model']).optional(), file: z.string().openapi({ format: 'binary' }) }) } } } },
    responses: {
      202: { description: 'queued', content: { 'application/json': { schema: z.object({ id: z.string(), state: z.string() }) } } },
      400: err('bad form'), 401: err('missing or unknown token'), 413: err('archive too large'), 422: err('rejected: info.problems lists each'), 429: err('rate limit or daily quota'),
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const perToken = rateLimit(deps.tokenLimiter, (c) => { const h = c.req.header('authorization'); return h ? `token:${h.slice(-24)}` : null; }, 'per token');
  app.post('/v1/submissions', perToken, async (c) => {
    const token = bearer(c);
    if (!(await store.authenticate(token))) throw new SignbenchError('unauthorized', 'unknown or revoked token');
    if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
      throw new SignbenchError('invalid-input', 'send multipart/form-data with fields suite, name and file');
    }
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody({ all: true });
    } catch (e) {
      throw new SignbenchError('invalid-input', `multipart body: ${(e as Error).message}`);
    }
    const field = (k: string) => {
      const v = form[k];
      if (typeof v !== 'string') throw new SignbenchError('invalid-input', `field "${k}" is ${v === undefined ? 'missing' : 'not a single text value'}`);
      return v;
    };
    const suiteName = field('suite');
    const name = field('name');
    const kind = form.kind === undefined ? 'predictions' : field('kind');
    if (kind !== 'predictions' && kind !== 'model') throw new SignbenchError('invalid-input', `kind must be predictions or model, got '${kind.slice(0, 32)}'`);
    const file = form.file;
    if (!(file instanceof File)) throw new SignbenchError('invalid-input', 'field "file" (the archive) is missing or not a file');
    if (file.size === 0) throw new SignbenchError('invalid-input', 'the archive is empty');
    if (file.size > deps.maxArchiveBytes) throw new SignbenchError('too-large', `the archive is over ${deps.maxArchiveBytes} bytes`);
    await getSuite(suiteName);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const common = { store, queue: deps.queue, dataDir, suite: suiteName, name, token, quota: deps.quota, uploadLimits: { maxBytes: deps.maxArchiveBytes, maxFiles: 100_000 }, signal: c.req.raw.signal };
    let res;
    if (kind === 'predictions') {
      res = await submit({ ...common, input: { kind: 'predictions', bytes, filename: file.name || 'predictions.zip' } });
    } else {
      // A model directory arrives as an archive: unpacked (bounded, no links, no paths outside) into a scratch folder, then stored as a directory.
      await mkdir(join(dataDir, 'tmp'), { recursive: true });
      const scratch = await mkdtemp(join(dataDir, 'tmp', 'model-'));
      try {
        const archive = join(scratch, 'upload');
        await writeFile(archive, bytes);
        const ak = await archiveKind(archive);
        if (!ak) throw new SignbenchError('invalid-input', 'kind=model: the file is not a zip or tar archive');
        const dir = join(scratch, 'model');
        await mkdir(dir);
        try {
          await unpackArchive(archive, ak, dir, { maxTotalBytes: 4 * deps.maxArchiveBytes, maxEntries: 1000, maxRatio: 200 });
        } catch (e) {
          if (e instanceof ArchiveRefused) throw new SignbenchError('rejected', `model archive refused: ${e.message}`);
          throw e;
        }
        res = await submit({ ...common, input: { kind: 'model', path: dir } });
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    }
    boards.delete(suiteName);
    return c.json({ id: res.id, state: res.state }, 202);
  });

  const getSub = async (id: string) => {
    if (!/^[\w-]{1,64}$/.test(id)) throw new SignbenchError('not-found', 'no such submission');
    const sub = await store.getSubmission(id);
    if (!sub) throw new SignbenchError('not-found', `no submission ${id}`);
    return sub;
  };

  app.openapi(createRoute({
    method: 'get', path: '/v1/submissions/{id}', tags: ['benchmark'], summary: 'A submission: state, progress, result when finished, log when failed',
    request: { params: z.object({ id: z.string().max(64) }) },
    responses: { 200: { description: 'the submission', content: { 'application/json': { schema: z.object({ id: z.string(), state: z.string(), progress: z.unknown(), result: z.unknown().optional(), log: z.string().optional() }).passthrough() } } }, 404: err('unknown id') },
  }), async (c) => {
    const sub = await getSub(c.req.valid('param').id);
    const run = await store.getRun(sub.runId);
    const result = run?.state === 'finished' ? await store.getResult(run.id) : null;
    return c.json({
      id: sub.id, state: run?.state ?? sub.state, suite: sub.suite, name: sub.name, submitter: sub.submitter, kind: sub.kind, sha256: sub.sha256, createdAt: sub.createdAt,
      progress: run?.progress ?? null, attempt: run?.attempt ?? 0, startedAt: run?.startedAt ?? null, finishedAt: run?.finishedAt ?? null,
      ...(result ? { result } : {}), ...(run?.error ? { error: run.error } : {}), ...(run?.state === 'failed' && run.log ? { log: run.log } : {}),
    }, 200);
  });

  app.openAPIRegistry.registerPath({
    method: 'get', path: '/v1/submissions/{id}/events', tags: ['benchmark'],
    summary: 'Server-sent events of a submission: progress {done,total,stage}, state {state}, result {eval JSON}, error {error,detail,log}',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'event stream', content: { 'text/event-stream': { schema: z.string() } } }, 404: err('unknown id') },
  });
  app.get('/v1/submissions/:id/events', async (c) => {
    const sub = await getSub(c.req.param('id'));
    const after = Number(c.req.header('last-event-id') ?? 0) || 0;
    return streamSSE(c, async (sse) => {
      const stopped = new AbortController();
      c.req.raw.signal.addEventListener('abort', () => stopped.abort(), { once: true });
      sse.onAbort(() => stopped.abort());
      await new Promise<void>((resolve) => {
        let chain = Promise.resolve();
        const send = (event: string, data: unknown, id?: number) => { chain = chain.then(() => sse.writeSSE({ event, data: JSON.stringify(data), ...(id ? { id: String(id) } : {}) })).catch(() => stopped.abort()); };
        stopped.signal.addEventListener('abort', () => resolve(), { once: true });
        subscribe(store, sub.runId, (e) => {
          if (e.type === 'progress') send('progress', e.detail, e.seq);
          else if (e.type === 'finished') {
            send('state', { state: 'finished' }, e.seq);
            chain = chain.then(async () => {
              const result = await store.getResult(sub.runId);
              await sse.writeSSE({ event: 'result', data: JSON.stringify(result) });
            }).finally(resolve);
          } else if (e.type === 'failed') {
            send('state', { state: 'failed' }, e.seq);
            chain = chain.then(async () => {
              const run = await store.getRun(sub.runId);
              const d = e.detail as { kind?: string; message?: string } | null;
              await sse.writeSSE({ event: 'error', data: JSON.stringify({ error: d?.kind ?? 'failed', detail: d?.message ?? 'the run failed', log: run?.log ?? '' }) });
            }).finally(resolve);
          } else {
            const state = e.type === 'requeued' || e.type === 'released' ? 'queued' : e.type;
            send('state', { state }, e.seq);
          }
        }, { afterSeq: after, signal: stopped.signal, intervalMs: 250 });
      });
    });
  });

  app.openapi(createRoute({
    method: 'get', path: '/v1/leaderboard/{suite}', tags: ['benchmark'],
    summary: 'The leaderboard (the JSON of `signbench leaderboard --json`; ?format=md|html)',
    request: { params: z.object({ suite: NAME }), query: z.object({ format: z.enum(['json', 'md', 'html']).default('json') }) },
    responses: {
      200: { description: 'ranked rows', content: { 'application/json': { schema: z.object({ suite: z.string(), primary: z.string(), rows: z.array(z.unknown()) }) }, 'text/markdown': { schema: z.string() }, 'text/html': { schema: z.string() } } },
      404: err('unknown suite'),
    },
  }), async (c) => {
    const { suite } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const lb = await board(suite);
    if (format === 'md') return c.body(leaderboardMarkdown(lb), 200, { 'Content-Type': 'text/markdown; charset=utf-8' }) as never;
    if (format === 'html') return c.html(leaderboardHtml(lb)) as never;
    return c.json(lb, 200);
  });

  // One row's full result (per-item scores) and one item's poses, for the UI's details and compare views.
  const entryOf = async (suiteName: string, name: string) => {
    const suite = await getSuite(suiteName);
    const lb = await board(suiteName);
    const row = lb.rows.find((r) => r.name === name);
    if (!row) throw new SignbenchError('not-found', `no entry '${name.slice(0, 100)}' on the ${suiteName} leaderboard`);
    if (row.kind === 'submission' && row.id) {
      const sub = await getSub(row.id);
      const result = await store.getResult(sub.id);
      return { suite, row, sub, result };
    }
    const { baselineResults } = await import('../../benchmark/baselines/index.js');
    const b = (await baselineResults(suite, { dataDir })).find((x) => x.name === name);
    return { suite, row, sub: null, result: b?.result ?? null };
  };
  app.get('/v1/leaderboard/:suite/entries/:name', async (c) => {
    const { row, result } = await entryOf(c.req.param('suite'), c.req.param('name'));
    return c.json({ name: row.name, kind: row.kind, id: row.id ?? null, result });
  });
  const submissionPoses = new Map<string, Promise<ReadonlyMap<string, PoseSequence>>>();
  app.get('/v1/leaderboard/:suite/entries/:name/items/:item/pose', async (c) => {
    const { suite, row, sub, result } = await entryOf(c.req.param('suite'), c.req.param('name'));
    const item = c.req.param('item');
    if (!suite.prompts().some((p) => p.id === item)) throw new SignbenchError('not-found', `no item '${item.slice(0, 64)}' in ${suite.info.name}`);
    const hyp = (result?.items ?? []).find((it) => it.id === item)?.hyp ?? null;
    if (row.kind === 'submission' && sub?.kind === 'predictions') {
      // The submitted poses are public once scored; read once per submission and kept for the next items (two at most).
      let poses = submissionPoses.get(sub.id);
      if (!poses) {
        poses = validateSubmission(suite, { kind: 'predictions', path: sub.path }).then((v) => v.poses);
        submissionPoses.set(sub.id, poses);
        poses.catch(() => submissionPoses.delete(sub.id));
        while (submissionPoses.size > 2) submissionPoses.delete(submissionPoses.keys().next().value!);
      }
      const seq = (await poses).get(item);
      if (!seq) throw new SignbenchError('not-found', `the submission has no item '${item}'`);
      return c.json(poseJson(seq, { hyp }));
    }
    throw new SignbenchError('not-found', `poses of ${row.kind} '${row.name}' are not kept by the server (predictions submissions only)`);
  });
}
