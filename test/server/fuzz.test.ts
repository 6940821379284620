/**
 * Fuzzed bad requests against the real app (inference processes included): wrong types, missing fields, broken
 * and truncated uploads, path-traversal archives, 100 MB bodies. Every answer must be a 4xx JSON {error, detail};
 * afterwards the server still answers and generates.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { encodeSignVerseNpz } from '../../pose/signverse/index.js';
import { tarHeaderBlock } from '../../pose/tar.js';
import { writeZip } from '../../pose/zip.js';
import { syntheticSequence } from '../../render/synthetic.js';
import { json, testServer, untilReady } from './helpers.js';

type S = Awaited<ReturnType<typeof testServer>>;
let srv: S;
let token = '';
beforeAll(async () => {
  srv = await testServer({ rateLimit: 0, tokenRateLimit: 0 }); // rate limits would answer 429 before validation runs
  token = (await srv.store.createToken('fuzzer')).token;
  // the suite is materialised on first use (a child process); wait for it so that submissions reach validation
  expect((await untilReady(() => srv.app.request('/v1/suites/synthetic-mini/prompts'))).status).toBe(200);
}, 400_000);
afterAll(async () => { await srv?.close(); });

interface Case { what: string; path: string; init: RequestInit }

const SEED = 20261204;
const bytes = (s: string) => new TextEncoder().encode(s);

function tar(members: [string, Uint8Array][]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of members) {
    parts.push(tarHeaderBlock(name, data.length, 0, '0', 0o644), data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

/** Values of every JSON type except the one a field wants. */
const notString = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));
const notBool = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null), fc.array(fc.boolean(), { maxLength: 2 }));
const notNumber = fc.oneof(fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }));

