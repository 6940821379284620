/**
 * Tar archives, streamed: a reader on top of tar-stream (ustar, PAX `x`/`g`, GNU `L`/`K`) that checks member paths
 * and sizes, and a writer producing the PAX layout of Python's `tarfile` (a `././@PaxHeader` with `mtime` before
 * every member), which is how SignVerse-2M shards are written.
 */
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import tarStream from 'tar-stream';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from './errors.js';

export interface TarMember {
  /** Normalised path (no leading `./`, no trailing `/`). */
  name: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  /** The bytes, for files the `want` predicate selected; null otherwise. */
  data: Uint8Array | null;
}

export interface TarReadOptions {
  limits?: Partial<ReadLimits>;
  /** Which regular files to read into memory (others are skipped without buffering). Default: all. */
  want?: (name: string, size: number) => boolean;
}

/**
 * Normalises a member path and rejects those that escape the archive's folder (`..` segments, absolute paths,
 * drive letters). Returns the path without leading `./` and trailing `/`.
 */
export function safeMemberPath(name: string, file: string): string {
  const fail = (): never => { throw new PoseFormatError(file, `tar: member '${name}' escapes the archive folder`); };
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) fail();
  const parts = name.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  if (parts.some((s) => s === '..')) fail();
  return parts.join('/');
}

type ByteSource = Uint8Array | AsyncIterable<Uint8Array> | Readable;

/**
 * Streams the members of a tar archive. Throws PoseFormatError naming `file` for a truncated or corrupt archive, a
 * member path escaping the folder, a selected member larger than `limits.maxBytes`, or more than
 * `limits.maxEntries` members.
 */
export async function* readTar(source: ByteSource, file: string, opts: TarReadOptions = {}): AsyncGenerator<TarMember> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const want = opts.want ?? (() => true);
  const input = source instanceof Uint8Array ? Readable.from([source]) : source instanceof Readable ? source : Readable.from(source);
  const extract = tarStream.extract();
  input.on('error', (err: Error) => extract.destroy(err));
  input.pipe(extract);
  let count = 0;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      if (++count > limits.maxEntries) throw new PoseFormatError(file, `tar: more than ${limits.maxEntries} members`);
      const name = safeMemberPath(h.name, file);
      const size = h.size ?? 0;
      const type = h.type === 'file' || h.type === 'contiguous-file' ? 'file' : h.type === 'directory' ? 'directory' : 'other';
      if (type === 'file' && want(name, size)) {
        if (size > limits.maxBytes) {
          throw new PoseFormatError(file, `tar: member '${name}' of ${size} bytes exceeds the limit of ${limits.maxBytes}`);
        }
        const data = new Uint8Array(size);
        let off = 0;
        for await (const chunk of entry as AsyncIterable<Uint8Array>) {
          if (off + chunk.length > size) throw new PoseFormatError(file, `tar: member '${name}' is longer than its header says`);
          data.set(chunk, off);
          off += chunk.length;
        }
        if (off !== size) throw new PoseFormatError(file, `tar: member '${name}' is truncated`);
        yield { name, type, size, data };
      } else {
        entry.resume();
        await once(entry, 'end').catch(() => undefined);
        yield { name, type, size, data: null };
      }
    }
  } catch (err) {
    if (err instanceof PoseFormatError) throw err;
    throw new PoseFormatError(file, `tar: ${(err as Error)?.message ?? String(err)} (truncated or corrupt archive?)`, { cause: err });
  } finally {
    input.unpipe(extract);
    if (!input.destroyed) input.destroy();
    if (!extract.destroyed) extract.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

const BLOCK = 512;
const RECORD = 20 * BLOCK; // tarfile pads the archive to a multiple of its record size

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function writeString(buf: Uint8Array, at: number, s: string, max: number): void {
  const b = new TextEncoder().encode(s);
  if (b.length > max) throw new Error(`tar writer: '${s}' does not fit in ${max} bytes`);
  buf.set(b, at);
}

/** One 512-byte ustar header block (uid/gid 0, no user names), as Python's tarfile writes it. */
export function tarHeaderBlock(name: string, size: number, mtime: number, typeflag: string, mode: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  writeString(h, 0, name, 100);
  writeString(h, 100, octal(mode, 8), 8);
  writeString(h, 108, octal(0, 8), 8);
  writeString(h, 116, octal(0, 8), 8);
  writeString(h, 124, octal(size, 12), 12);
  writeString(h, 136, octal(Math.floor(mtime), 12), 12);
  h.fill(0x20, 148, 156); // checksum field counts as spaces
  writeString(h, 156, typeflag, 1);
  writeString(h, 257, 'ustar\0', 6);
  writeString(h, 263, '00', 2);
  writeString(h, 329, octal(0, 8), 8);
  writeString(h, 337, octal(0, 8), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  writeString(h, 148, sum.toString(8).padStart(6, '0') + '\0 ', 8);
  return h;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

/**
 * Writes a tar archive to a stream in the layout Python's `tarfile` (format PAX) produces: every member is preceded
 * by a `././@PaxHeader` (type `x`) carrying its float `mtime` (and `path` when the name is longer than 100 bytes).
 */
export class TarWriter {
  private written = 0;
  constructor(private readonly out: Writable) {}

  private async push(chunk: Uint8Array): Promise<void> {
    this.written += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  private async member(name: string, data: Uint8Array, mtime: number, typeflag: '0' | '5', mode: number): Promise<void> {
    // Python writes str(float): the shortest round-trip repr, with '.0' for whole numbers
    let pax = paxRecord('mtime', Number.isInteger(mtime) ? `${mtime}.0` : String(mtime));
    const nameBytes = new TextEncoder().encode(name);
    let ustarName = name;
    if (nameBytes.length > 100 || nameBytes.some((c) => c >= 0x80)) {
      pax += paxRecord('path', name);
      ustarName = name.slice(0, 50).replace(/[^\x20-\x7e]/g, '_');
    }
    const paxBytes = new TextEncoder().encode(pax);
    await this.push(tarHeaderBlock('././@PaxHeader', paxBytes.length, 0, 'x', 0));
    await this.push(padded(paxBytes));
    await this.push(tarHeaderBlock(ustarName, data.length, mtime, typeflag, mode));
    if (data.length > 0) {
      await this.push(data);
      const rem = data.length % BLOCK;
      if (rem !== 0) await this.push(new Uint8Array(BLOCK - rem));
    }
  }

  /** Adds a regular file (mode 0644). `mtime` in seconds since the epoch. */
  async addFile(name: string, data: Uint8Array, mtime = Date.now() / 1000): Promise<void> {
    await this.member(name, data, mtime, '0', 0o644);
  }

  /** Adds a directory (mode 0755), named without a trailing slash like tarfile does. */
  async addDirectory(name: string, mtime = Date.now() / 1000): Promise<void> {
    await this.member(name.replace(/\/+$/, ''), new Uint8Array(0), mtime, '5', 0o755);
  }

  /** Writes the two zero end blocks and pads to the 10240-byte record size; does not end the stream. */
  async finish(): Promise<void> {
    const endLen = 2 * BLOCK;
    const total = this.written + endLen;
    const pad = (RECORD - (total % RECORD)) % RECORD;
    await this.push(new Uint8Array(endLen + pad));
  }
}

function padded(data: Uint8Array): Uint8Array {
  const rem = data.length % BLOCK;
  if (rem === 0) return data;
  const out = new Uint8Array(data.length + BLOCK - rem);
  out.set(data);
  return out;
}
