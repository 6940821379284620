/**
 * Tar archives, streamed: a reader on top of tar-stream (ustar, PAX `x`/`g`, GNU `L`/`K`) that checks member paths
 * and sizes, and a writer producing the PAX layout of Python's `tarfile` (a `././@PaxHeader` with `mtime` before
 * every member), which is how SignVerse-2M shards are written.
 */
import { once } from 'node:events';
import { readSync } from 'node:fs';
import { open } from 'node:fs/promises';
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
  /**
   * readTarFile: where to read a selected member of more than 64 KiB: a Uint8Array of exactly `size` bytes (a reused
   * buffer saves the page faults of a fresh one per member). Default: a new buffer per member.
   */
  buffer?: (size: number) => Uint8Array;
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
// Positioned reading of a tar file

const HEADER_BLOCK = 512;
/** Largest PAX or GNU long-name record read (tar-stream's bound). */
const MAX_LONG_HEADER = 4 * 1024 * 1024;
/** Headers and small members are read through a window of this many bytes (one read serves many headers). */
const WINDOW = 64 * 1024;

const latin1Dec = new TextDecoder('latin1');
const utf8Dec = new TextDecoder('utf-8');

/** A NUL-terminated field as text. */
function field(b: Uint8Array, at: number, len: number): string {
  let end = at;
  while (end < at + len && b[end] !== 0) end++;
  return utf8Dec.decode(b.subarray(at, end));
}

/** A numeric header field: octal (leading spaces/NULs allowed, ends at a space or NUL) or base-256 (0x80 / 0xff lead). */
function numberField(b: Uint8Array, at: number, len: number): number | null {
  if (b[at] & 0x80) {
    if (b[at] !== 0x80 && b[at] !== 0xff) return null;
    const positive = b[at] === 0x80;
    let v = 0;
    for (let i = at + 1; i < at + len; i++) v = v * 256 + (positive ? b[i] : 0xff - b[i]);
    return positive ? v : -1 - v;
  }
  let i = at;
  const end0 = at + len;
  while (i < end0 && b[i] === 0x20) i++;
  let end = i;
  while (end < end0 && b[end] !== 0x20) end++;
  while (i < end && b[i] === 0) i++;
  if (end === i) return 0;
  return parseInt(latin1Dec.decode(b.subarray(i, end)), 8);
}

const TYPES: Record<number, string> = {
  0: 'file', 1: 'link', 2: 'symlink', 3: 'character-device', 4: 'block-device', 5: 'directory', 6: 'fifo',
  7: 'contiguous-file', 72: 'pax-header', 55: 'pax-global-header', 27: 'gnu-long-link-path', 28: 'gnu-long-path',
  30: 'gnu-long-path',
};

interface RawHeader { name: string; size: number; type: string | null }

/** One header block as tar-stream decodes it: null for an all-zero (end) block; throws on a bad checksum or format. */
function decodeHeader(b: Uint8Array): RawHeader | null {
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += b[i];
  for (let i = 156; i < HEADER_BLOCK; i++) sum += b[i];
  if (sum === 8 * 32) return null;
  if (sum !== numberField(b, 148, 8)) throw new Error('Invalid tar header. Maybe the tar is corrupted or it needs to be gunzipped?');
  let typeflag = b[156] === 0 ? 0 : b[156] - 0x30;
  let name = field(b, 0, 100);
  const magic = latin1Dec.decode(b.subarray(257, 263));
  if (magic === 'ustar\0') {
    if (b[345]) name = `${field(b, 345, 155)}/${name}`;
  } else if (!(magic === 'ustar ' && b[263] === 0x20 && b[264] === 0)) {
    throw new Error('Invalid tar header: unknown format.');
  }
  if (typeflag === 0 && name.endsWith('/')) typeflag = 5;
  return { name, size: numberField(b, 124, 12) ?? Number.NaN, type: TYPES[typeflag] ?? null };
}

/** `key=value` records of a PAX header. */
function decodePax(b: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < b.length) {
    let i = at;
    while (i < b.length && b[i] !== 0x20) i++;
    const len = parseInt(latin1Dec.decode(b.subarray(at, i)), 10);
    if (!len) return out;
    const rec = utf8Dec.decode(b.subarray(i + 1, at + len - 1));
    const eq = rec.indexOf('=');
    if (eq === -1) return out;
    out[rec.slice(0, eq)] = rec.slice(eq + 1);
    at += len;
  }
  return out;
}

const padding = (size: number): number => (HEADER_BLOCK - (size % HEADER_BLOCK)) % HEADER_BLOCK;

/**
 * readTar for a file on disk, with positioned reads: headers come through a small window, and only the selected
 * members' bytes are read (each straight into its own buffer); the others are skipped without reading them. Same
 * members, checks and errors as readTar (the header rules are tar-stream's: ustar and GNU formats, PAX `x`/`g` path
 * and size, GNU `L`/`K`, zero blocks skipped). The file must be a regular file (checked by the caller). Reads are
 * synchronous (page-cache copies of a member at a time, shorter than parsing it): handing each to libuv's threads
 * and back cost more than the copy on a busy machine.
 */