function generateCases(): Case[] {
  const bad = fc.oneof(
    fc.record({ text: notString }),
    fc.record({ glosses: fc.oneof(notString.filter((v) => !Array.isArray(v)), fc.constant([]), fc.array(fc.oneof(fc.integer(), fc.constant('')), { minLength: 1, maxLength: 3 })) }),
    fc.record({ text: fc.constant('the cat eats'), format: fc.string({ maxLength: 8 }).filter((f) => !['json', 'pose', 'signverse-npz'].includes(f)) }),
    fc.record({ text: fc.constant('the cat eats'), fps: fc.oneof(notNumber, fc.double({ max: 0 }), fc.double({ min: 241, noNaN: true })) }),
    fc.record({ text: fc.constant('the cat eats'), stream: notBool }),
    fc.record({ text: fc.constant('the cat eats'), model: fc.oneof(notString, fc.constant('../../etc/passwd'), fc.constant('nope')) }),
    fc.record({ text: fc.constant('the cat eats'), glosses: fc.constant(['CAT']) }),
    fc.record({ model: fc.constant('default') }),
    fc.record({ text: fc.constantFrom('', '   ', '\n\t', 'word '.repeat(120)) }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !['text', 'glosses', 'model', 'format', 'fps', 'stream'].includes(k)), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 }).map((o) => ({ text: 'hi', ...o })),
  );
  const cases: Case[] = fc.sample(bad, { numRuns: 400, seed: SEED }).map((b) => ({ what: 'generate body', path: '/v1/generate', init: json(b) }));
  // not JSON at all, or JSON of the wrong shape
  for (const s of fc.sample(fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)).filter((t) => !t.startsWith('{'))), { numRuns: 100, seed: SEED + 1 })) {
    cases.push({ what: 'generate non-object', path: '/v1/generate', init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: s } });
  }
  cases.push({ what: 'generate form body', path: '/v1/generate', init: { method: 'POST', body: new URLSearchParams({ text: 'hi' }) } });

  // broken pose uploads: random bytes (format guessed or forced), truncated real files, garbage multipart
  const pose = encodePoseFile(syntheticSequence(8, { width: 320, height: 240 }));
  const npz = encodeSignVerseNpz(syntheticSequence(6));
  const formats = ['', 'pose', 'signverse', 'dwpose-json', 'dwpose-npz', 'openpose-json', 'islr-parquet', 'pt-skels', 'nope'];
  const up = fc.record({ data: fc.uint8Array({ minLength: 0, maxLength: 600 }), format: fc.constantFrom(...formats), route: fc.constantFrom('/v1/translate', '/v1/render') });
  for (const u of fc.sample(up, { numRuns: 200, seed: SEED + 2 })) {
    cases.push({ what: `random bytes as '${u.format}'`, path: `${u.route}${u.format ? `?format=${u.format}` : ''}`, init: { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: u.data } });
  }
  const cut = fc.record({ src: fc.constantFrom(pose, npz), frac: fc.double({ min: 0, max: 0.98, noNaN: true }), route: fc.constantFrom('/v1/translate', '/v1/render?format=gif') });
  for (const c of fc.sample(cut, { numRuns: 150, seed: SEED + 3 })) {
    cases.push({ what: 'truncated upload', path: c.route, init: { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: c.src.subarray(0, Math.floor(c.src.length * c.frac)) } });
  }
  for (const s of fc.sample(fc.string({ maxLength: 200 }), { numRuns: 60, seed: SEED + 4 })) {
    cases.push({ what: 'garbage multipart', path: '/v1/translate', init: { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' }, body: `--xyz\r\n${s}` } });
  }
  const noFile = new FormData(); noFile.set('file', 'just text');
  const twoFiles = new FormData(); twoFiles.append('file', new File([pose], 'a.pose')); twoFiles.append('file', new File([pose], 'b.pose'));
  const badStyle = new FormData(); badStyle.set('file', new File([pose], 'a.pose')); badStyle.set('style', 'crayon');
  const emptyFile = new FormData(); emptyFile.set('file', new File([], 'empty.pose'));
  for (const [what, f, path] of [['file as text', noFile, '/v1/translate'], ['two files', twoFiles, '/v1/translate'], ['bad style', badStyle, '/v1/render'], ['empty file', emptyFile, '/v1/render']] as const) {
    cases.push({ what, path, init: { method: 'POST', body: f } });
  }

  // path-traversal and hostile archives as SignVerse shards
  const hostile: [string, Uint8Array][] = [
    ['traversal tar', tar([['../../etc/passwd', bytes('root:x:0:0')], ['vid/npz/poses.npz', npz.subarray(0, 50)]])],
    ['absolute tar', tar([['/etc/vid/npz/poses.npz', npz]])],
    ['traversal npz in tar', tar([['../vid/npz/poses.npz', npz]])],
    ['traversal zip', writeZip([{ name: '../../x/frame_payloads.npy', data: bytes('x') }])],
    ['empty tar', tar([])],
    ['tar of text', tar([['a.txt', bytes('hello')]])],
  ];
  for (const [what, body] of hostile) {
    for (const path of ['/v1/translate?format=signverse', '/v1/translate', '/v1/render?input_format=signverse']) cases.push({ what, path, init: { method: 'POST', body } });
  }

  // render JSON options and sign.mt queries
  const renderBad = fc.oneof(
    fc.record({ text: fc.constant('hi'), style: fc.string({ maxLength: 6 }) }),
    fc.record({ text: fc.constant('hi'), width: fc.oneof(notNumber, fc.integer({ min: 2049 }), fc.integer({ max: 15 })) }),
    fc.record({ text: fc.constant('hi'), format: fc.string({ maxLength: 5 }).filter((f) => !['png', 'zip', 'webp', 'gif', 'mp4'].includes(f)) }),
    fc.record({ text: notString }),
  );
  for (const b of fc.sample(renderBad, { numRuns: 60, seed: SEED + 5 })) cases.push({ what: 'render options', path: '/v1/render', init: json(b) });
  const q = fc.record({ text: fc.option(fc.constantFrom('', ' ', 'x'.repeat(1200)), { nil: undefined }), spoken: fc.option(fc.constantFrom('de', 'fr', 'x'.repeat(40)), { nil: undefined }) });
  for (const v of fc.sample(q, { numRuns: 40, seed: SEED + 6 })) {
    const p = new URLSearchParams();
    if (v.text !== undefined) p.set('text', v.text);
    if (v.spoken !== undefined) p.set('spoken', v.spoken);
    if (v.text !== undefined && v.text.trim() && v.text.length <= 1000 && v.spoken === undefined) p.set('spoken', 'de');
    cases.push({ what: 'sign.mt query', path: `/spoken_text_to_signed_pose?${p}`, init: {} });
  }
  cases.push({ what: 'translate beam', path: '/v1/translate?beam=99', init: { method: 'POST', body: pose } });

  // submissions: credentials, forms and hostile archives
  const zipOf = (name: string) => writeZip([{ name, data: pose }]);
  const archives: [string, Uint8Array][] = [
    ['traversal zip', zipOf('../../../tmp/evil.pose')], ['absolute zip', zipOf('/etc/evil.pose')], ['backslash zip', zipOf('..\\..\\evil.pose')],
    ['traversal tar', tar([['../../evil.pose', pose]])], ['absolute tar', tar([['/tmp/evil.pose', pose]])], ['wrong ids', zipOf('nope.pose')],
    ['random bytes', new Uint8Array(300).fill(3)], ['truncated zip', zipOf('sbp-1-000028.pose').subarray(0, 200)],
    ['model without manifest', zipOf('encoder.onnx')], ['empty zip', writeZip([])],
  ];
  const sub = (fields: Record<string, string | Uint8Array>, headers: Record<string, string> = {}): RequestInit => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, typeof v === 'string' ? v : new File([v], `${k}.zip`));
    return { method: 'POST', body: f, headers };
  };
  const auth = () => ({ Authorization: `Bearer ${token}` });
  for (const h of ['', 'Bearer', 'Bearer nope', `Basic ${token}`, `Bearer ${'x'.repeat(600)}`, 'Bearer sbk_0000000000000000']) {
    cases.push({ what: 'submission credentials', path: '/v1/submissions', init: sub({ suite: 'synthetic-mini', name: 'x', file: pose }, h ? { Authorization: h } : {}) });
  }
  for (const [what, body] of archives) {
    for (const kind of ['predictions', 'model']) {
      cases.push({ what: `submission ${what} (${kind})`, path: '/v1/submissions', init: sub({ suite: 'synthetic-mini', name: `fuzz ${what}`, kind, file: body }, auth()) });
    }
  }
  const forms: Record<string, string | Uint8Array>[] = [
    { suite: 'synthetic-mini', name: 'x' }, { suite: 'synthetic-mini', file: pose }, { name: 'x', file: pose },
    { suite: '../../etc', name: 'x', file: pose }, { suite: 'nope', name: 'x', file: pose }, { suite: 'synthetic-mini', name: '', file: pose },
    { suite: 'synthetic-mini', name: 'a\u0000b', file: pose }, { suite: 'synthetic-mini', name: 'x'.repeat(200), file: pose },
    { suite: 'synthetic-mini', name: 'x', kind: 'weights', file: pose }, { suite: 'synthetic-mini', name: 'x', file: new Uint8Array(0) },
    { suite: 'synthetic-mini', name: 'x', file: 'not a file' },
  ];
  for (const f of forms) cases.push({ what: 'submission form', path: '/v1/submissions', init: sub(f, auth()) });
  cases.push({ what: 'submission json', path: '/v1/submissions', init: json({ suite: 'synthetic-mini', name: 'x' }, auth()) });
  for (const id of ['nope', '../../etc/passwd', 'x'.repeat(300), '%00']) {
    cases.push({ what: 'submission id', path: `/v1/submissions/${encodeURIComponent(id)}`, init: {} });
    cases.push({ what: 'submission events id', path: `/v1/submissions/${encodeURIComponent(id)}/events`, init: {} });
  }
  cases.push({ what: 'unknown method', path: '/v1/generate', init: { method: 'PUT', body: '{}' } });
  return cases;
}

