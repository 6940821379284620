import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './postgres-server.js';

export { freePort };

/**
 * A throwaway Redis server for tests, on 127.0.0.1 only: Debian's `redis-server` on a free port in a temp directory,
 * with no persistence (`--save '' --appendonly no`). `SIGNBENCH_TEST_REDIS=redis://…` uses a running server instead.
 */
export function hasRedis(): boolean {
  if (process.env.SIGNBENCH_TEST_REDIS) return true;
  if (spawnSync('redis-server', ['--version']).status === 0) return true;
  process.stderr.write('[skip] no Redis (Debian redis-server, or SIGNBENCH_TEST_REDIS): the BullMQ queue tests are skipped\n');
  return false;
}

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith('+PONG')); });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const external = process.env.SIGNBENCH_TEST_REDIS;
  if (external) return { url: external, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'sb-redis-'));
  const port = await freePort();
  const server: ChildProcess = spawn('redis-server', [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout!.setEncoding('utf8').on('data', (s: string) => { log = (log + s).slice(-4000); });
  server.stderr!.setEncoding('utf8').on('data', (s: string) => { log = (log + s).slice(-4000); });
  for (let t = 0; !(await ping(port)); t++) {
    if (t > 200 || server.exitCode !== null) {
      server.kill('SIGKILL');
      throw new Error(`redis-server did not start: ${log}`);
    }
    await sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await Promise.race([once(server, 'exit'), sleep(10_000)]);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
