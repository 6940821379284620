import { createServer, type Server } from '../../server/server.js';
import type { ServerConfig } from '../../server/config.js';

/** A real server (inference processes with the committed models) with quiet logs; close it in afterAll. */
export async function testServer(config: Partial<ServerConfig> = {}, env: NodeJS.ProcessEnv = {}): Promise<Server & { lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const srv = await createServer({ env, config: { poolSize: 1, dataDir: config.dataDir ?? '/tmp/signbench-test-data', ...config }, log: (l) => lines.push(l) });
  return Object.assign(srv, { lines });
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
