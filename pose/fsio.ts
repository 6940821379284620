/**
 * The file system, safely: every reader of an input file and every writer of an output file goes through here.
 *
 * - Inputs must be regular files (a link to /dev/zero, /dev/urandom, a FIFO or a socket is refused before it is
 *   opened) and are read with a byte bound, so no input is read forever or past what memory can hold.
 * - Outputs are written to a temporary name beside the target and renamed over it when complete: an interrupted
 *   write never leaves a truncated file under the final name, and an input is never truncated before it is read.
 * - Node's raw file-system errors (`EEXIST … mkdir`, `ENOTDIR`, `ENOSPC`, …) become SignbenchErrors naming the path
 *   and the problem.
 */
import { constants as bufferConstants } from 'node:buffer';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, open, realpath, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DEFAULT_LIMITS, SignbenchError, type ErrorKind } from './errors.js';

/** Longest text V8 can hold in one string (in UTF-16 units; a UTF-8 byte never decodes to more than one unit). */
export const MAX_TEXT_BYTES: number = bufferConstants.MAX_STRING_LENGTH;

const PROBLEMS: Record<string, [ErrorKind, string]> = {
  ENOENT: ['not-found', 'no such file or directory'],
  ENOTDIR: ['invalid-input', 'a part of the path is a file, not a directory'],
  EISDIR: ['invalid-input', 'is a directory, not a file'],
  EEXIST: ['conflict', 'exists and is not a directory'],
  EACCES: ['invalid-input', 'permission denied'],
  EPERM: ['invalid-input', 'operation not permitted'],
  EROFS: ['invalid-input', 'read-only file system'],
  ENOSPC: ['internal', 'no space left on the device'],
  EDQUOT: ['internal', 'disk quota exceeded'],
  EFBIG: ['too-large', 'file too large for the file system'],
  ENAMETOOLONG: ['invalid-input', 'file name too long'],
  ELOOP: ['invalid-input', 'too many levels of symbolic links'],
  EMFILE: ['busy', 'too many open files'],
  EIO: ['internal', 'input/output error'],
  EXDEV: ['internal', 'cannot rename across file systems'],
};

/** A human phrase for a Node errno code (`ENOSPC` → "no space left on the device"), or undefined. */
export function describeErrno(code: string | undefined): string | undefined {
  return code ? PROBLEMS[code]?.[1] : undefined;
}

/**
 * A Node file-system error as a SignbenchError whose message names `path` and the problem: `out.gif: no space left
 * on the device (while writing)`. SignbenchErrors pass through unchanged.
 */
