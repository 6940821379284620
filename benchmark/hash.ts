/**
 * Content hashes for the benchmark runner: of files, of model directories (the judge, a generator) and of canonical
 * JSON, so that a suite version, a judge hash or a cache key changes exactly when what it names changes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the signbench checkout (built-in suites name the committed models relative to it). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

let version: string | undefined;
/** The signbench package version (package.json), recorded in every result's signature. */
export async function signbenchVersion(): Promise<string> {
  version ??= (JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  // Small files in one read: a stream per file costs more than hashing it (1,000 pose files: 4.6 s → well under 1 s).
  if ((await stat(path)).size <= 64 * 1024 * 1024) return sha256(await readFile(path));
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Regular files under `dir`, relative paths with `/`, sorted (links and other kinds are skipped). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      const st = await lstat(p);
      if (st.isDirectory()) await walk(p);
      else if (st.isFile()) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out.sort();
}

/** sha256 over the sorted (relative path, sha256 of content) pairs of a directory's files. */
export async function sha256Dir(dir: string, filter: (rel: string) => boolean = () => true): Promise<string> {
  const lines: string[] = [];
  for (const rel of await listFiles(dir)) if (filter(rel)) lines.push(`${rel}\t${await sha256File(join(dir, rel))}`);
  return sha256(lines.join('\n'));
}

/** Hash of a model directory: its manifest and ONNX graphs (what decides its outputs; not loss curves). */
export function modelDirHash(dir: string): Promise<string> {
  return sha256Dir(dir, (rel) => rel === 'manifest.json' || rel.endsWith('.onnx'));
}

/** JSON with object keys sorted, for hashing. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
