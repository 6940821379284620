import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * Real processes of a scale-out deployment for tests and measurements: API servers (`signbench serve`) and scoring
 * workers (`signbench worker`), all on one PostgreSQL and one Redis, exactly as docs/deploy.md runs them.
 */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(REPO, 'bin', 'signbench.js');

export interface Proc {
  child: ChildProcess;
  /** The last lines it wrote (for a failure message). */
  tail(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function track(child: ChildProcess, onLine?: (line: string) => void): Proc {
  let tail = '';
  const keep = (s: string) => { tail = (tail + s + '\n').slice(-4000); };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => { keep(l); onLine?.(l); });
  if (child.stderr) createInterface({ input: child.stderr }).on('line', keep);
  const exited = once(child, 'exit');
  return {
    child,
    tail: () => tail,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const done = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
      if (!done) { child.kill('SIGKILL'); await exited; }
    },
  };
}

/** `signbench serve --port PORT --data DIR` with the cluster's environment; resolves once /readyz answers 200. */
export async function startServer(port: number, dataDir: string, env: NodeJS.ProcessEnv): Promise<Proc & { url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', dataDir], {
    cwd: REPO, env: { ...process.env, ...env, HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = track(child);
  const url = `http://127.0.0.1:${port}`;
  for (let t = 0; ; t++) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (child.exitCode !== null || t > 600) {
      await p.stop('SIGKILL');
      throw new Error(`server on ${port} did not become ready:\n${p.tail()}`);
    }
    await sleep(200);
  }
  return { ...p, url };
}

/** `signbench worker --json --data DIR --lease-ms LEASE`; `onEvent` receives its JSON events (claimed, finished…). */
export function startWorker(dataDir: string, env: NodeJS.ProcessEnv, leaseMs: number, onEvent?: (e: { type: string; runId?: string }) => void): Proc {
  const child = spawn(process.execPath, [BIN, 'worker', '--json', '--data', dataDir, '--lease-ms', String(leaseMs)], {
    cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child, (line) => {
    try { onEvent?.(JSON.parse(line)); } catch { /* not an event */ }
  });
}
