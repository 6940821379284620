import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePoseFileRaw } from '../../pose/formats/pose-format.js';
import { parsePoseBytes } from '../../pose/io.js';
import { syntheticSequence } from '../../render/synthetic.js';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir } from '../../generator/runtime.js';
import { json, parseSse, testServer } from './helpers.js';

/** The frame rate of the committed default generator (the server's default model). */
const DEFAULT_MODEL_FPS = (JSON.parse(readFileSync(join(defaultModelDir(), 'manifest.json'), 'utf8')) as { normalization: { fps: number } }).normalization.fps;

type S = Awaited<ReturnType<typeof testServer>>;
let srv: S;
const req = (path: string, init?: RequestInit) => srv.app.request(path, init);

beforeAll(async () => { srv = await testServer(); }, 120_000);
afterAll(async () => { await srv?.close(); });

async function expectError(res: Response, status: number, kind?: string) {
  expect(res.status, await res.clone().text()).toBe(status);
  const body = await res.json() as { error: string; detail: string };
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  if (kind) expect(body.error).toBe(kind);
  return body;
}

describe('meta routes', () => {
  it('healthz, readyz, models', async () => {
    expect(await (await req('/healthz')).json()).toEqual({ ok: true });
    const ready = await req('/readyz');
    expect(ready.status).toBe(200);
    expect((await ready.json() as { checks: { models: boolean } }).checks.models).toBe(true);
    const { models } = await (await req('/v1/models')).json() as { models: { id: string; kind: string; default: boolean }[] };
    expect(models.find((m) => m.kind === 'generator' && m.default)?.id).toBe('default');
    expect(models.some((m) => m.kind === 'translator')).toBe(true);
  });

  it('OpenAPI document from the zod schemas, docs page with local assets', async () => {
    const doc = await (await req('/openapi.json')).json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/v1/generate', '/v1/render', '/v1/translate', '/spoken_text_to_signed_pose', '/v1/models', '/healthz']) expect(Object.keys(doc.paths)).toContain(p);
    expect(JSON.stringify(doc.paths['/v1/generate'].post.requestBody)).toContain('GenerateRequest');
    expect(JSON.stringify((doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas.GenerateRequest)).toContain('glosses');
    const html = await (await req('/docs')).text();
    expect(html).toContain('/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\/(?!127)/);
    const js = await req('/docs/assets/swagger-ui-bundle.js');
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    await expectError(await req('/docs/assets/..%2Fpackage.json'), 404);
  });

  it('metrics in Prometheus text with per-route counts and the queue depth; one JSON log line per request', async () => {
    await req('/healthz');
    const text = await (await req('/metrics')).text();
    expect(text).toMatch(/signbench_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(text).toContain('signbench_pool_queue_depth');
    expect(text).toContain('signbench_http_request_duration_seconds_bucket');
    const line = srv.lines.find((l) => l.path === '/healthz');
    expect(line).toMatchObject({ method: 'GET', status: 200 });
    expect(typeof line?.requestId).toBe('string');
  });

  it('unknown routes: 404 JSON', async () => {
    await expectError(await req('/v1/nope'), 404, 'not-found');
  });
});

describe('POST /v1/generate', () => {
  it('json: the dwpose-json layout, readable by the pose layer', async () => {
    const res = await req('/v1/generate', json({ text: 'Why does the brother come to the zoo?' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const bytes = new Uint8Array(await res.arrayBuffer());
    const [seq] = await parsePoseBytes(bytes, 'dwpose-json');
    expect(seq.frames).toBeGreaterThanOrEqual(8);
    expect(seq.meta.fps).toBe(DEFAULT_MODEL_FPS);
  });

  it('pose and signverse-npz bytes; fps resamples; glosses accepted', async () => {
    const pose = await req('/v1/generate', json({ text: 'the cat eats', format: 'pose' }));
    expect(pose.headers.get('content-type')).toBe('application/pose');
    const [a] = await parsePoseBytes(new Uint8Array(await pose.arrayBuffer()), 'pose');
    // twice the model's own rate: twice the frames over the same duration
    const npz = await req('/v1/generate', json({ text: 'the cat eats', format: 'signverse-npz', fps: 2 * DEFAULT_MODEL_FPS }));
    const [b] = await parsePoseBytes(new Uint8Array(await npz.arrayBuffer()));
    expect(b.meta.fps).toBe(2 * DEFAULT_MODEL_FPS);
    expect(Math.abs(b.frames - 2 * a.frames)).toBeLessThanOrEqual(1);
    const g = await req('/v1/generate', json({ glosses: ['CAT', 'EAT'] }));
    expect(g.status).toBe(200);
  });

  it('stream: meta, one frame event per frame, done', async () => {
    const res = await req('/v1/generate', json({ text: 'the dog runs to the park', stream: true }));
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await res.text());
    expect(events[0][0]).toBe('meta');
    const frames = events.filter(([e]) => e === 'frame').map(([, d]) => d as { t: number; points: number[] });
    const done = events.at(-1)!;
    expect(done[0]).toBe('done');
    expect(frames.length).toBe((done[1] as { frames: number }).frames);
    expect(frames.map((f) => f.t)).toEqual(frames.map((_, i) => i));
    expect(frames[0].points.length).toBe(384);
    // the streamed frames are the frames of the non-streamed answer
    const full = await req('/v1/generate', json({ text: 'the dog runs to the park', format: 'pose' }));
    const [seq] = await parsePoseBytes(new Uint8Array(await full.arrayBuffer()), 'pose');
    expect(seq.frames).toBe(frames.length);
    expect(frames[3].points[0]).toBeCloseTo(seq.data[3 * 384], 4);
  });

  it('bad bodies: 400 naming the field; unknown model 404; oversized 413', async () => {
    expect((await expectError(await req('/v1/generate', json({})), 400, 'invalid-input')).detail).toContain('text or glosses');
    expect((await expectError(await req('/v1/generate', json({ text: 5 })), 400)).detail).toContain('text');
    await expectError(await req('/v1/generate', json({ text: 'a', glosses: ['A'] })), 400);
    await expectError(await req('/v1/generate', json({ text: '   ' })), 400);
    await expectError(await req('/v1/generate', json({ text: 'hi', format: 'mp3' })), 400);
    await expectError(await req('/v1/generate', json({ text: 'hi', fps: -1 })), 400);
    await expectError(await req('/v1/generate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":' }), 400);
    await expectError(await req('/v1/generate', json({ text: 'hi', model: 'nope' })), 404, 'not-found');
    await expectError(await req('/v1/generate', json({ text: 'word '.repeat(150) })), 400, 'invalid-input');
    await expectError(await req('/v1/generate', json({ text: 'x'.repeat(100_000) })), 413, 'too-large');
  });
});

describe('POST /v1/translate and /v1/render with pose uploads', () => {
  const seqBytes = async () => new Uint8Array(await (await req('/v1/generate', json({ text: 'why does the brother come to the zoo?', format: 'pose' }))).arrayBuffer());

  it('raw .pose body (Content-Type), multipart file, ?format=; beam gives the n-best', async () => {
    const pose = await seqBytes();
    const raw = await req('/v1/translate?beam=3', { method: 'POST', headers: { 'Content-Type': 'application/pose' }, body: pose });
    const t = await raw.json() as { text: string; score: number; nbest: { text: string }[] };
    expect(raw.status).toBe(200);
    expect(t.text.length).toBeGreaterThan(0);
    expect(t.nbest.length).toBeGreaterThan(1);
    expect(t.nbest[0].text).toBe(t.text);
    const form = new FormData();
    form.set('file', new File([pose], 'gen.pose'));
    const multi = await (await req('/v1/translate', { method: 'POST', body: form })).json() as { text: string; nbest?: unknown };
    expect(multi.text).toBe(t.text);
    expect(multi.nbest).toBeUndefined();
    const q = await (await req('/v1/translate?format=pose', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: pose })).json() as { text: string };
    expect(q.text).toBe(t.text);
  });

  it('broken uploads are 4xx naming the problem', async () => {
    await expectError(await req('/v1/translate', { method: 'POST', body: new Uint8Array([1, 2, 3]) }), 400);
    await expectError(await req('/v1/translate?format=pose', { method: 'POST', body: new Uint8Array(100).fill(9) }), 400);
    await expectError(await req('/v1/translate?format=bogus', { method: 'POST', body: new Uint8Array(10) }), 400);
    await expectError(await req('/v1/translate?beam=0', { method: 'POST', body: new Uint8Array(10) }), 400);
    const form = new FormData();
    form.set('other', 'x');
    expect((await expectError(await req('/v1/translate', { method: 'POST', body: form }), 400)).detail).toContain('file');
    const truncated = (await seqBytes()).subarray(0, 500);
    await expectError(await req('/v1/translate', { method: 'POST', headers: { 'Content-Type': 'application/pose' }, body: truncated }), 400);
  });

  it('render: png frame of an upload, gif of a text, multipart options; bad options 400', async () => {
    const pose = encodePoseFile(syntheticSequence(6, { width: 320, height: 240 }));
    const png = await req('/v1/render?format=png&width=160&height=120&frame=2', { method: 'POST', headers: { 'Content-Type': 'application/pose' }, body: pose });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const head = new Uint8Array(await png.arrayBuffer());
    expect(Array.from(head.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    expect(new DataView(head.buffer, head.byteOffset).getUint32(16)).toBe(160);
    const gif = await req('/v1/render', json({ text: 'the cat eats', format: 'gif', width: 128, height: 128 }));
    expect(gif.headers.get('content-type')).toBe('image/gif');
    expect(new TextDecoder().decode(new Uint8Array(await gif.arrayBuffer()).subarray(0, 6))).toMatch(/^GIF8/);
    const form = new FormData();
    form.set('file', new File([pose], 'x.pose'));
    form.set('format', 'zip');
    form.set('style', 'signverse-thin');
    const zip = await req('/v1/render', { method: 'POST', body: form });
    expect(zip.headers.get('content-type')).toBe('application/zip');
    expect(zip.headers.get('x-frames')).toBe('6');
    await expectError(await req('/v1/render?style=crayon', { method: 'POST', headers: { 'Content-Type': 'application/pose' }, body: pose }), 400);
    await expectError(await req('/v1/render?format=png&frame=99', { method: 'POST', headers: { 'Content-Type': 'application/pose' }, body: pose }), 400);
    await expectError(await req('/v1/render?width=99999', { method: 'POST', headers: { 'Content-Type': 'application/pose' }, body: pose }), 400);
    await expectError(await req('/v1/render', json({ text: 'hi', format: 'gif', bogus: 1 })), 400);
  });
});

describe('GET /spoken_text_to_signed_pose (sign.mt)', () => {
  it('a plain .pose with the four DWPose components, sign.mt headers and CORS', async () => {
    const res = await req('/spoken_text_to_signed_pose?text=Why%20does%20the%20brother%20come%3F&spoken=en&signed=ase', { headers: { Origin: 'https://sign.mt' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pose');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-disposition')).toContain('.pose');
    expect(res.headers.get('cache-control')).toContain('max-age');
    const pf = parsePoseFileRaw(new Uint8Array(await res.arrayBuffer()), 'signmt.pose');
    expect(pf.components.map((c) => c.name)).toEqual(['DWPOSE_BODY_18', 'DWPOSE_FACE_68', 'DWPOSE_LEFT_HAND_21', 'DWPOSE_RIGHT_HAND_21']);
    expect(pf.frames).toBeGreaterThan(0);
    const alias = await req('/api/v1/spoken-text-to-signed-pose?text=hello&spoken=en&signed=ase');
    expect(alias.headers.get('content-type')).toBe('application/pose');
  });

  it('missing text 400 JSON; unsupported spoken language 400', async () => {
    await expectError(await req('/spoken_text_to_signed_pose?spoken=en&signed=ase'), 400);
    await expectError(await req('/spoken_text_to_signed_pose?text=hallo&spoken=de&signed=gsg'), 400);
  });
});

describe('limits', () => {
  it('per-IP rate limit: X-RateLimit-* headers, then 429 with Retry-After', async () => {
    const limited = await testServer({ rateLimit: 3 });
    try {
      const statuses: number[] = [];
      let last: Response | null = null;
      for (let i = 0; i < 4; i++) {
        last = await limited.app.request('/v1/models');
        statuses.push(last.status);
        if (i === 0) expect(last.headers.get('x-ratelimit-limit')).toBe('3');
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
      expect((await last!.json() as { error: string }).error).toBe('rate-limited');
      expect((await limited.app.request('/healthz')).status).toBe(200); // health is not limited
    } finally {
      await limited.close();
    }
  }, 120_000);

  it('a full queue answers 503 with Retry-After at once; draining answers 503', async () => {
    const tiny = await testServer({ queueSize: 0 });
    try {
      const all = await Promise.all(Array.from({ length: 4 }, (_, i) => tiny.app.request('/v1/generate', json({ text: `the cat eats ${i}` }))));
      const statuses = all.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses).toContain(503);
      const busy = all.find((r) => r.status === 503)!;
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(busy.headers.get('access-control-allow-origin')).toBe('*'); // browsers can read the 503
      expect((await busy.json() as { error: string }).error).toBe('busy');
      tiny.drain();
      const d = await tiny.app.request('/v1/models');
      expect(d.status).toBe(503);
      expect(d.headers.get('connection')).toBe('close');
    } finally {
      await tiny.close();
    }
  }, 120_000);

  it('secure headers on every answer', async () => {
    const res = await req('/');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describe('web UI', () => {
  it('serves the pages, their scripts and the skeleton; nothing from a CDN', async () => {
    for (const p of ['/', '/leaderboard', '/compare', '/submit']) {
      const res = await req(p);
      expect(res.status, p).toBe(200);
      const html = await res.text();
      expect(html).toContain('<main>');
      expect(html).not.toMatch(/src="https?:|href="https?:/);
    }
    const sk = await (await req('/ui/skeleton.json')).json() as { bodyLimbs: unknown[]; handColors: unknown[] };
    expect(sk.bodyLimbs.length).toBe(17);
    expect(sk.handColors.length).toBe(20);
    expect((await req('/ui/player.js')).headers.get('content-type')).toContain('javascript');
  });
});
