import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm start (server/main.ts)', () => {
  it('serves on PORT, logs JSON lines with request ids, and drains on SIGTERM: in-flight requests finish, then it exits 0', async () => {
    const data = await mkdtemp(join(tmpdir(), 'signbench-main-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, '..', '..', 'server', 'main.ts')], {
      env: { ...process.env, PORT: String(port), SIGNBENCH_DATA: data, SIGNBENCH_POOL_WORKERS: '1', SIGNBENCH_WARM_SUITES: '0', SIGNBENCH_RUN_WORKER: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 240 && !(await fetch(`${url}/readyz`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 500));
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      // a streamed generation in flight while SIGTERM arrives
      const inflight = fetch(`${url}/v1/generate`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'why does the brother come to the zoo?', stream: true, fps: 60 }) });
      const res = await inflight;
      child.kill('SIGTERM');
      const body = await res.text();
      expect(body).toContain('event: done');
      expect(await exited).toBe(0);
      const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.some((l) => l.path === '/healthz' && typeof l.requestId === 'string' && l.status === 200)).toBe(true);
      expect(lines.some((l) => l.msg === 'draining')).toBe(true);
      expect(lines.at(-1)?.msg).toBe('stopped');
    } finally {
      child.kill('SIGKILL');
      await rm(data, { recursive: true, force: true });
    }
  }, 180_000);
});
