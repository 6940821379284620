/**
 * `npm run load`: load test of the HTTP server (autocannon), against a running server (`--url`) or one it starts on
 * 127.0.0.1 (rate limits off, no suite warm-up, no runner worker, so that only generation competes for the CPUs).
 *
 *  1. in-process rate (the reference): in this one process, on the same sentences, the work a user gets from the
 *     route: the default generator (one ONNX thread, as in a pool worker) turns the text into a sequence and
 *     `encodeGenerated` (the pool worker's own function) makes the same dwpose-json response bytes. It excludes HTTP,
 *     body parsing/validation and the hop to the pool, which are the server's overhead being measured;
 *  2. 16 concurrent POST /v1/generate with distinct sentences for 30 s: errors, throughput vs in-process, p50/p99;
 *  3. 128 concurrent for 30 s: only 200/503 answers, 503s answered fast (p99), /healthz p99 throughout, and the
 *     server's memory before, after and 10 s after.
 *
 * Prints a table and one JSON line; exits 1 when a target is missed. Options: --url URL, --seconds N (30),
 * --workers N (the server's SIGNBENCH_POOL_WORKERS when it starts one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import { sentenceOf, sampleFrame } from '../corpus/procedural/grammar.js';
import { Rng } from '../nn/rng.js';
import { GeneratorRuntime } from '../generator/runtime.js';
import { encodeGenerated } from '../server/pool/encode.js';

const args = process.argv.slice(2);
const opt = (name: string, def?: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const SECONDS = Number(opt('seconds', '30'));
const WORKERS = opt('workers');

function sentences(n: number, seed: number): string[] {
  const rng = new Rng(seed);
  const out = new Set<string>();
  while (out.size < n) out.add(sentenceOf(sampleFrame(rng)).text);
  return [...out];
}

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN; };
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const main = fileURLToPath(new URL('../server/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main], {
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', SIGNBENCH_RATE_LIMIT: '0', SIGNBENCH_WARM_SUITES: '0', SIGNBENCH_RUN_WORKER: '0',
      SIGNBENCH_DATA: process.env.SIGNBENCH_DATA ?? '/tmp/signbench-load-data', ...(WORKERS ? { SIGNBENCH_POOL_WORKERS: WORKERS } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return { url, child };
  }
  child.kill('SIGTERM');
  throw new Error('the server did not become ready in 120 s');
}

/** The server's resident memory and V8 heap in use (its /metrics), in MiB. */
async function memory(url: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const get = (name: string) => { const m = new RegExp(`^${name} ([\\d.e+]+)`, 'm').exec(text); return m ? round(Number(m[1]) / 2 ** 20) : NaN; };
  return { rss: get('signbench_process_resident_memory_bytes'), heap: get('signbench_nodejs_heap_size_used_bytes') };
}

interface Phase { requests: number; seconds: number; status: Record<string, number>; errors: number; latency: Record<string, number[]> }

/** autocannon with a distinct sentence per request, latencies kept per status code. */
function load(url: string, connections: number, seconds: number, texts: string[]): Promise<Phase> {
  return new Promise((resolve, reject) => {
    let i = 0;
    const latency: Record<string, number[]> = {};
    const status: Record<string, number> = {};
    const inst = autocannon({
      url: `${url}/v1/generate`, connections, duration: seconds, pipelining: 1, timeout: 60,
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: JSON.stringify({ text: texts[i++ % texts.length] }) }) }],
    }, (err, res) => {
      if (err) return reject(err);
      resolve({ requests: Object.values(status).reduce((a, b) => a + b, 0), seconds: res.duration, status, errors: res.errors + res.timeouts, latency });
    });
    inst.on('response', (_client: unknown, code: number, _bytes: number, ms: number) => {
      status[code] = (status[code] ?? 0) + 1;
      (latency[code] ??= []).push(ms);
    });
  });
}

/**
 * GET /healthz every 50 ms until stopped; latencies in ms. The prober runs in its own worker thread: autocannon keeps
 * this thread's event loop busy, and a probe timed here would measure that wait, not the server's answer.
 */
