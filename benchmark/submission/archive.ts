/**
 * Safe unpacking of submitted archives (`.zip`, `.tar`). Nothing is written before the whole listing has been
 * checked: entries with `..`, absolute paths or drive letters, links and special files are refused, and the entry
 * count, the total unpacked bytes and the compression ratio (zip) are bounded. While unpacking, the bytes actually
 * written are counted again, so an archive whose headers lie about sizes is stopped at the bound too.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';
import { createReadStream } from 'node:fs';

export interface ArchiveLimits {
  /** Most unpacked bytes in all. */
  maxTotalBytes: number;
  /** Most entries (files and folders). */
  maxEntries: number;
  /** Highest unpacked/packed ratio of one zip entry or of the whole archive. */
  maxRatio: number;
}

export interface ArchiveEntry {
  /** Path inside the archive, normalised (no `./`, `/` separators). */
  name: string;
  type: 'file' | 'directory' | 'link' | 'other';
  size: number;
  compressedSize?: number;
}

/** A problem found in the listing; `entry` names the member. */
export interface ArchiveProblem {
  entry?: string;
  problem: string;
}

export class ArchiveRefused extends Error {
  constructor(readonly problems: ArchiveProblem[]) {
    super(problems.map((p) => (p.entry ? `${p.entry}: ${p.problem}` : p.problem)).join('; '));
  }
}

/** Why a member path is unsafe, or null when it stays inside the archive's folder. */
export function unsafePath(name: string): string | null {
  if (name.includes('\0')) return 'path contains a NUL byte';
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return 'absolute path (refused)';
  if (name.split(/[/\\]+/).some((s) => s === '..')) return "path with '..' (refused: it would leave the archive's folder)";
  return null;
}

function normalise(name: string): string {
  return name.split(/[/\\]+/).filter((s) => s !== '' && s !== '.').join('/');
}

export type ArchiveKind = 'zip' | 'tar';

export async function archiveKind(path: string): Promise<ArchiveKind | null> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(512);
    const { bytesRead } = await fh.read(b, 0, 512, 0);
    if (bytesRead >= 4 && b.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (bytesRead >= 4 && b.readUInt32LE(0) === 0x06054b50) return 'zip'; // empty zip
    if (bytesRead >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    if (/\.tar$/i.test(path)) return 'tar';
    if (/\.zip$/i.test(path)) return 'zip';
    return null;
  } finally {
    await fh.close();
  }
}

/** Lists an archive without unpacking anything. */
export async function listArchive(path: string, kind: ArchiveKind): Promise<ArchiveEntry[]> {
  return kind === 'zip' ? listZip(path) : listTar(path);
}

async function listZip(path: string): Promise<ArchiveEntry[]> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: false, autoClose: true });
  const out: ArchiveEntry[] = [];
  try {
    for await (const e of zip.eachEntry()) {
      const raw = e.fileNameRaw;
      const name = raw.toString('utf8');
      const mode = (e.externalFileAttributes >>> 16) & 0o170000;
      const type = mode === 0o120000 ? 'link' : name.endsWith('/') ? 'directory' : mode === 0 || mode === 0o100000 ? 'file' : mode === 0o040000 ? 'directory' : 'other';
      out.push({ name, type, size: e.uncompressedSize, compressedSize: e.compressedSize });
    }
  } finally {
    zip.close();
  }
  return out;
}

async function listTar(path: string): Promise<ArchiveEntry[]> {
  const extract = tarStream.extract();
  const out: ArchiveEntry[] = [];
  const input = createReadStream(path);
  input.on('error', (err) => extract.destroy(err));
  input.pipe(extract);
  for await (const entry of extract) {
    const h = entry.header;
    const t = h.type;
    const type = t === 'file' || t === 'contiguous-file' ? 'file' : t === 'directory' ? 'directory' : t === 'symlink' || t === 'link' ? 'link' : 'other';
    out.push({ name: h.name, type, size: h.size ?? 0 });
    entry.resume();
  }
  return out;
}

