import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server for tests, on loopback only: Debian's `postgresql` binaries
 * (/usr/lib/postgresql/<v>/bin), a fresh cluster in a temp directory, trust auth, fsync off. As root (CI
 * containers) the server runs as the `postgres` user, since PostgreSQL refuses to run as root.
 * `SIGNBENCH_TEST_POSTGRES=postgres://…/postgres` uses a running server instead.
 */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0]!, 'bin') : null;
}

export function hasPostgres(): boolean {
  if (process.env.SIGNBENCH_TEST_POSTGRES || postgresBinDir()) return true;
  process.stderr.write('[skip] no PostgreSQL (Debian postgresql, or SIGNBENCH_TEST_POSTGRES): the PostgreSQL store tests are skipped\n');
  return false;
}

export interface TestPostgres {
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL binary (as `postgres` when we are root). */
function pgCommand(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.SIGNBENCH_TEST_POSTGRES;
  let admin: string;
  let server: ChildProcess | null = null;
  let dir: string | null = null;
  if (external) {
    admin = external;
  } else {
    const bin = postgresBinDir();
    if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
    dir = await mkdtemp(join(tmpdir(), 'sb-pg-'));
    if (asRoot) {
      const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      await chown(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
    }
    const data = join(dir, 'data');
    const [initCmd, initArgs] = pgCommand(join(bin, 'initdb'), ['-D', data, '-U', 'signbench', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    const init = spawnSync(initCmd, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
    const port = await freePort();
    const [cmd, args] = pgCommand(join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
    ]);
    server = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    server.stderr!.setEncoding('utf8').on('data', (s: string) => { log += s; });
    admin = `postgres://signbench@127.0.0.1:${port}/postgres`;
    for (let t = 0; ; t++) {
      const c = new pg.Client({ connectionString: admin });
      const ok = await c.connect().then(() => true, () => false);
      await c.end().catch(() => undefined);
      if (ok) break;
      if (t > 300 || server.exitCode !== null) throw new Error(`postgres did not start: ${log}`);
      await sleep(100);
    }
  }
  let n = 0;
  return {
    async createDatabase() {
      const name = `sb_${process.pid}_${Date.now().toString(36)}_${n++}`;
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      const url = new URL(admin);
      url.pathname = `/${name}`;
      return url.href;
    },
    async stop() {
      if (server && server.exitCode === null && dir) {
        // SIGINT is PostgreSQL's fast shutdown; it goes to the postmaster itself (runuser does not forward it).
        const pid = Number(readFileSync(join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGINT');
        await Promise.race([once(server, 'exit'), sleep(15_000)]);
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
