/**
 * Hostile and careless inputs for the bad-input tests (issue 18): built here from our own writers, never copied from
 * ../shared.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import yazl from 'yazl';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = resolve(ROOT, 'bin', 'signbench.js');

export { cli } from '../cli.js';

/** Runs `node bin/signbench.js ARGS` as a real child process (signals and exit statuses as a shell sees them). */
export function child(args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number | string; signal?: string }) | null;
      done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, out: stdout, err: stderr });
    });
  });
}

/** Runs a shell command line (for pipes and redirections). */
export function shell(line: string, timeoutMs = 60_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    execFile('bash', ['-c', line], { cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const e = error as (Error & { code?: number }) | null;
      done({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out: stdout, err: stderr });
    });
  });
}

/** A zip archive written by yazl (deflated members unless `store`), as numpy's savez_compressed would write it. */
export async function zipOf(entries: { name: string; data: Uint8Array; store?: boolean }[]): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(Buffer.from(e.data), e.name, { compress: !e.store });
  zip.end();
  const parts: Buffer[] = [];
  await new Promise<void>((res, rej) => {
    zip.outputStream.pipe(new Writable({ write(c, _e, cb) { parts.push(c as Buffer); cb(); } })).on('finish', res).on('error', rej);
  });
  return new Uint8Array(Buffer.concat(parts));
}

/** Deflate-compressed size of `n` zero bytes (how small a bomb is). */
export function deflatedZerosSize(n: number): number {
  return deflateRawSync(Buffer.alloc(n)).length;
}