export function fsError(err: unknown, path: string, doing?: string): SignbenchError {
  if (err instanceof SignbenchError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  const known = code ? PROBLEMS[code] : undefined;
  const problem = known?.[1] ?? (err instanceof Error ? err.message : String(err));
  return new SignbenchError(known?.[0] ?? 'internal', `${path}: ${problem}${doing ? ` (while ${doing})` : ''}`, { cause: err, detail: { path, code } });
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function sizeText(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 === 0 ? 0 : 1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(n % 1024 ** 2 === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}

/**
 * Checks that `path` is a regular file (following links) and returns its stats. Refuses, naming the path, what does
 * not exist and what is a directory, a device, a FIFO or a socket: such files are never opened (opening a FIFO
 * blocks; /dev/zero never ends).
 */
export async function checkInputFile(path: string): Promise<Stats> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    throw fsError(err, path);
  }
  if (!st.isFile()) throw new SignbenchError('invalid-input', `${path}: is ${kindOf(st)}, not a regular file`, { detail: { path } });
  return st;
}

export interface ReadInputOptions {
  /** Most bytes read (default: DEFAULT_LIMITS.maxBytes, 2 GiB). */
  maxBytes?: number;
}

function tooLarge(path: string, size: number | string, max: number): SignbenchError {
  const what = typeof size === 'number' ? `${sizeText(size)} (${size} bytes)` : size;
  return new SignbenchError('too-large', `${path}: ${what} is over the limit of ${sizeText(max)} for one input file`, { detail: { path, limit: max } });
}

async function readOpen(fh: FileHandle, path: string, size: number, max: number): Promise<Uint8Array> {
  // Read what stat promised, then one more read: a file that grew (or a /proc-like file that reports 0) is read on
  // in chunks up to the bound.
  const chunks: Uint8Array[] = [];
  let total = 0;
  let want = Math.max(size, 64 * 1024);
  for (;;) {
    const buf = new Uint8Array(Math.min(want, max + 1 - total));
    let off = 0;
    while (off < buf.length) {
      const { bytesRead } = await fh.read(buf, off, buf.length - off, null);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    total += off;
    chunks.push(off === buf.length ? buf : buf.subarray(0, off));
    if (total > max) throw tooLarge(path, `more than ${total - 1} bytes`, max);
    if (off < buf.length) break; // end of file
    want = 1 << 20;
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) { out.set(c, p); p += c.length; }
  return out;
}

/**
 * Reads a whole input file into memory, bounded: refuses a non-regular file and one over `maxBytes` (checked before
 * reading and again while reading), naming the path.
 */
export async function readInputFile(path: string, opts: ReadInputOptions = {}): Promise<Uint8Array> {
  const max = opts.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const st = await checkInputFile(path);
  if (st.size > max) throw tooLarge(path, st.size, max);
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fsError(err, path, 'opening');
  }
  try {
    const fst = await fh.stat();
    if (!fst.isFile()) throw new SignbenchError('invalid-input', `${path}: is ${kindOf(fst)}, not a regular file`);
    return await readOpen(fh, path, fst.size, max);
  } catch (err) {
    throw fsError(err, path, 'reading');
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** readInputFile for synchronous code (model manifests and weights): a regular file only, bounded. */
export function readInputFileSync(path: string, opts: ReadInputOptions = {}): Uint8Array {
  const max = opts.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  let fd: number | undefined;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new SignbenchError('invalid-input', `${path}: is ${kindOf(st)}, not a regular file`, { detail: { path } });
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    if (size > max) throw tooLarge(path, size, max);
    const out = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, out, off, size - off, null);
      if (n === 0) break;
      off += n;
    }
    return off === size ? out : out.subarray(0, off);
  } catch (err) {
    throw fsError(err, path, 'reading');
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** readInputText for synchronous code. */
export function readInputTextSync(path: string, opts: ReadInputOptions = {}): string {
  const max = Math.min(opts.maxBytes ?? DEFAULT_LIMITS.maxBytes, MAX_TEXT_BYTES);
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(readInputFileSync(path, { maxBytes: max }));
}

export interface ReadTextOptions extends ReadInputOptions {
  /** Refuse bytes that are not valid UTF-8 (default false: they become U+FFFD). */
  fatal?: boolean;
}

/**
 * Reads an input file as UTF-8 text, bounded like readInputFile and by the longest string V8 holds (so a 700 MB
 * JSON file is refused by name instead of failing with `Invalid string length`). A leading BOM is kept.
 */
export async function readInputText(path: string, opts: ReadTextOptions = {}): Promise<string> {
  const max = Math.min(opts.maxBytes ?? DEFAULT_LIMITS.maxBytes, MAX_TEXT_BYTES);
  const bytes = await readInputFile(path, { maxBytes: max });
  try {
    return new TextDecoder('utf-8', { fatal: opts.fatal ?? false, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SignbenchError('invalid-input', `${path}: not valid UTF-8`, { detail: { path } });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** Creates a directory and its parents; errors name the path (`out: exists and is not a directory`). */
export async function ensureDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new SignbenchError('conflict', `${path}: cannot create the directory: ${code === 'EEXIST' ? 'a file of that name exists' : 'a part of the path is a file'}`, { cause: err, detail: { path, code } });
    }
    throw fsError(err, path, 'creating the directory');
  }
}

/** The temporary name beside `target` that a write goes to before it is renamed (keeps the extension: ffmpeg reads it). */
export function temporaryPath(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(target), `.${basename(target, extname(target))}.${process.pid}-${rand}.tmp${extname(target)}`);
}

/**
 * Runs `write(tmp)` against a temporary path beside `target` and renames it over `target` when `write` resolves; on
 * any failure the temporary file is removed and `target` is left as it was. The parent directory is created.
 */
export async function withAtomicFile<T>(target: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const dir = dirname(resolve(target));
  await ensureDir(dir);
  const existing = await stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new SignbenchError('conflict', `${target}: is a directory, cannot write a file there`, { detail: { path: target } });
  const tmp = temporaryPath(target);
  let result: T;
  try {
    result = await write(tmp);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true, recursive: true }).catch(() => undefined);
    throw fsError(err, target, 'writing');
  }
  return result;
}

/** Writes `data` to `target` atomically (temporary file beside it, then rename). */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  await withAtomicFile(target, (tmp) => writeFile(tmp, data, { flag: 'wx' }));
}

/** writeFileAtomic for synchronous code (model export, training artefacts). */
export function writeFileAtomicSync(target: string, data: Uint8Array | string): void {
  const tmp = temporaryPath(target);
  try {
    mkdirSync(dirname(resolve(target)), { recursive: true });
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fsError(err, target, 'writing');
  }
}

/** Whether two paths name the same file (same device and inode, or the same resolved path when neither exists). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([stat(a).catch(() => null), stat(b).catch(() => null)]);
  if (sa && sb) return sa.dev === sb.dev && sa.ino === sb.ino;
  const real = async (p: string) => realpath(p).catch(() => resolve(p));
  return (await real(a)) === (await real(b));
}

/**
 * Refuses an output path that is one of the inputs (or, for a directory input, the directory itself): writing it
 * would destroy the data being read. Throws a `conflict` SignbenchError naming both.
 */
export async function assertNotInput(output: string, inputs: readonly string[]): Promise<void> {
  for (const input of inputs) {
    if (await sameFile(output, input)) {
      throw new SignbenchError('conflict', `${output}: is also the input ${input}; write to another path`, { detail: { path: output, input } });
    }
  }
}