/** Every problem of a listing against the limits (empty: safe to unpack). */
export function checkListing(entries: readonly ArchiveEntry[], archiveBytes: number, limits: ArchiveLimits): ArchiveProblem[] {
  const problems: ArchiveProblem[] = [];
  if (entries.length > limits.maxEntries) problems.push({ problem: `${entries.length} entries, over the limit of ${limits.maxEntries}` });
  let total = 0;
  for (const e of entries) {
    const bad = unsafePath(e.name);
    if (bad) problems.push({ entry: e.name, problem: bad });
    if (e.type === 'link') problems.push({ entry: e.name, problem: 'a link (refused)' });
    if (e.type === 'other') problems.push({ entry: e.name, problem: 'not a regular file or folder (refused)' });
    if (e.type === 'file') {
      total += e.size;
      if (e.compressedSize !== undefined && e.size > 1 << 20 && e.size / Math.max(1, e.compressedSize) > limits.maxRatio) {
        problems.push({ entry: e.name, problem: `compression ratio ${(e.size / Math.max(1, e.compressedSize)).toFixed(0)}:1 is over the limit of ${limits.maxRatio}:1 (a zip bomb?)` });
      }
    }
  }
  if (total > limits.maxTotalBytes) problems.push({ problem: `${total} unpacked bytes, over the limit of ${limits.maxTotalBytes}` });
  if (entries.some((e) => e.compressedSize !== undefined) && total > 1 << 20 && total / Math.max(1, archiveBytes) > limits.maxRatio) {
    problems.push({ problem: `the archive unpacks to ${(total / Math.max(1, archiveBytes)).toFixed(0)}× its size, over the limit of ${limits.maxRatio}× (a zip bomb?)` });
  }
  return problems;
}

/** Counts bytes through a stream and fails past `budget.left`. */
function counter(budget: { left: number }, name: string): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      budget.left -= chunk.length;
      if (budget.left < 0) cb(new ArchiveRefused([{ entry: name, problem: 'unpacks to more bytes than its header says or than the limit allows' }]));
      else cb(null, chunk);
    },
  });
}

/**
 * Checks and unpacks `path` into `dest` (which must exist and be empty). Throws ArchiveRefused with every problem of
 * the listing, or the first problem met while unpacking.
 */
export async function unpackArchive(path: string, kind: ArchiveKind, dest: string, limits: ArchiveLimits): Promise<string[]> {
  let entries: ArchiveEntry[];
  try {
    entries = await listArchive(path, kind);
  } catch (err) {
    throw new ArchiveRefused([{ problem: `not a readable ${kind} archive (${(err as Error).message})` }]);
  }
  const problems = checkListing(entries, (await stat(path)).size, limits);
  if (problems.length > 0) throw new ArchiveRefused(problems);
  const budget = { left: limits.maxTotalBytes };
  const written: string[] = [];
  const target = (name: string) => join(dest, ...normalise(name).split('/'));
  try {
    if (kind === 'zip') {
      const zip = await yauzl.openPromise(path, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true });
      try {
        for await (const e of zip.eachEntry()) {
          const name = e.fileNameRaw.toString('utf8');
          if (normalise(name) === '') continue;
          if (name.endsWith('/')) { await mkdir(target(name), { recursive: true }); continue; }
          const out = target(name);
          await mkdir(dirname(out), { recursive: true });
          await pipeline(await zip.openReadStreamPromise(e), counter(budget, name), createWriteStream(out, { flags: 'wx' }));
          written.push(normalise(name));
        }
      } finally {
        zip.close();
      }
    } else {
      const extract = tarStream.extract();
      const input = createReadStream(path);
      input.on('error', (err) => extract.destroy(err));
      input.pipe(extract);
      for await (const entry of extract) {
        const name = entry.header.name;
        if (entry.header.type === 'directory' || normalise(name) === '') { await mkdir(target(name), { recursive: true }); entry.resume(); continue; }
        const out = target(name);
        await mkdir(dirname(out), { recursive: true });
        await pipeline(entry, counter(budget, name), createWriteStream(out, { flags: 'wx' }));
        written.push(normalise(name));
      }
    }
  } catch (err) {
    if (err instanceof ArchiveRefused) throw err;
    throw new ArchiveRefused([{ problem: `unpacking failed: ${(err as Error).message}` }]);
  }
  return written;
}