function probe(url: string): { stop: () => Promise<number[]> } {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const times = [];
    let running = true;
    parentPort.on('message', () => { running = false; });
    (async () => {
      while (running) {
        const t0 = performance.now();
        await fetch(workerData + '/healthz').then((r) => r.arrayBuffer()).catch(() => undefined);
        times.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
      parentPort.postMessage(times);
    })();
  `, { eval: true, workerData: url });
  const done = new Promise<number[]>((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  return { stop: async () => { worker.postMessage('stop'); const times = await done; await worker.terminate(); return times; } };
}

async function main(): Promise<void> {
  const texts = sentences(4000, 20261204);
  // 1. in-process reference: text → the response body of POST /v1/generate {text} (format json), in this process,
  // with the same model settings and encoder as a pool worker (generate as the worker does: id 'generated').
  const gen = await GeneratorRuntime.load(undefined, { threads: 1 });
  const respond = async (text: string) => encodeGenerated(await gen.generate(text, { id: 'generated' }), 'dwpose-json');
  for (const t of texts.slice(0, 5)) await respond(t);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 10_000) await respond(texts[n++ % texts.length]);
  const inproc = n / ((performance.now() - t0) / 1000);
  await gen.release();

  const given = opt('url');
  const server = given ? { url: given.replace(/\/$/, ''), child: null } : await startServer();
  const { url } = server;
  try {
    await load(url, 4, 3, texts.slice(3000)); // warm-up
    const mem0 = await memory(url);
    const a = await load(url, 16, SECONDS, texts);
    const aRate = (a.status['200'] ?? 0) / a.seconds;
    const hp = probe(url);
    const b = await load(url, 128, SECONDS, texts.slice(1000));
    const health = await hp.stop();
    const mem1 = await memory(url);
    await new Promise((r) => setTimeout(r, 10_000));
    const mem2 = await memory(url);
    // Steady state: the same load again must not grow memory further (an idle V8 does not collect, so heap in use
    // right after a run still holds its garbage; a second run shows whether anything is kept).
    await load(url, 128, Math.max(5, Math.round(SECONDS / 2)), texts.slice(2000));
    await new Promise((r) => setTimeout(r, 10_000));
    const mem3 = await memory(url);

    const bCodes = Object.keys(b.status);
    const report = {
      inProcessPerSecond: round(inproc, 2),
      c16: { seconds: a.seconds, ok: a.status['200'] ?? 0, other: a.requests - (a.status['200'] ?? 0), errors: a.errors, perSecond: round(aRate, 2), vsInProcess: round(aRate / inproc, 3), p50ms: pct(a.latency['200'] ?? [], 50), p99ms: pct(a.latency['200'] ?? [], 99) },
      c128: {
        seconds: b.seconds, status: b.status, errors: b.errors, okPerSecond: round((b.status['200'] ?? 0) / b.seconds, 2),
        ok_p50ms: pct(b.latency['200'] ?? [], 50), ok_p99ms: pct(b.latency['200'] ?? [], 99),
        busy_p50ms: pct(b.latency['503'] ?? [], 50), busy_p99ms: pct(b.latency['503'] ?? [], 99),
        healthz_n: health.length, healthz_p50ms: round(pct(health, 50), 2), healthz_p99ms: round(pct(health, 99), 2),
      },
      memoryMiB: { before: mem0, after: mem1, after10s: mem2, afterSecondRun: mem3 },
      loadAverage: loadavg().map((v) => round(v, 2)),
    };
    const checks: [string, boolean][] = [
      ['16 concurrent: 0 errors, only 200', a.errors === 0 && a.requests === (a.status['200'] ?? 0)],
      ['16 concurrent: throughput ≥ 80% of in-process', aRate >= 0.8 * inproc],
      ['128 concurrent: only 200/503, no socket errors', b.errors === 0 && bCodes.every((c) => c === '200' || c === '503')],
      ['128 concurrent: 503s at p99 ≤ 50 ms', (b.latency['503']?.length ?? 0) === 0 || pct(b.latency['503'], 99) <= 50],
      ['/healthz p99 ≤ 100 ms throughout', pct(health, 99) <= 100],
      ['memory flat after the run (idle 10 s: RSS within 5 %; a second run adds ≤ 10 % RSS and heap)', mem2.rss <= 1.05 * mem1.rss && mem3.rss <= 1.1 * mem2.rss + 16 && mem3.heap <= 1.1 * mem2.heap + 16],
    ];
    console.log(`in-process: ${report.inProcessPerSecond} sequences/s`);
    console.log(`16 concurrent: ${report.c16.ok} ok, ${report.c16.other} other, ${report.c16.errors} errors in ${a.seconds} s → ${report.c16.perSecond}/s (${round(100 * report.c16.vsInProcess)} % of in-process), p50 ${report.c16.p50ms} ms, p99 ${report.c16.p99ms} ms`);
    console.log(`128 concurrent: ${JSON.stringify(b.status)}, ${b.errors} errors; 200 p50/p99 ${report.c128.ok_p50ms}/${report.c128.ok_p99ms} ms; 503 p50/p99 ${report.c128.busy_p50ms}/${report.c128.busy_p99ms} ms; /healthz p50/p99 ${report.c128.healthz_p50ms}/${report.c128.healthz_p99ms} ms (${health.length} probes)`);
    console.log(`server memory (RSS / heap used, MiB): before ${mem0.rss} / ${mem0.heap}, right after ${mem1.rss} / ${mem1.heap}, 10 s later ${mem2.rss} / ${mem2.heap}, after a second 128-connection run ${mem3.rss} / ${mem3.heap}`);
    console.log(`load average (1, 5, 15 min): ${report.loadAverage.join(', ')} on ${cpus().length} cores`);
    for (const [name, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
    console.log(JSON.stringify(report));
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    if (server.child) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child!.once('exit', r));
    }
  }
}

await main();
