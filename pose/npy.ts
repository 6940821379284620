/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): parse and encode.
 *
 * Supported dtypes: `<f4 <f8 <i4 <i8 |u1 |b1 <U{n} |O` (big-endian `>` variants of the numeric ones are read and
 * byte-swapped). Object arrays go through the restricted unpickler (pickle.ts). Arrays are always returned in C
 * order: `fortran_order: True` files are transposed on read.
 */
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from './errors.js';
import { NumpyArrayRef, PickleWriter, unpickle, type PickleWriterOptions, type PyValue } from './pickle.js';

export type NpyDtype = 'f4' | 'f8' | 'i4' | 'i8' | 'u1' | 'b1' | 'U' | 'O';

/** A decoded array: `data` holds the elements in C (row-major) order; `shape` [] is a 0-d array (one element). */
export type NpyArray =
  | { dtype: 'f4'; shape: number[]; data: Float32Array }
  | { dtype: 'f8'; shape: number[]; data: Float64Array }
  | { dtype: 'i4'; shape: number[]; data: Int32Array }
  | { dtype: 'i8'; shape: number[]; data: BigInt64Array }
  | { dtype: 'u1'; shape: number[]; data: Uint8Array }
  | { dtype: 'b1'; shape: number[]; data: Uint8Array }
  /** Fixed-width unicode (`<U{chars}`); `chars` is the width written (default: the longest string, at least 1). */
  | { dtype: 'U'; shape: number[]; data: string[]; chars?: number }
  | { dtype: 'O'; shape: number[]; data: PyValue[] };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const MAX_HEADER = 1 << 20;
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Number of elements of `shape`, failing on overflow beyond `maxElements`. */
function elementCount(shape: readonly number[], maxElements: number, fail: (p: string) => never): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`invalid dimension ${d} in shape (${shape.join(', ')})`);
    n *= d;
    if (n > maxElements) fail(`shape (${shape.join(', ')}) is too large`);
  }
  return n;
}

/** Splits a descr like `<f4` into byte order and our dtype; null when unsupported. */
function parseDescr(descr: string): { order: '<' | '>'; dtype: NpyDtype; itemSize: number; chars?: number } | null {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) return null;
  const order = m[1] === '>' ? '>' : '<';
  const code = `${m[2]}${m[3]}`;
  switch (code) {
    case 'f4': return { order, dtype: 'f4', itemSize: 4 };
    case 'f8': return { order, dtype: 'f8', itemSize: 8 };
    case 'i4': return { order, dtype: 'i4', itemSize: 4 };
    case 'i8': return { order, dtype: 'i8', itemSize: 8 };
    case 'u1': case 'B': return { order, dtype: 'u1', itemSize: 1 };
    case 'b1': case '?': return { order, dtype: 'b1', itemSize: 1 };
    case 'O': case 'O8': return { order, dtype: 'O', itemSize: 0 };
  }
  if (m[2] === 'U' && m[3] !== '') {
    const chars = Number(m[3]);
    if (!Number.isSafeInteger(chars) || chars < 1 || chars > 1 << 24) return null;
    return { order, dtype: 'U', itemSize: 4 * chars, chars };
  }
  return null;
}

/**
 * Parses the Python-literal header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
 * Only string, bool and int-tuple values are accepted.
 */
