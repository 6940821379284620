/**
 * Zip archives in memory, as `.npz` files use them: a central-directory reader (STORED and DEFLATED members, zip64
 * sizes and offsets, the `0xFFFFFFFF` local-header sizes numpy's `force_zip64` writes) and a STORED writer.
 */
import { crc32, inflateRawSync } from 'node:zlib';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from './errors.js';

export interface ZipEntry {
  name: string;
  /** Uncompressed member bytes (a view into the archive for STORED members). */
  data: Uint8Array;
}

export interface ZipReadOptions {
  limits?: Partial<ReadLimits>;
  /** Check each member's CRC-32 (default true). */
  verifyCrc?: boolean;
  /** Most bytes inflated from the archive in all (default: limits.maxBytes). */
  maxInflatedBytes?: number;
  /** Largest inflated/compressed size ratio of a deflated member over 1 MiB (default 100; deflate reaches ~1032). */
  maxCompressionRatio?: number;
}

/** Members smaller than this are not held to the compression-ratio bound (small files compress well legitimately). */
const RATIO_EXEMPT_BYTES = 1 << 20;
const DEFAULT_MAX_RATIO = 100;

const EOCD_SIG = 0x06054b50;
const EOCD64_LOCATOR_SIG = 0x07064b50;
const EOCD64_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

const utf8 = new TextDecoder('utf-8');
const cp437ish = new TextDecoder('latin1');

/** Members looked up by name, read (and inflated) only when asked for: what an npz reader needs of an archive. */
export interface MemberLookup {
  has(name: string): boolean;
  get(name: string): Uint8Array | undefined;
}

/** A member as the central directory describes it; its bytes are only read (and inflated) on request. */
interface ZipMember {
  name: string;
  method: number;
  crc: number;
  compSize: number;
  size: number;
  dataStart: number;
}

/**
 * A zip archive held in memory whose members are inflated only when read: an unused member costs nothing, however
 * large it claims to be. Bounds: entry count, each member's size, the total inflated across reads, and the
 * compression ratio (a zip bomb is refused with its entry named, before anything is inflated).
 */
export class ZipArchive {
  private readonly members = new Map<string, ZipMember>();
  private inflated = 0;
  private readonly maxInflated: number;
  private readonly maxMember: number;
  private readonly maxRatio: number;
  private readonly verifyCrc: boolean;

  constructor(private readonly bytes: Uint8Array, readonly file: string, opts: ZipReadOptions = {}) {
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.verifyCrc = opts.verifyCrc ?? true;
    this.maxInflated = opts.maxInflatedBytes ?? limits.maxBytes;
    this.maxMember = limits.maxBytes;
    this.maxRatio = opts.maxCompressionRatio ?? DEFAULT_MAX_RATIO;
    for (const m of readCentralDirectory(bytes, this.fail, limits)) this.members.set(m.name, m);
  }

  private readonly fail = (problem: string): never => {
    throw new PoseFormatError(this.file, `zip: ${problem}`);
  };

  /** Member names (directories excluded), in archive order. */
  get names(): string[] {
    return [...this.members.keys()];
  }

  has(name: string): boolean {
    return this.members.has(name);
  }

  /** Members by their name without `suffix` (npz keys: `fps` for `fps.npy`), inflated when read. */
  byStem(suffix = '.npy'): MemberLookup {
    return {
      has: (key) => this.members.has(key + suffix) || this.members.has(key),
      get: (key) => this.read(key + suffix) ?? this.read(key),
    };
  }

