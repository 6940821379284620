import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tarStream from 'tar-stream';
import yazl from 'yazl';
import { loadSuite, type Suite } from '../../benchmark/suite/index.js';
import type { EvalResult } from '../../benchmark/scoring/evaluate.js';

/** One data directory per test file: synthetic-mini is materialised once into it (about a second). */
let dataDir: Promise<string> | undefined;
export function testDataDir(): Promise<string> {
  dataDir ??= mkdtemp(join(tmpdir(), 'signbench-runner-test-'));
  return dataDir;
}

let mini: Promise<Suite> | undefined;
export function miniSuite(): Promise<Suite> {
  mini ??= testDataDir().then((d) => loadSuite('synthetic-mini', { dataDir: d }));
  return mini;
}

export async function tmp(prefix = 'sb-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** The suite's reference `.pose` files copied to a fresh directory (a valid predictions submission). */
export async function referenceCopy(suite: Suite): Promise<string> {
  const dir = await tmp('sb-refs-');
  for (const f of await readdir(suite.referenceDir)) await copyFile(join(suite.referenceDir, f), join(dir, f));
  return dir;
}

/** A tar of files given as [name, bytes] (names written as given, so unsafe ones can be made on purpose). */
export async function writeTar(path: string, entries: readonly { name: string; data?: Uint8Array; type?: 'file' | 'symlink'; linkname?: string }[]): Promise<void> {
  const pack = tarStream.pack();
  const out = createWriteStream(path);
  pack.pipe(out);
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname ?? '/etc/passwd' });
    else pack.entry({ name: e.name, size: e.data!.length }, Buffer.from(e.data!));
  }
  pack.finalize();
  await once(out, 'close');
}

export async function writeZip(path: string, entries: readonly { name: string; data: Uint8Array; compress?: boolean }[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.data), e.name, { compress: e.compress ?? false });
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await once(out, 'close');
}

/** A result without what depends on the run (what was submitted, how long it took). */
export function scoresOf(r: EvalResult): Omit<EvalResult, 'submission' | 'timings'> {
  const { submission: _s, timings: _t, ...rest } = r;
  return rest;
}

export async function writeText(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, text);
}