describe('fuzzed bad requests', () => {
  it('≥ 1,000 bad bodies: every answer a 4xx JSON {error, detail}; the server keeps working', async () => {
    const cases = generateCases();
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    const wrong: string[] = [];
    for (const c of cases) {
      const res = await srv.app.request(c.path, c.init);
      const text = await res.text();
      let body: { error?: unknown; detail?: unknown } = {};
      try { body = JSON.parse(text); } catch { /* checked below */ }
      if (res.status < 400 || res.status >= 500 || typeof body.error !== 'string' || typeof body.detail !== 'string') {
        wrong.push(`${c.what} ${c.path}: ${res.status} ${text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect((await srv.app.request('/readyz')).status).toBe(200);
    expect((await srv.app.request('/v1/generate', json({ text: 'the cat eats' }))).status).toBe(200);
  }, 600_000);

  it('100 MB bodies are refused with 413 before they are read whole', async () => {
    const big = new Uint8Array(100 * 2 ** 20);
    for (const path of ['/v1/generate', '/v1/translate', '/v1/render', '/v1/nope']) {
      const res = await srv.app.request(path, { method: 'POST', headers: { 'Content-Type': path === '/v1/generate' ? 'application/json' : 'application/octet-stream', 'Content-Length': String(big.length) }, body: big });
      expect(res.status, path).toBe(413);
      expect((await res.json() as { error: string }).error).toBe('too-large');
    }
    // without a Content-Length the body is counted as it streams
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) { ctl.enqueue(new Uint8Array(2 ** 20)); },
    });
    const res = await srv.app.request('/v1/translate', { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  }, 120_000);
});