  /** The uncompressed bytes of member `name` (a view into the archive for STORED members); undefined when absent. */
  read(name: string): Uint8Array | undefined {
    const m = this.members.get(name);
    if (!m) return undefined;
    const { fail } = this;
    if (m.size > this.maxMember) fail(`entry '${name}' of ${m.size} bytes exceeds the limit of ${this.maxMember}`);
    const stored = this.bytes.subarray(m.dataStart, m.dataStart + m.compSize);
    let data: Uint8Array;
    if (m.method === 0) {
      if (m.compSize !== m.size) fail(`entry '${name}': stored sizes differ (${m.compSize} vs ${m.size})`);
      data = stored;
    } else if (m.method === 8) {
      if (m.size > RATIO_EXEMPT_BYTES && m.size > this.maxRatio * Math.max(1, m.compSize)) {
        fail(`entry '${name}' would inflate ${m.compSize} bytes to ${m.size} (ratio over ${this.maxRatio}:1): refused as a zip bomb`);
      }
      if (this.inflated + m.size > this.maxInflated) {
        fail(`entry '${name}': inflating ${m.size} more bytes would exceed the limit of ${this.maxInflated} inflated bytes for the archive`);
      }
      try {
        data = inflateRawSync(stored, { maxOutputLength: Math.max(1, m.size) });
      } catch (err) {
        return fail(`entry '${name}': deflate data is corrupt or longer than its stated ${m.size} bytes (${(err as Error).message})`);
      }
      if (data.length !== m.size) fail(`entry '${name}': inflated to ${data.length} bytes, expected ${m.size}`);
      this.inflated += data.length;
    } else {
      return fail(`entry '${name}': compression method ${m.method} is not supported (only stored and deflated)`);
    }
    if (this.verifyCrc && crc32(data) >>> 0 !== m.crc) fail(`entry '${name}': CRC-32 mismatch (corrupt data)`);
    return data;
  }
}

/**
 * Reads every file member of a zip archive held in memory. Throws PoseFormatError naming `file` for a truncated or
 * malformed archive, an unsupported compression method, a CRC mismatch, or sizes/counts beyond the limits.
 */
export function readZip(bytes: Uint8Array, file: string, opts: ZipReadOptions = {}): ZipEntry[] {
  const zip = new ZipArchive(bytes, file, opts);
  return zip.names.map((name) => ({ name, data: zip.read(name) as Uint8Array }));
}

function readCentralDirectory(bytes: Uint8Array, fail: (problem: string) => never, limits: ReadLimits): ZipMember[] {
  const n = bytes.length;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (n < 22) fail('too short to be a zip archive (truncated?)');

  // End of central directory: the last signature within the final 64 KiB + 22 bytes
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
    if (dv.getUint32(i, true) === EOCD_SIG && i + 22 + dv.getUint16(i + 20, true) <= n) { eocd = i; break; }
  }
  if (eocd < 0) fail('no end-of-central-directory record (truncated or not a zip)');
  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || dv.getUint32(loc, true) !== EOCD64_LOCATOR_SIG) fail('zip64 end-of-central-directory locator missing');
    const e64 = safeNumber(dv.getBigUint64(loc + 8, true), fail);
    if (e64 + 56 > n || dv.getUint32(e64, true) !== EOCD64_SIG) fail('zip64 end-of-central-directory record missing');
    count = safeNumber(dv.getBigUint64(e64 + 32, true), fail);
    cdSize = safeNumber(dv.getBigUint64(e64 + 40, true), fail);
    cdOffset = safeNumber(dv.getBigUint64(e64 + 48, true), fail);
  }
  if (count > limits.maxEntries) fail(`${count} entries exceed the limit of ${limits.maxEntries}`);
  if (cdOffset + cdSize > n) fail('central directory lies beyond the end of the file (truncated?)');

  const entries: ZipMember[] = [];
  let p = cdOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > n || dv.getUint32(p, true) !== CENTRAL_SIG) fail(`central directory entry ${k} is malformed`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    const crc = dv.getUint32(p + 16, true);
    let compSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localOffset = dv.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > n) fail(`central directory entry ${k} is truncated`);
    const nameBytes = bytes.subarray(p + 46, p + 46 + nameLen);
    const name = (flags & 0x800 ? utf8 : cp437ish).decode(nameBytes);
    // zip64 extra: the 8-byte fields present are those whose 32-bit field is 0xFFFFFFFF, in this order
    let q = p + 46 + nameLen;
    const extraEnd = q + extraLen;
    while (q + 4 <= extraEnd) {
      const id = dv.getUint16(q, true);
      const len = dv.getUint16(q + 2, true);
      if (q + 4 + len > extraEnd) fail(`entry '${name}': malformed extra field`);
      if (id === 0x0001) {
        let r = q + 4;
        const take = (): number => {
          if (r + 8 > q + 4 + len) fail(`entry '${name}': short zip64 extra field`);
          const v = safeNumber(dv.getBigUint64(r, true), fail);
          r += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compSize === 0xffffffff) compSize = take();
        if (localOffset === 0xffffffff) localOffset = take();
      }
      q += 4 + len;
    }
    p = end;
    if (flags & 0x1) fail(`entry '${name}' is encrypted`);
    if (name.endsWith('/')) continue; // directory
    if (localOffset + 30 > n || dv.getUint32(localOffset, true) !== LOCAL_SIG) fail(`entry '${name}': local header missing (truncated?)`);
    const dataStart = localOffset + 30 + dv.getUint16(localOffset + 26, true) + dv.getUint16(localOffset + 28, true);
    if (dataStart + compSize > n) fail(`entry '${name}' is truncated`);
    entries.push({ name, method, crc, compSize, size, dataStart });
  }
  return entries;
}