function parseHeaderDict(text: string, fail: (p: string) => never): NpyHeader {
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const expect = (ch: string) => { ws(); if (text[i] !== ch) fail(`header: expected '${ch}' at ${i}`); i++; };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail(`header: expected a string at ${i}`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail('header: unterminated string');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (): string | boolean | number[] => {
    ws();
    if (text[i] === "'" || text[i] === '"') return str();
    if (text.startsWith('True', i)) { i += 4; return true; }
    if (text.startsWith('False', i)) { i += 5; return false; }
    if (text[i] === '(') {
      i++;
      const dims: number[] = [];
      for (;;) {
        ws();
        if (text[i] === ')') { i++; return dims; }
        const m = /^\d{1,16}L?/.exec(text.slice(i, i + 18));
        if (!m) return fail(`header: bad shape at ${i}`);
        dims.push(Number(m[0].replace('L', '')));
        if (dims.length > 32) fail('header: more than 32 dimensions');
        i += m[0].length;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ')') fail(`header: bad shape at ${i}`);
      }
    }
    if (text[i] === '[') return fail('header: structured dtypes are not supported');
    return fail(`header: unexpected value at ${i}`);
  };
  expect('{');
  const out: Partial<NpyHeader> = {};
  for (;;) {
    ws();
    if (text[i] === '}') { i++; break; }
    const key = str();
    expect(':');
    const v = value();
    if (key === 'descr') {
      if (typeof v !== 'string') fail('header: descr is not a string');
      out.descr = v as string;
    } else if (key === 'fortran_order') {
      if (typeof v !== 'boolean') fail('header: fortran_order is not a bool');
      out.fortranOrder = v as boolean;
    } else if (key === 'shape') {
      if (!Array.isArray(v)) fail('header: shape is not a tuple');
      out.shape = v as number[];
    } else {
      fail(`header: unexpected key '${key}'`);
    }
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(`header: expected ',' or '}' at ${i}`);
  }
  if (out.descr === undefined || out.fortranOrder === undefined || out.shape === undefined) {
    fail('header: needs descr, fortran_order and shape');
  }
  return out as NpyHeader;
}

/** Copies `raw` (elements in `order` byte order) into a new aligned little-endian buffer. */
function alignedCopy(raw: Uint8Array, itemSize: number, order: '<' | '>'): ArrayBuffer {
  const out = new Uint8Array(raw.length);
  out.set(raw);
  if ((order === '>') === HOST_LE && itemSize > 1) {
    for (let i = 0; i < out.length; i += itemSize) out.subarray(i, i + itemSize).reverse();
  }
  return out.buffer;
}

