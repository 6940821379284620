import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSuite } from '../../benchmark/suite/index.js';
import { writeZip } from '../../pose/zip.js';
import { createServer, type Server } from '../../server/server.js';
import type { ServerConfig } from '../../server/config.js';

/**
 * A real server (inference processes with the committed models, a SQLite store in a fresh data directory, no suite
 * warm-up) with quiet logs; close it in afterAll.
 */
export async function testServer(config: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<Server & { lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const own = config.dataDir ? null : mkdtempSync(join(tmpdir(), 'signbench-test-'));
  const srv = await createServer({ env, config: { poolSize: 1, warmSuites: false, runWorkers: 0, dataDir: own ?? config.dataDir, ...config }, log: (l) => lines.push(l) });
  const close = srv.close;
  return Object.assign(srv, {
    lines,
    close: async () => {
      await close();
      if (own) rmSync(own, { recursive: true, force: true });
    },
  });
}

export const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body),
});

/** Parses a server-sent-events body into [event, data] pairs. */
export function parseSse(text: string): [string, unknown][] {
  return text.split('\n\n').filter((b) => b.trim()).map((block) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    return [event, JSON.parse(data.join('\n'))];
  });
}

/** The suite's reference .pose files zipped as `<id>.pose`: a valid predictions archive (the ground truth). */
export async function referenceArchive(dataDir: string, suiteName = 'synthetic-mini'): Promise<Uint8Array> {
  const suite = await loadSuite(suiteName, { dataDir });
  const files = readdirSync(suite.referenceDir).filter((f) => f.endsWith('.pose')).sort();
  return writeZip(files.map((f) => ({ name: f, data: new Uint8Array(readFileSync(join(suite.referenceDir, f))) })));
}

/** Repeats a request while it answers 503 (a suite being prepared on first use), up to `tries` × 3 s. */
export async function untilReady(send: () => Response | Promise<Response>, tries = 100): Promise<Response> {
  let res = await send();
  for (let i = 0; i < tries && res.status === 503; i++) {
    if (!res.headers.get('retry-after')) throw new Error('503 without Retry-After');
    await new Promise((r) => setTimeout(r, 3000));
    res = await send();
  }
  return res;
}