function safeNumber(v: bigint, fail: (p: string) => never): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`size or offset ${v} is absurd`);
  return Number(v);
}

/** Writes a STORED zip archive (what `np.savez` writes, without zip64 unless sizes need it: they never do here). */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const names = entries.map((e) => new TextEncoder().encode(e.name));
  let total = 22;
  entries.forEach((e, i) => { total += 30 + names[i].length + e.data.length + 46 + names[i].length; });
  if (total > 0xffffffff || entries.length > 0xffff) throw new Error('writeZip: archive too large for a non-zip64 zip');
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const crcs = entries.map((e) => crc32(e.data) >>> 0);
  const offsets: number[] = [];
  // DOS date/time of 1980-01-01 00:00, like numpy's ZipInfo default (1980, 1, 1, 0, 0, 0)
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  let p = 0;
  entries.forEach((e, i) => {
    offsets.push(p);
    const needsUtf8 = names[i].some((c) => c >= 0x80);
    dv.setUint32(p, LOCAL_SIG, true);
    dv.setUint16(p + 4, 20, true);
    dv.setUint16(p + 6, needsUtf8 ? 0x800 : 0, true);
    dv.setUint16(p + 8, 0, true);
    dv.setUint16(p + 10, dosTime, true);
    dv.setUint16(p + 12, dosDate, true);
    dv.setUint32(p + 14, crcs[i], true);
    dv.setUint32(p + 18, e.data.length, true);
    dv.setUint32(p + 22, e.data.length, true);
    dv.setUint16(p + 26, names[i].length, true);
    dv.setUint16(p + 28, 0, true);
    out.set(names[i], p + 30);
    out.set(e.data, p + 30 + names[i].length);
    p += 30 + names[i].length + e.data.length;
  });
  const cdStart = p;
  entries.forEach((e, i) => {
    const needsUtf8 = names[i].some((c) => c >= 0x80);
    dv.setUint32(p, CENTRAL_SIG, true);
    dv.setUint16(p + 4, 20, true); // made by
    dv.setUint16(p + 6, 20, true); // needed
    dv.setUint16(p + 8, needsUtf8 ? 0x800 : 0, true);
    dv.setUint16(p + 10, 0, true);
    dv.setUint16(p + 12, dosTime, true);
    dv.setUint16(p + 14, dosDate, true);
    dv.setUint32(p + 16, crcs[i], true);
    dv.setUint32(p + 20, e.data.length, true);
    dv.setUint32(p + 24, e.data.length, true);
    dv.setUint16(p + 28, names[i].length, true);
    dv.setUint16(p + 30, 0, true);
    dv.setUint16(p + 32, 0, true);
    dv.setUint16(p + 34, 0, true);
    dv.setUint16(p + 36, 0, true);
    dv.setUint32(p + 38, 0o600 << 16, true);
    dv.setUint32(p + 42, offsets[i], true);
    out.set(names[i], p + 46);
    p += 46 + names[i].length;
  });
  dv.setUint32(p, EOCD_SIG, true);
  dv.setUint16(p + 8, entries.length, true);
  dv.setUint16(p + 10, entries.length, true);
  dv.setUint32(p + 12, p - cdStart, true);
  dv.setUint32(p + 16, cdStart, true);
  return out;
}