/** Reorders a Fortran-order element list into C order. */
function fortranToC<T extends { length: number; [i: number]: unknown }>(src: T, shape: readonly number[], make: (n: number) => T): T {
  const n = src.length;
  const nd = shape.length;
  if (nd < 2 || n === 0) return src;
  const out = make(n);
  const fStride: number[] = [];
  let s = 1;
  for (let k = 0; k < nd; k++) { fStride.push(s); s *= shape[k]; }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    out[c] = src[f];
    // increment the C-order multi-index (last axis fastest), keeping the Fortran offset f in step
    for (let k = nd - 1; k >= 0; k--) {
      idx[k]++;
      f += fStride[k];
      if (idx[k] < shape[k]) break;
      f -= fStride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

function decodeUnicode(buf: ArrayBuffer, count: number, chars: number, fail: (p: string) => never): string[] {
  const u32 = new Uint32Array(buf);
  const out: string[] = new Array(count);
  for (let e = 0; e < count; e++) {
    let s = '';
    for (let k = 0; k < chars; k++) {
      const cp = u32[e * chars + k];
      if (cp === 0) break;
      if (cp > 0x10ffff) fail(`invalid code point ${cp} in a <U${chars} string`);
      s += String.fromCodePoint(cp);
    }
    out[e] = s;
  }
  return out;
}

/** Decodes raw element bytes into an NpyArray (C order). */
function decodeNumeric(
  raw: Uint8Array, shape: number[], descr: string, fortranOrder: boolean, fail: (p: string) => never,
): NpyArray {
  const d = parseDescr(descr);
  if (!d || d.dtype === 'O') return fail(`dtype '${descr}' is not supported (supported: <f4 <f8 <i4 <i8 |u1 |b1 <U{n} |O)`);
  const count = elementCount(shape, Number.MAX_SAFE_INTEGER, fail);
  if (raw.length !== count * d.itemSize) {
    fail(`shape (${shape.join(', ')}) with dtype ${descr} needs ${count * d.itemSize} bytes, found ${raw.length}`);
  }
  const buf = alignedCopy(raw, d.dtype === 'U' ? 4 : d.itemSize, d.order);
  const f = fortranOrder;
  switch (d.dtype) {
    case 'f4': { const a = new Float32Array(buf); return { dtype: 'f4', shape, data: f ? fortranToC(a, shape, (n) => new Float32Array(n)) : a }; }
    case 'f8': { const a = new Float64Array(buf); return { dtype: 'f8', shape, data: f ? fortranToC(a, shape, (n) => new Float64Array(n)) : a }; }
    case 'i4': { const a = new Int32Array(buf); return { dtype: 'i4', shape, data: f ? fortranToC(a, shape, (n) => new Int32Array(n)) : a }; }
    case 'i8': { const a = new BigInt64Array(buf); return { dtype: 'i8', shape, data: f ? fortranToC(a, shape, (n) => new BigInt64Array(n)) : a }; }
    case 'u1': { const a = new Uint8Array(buf); return { dtype: 'u1', shape, data: f ? fortranToC(a, shape, (n) => new Uint8Array(n)) : a }; }
    case 'b1': { const a = new Uint8Array(buf); return { dtype: 'b1', shape, data: f ? fortranToC(a, shape, (n) => new Uint8Array(n)) : a }; }
    case 'U': {
      const s = decodeUnicode(buf, count, d.chars as number, fail);
      return { dtype: 'U', shape, chars: d.chars, data: f ? fortranToC(s, shape, (n) => new Array<string>(n)) : s };
    }
  }
}

/** The header of a `.npy` file and where its data starts. */
export interface NpyHeaderInfo {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the data (raw elements or the pickle of an object array). */
  dataOffset: number;
}

/** Parses only the magic and header of a `.npy` file (see parseNpy for the errors). */
export function parseNpyHeader(bytes: Uint8Array, file: string, limits?: Partial<ReadLimits>): NpyHeaderInfo {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const fail = (problem: string): never => { throw new PoseFormatError(file, `npy: ${problem}`); };
  if (bytes.length > lim.maxBytes) fail(`${bytes.length} bytes exceed the limit of ${lim.maxBytes}`);
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) fail('not a .npy file (bad magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported format version ${major}.${bytes[7]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) fail('truncated header');
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (headerLen > MAX_HEADER || headerStart + headerLen > bytes.length) fail(`header length ${headerLen} exceeds the file`);
  const headerBytes = bytes.subarray(headerStart, headerStart + headerLen);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const header = parseHeaderDict(text, fail);
  elementCount(header.shape, lim.maxBytes, fail);
  return { ...header, dataOffset: headerStart + headerLen };
}

/**
 * Parses a `.npy` file. Throws PoseFormatError naming `file` on a bad magic/header, an unsupported dtype, a shape
 * that does not match the data length, or a size beyond `limits.maxBytes`.
 */
export function parseNpy(bytes: Uint8Array, file: string, limits?: Partial<ReadLimits>): NpyArray {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const fail = (problem: string): never => { throw new PoseFormatError(file, `npy: ${problem}`); };
  const header = parseNpyHeader(bytes, file, lim);
  const data = bytes.subarray(header.dataOffset);
  const d = parseDescr(header.descr);
  if (!d) return fail(`dtype '${header.descr}' is not supported (supported: <f4 <f8 <i4 <i8 |u1 |b1 <U{n} |O)`);
  const count = elementCount(header.shape, lim.maxBytes, fail);
  if (d.dtype === 'O') {
    if (count > lim.maxEntries) fail(`object array of ${count} items exceeds the limit of ${lim.maxEntries}`);
    const v = unpickle(data, file, { limits: lim });
    if (!(v instanceof NumpyArrayRef) || !v.items) return fail('object array data is not a pickled object ndarray');
    if (v.items.length !== count) fail(`object array of shape (${header.shape.join(', ')}) holds ${v.items.length} items`);
    const items = header.fortranOrder ? fortranToC(v.items, header.shape, (n) => new Array<PyValue>(n)) : v.items;
    return { dtype: 'O', shape: header.shape, data: items };
  }
  return decodeNumeric(data, header.shape, header.descr, header.fortranOrder, fail);
}

/** Decodes a pickled ndarray (from `unpickle`) into an NpyArray. */
export function npyFromPickled(ref: NumpyArrayRef, file: string): NpyArray {
  const fail = (problem: string): never => { throw new PoseFormatError(file, `pickled ndarray: ${problem}`); };
  if (!ref.dtype) return fail('no dtype');
  if (ref.items) {
    const items = ref.fortranOrder ? fortranToC(ref.items, ref.shape, (n) => new Array<PyValue>(n)) : ref.items;
    return { dtype: 'O', shape: ref.shape, data: items };
  }
  return decodeNumeric(ref.raw ?? new Uint8Array(0), ref.shape, ref.dtype.descr, ref.fortranOrder, fail);
}

/** The descr string of an array as written by encodeNpy, e.g. `<f4`, `|O`, `<U12`. */
export function npyDescr(arr: NpyArray): string {
  switch (arr.dtype) {
    case 'u1': return '|u1';
    case 'b1': return '|b1';
    case 'O': return '|O';
    case 'U': return `<U${unicodeChars(arr)}`;
    default: return `<${arr.dtype}`;
  }
}

function unicodeChars(arr: { data: string[]; chars?: number }): number {
  let max = 1;
  for (const s of arr.data) {
    let n = 0;
    for (const _ of s) n++;
    if (n > max) max = n;
  }
  if (arr.chars !== undefined && arr.chars < max) throw new Error(`encodeNpy: a string is longer than <U${arr.chars}`);
  return arr.chars ?? max;
}

/** Raw little-endian element bytes of a numeric/unicode array (C order). */
export function npyRawBytes(arr: NpyArray): Uint8Array {
  switch (arr.dtype) {
    case 'O': throw new Error('npyRawBytes: object arrays have no raw bytes');
    case 'U': {
      const chars = unicodeChars(arr);
      const u32 = new Uint32Array(arr.data.length * chars);
      arr.data.forEach((s, e) => {
        let k = 0;
        for (const ch of s) u32[e * chars + k++] = ch.codePointAt(0) as number;
      });
      return toLittleEndian(new Uint8Array(u32.buffer), 4);
    }
    default: {
      const d = arr.data;
      return toLittleEndian(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), d.BYTES_PER_ELEMENT);
    }
  }
}

function toLittleEndian(b: Uint8Array, itemSize: number): Uint8Array {
  if (HOST_LE || itemSize === 1) return b;
  const out = b.slice();
  for (let i = 0; i < out.length; i += itemSize) out.subarray(i, i + itemSize).reverse();
  return out;
}

/** The `.npy` header bytes (magic, version, length, padded dict) for `descr` and `shape`. */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 0 ? '()' : shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let version = 1;
  let prefix = 10;
  if (dict.length + 1 + prefix > 0xffff) { version = 2; prefix = 12; }
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, dict.length, true); else dv.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  return out;
}

/**
 * Encodes an array as a `.npy` file (version 1.0, or 2.0 for huge headers), C order. Object arrays are pickled
 * (protocol 3 with `numpy.core` globals unless `pickleOptions` says otherwise) and load with
 * `np.load(..., allow_pickle=True)` under numpy 1.x and 2.x.
 */
export function encodeNpy(arr: NpyArray, pickleOptions?: PickleWriterOptions): Uint8Array {
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (arr.data.length !== count) {
    throw new Error(`encodeNpy: shape (${arr.shape.join(', ')}) needs ${count} elements, data has ${arr.data.length}`);
  }
  const header = npyHeader(npyDescr(arr), arr.shape);
  let body: Uint8Array;
  if (arr.dtype === 'O') {
    const w = new PickleWriter(pickleOptions);
    w.objectArrayBegin(arr.shape);
    w.listItems(arr.data);
    w.objectArrayEnd();
    body = w.finish();
  } else {
    body = npyRawBytes(arr);
  }
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
