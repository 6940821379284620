/** Static files from fixed directories: names are listed once at start, so no request path reaches the disk. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json', '.map': 'application/json',
};

/** A lookup from file name to its bytes and type, over the files of `dir` (optionally only `names`). */
export function staticFiles(dir: string, names?: readonly string[]): (name: string) => { body: Uint8Array; type: string } | undefined {
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const n of names ?? readdirSync(dir)) {
    const p = join(dir, n);
    if (!statSync(p).isFile()) continue;
    files.set(n, { body: new Uint8Array(readFileSync(p)), type: TYPES[extname(n)] ?? 'application/octet-stream' });
  }
  return (name) => files.get(name);
}

export function sendStatic(c: Context, file: { body: Uint8Array; type: string } | undefined, cache = 'public, max-age=300'): Response {
  if (!file) return c.json({ error: 'not-found', detail: `no such file: ${c.req.path}` }, 404);
  return c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.type, 'Cache-Control': cache });
}