export async function* readTarFile(path: string, file: string, opts: TarReadOptions = {}): AsyncGenerator<TarMember> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const want = opts.want ?? (() => true);
  const corrupt = (problem: string): PoseFormatError => new PoseFormatError(file, `tar: ${problem} (truncated or corrupt archive?)`);
  const fh = await open(path, 'r');
  try {
    const fileSize = (await fh.stat()).size;
    const win = new Uint8Array(WINDOW);
    let winStart = 0;
    let winLen = 0;
    /** Bytes [at, at + len) of the file (a view of the window when they fit in it); throws at the end of the file. */
    const bytesAt = async (at: number, len: number): Promise<Uint8Array> => {
      if (at + len > fileSize) throw corrupt('Unexpected end of data');
      if (len > WINDOW) {
        const out = new Uint8Array(len);
        let off = 0;
        while (off < len) {
          const bytesRead = readSync(fh.fd, out, off, len - off, at + off);
          if (bytesRead === 0) throw corrupt('Unexpected end of data');
          off += bytesRead;
        }
        return out;
      }
      if (at < winStart || at + len > winStart + winLen) {
        winStart = at;
        winLen = 0;
        const want = Math.min(WINDOW, fileSize - at);
        while (winLen < want) {
          const bytesRead = readSync(fh.fd, win, winLen, want - winLen, at + winLen);
          if (bytesRead === 0) break;
          winLen += bytesRead;
        }
        if (winLen < len) throw corrupt('Unexpected end of data');
      }
      return win.subarray(at - winStart, at - winStart + len);
    };
    let pos = 0;
    let count = 0;
    let pax: Record<string, string> | null = null;
    let paxGlobal: Record<string, string> | null = null;
    let longPath: string | null = null;
    while (pos < fileSize) {
      let h: RawHeader | null;
      try {
        h = decodeHeader(await bytesAt(pos, HEADER_BLOCK));
      } catch (err) {
        if (err instanceof PoseFormatError) throw err;
        throw corrupt((err as Error).message);
      }
      pos += HEADER_BLOCK;
      if (h === null) continue;
      if (h.type === 'pax-header' || h.type === 'pax-global-header' || h.type === 'gnu-long-path' || h.type === 'gnu-long-link-path') {
        if (h.size > MAX_LONG_HEADER) throw corrupt('Header exceeds max size');
        if (!(h.size >= 0)) throw corrupt('Invalid header');
        const body = await bytesAt(pos, h.size);
        if (h.type === 'gnu-long-path') longPath = field(body, 0, body.length);
        else if (h.type === 'pax-global-header') paxGlobal = decodePax(body);
        else if (h.type === 'pax-header') pax = paxGlobal === null ? decodePax(body) : { ...paxGlobal, ...decodePax(body) };
        pos += h.size + padding(h.size);
        if (pos > fileSize) throw corrupt('Unexpected end of data');
        continue;
      }
      if (longPath !== null) { h.name = longPath; longPath = null; }
      if (pax !== null) {
        if (pax.path) h.name = pax.path;
        if (pax.size) h.size = parseInt(pax.size, 10);
        pax = null;
      }
      if (!(h.size >= 0)) throw corrupt('Invalid header');
      if (++count > limits.maxEntries) throw new PoseFormatError(file, `tar: more than ${limits.maxEntries} members`);
      const name = safeMemberPath(h.name, file);
      const size = h.size;
      const type = h.type === 'file' || h.type === 'contiguous-file' ? 'file' : h.type === 'directory' ? 'directory' : 'other';
      // like tar-stream, a directory's (or an empty member's) header is followed directly by the next header
      const dataStart = pos;
      if (size > 0 && h.type !== 'directory') pos += size + padding(size);
      if (type === 'file' && size > 0 && want(name, size)) {
        if (size > limits.maxBytes) throw new PoseFormatError(file, `tar: member '${name}' of ${size} bytes exceeds the limit of ${limits.maxBytes}`);
        if (dataStart + size > fileSize) throw new PoseFormatError(file, `tar: member '${name}' is truncated`);
        let data: Uint8Array;
        if (size <= WINDOW) data = (await bytesAt(dataStart, size)).slice();
        else {
          if (opts.buffer) {
            data = opts.buffer(size);
            if (data.length !== size) throw new Error(`readTarFile: the buffer for '${name}' has ${data.length} bytes, not ${size}`);
          } else {
            // not zero-filled (every byte is read over); a plain Uint8Array view, so that slice() copies as usual
            const buf = Buffer.allocUnsafe(size);
            data = new Uint8Array(buf.buffer, buf.byteOffset, size);
          }
          let off = 0;
          while (off < size) {
            const bytesRead = readSync(fh.fd, data, off, size - off, dataStart + off);
            if (bytesRead === 0) throw new PoseFormatError(file, `tar: member '${name}' is truncated`);
            off += bytesRead;
          }
        }
        yield { name, type, size, data };
      } else {
        yield { name, type, size, data: type === 'file' && size === 0 && want(name, size) ? new Uint8Array(0) : null };
      }
      if (pos > fileSize) throw corrupt('Unexpected end of data');
    }
  } finally {
    await fh.close();
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
