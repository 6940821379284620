import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary directory (removed by the returned cleanup). */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `sb-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` (relative path → bytes). */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(join(d, e.name), r);
      else out.set(r, await readFile(join(d, e.name)));
    }
  };
  await walk(dir, '');
  return out;
}

/** Compares two directories file by file: how many files `a` holds and which paths differ or exist on one side only. */
export async function sameTree(a: string, b: string): Promise<{ files: number; differing: string[] }> {
  const ta = await readTree(a);
  const tb = await readTree(b);
  const differing: string[] = [];
  for (const [k, v] of ta) if (!tb.get(k)?.equals(v)) differing.push(k);
  for (const k of tb.keys()) if (!ta.has(k)) differing.push(k);
  return { files: ta.size, differing };
}
