/**
 * A restricted unpickler and a small pickler for the numpy objects that `.npy`/`.npz` files with `|O` arrays hold
 * (SignVerse-2M `frame_payloads`, DWPose per-frame dicts).
 *
 * The reader implements only the opcodes that CPython writes for dicts, lists, tuples, strings, bytes, ints, floats
 * and numpy arrays/scalars (protocols 2-5), and resolves ONLY these globals:
 * numpy.core.multiarray._reconstruct / numpy._core.multiarray._reconstruct, numpy.ndarray, numpy.dtype,
 * numpy.core.multiarray.scalar / numpy._core.multiarray.scalar. Anything else is a PoseFormatError naming the global.
 * Nothing is ever executed: REDUCE and BUILD are interpreted for those few callables only.
 *
 * Value mapping: None → null, bool → boolean, int → number (bigint beyond 2^53), float → number, str → string,
 * bytes → PyBytes (a slice of the input, no copy), list and tuple → array, dict → Map, ndarray → NumpyArrayRef (raw
 * bytes not yet decoded, see npy.ts `npyFromPickled`), numpy scalar → number / bigint / boolean / string.
 *
 * Speed (SignVerse payloads: thousands of frame dicts of numpy arrays): numpy's array and scalar patterns are matched
 * byte by byte instead of interpreted; with a FastDictReader, frame dicts go straight to the reader (no Map or array
 * objects), and each dict is matched against a template of the previous one; a first pass skips the memo pre-scan.
 * Every fast path either reads exactly what the general interpreter would or gives way to it (see the comments at
 * fastArray, fastDict, replayDict and Unpickler.optimistic); test/signverse/payload-fast.test.ts checks both agree.
 */
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from './errors.js';

export type PyKey = string | number | bigint | boolean | null;
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyBytes
  | PyValue[]
  | Map<PyKey, PyValue>
  | NumpyArrayRef
  | NumpyDtype
  | PyGlobal
  | DictStandIn;

/** Python bytes: a slice [start, end) of the pickle input, not copied (bytes() gives a view). */
export class PyBytes {
  constructor(readonly src: Uint8Array, readonly start: number, readonly end: number) {}
  get length(): number { return this.end - this.start; }
  bytes(): Uint8Array { return this.src.subarray(this.start, this.end); }
}

/** A resolved (allowed) global: a marker that REDUCE interprets; never called. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualifiedName(): string { return `${this.module}.${this.name}`; }
}

/** numpy dtype as pickled: `dtype('f4', False, True)` + BUILD state `(3, '<', ...)`. */
export class NumpyDtype {
  /** Type code without byte order: `f4`, `i4`, `O8`, `U12`, `b1`, ... */
  readonly code: string;
  /** `<`, `>`, `|` or `=`. */
  byteOrder: string;
  /** Bytes per item (0 for object and unknown codes). */
  readonly itemSize: number;
  constructor(code: string, byteOrder = '|') {
    this.code = code;
    this.byteOrder = byteOrder;
    this.itemSize = dtypeItemSize(code);
  }
  /** The `.npy` descr string, e.g. `<f4`, `|O`, `<U12`. */
  private canon: NumpyDtype | null = null;
  private canonOrder = '';
  /** The shared instance for this code and byte order (see canonicalDtype), remembered. */
  canonical(): NumpyDtype {
    if (this.canon === null || this.canonOrder !== this.byteOrder) {
      this.canon = canonicalDtype(this);
      this.canonOrder = this.byteOrder;
    }
    return this.canon;
  }
  get descr(): string {
    const code = this.code.startsWith('O') ? 'O' : this.code;
    if (code === 'O' || /^[biuS]1$/.test(code)) return `|${code}`;
    return `${this.byteOrder === '>' ? '>' : '<'}${code}`;
  }
}

/**
 * A numpy array inside a pickle. Numeric arrays keep their raw bytes (a view, no copy) so that readers can decode
 * straight into their own buffers; object arrays hold their items.
 */
export class NumpyArrayRef {
  shape: number[] = [0];
  dtype: NumpyDtype | null = null;
  fortranOrder = false;
  /**
   * Raw element bytes of numeric arrays (C order unless fortranOrder): bytes [offset, offset + byteLength) of `src`
   * (the pickle input; kept as numbers so that reading many small arrays allocates no views).
   */
  src: Uint8Array | null = null;
  offset = 0;
  byteLength = 0;
  /** Items (C order) of object arrays. */
  items: PyValue[] | null = null;

  /** The raw element bytes as a view (null for object arrays). */
  get raw(): Uint8Array | null {
    return this.src ? this.src.subarray(this.offset, this.offset + this.byteLength) : null;
  }
  set raw(bytes: Uint8Array | null) {
    this.src = bytes;
    this.offset = 0;
    this.byteLength = bytes ? bytes.length : 0;
  }

  get size(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }
}

const ALLOWED_GLOBALS = new Set([
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.multiarray.scalar',
  'numpy._core.multiarray.scalar',
]);

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

// Interned short ASCII strings: frame dicts repeat the same keys thousands of times; returning the same string
// instance avoids building each one char by char and lets Map reuse its cached hash.
const INTERN_MAX_LEN = 64;
const internTable: ({ bytes: Uint8Array; str: string } | undefined)[] = new Array(4096);

function decodeUtf8(b: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len > 0 && len <= INTERN_MAX_LEN) {
    // FNV-1a over all bytes (keys such as person_000_… and person_001_… differ in one middle byte); a hit is
    // confirmed by comparing all bytes with the cached (ASCII) copy
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & 4095;
    const hit = internTable[slot];
    if (hit !== undefined && hit.bytes.length === len) {
      const hb = hit.bytes;
      let i = 0;
      while (i < len && hb[i] === b[start + i]) i++;
      if (i === len) return hit.str;
    }
    let ascii = true;
    for (let i = start; i < end; i++) if (b[i] >= 0x80) { ascii = false; break; }
    if (ascii) {
      const str = latin1.decode(b.subarray(start, end));
      internTable[slot] = { bytes: b.slice(start, end), str };
      return str;
    }
  }
  return utf8.decode(b.subarray(start, end));
}

export interface UnpickleOptions {
  limits?: Partial<ReadLimits>;
  /**
   * Called for every item appended to a list (APPEND/APPENDS), before it is stored; what it returns is stored
   * instead. Lets a reader consume big object arrays item by item (e.g. convert each frame dict straight into its
   * output buffer and store null), so that the items die young instead of all living until the end.
   */
  onAppend?: (list: PyValue[], item: PyValue) => PyValue;
  /**
   * Reads dicts of numpy arrays and scalars (numpy's frame payloads) straight from the bytes, without building a
   * Map and its arrays; dicts it declines, or that do not fit the pattern, are built as usual. See FastDictReader.
   */
  dictReader?: FastDictReader;
  /**
   * With a dictReader, the input may be read twice (the first pass keeps fewer memo entries, and starts over when a
   * GET needs one it did not keep): called before the second pass. Everything onAppend and the dictReader were given
   * before is void; the second pass gives it all again.
   */
  onRestart?: () => void;
}

/** Thrown inside an optimistic pass to start over with the memo pre-scan (never leaves unpickle). */
const RESTART = new Error('unpickle: start over with the memo pre-scan');
/**
 * Most memo entries the general path keeps in an optimistic pass before it starts over with the pre-scan (which keeps
 * only those read): a payload the fast paths do not read would otherwise keep every object it holds.
 */
const OPTIMISTIC_MEMO_MAX = 1 << 16;

/** FastDictReader.slot: the reader declines the dict (the general interpreter builds it as a Map instead). */
export const FAST_DICT_DECLINE = -2;
/** FastDictReader.slot: the value of this key is not wanted (it is still matched, then dropped). */
export const FAST_DICT_IGNORE = -1;
/** Most items a dict read by the fast path may have (larger ones are built as Maps). */
const FAST_DICT_MAX_ITEMS = 4096;

/**
 * Receives the items of a dict that the unpickler's fast path reads (see UnpickleOptions.dictReader): begin(), then
 * per item slot(key) and array(...) or number(...), then end(), whose value stands for the dict on the stack (in
 * the list the dict is appended to). Any call may decline the dict (slot returns FAST_DICT_DECLINE, array/number
 * return false, end returns undefined): the unpickler then reads the same bytes as a Map, so a reader declines
 * whatever it would not read exactly as it would read the Map. Array bytes are [offset, offset + byteLength) of the
 * unpickler's input. Values are only what the general path also reads without error: numeric arrays, numpy
 * scalars of numeric and bool dtypes, and ints.
 */
export interface FastDictReader {
  begin(): void;
  /** A slot number (≥ 0) the reader files the key's value under, FAST_DICT_IGNORE or FAST_DICT_DECLINE. */
  slot(key: string): number;
  /** A numeric array (dims[0 .. nd) is its shape; `dims` is never changed afterwards: readers may cache by it). */
  array(slot: number, dtype: NumpyDtype, dims: readonly number[], nd: number, fortranOrder: boolean, offset: number, byteLength: number): boolean;
  /** An int, float or bool (as 0/1) value; a numpy scalar as the general path decodes it. */
  number(slot: number, value: number): boolean;
  end(): PyValue | undefined;
}

/**
 * What a FastDictReader made of a dict it read (its items [first, end) in the reader's own record): the unpickler
 * passes it on like the Map it stands for.
 */
export class DictStandIn {
  constructor(readonly first: number, readonly end: number) {}
}

/**
 * Pre-scan of the opcode stream: which memo indices some BINGET/LONG_BINGET reads (1) — using the same index rule
 * as the interpreter (MEMOIZE stores at the current memo length). Null when the stream cannot be scanned (the
 * interpreter then keeps every entry and reports the problem itself).
 */
function referencedMemoIndices(b: Uint8Array, maxIndex: number): Uint8Array | null {
  const n = b.length;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let refs = new Uint8Array(1024);
  let memoLength = 0;
  const mark = (idx: number): boolean => {
    if (idx > maxIndex) return false;
    if (idx >= refs.length) {
      const next = new Uint8Array(Math.min(maxIndex + 1, Math.max(idx + 1, refs.length * 2)));
      next.set(refs);
      refs = next;
    }
    refs[idx] = 1;
    return true;
  };
  let pos = 0;
  const setPut = (idx: number): boolean => {
    if (idx > maxIndex) return false;
    if (idx >= memoLength) memoLength = idx + 1;
    return true;
  };
  while (pos < n) {
    const op = b[pos++];
    let arg = 0;
    switch (op) {
      case 0x2e: return refs; // STOP
      case 0x28: case 0x4e: case 0x88: case 0x89: case 0x5d: case 0x7d: case 0x29: case 0x85: case 0x86: case 0x87:
      case 0x74: case 0x6c: case 0x64: case 0x61: case 0x65: case 0x73: case 0x75: case 0x30: case 0x31: case 0x32:
      case 0x93: case 0x52: case 0x62:
        continue;
      case 0x94: if (!setPut(memoLength)) return null; continue; // MEMOIZE
      case 0x80: case 0x4b: arg = 1; break;
      case 0x4d: arg = 2; break;
      case 0x4a: arg = 4; break;
      case 0x47: case 0x95: arg = 8; break;
      case 0x71: if (pos + 1 > n || !setPut(b[pos])) return null; arg = 1; break;
      case 0x72: if (pos + 4 > n || !setPut(dv.getUint32(pos, true))) return null; arg = 4; break;
      case 0x68: if (pos + 1 > n || !mark(b[pos])) return null; arg = 1; break;
      case 0x6a: if (pos + 4 > n || !mark(dv.getUint32(pos, true))) return null; arg = 4; break;
      case 0x8a: case 0x8c: case 0x43: case 0x55: if (pos + 1 > n) return null; arg = 1 + b[pos]; break;
      case 0x58: case 0x42: case 0x54: if (pos + 4 > n) return null; arg = 4 + dv.getUint32(pos, true); break;
      case 0x8d: case 0x8e: case 0x96: {
        if (pos + 8 > n) return null;
        const len = dv.getBigUint64(pos, true);
        if (len > BigInt(n)) return null;
        arg = 8 + Number(len);
        break;
      }
      case 0x63: { // GLOBAL: two lines
        const nl1 = b.indexOf(0x0a, pos);
        const nl2 = nl1 < 0 ? -1 : b.indexOf(0x0a, nl1 + 1);
        if (nl2 < 0) return null;
        arg = nl2 + 1 - pos;
        break;
      }
      default: return null;
    }
    pos += arg;
  }
  return null;
}

/** Itemsize in bytes of a numeric/bool/string dtype code, or 0 for object/unknown. */
export function dtypeItemSize(code: string): number {
  let size = itemSizeCache.get(code);
  if (size === undefined) {
    const m = /^([fiubUc])(\d+)$/.exec(code);
    size = m ? (m[1] === 'U' ? 4 * Number(m[2]) : Number(m[2])) : 0;
    if (itemSizeCache.size < 1024) itemSizeCache.set(code, size);
  }
  return size;
}
const itemSizeCache = new Map<string, number>();

/**
 * Unpickles `bytes` (a pickle stream, e.g. the data part of a `|O` .npy) under the numpy-only restriction.
 * `file` names the input in errors.
 */
export function unpickle(bytes: Uint8Array, file: string, opts: UnpickleOptions = {}): PyValue {
  try {
    if (opts.dictReader) {
      // First without the memo pre-scan (see Unpickler.optimistic); once more with it if a GET needs an entry that
      // pass did not keep.
      try {
        return new Unpickler(bytes, file, opts, true).run();
      } catch (err) {
        if (err !== RESTART) throw err;
        opts.onRestart?.();
      }
    }
    return new Unpickler(bytes, file, opts, false).run();
  } finally {
    scalarSrc = null; // do not keep the input alive through the scalar DataView cache
    scalarView = null;
  }
}

/** Reports a problem as a PoseFormatError (never returns). */
interface Failer {
  fail(problem: string): never;
}

/**
 * The interpreter. A class (not closures) so that its methods are the same functions for every input: V8 then
 * keeps one optimised version instead of re-optimising per file.
 */
class Unpickler implements Failer {
  private readonly b: Uint8Array;
  private readonly n: number;
  private readonly dv: DataView;
  private readonly stack: PyValue[] = [];
  private readonly marks: number[] = [];
  /** The memo entries some GET reads (all entries when the pre-scan failed); `memoLen` is the memo's length. */
  private readonly memo = new Map<number, PyValue>();
  private memoLen = 0;
  private readonly maxMemoIndex: number;
  private readonly referenced: Uint8Array | null;
  private readonly maxItems: number;
  private readonly appender: ((list: PyValue[], item: PyValue) => PyValue) | null;
  private readonly dictReader: FastDictReader | null;
  private pos = 0;

  /**
   * An optimistic pass skips the pre-scan of GETs: the general path keeps every memo entry, the fast paths keep only
   * numbers (numpy re-uses scalar objects) and treat their other puts as never read again; a GET of an entry not kept
   * (or a general path that kept more than OPTIMISTIC_MEMO_MAX entries) starts over with the pre-scan. Frame payloads
   * are read in one pass.
   */
  private readonly optimistic: boolean;
  /** Memo entries the general path kept in an optimistic pass (the fast paths' numbers are not counted). */
  private generalKept = 0;

  constructor(bytes: Uint8Array, private readonly file: string, opts: UnpickleOptions, optimistic = false) {
    this.b = bytes;
    this.n = bytes.length;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.maxMemoIndex = Math.max(this.n, 1 << 16);
    // numpy memoises every object but refers back to few: store only what some GET reads, so that the rest
    // (per-array dtype and state tuples) dies young instead of being kept alive by the memo
    this.optimistic = optimistic;
    this.referenced = optimistic ? null : referencedMemoIndices(bytes, this.maxMemoIndex);
    this.maxItems = { ...DEFAULT_LIMITS, ...opts.limits }.maxEntries;
    this.appender = opts.onAppend ?? null;
    this.dictReader = opts.dictReader ?? null;
  }

  fail(problem: string): never {
    throw new PoseFormatError(this.file, `pickle: ${problem}`);
  }

  private need(k: number, what: string): void {
    if (k < 0 || this.pos + k > this.n) this.fail(`truncated ${what} at byte ${this.pos}`);
  }

  /** MARK pushes the stack height onto `marks`; pops may not reach below the innermost mark. */
  private floor(): number {
    const m = this.marks;
    return m.length > 0 ? m[m.length - 1] : 0;
  }

  private pop(): PyValue {
    if (this.stack.length <= this.floor()) this.fail(`stack underflow at byte ${this.pos}`);
    return this.stack.pop() as PyValue;
  }

  private top(): PyValue {
    if (this.stack.length <= this.floor()) this.fail(`stack underflow at byte ${this.pos}`);
    return this.stack[this.stack.length - 1];
  }

  private popMark(): PyValue[] {
    const m = this.marks.pop();
    if (m === undefined) return this.fail(`no MARK on the stack at byte ${this.pos}`);
    return this.stack.splice(m);
  }

  private put(idx: number): void {
    if (idx > this.maxMemoIndex) this.fail(`memo index ${idx} is out of range`);
    const v = this.top();
    if (idx >= this.memoLen) this.memoLen = idx + 1;
    if (this.optimistic || this.isReferenced(idx)) {
      if (this.memo.has(idx)) this.memoEpoch++;
      else if (this.optimistic && ++this.generalKept > OPTIMISTIC_MEMO_MAX) throw RESTART;
      this.memo.set(idx, v);
    }
  }

  /** nextRef[i]: the least referenced memo index ≥ i (referenced.length when none); built on first use. */
  private nextRef: Int32Array | null = null;

  /** Whether some index in [from, from + count) is referenced. */
  private anyReferenced(from: number, count: number): boolean {
    if (this.optimistic) return false;
    const r = this.referenced;
    if (r === null) return true;
    if (from >= r.length) return false;
    let nr = this.nextRef;
    if (nr === null) {
      nr = new Int32Array(r.length + 1);
      nr[r.length] = r.length;
      for (let i = r.length - 1; i >= 0; i--) nr[i] = r[i] === 1 ? i : nr[i + 1];
      this.nextRef = nr;
    }
    return nr[from] < from + count;
  }

  private isReferenced(idx: number): boolean {
    if (this.optimistic) return false;
    const r = this.referenced;
    return r === null || (idx < r.length && r[idx] === 1);
  }

  private get(idx: number): void {
    const v = this.memo.get(idx);
    if (v === undefined) {
      if (this.optimistic) throw RESTART;
      this.fail(`memo key ${idx} is missing`);
    }
    // numpy's pattern: an array or scalar starts with a GET of the memoised _reconstruct / scalar global
    if (v instanceof PyGlobal) {
      if (v.name === '_reconstruct' && this.fastArray()) return;
      if (v.name === 'scalar' && this.fastScalar()) return;
    }
    this.stack.push(v as PyValue);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Fast path for numpy's own pickling of arrays and scalars. A frame payload pickles every array the same way:
  //   GET _reconstruct, GET ndarray, K 0, TUPLE1, [put], GET b'b', TUPLE3, [put], REDUCE, [put],
  //   MARK, K 1, <shape>, [put], GET dtype, NEWFALSE, <bytes>, [put], TUPLE, [put], BUILD
  // and every scalar as GET scalar, GET dtype, SHORT_BINBYTES, [put], TUPLE2, [put], REDUCE, [put] — each building
  // half a dozen throwaway tuples in the general interpreter. The fast path matches that sequence byte by byte from
  // just after the first GET and builds the NumpyArrayRef (or the number) directly. FRAME opcodes (protocol 4) are
  // skipped wherever they stand, as the general interpreter does. Anything else — another layout, a memo entry that
  // a later GET reads, a first-time dtype — returns false having changed nothing, and the general interpreter reads
  // the same bytes (with all its checks).

  /** The memo length as it will be once the puts of the current fast match are committed. */
  private pendLen = 0;

  /** p past any FRAME opcodes (no-ops when reading from memory); -1 for a FRAME the general path must report. */
  private skipFrames(p: number): number {
    const b = this.b;
    while (p < this.n && b[p] === 0x95) {
      if (p + 9 > this.n) return -1;
      const len = this.dv.getUint32(p + 1, true) + this.dv.getUint32(p + 5, true) * 2 ** 32;
      if (len > this.n - (p + 9)) return -1;
      p += 9;
      this.recOk = false; // a recorded dict with a FRAME inside makes no template (FRAMEs fall anywhere)
    }
    return p;
  }

  /** An optional memo put at p (after FRAMEs): the position after it, or -1 when the match must be abandoned. */
  private fastPut(p: number): number {
    return this.putAt(p, PUT_PLAIN, null, -1);
  }

  /**
   * fastPut of a value the fast path knows (a key string, a number): a put that a later GET reads stores it in the
   * memo (when the match is committed) instead of abandoning the match. `item` is its recorded item (PUT_ITEM).
   */
  private putAt(p: number, kind: number, value: PyValue, item: number): number {
    p = this.skipFrames(p);
    if (p < 0 || p >= this.n) return -1;
    const b = this.b;
    const op = b[p];
    let idx: number;
    let next: number;
    if (op === 0x94) { idx = this.pendLen; next = p + 1; }
    else if (op === 0x71) { if (p + 2 > this.n) return -1; idx = b[p + 1]; next = p + 2; }
    else if (op === 0x72) { if (p + 5 > this.n) return -1; idx = this.dv.getUint32(p + 1, true); next = p + 5; }
    else return p;
    if (idx > this.maxMemoIndex) return -1;
    if (this.isReferenced(idx)) {
      if (kind === PUT_PLAIN) return -1;
      this.pendStores.push(idx, value);
    } else if (this.optimistic && kind === PUT_ITEM) this.pendStores.push(idx, value);
    if (idx >= this.pendLen) this.pendLen = idx + 1;
    if (this.rec) {
      this.recPuts.push(p);
      this.recPutKinds.push(kind);
      this.recPutItems.push(item);
      this.recPutKeys.push(kind === PUT_KEY ? (value as string) : null);
    }
    return next;
  }

  /** Memo stores of the current fast match: (index, value) pairs, made when it is committed. */
  private readonly pendStores: PyValue[] = [];

  private commitStores(): void {
    const st = this.pendStores;
    for (let i = 0; i < st.length; i += 2) {
      const idx = st[i] as number;
      if (this.memo.has(idx)) this.memoEpoch++;
      this.memo.set(idx, st[i + 1]);
    }
    st.length = 0;
  }

  /** The memo value a GET at p (after FRAMEs) reads, with the position after it in fastPos; undefined if none. */
  private fastGet(p: number): PyValue | undefined {
    p = this.skipFrames(p);
    if (p < 0) return undefined;
    const b = this.b;
    if (p + 2 <= this.n && b[p] === 0x68) { this.fastPos = p + 2; return this.memo.get(b[p + 1]); }
    if (p + 5 <= this.n && b[p] === 0x6a) { this.fastPos = p + 5; return this.memo.get(this.dv.getUint32(p + 1, true)); }
    return undefined;
  }
  private fastPos = 0;

  /** What matchArray found: dtype, shape (fastDims[0 .. fastNd)), order and the element bytes [fastStart, + fastLen). */
  private readonly fastDims = [0, 0, 0];
  private fastNd = 0;
  private fastDtype: NumpyDtype | null = null;
  private fastFortran = false;
  private fastStart = 0;
  private fastLen = 0;
  /** What matchScalar found. */
  private fastValue: PyValue = null;
  private fastScalarDtype: NumpyDtype | null = null;
  private fastScalarStart = 0;

  /** An opcode at p (after FRAMEs) equal to `op`: the position after it, or -1. */
  private fastOp(p: number, op: number): number {
    p = this.skipFrames(p);
    return p >= 0 && p < this.n && this.b[p] === op ? p + 1 : -1;
  }

  /**
   * Matches numpy's array pattern from p (just after the GET of _reconstruct) to its BUILD; returns the position
   * after BUILD, or -1. Puts are checked (fastPut) but only committed by the caller.
   */
  private matchArray(p: number): number {
    const b = this.b;
    const n = this.n;
    const cls = this.fastGet(p);
    if (!(cls instanceof PyGlobal) || cls.name !== 'ndarray') return -1;
    p = this.skipFrames(this.fastPos);
    if (p < 0 || p + 2 > n || b[p] !== 0x4b || b[p + 1] !== 0) return -1; // K 0
    if ((p = this.fastOp(p + 2, 0x85)) < 0) return -1; // TUPLE1
    if ((p = this.fastPut(p)) < 0) return -1;
    if (!(this.fastGet(p) instanceof PyBytes)) return -1;
    if ((p = this.fastOp(this.fastPos, 0x87)) < 0) return -1; // TUPLE3
    if ((p = this.fastPut(p)) < 0) return -1;
    if ((p = this.fastOp(p, 0x52)) < 0) return -1; // REDUCE
    if ((p = this.fastPut(p)) < 0) return -1;
    if ((p = this.fastOp(p, 0x28)) < 0) return -1; // MARK
    p = this.skipFrames(p);
    if (p < 0 || p + 2 > n || b[p] !== 0x4b || b[p + 1] !== 1) return -1; // K 1
    p += 2;
    // shape: (), or 1-3 small non-negative ints and TUPLE1/2/3
    const dims = this.fastDims;
    let nd = 0;
    p = this.skipFrames(p);
    if (p < 0 || p >= n) return -1;
    if (b[p] === 0x29) p++;
    else {
      for (;;) {
        p = this.skipFrames(p);
        if (p < 0 || p >= n) return -1;
        const op = b[p];
        if (nd === 3 && (op === 0x4b || op === 0x4d || op === 0x4a)) return -1;
        if (op === 0x4b) { if (p + 2 > n) return -1; dims[nd++] = b[p + 1]; p += 2; }
        else if (op === 0x4d) { if (p + 3 > n) return -1; dims[nd++] = this.dv.getUint16(p + 1, true); p += 3; }
        else if (op === 0x4a) { if (p + 5 > n) return -1; const v = this.dv.getInt32(p + 1, true); if (v < 0) return -1; dims[nd++] = v; p += 5; }
        else break;
      }
      if (nd === 0 || b[p] !== 0x84 + nd) return -1; // TUPLE1 0x85, TUPLE2 0x86, TUPLE3 0x87
      p++;
    }
    if ((p = this.fastPut(p)) < 0) return -1;
    const dtype = this.fastGet(p);
    if (!(dtype instanceof NumpyDtype) || dtype.code.startsWith('O')) return -1;
    p = this.skipFrames(this.fastPos);
    if (p < 0 || p >= n || (b[p] !== 0x89 && b[p] !== 0x88)) return -1;
    const fortran = b[p] === 0x88;
    p = this.skipFrames(p + 1);
    if (p < 0) return -1;
    let len: number;
    if (p + 2 <= n && b[p] === 0x43) { len = b[p + 1]; p += 2; }
    else if (p + 5 <= n && b[p] === 0x42) { len = this.dv.getUint32(p + 1, true); p += 5; }
    else return -1;
    const start = p;
    p += len;
    if (p > n) return -1;
    if ((p = this.fastPut(p)) < 0) return -1;
    if ((p = this.fastOp(p, 0x74)) < 0) return -1; // TUPLE
    if ((p = this.fastPut(p)) < 0) return -1;
    if ((p = this.fastOp(p, 0x62)) < 0) return -1; // BUILD
    let count = 1;
    for (let i = 0; i < nd; i++) count *= dims[i]!;
    const size = dtype.itemSize;
    if (size === 0 || len !== count * size) return -1; // the general path names the problem
    if (this.rec) this.recData.push(start, len);
    this.fastNd = nd;
    this.fastDtype = dtype.canonical();
    this.fastFortran = fortran;
    this.fastStart = start;
    this.fastLen = len;
    return p;
  }

  /** Matches numpy's scalar pattern from p (just after the GET of scalar) to its REDUCE; the position after, or -1. */
  private matchScalar(p: number): number {
    const b = this.b;
    const n = this.n;
    const dt = this.fastGet(p);
    if (!(dt instanceof NumpyDtype)) return -1;
    p = this.skipFrames(this.fastPos);
    if (p < 0 || p + 2 > n || b[p] !== 0x43) return -1; // SHORT_BINBYTES
    const len = b[p + 1];
    const start = p + 2;
    p = start + len;
    if (p > n || len !== dt.itemSize) return -1;
    if ((p = this.fastPut(p)) < 0) return -1;
    if ((p = this.fastOp(p, 0x86)) < 0) return -1; // TUPLE2
    if ((p = this.fastPut(p)) < 0) return -1;
    if ((p = this.fastOp(p, 0x52)) < 0) return -1; // REDUCE
    this.fastValue = decodeScalar(dt, b, start, len, this);
    if (this.rec) { this.recData.push(start, len); this.fastScalarDtype = dt; this.fastScalarStart = start; }
    return p;
  }

  private fastArray(): boolean {
    this.pendLen = this.memoLen;
    this.pendStores.length = 0;
    const p = this.matchArray(this.pos);
    if (p < 0) return false;
    const a = new NumpyArrayRef();
    a.shape = sharedShape(this.fastDims, this.fastNd);
    a.dtype = this.fastDtype;
    a.fortranOrder = this.fastFortran;
    a.src = this.b;
    a.offset = this.fastStart;
    a.byteLength = this.fastLen;
    this.memoLen = this.pendLen;
    this.stack.push(a);
    this.pos = p;
    return true;
  }

  private fastScalar(): boolean {
    this.pendLen = this.memoLen;
    this.pendStores.length = 0;
    const p = this.matchScalar(this.pos);
    if (p < 0) return false;
    this.memoLen = this.pendLen;
    this.stack.push(this.fastValue);
    this.pos = p;
    return true;
  }

  // Templates. The frame dicts of a payload share their layout: the same keys, shapes, dtypes and opcodes, in the
  // same order. So the last dict read by readDict (without a FRAME inside) is kept as a template, cut into segments:
  // literal bytes, array/scalar bytes, puts and GETs of numbers. A dict is read by the template when, segment by
  // segment, its bytes are the template's literal bytes, with only these differences, none of which changes what the
  // general interpreter does with them: other array/scalar bytes (of the same length: the length is literal), other
  // memo indices in puts (BINPUT or LONG_BINPUT alike) and in GETs of numbers (BINGET or LONG_BINGET alike), and FRAME
  // opcodes (no-ops) where an opcode starts. Replay then checks the puts (a put a later GET reads must be of a key or
  // a number, which is stored), reads the numbers and hands the arrays' offsets to the reader. The memo entries the
  // template's literal GETs read are the same ones unless a put overwrote one since (memoEpoch).

  private template: DictTemplate | null = null;
  private rec = false;
  private recOk = true;
  /** Positions of the recorded dict's put opcodes, in order, with their kind (PUT_…), item and key. */
  private readonly recPuts: number[] = [];
  private readonly recPutKinds: number[] = [];
  private readonly recPutItems: number[] = [];
  private readonly recPutKeys: (string | null)[] = [];
  private readonly recItems: TemplateItem[] = [];
  /** Pairs (start, length) of the recorded dict's array and scalar bytes. */
  private readonly recData: number[] = [];
  /** Pairs (position, item) of the recorded dict's GETs of numbers. */
  private readonly recGets: number[] = [];
  /** Counts puts over existing memo entries (which would change what a template's GETs read). */
  private memoEpoch = 0;
  /** Scratch of a replay: the values of the number items, and where each array/scalar's bytes start. */
  private readonly itemValues: PyValue[] = [];
  private dataAt = new Int32Array(64);

  /**
   * Whether an opcode of the template starts at tp, walking its opcodes from `from` (the start of a literal segment,
   * which is always where an opcode starts).
   */
  private opcodeStartsAt(from: number, tp: number): boolean {
    let q = from;
    while (q < tp) {
      const l = opcodeLength(this.b, this.dv, q);
      if (l < 0) return false;
      q += l;
    }
    return q === tp;
  }

  /** Reads the dict at pos (just after EMPTY_DICT) by template t: true when it matched (else nothing changed). */
  private replayDict(r: FastDictReader, t: DictTemplate): boolean {
    if (t.epoch !== this.memoEpoch || this.marks.length >= this.maxItems) return false;
    const b = this.b;
    const n = this.n;
    const dv = this.dv;
    const tb = t.start;
    const seg = t.segments;
    const stores = this.pendStores;
    stores.length = 0;
    const vals = this.itemValues;
    if (this.dataAt.length < t.dataCount) this.dataAt = new Int32Array(t.dataCount);
    const dataAt = this.dataAt;
    let pend = this.memoLen;
    let cur = this.pos;
    for (let s = 0; s < seg.length; s += 3) {
      const kind = seg[s];
      if (kind === SEG_LITERAL) {
        let tp = tb + seg[s + 1];
        const len = seg[s + 2];
        if (cur + len <= n) {
          // the usual case: equal, compared four bytes at a time
          let k = 0;
          while (k + 4 <= len && dv.getInt32(cur + k, true) === dv.getInt32(tp + k, true)) k += 4;
          while (k < len && b[cur + k] === b[tp + k]) k++;
          cur += k;
          tp += k;
          if (k === len) continue;
        }
        const tend = tb + seg[s + 1] + len;
        while (tp < tend) {
          if (b[cur] === b[tp] && cur < n) { cur++; tp++; continue; }
          // a FRAME where the template has an opcode: skip it
          if (cur < n && b[cur] === 0x95 && this.opcodeStartsAt(tb + seg[s + 1], tp)) {
            const q = this.skipFrames(cur);
            if (q <= cur) return false;
            cur = q;
            continue;
          }
          return false;
        }
      } else if (kind === SEG_DATA) {
        dataAt[seg[s + 2]] = cur;
        cur += seg[s + 1];
        if (cur > n) return false;
      } else {
        cur = this.skipFrames(cur);
        if (cur < 0 || cur + 5 > n) return false; // (a dict never ends with a put or GET: SETITEMS follows)
        const op = b[cur];
        if (kind === SEG_PUT) {
          let idx: number;
          if (op === 0x94) { if (seg[s + 2] !== 0x94) return false; idx = pend; cur += 1; }
          else if (seg[s + 2] === 0x94) return false;
          else if (op === 0x71) { idx = b[cur + 1]; cur += 2; }
          else if (op === 0x72) { idx = dv.getUint32(cur + 1, true); cur += 5; }
          else return false;
          if (idx > this.maxMemoIndex) return false;
          if (this.isReferenced(idx)) {
            // a later GET reads it: keys and numbers are stored (once their values are known), others decline
            const j = seg[s + 1];
            if (t.putKinds[j] === PUT_PLAIN) return false;
            stores.push(idx, j);
          } else if (this.optimistic && t.putKinds[seg[s + 1]] === PUT_ITEM) stores.push(idx, seg[s + 1]);
          if (idx >= pend) pend = idx + 1;
        } else { // SEG_GET of a number
          let idx: number;
          if (op === 0x68) { idx = b[cur + 1]; cur += 2; }
          else if (op === 0x6a) { idx = dv.getUint32(cur + 1, true); cur += 5; }
          else return false;
          const x = this.memo.get(idx);
          if (typeof x !== 'number') return false;
          vals[seg[s + 1]] = x;
        }
      }
    }
    const q = this.skipFrames(cur);
    if (q < 0 || q >= n || (b[q] !== 0x7d && b[q] !== 0x65 && b[q] !== 0x61)) return false;
    const k = t.memoizes;
    if (k > 0) {
      // put j took index pend + j
      if (pend + k - 1 > this.maxMemoIndex) return false;
      if (this.optimistic) {
        const ip = t.itemPuts;
        for (let i = 0; i < ip.length; i++) stores.push(pend + ip[i], ip[i]);
      } else if (this.anyReferenced(pend, k)) {
        for (let j = 0; j < k; j++) {
          if (!this.isReferenced(pend + j)) continue;
          if (t.putKinds[j] === PUT_PLAIN) return false;
          stores.push(pend + j, j);
        }
      }
      pend += k;
    }
    r.begin();
    const items = t.items;
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      let ok: boolean;
      if (it.kind === ITEM_ARRAY) {
        const dims = it.dims;
        ok = r.array(it.slot, it.dtype as NumpyDtype, dims, dims.length, it.fortran, dataAt[it.at], it.len);
      } else if (it.kind === ITEM_SCALAR) {
        const x = decodeScalar(it.dtype as NumpyDtype, b, dataAt[it.at], it.len, this);
        vals[i] = x;
        ok = typeof x === 'number' ? r.number(it.slot, x) : typeof x === 'bigint' ? r.number(it.slot, Number(x)) : typeof x === 'boolean' && r.number(it.slot, x ? 1 : 0);
      } else if (it.kind === ITEM_MEMO_NUMBER) {
        ok = r.number(it.slot, vals[i] as number);
      } else {
        vals[i] = it.value;
        ok = r.number(it.slot, it.value);
      }
      if (!ok) return false;
    }
    const v = r.end();
    if (v === undefined) return false;
    for (let i = 1; i < stores.length; i += 2) {
      const j = stores[i] as number;
      stores[i] = t.putKinds[j] === PUT_KEY ? t.putKeys[j] : vals[t.putItems[j]];
    }
    this.commitStores();
    this.memoLen = pend;
    this.stack.push(v);
    this.pos = cur;
    return true;
  }

  /**
   * Fast path for a dict (called just after EMPTY_DICT) when a FastDictReader is given: numpy's frame payloads are
   * dicts of string keys to arrays and scalars, `} [put] MARK (key [put] value [put])* SETITEMS`. The keys and values
   * go straight to the reader (no Map, no NumpyArrayRef), which returns what stands for the dict on the stack. The
   * dict must end there: the next opcode starts another dict or appends to a list (a second SETITEMS on the same
   * dict, or any other use, is left to the general path). Returns false having changed nothing but the reader's
   * scratch state when anything differs; the general interpreter then reads the same bytes.
   */
  private fastDict(r: FastDictReader): boolean {
    const t = this.template;
    if (t !== null && this.replayDict(r, t)) return true;
    this.rec = true;
    this.recOk = true;
    this.recData.length = 0;
    this.recGets.length = 0;
    this.recPuts.length = 0;
    this.recPutKinds.length = 0;
    this.recPutItems.length = 0;
    this.recPutKeys.length = 0;
    this.recItems.length = 0;
    const start = this.pos;
    const ok = this.readDict(r);
    this.rec = false;
    if (ok && this.recOk) this.template = makeTemplate(this.b, start, this.pos - start, {
      puts: this.recPuts, putKinds: this.recPutKinds, putItems: this.recPutItems, putKeys: this.recPutKeys,
      data: this.recData, gets: this.recGets, items: this.recItems, epoch: this.memoEpoch,
    });
    return ok;
  }

  /** fastDict without a template (recording one as it goes). */
  private readDict(r: FastDictReader): boolean {
    const b = this.b;
    const n = this.n;
    this.pendLen = this.memoLen;
    if (this.marks.length >= this.maxItems) return false; // the general path reports the MARK
    this.pendStores.length = 0;
    let p = this.fastPut(this.pos);
    if (p < 0 || (p = this.fastOp(p, 0x28)) < 0) return false; // MARK
    r.begin();
    const maxItems = Math.min(FAST_DICT_MAX_ITEMS, this.maxItems);
    let items = 0;
    for (;;) {
      p = this.skipFrames(p);
      if (p < 0 || p >= n) return false;
      let op = b[p];
      if (op === 0x75) { p++; break; } // SETITEMS
      if (++items > maxItems) return false;
      // the key: a string, or a GET of a memoised one
      let key: string;
      if (op === 0x8c || op === 0x58) {
        let len: number;
        if (op === 0x8c) { if (p + 2 > n) return false; len = b[p + 1]; p += 2; }
        else { if (p + 5 > n) return false; len = this.dv.getUint32(p + 1, true); p += 5; }
        if (len > n - p) return false;
        key = decodeUtf8(b, p, p + len);
        p += len;
      } else {
        const k = this.fastGet(p);
        if (typeof k !== 'string') return false;
        key = k;
        p = this.fastPos;
      }
      if ((p = this.putAt(p, PUT_KEY, key, -1)) < 0) return false;
      const slot = r.slot(key);
      if (slot === FAST_DICT_DECLINE) return false;
      // the value: an array, a numpy scalar, a small int, or a GET of a memoised number or array
      p = this.skipFrames(p);
      if (p < 0 || p >= n) return false;
      op = b[p];
      let value: PyValue = null;
      const items0 = this.recItems.length;
      if (op === 0x68 || op === 0x6a) {
        const v = this.fastGet(p);
        p = this.fastPos;
        if (v instanceof PyGlobal) {
          if (v.name === '_reconstruct') {
            if ((p = this.matchArray(p)) < 0) return false;
            const dims = this.fastDims.slice(0, this.fastNd);
            if (!r.array(slot, this.fastDtype as NumpyDtype, dims, this.fastNd, this.fastFortran, this.fastStart, this.fastLen)) return false;
            this.recItems.push({ kind: ITEM_ARRAY, slot, at: this.fastStart, len: this.fastLen, dtype: this.fastDtype, dims, fortran: this.fastFortran, value: 0 });
          } else if (v.name === 'scalar') {
            if ((p = this.matchScalar(p)) < 0) return false;
            const x = this.fastValue;
            if (!(typeof x === 'number' ? r.number(slot, x) : typeof x === 'bigint' ? r.number(slot, Number(x)) : typeof x === 'boolean' && r.number(slot, x ? 1 : 0))) return false;
            value = x;
            const dt = this.fastScalarDtype as NumpyDtype;
            this.recItems.push({ kind: ITEM_SCALAR, slot, at: this.fastScalarStart, len: dt.itemSize, dtype: dt, dims: [], fortran: false, value: 0 });
          } else return false;
        } else if (typeof v === 'number') {
          if (!r.number(slot, v)) return false;
          value = v;
          // the memo index may differ from dict to dict (a number object pickled once and referenced again)
          const w = op === 0x68 ? 1 : 4;
          this.recGets.push(p - w - 1, this.recItems.length);
          this.recItems.push({ kind: ITEM_MEMO_NUMBER, slot, at: p - w - 1, len: w, dtype: null, dims: [], fortran: false, value: 0 });
        } else if (v instanceof NumpyArrayRef && v.src === b && v.dtype !== null && v.items === null) {
          if (!r.array(slot, v.dtype, v.shape, v.shape.length, v.fortranOrder, v.offset, v.byteLength)) return false;
          this.recOk = false; // its bytes are elsewhere: no template
        } else return false;
      } else if (op === 0x4b || op === 0x4d || op === 0x4a) {
        const w = op === 0x4b ? 1 : op === 0x4d ? 2 : 4;
        if (p + 1 + w > n) return false;
        const x = op === 0x4b ? b[p + 1] : op === 0x4d ? this.dv.getUint16(p + 1, true) : this.dv.getInt32(p + 1, true);
        if (!r.number(slot, x)) return false;
        value = x;
        // the int's bytes stay part of the template: a dict that matches it has the same value
        this.recItems.push({ kind: ITEM_NUMBER, slot, at: p, len: 0, dtype: null, dims: [], fortran: false, value: x });
        p += 1 + w;
      } else return false;
      // a put of the value: a number (a scalar, an int) can be stored if a later GET reads it; an array cannot
      const item = this.recItems.length > items0 ? this.recItems.length - 1 : -1;
      const numeric = item >= 0 && this.recItems[item].kind !== ITEM_ARRAY;
      if ((p = numeric ? this.putAt(p, PUT_ITEM, value, item) : this.fastPut(p)) < 0) return false;
    }
    // nothing may use this dict after its SETITEMS but the list it goes into
    const q = this.skipFrames(p);
    if (q < 0 || q >= n || (b[q] !== 0x7d && b[q] !== 0x65 && b[q] !== 0x61)) return false;
    const v = r.end();
    if (v === undefined) return false;
    this.memoLen = this.pendLen;
    this.commitStores();
    this.stack.push(v);
    this.pos = p;
    return true;
  }

  private readLen(size: 1 | 4 | 8, what: string): number {
    this.need(size, what);
    const pos = this.pos;
    let len: number;
    if (size === 1) len = this.b[pos];
    else if (size === 4) len = this.dv.getUint32(pos, true);
    else {
      const big = this.dv.getBigUint64(pos, true);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} length ${big} is absurd`);
      len = Number(big);
    }
    this.pos += size;
    this.need(len, what);
    return len;
  }

  private pushBytes(len: number): void {
    this.stack.push(new PyBytes(this.b, this.pos, this.pos + len));
    this.pos += len;
  }

  private asKey(k: PyValue): PyKey {
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean') return k;
    return this.fail('dict key of an unsupported type');
  }

  private appendItems(list: PyValue, items: PyValue[]): void {
    if (!Array.isArray(list)) this.fail(`APPEND(S) on a ${describe(list)}`);
    const arr = list as PyValue[];
    if (arr.length + items.length > this.maxItems) this.fail(`list has more than ${this.maxItems} items`);
    const hook = this.appender;
    if (hook !== null) for (let i = 0; i < items.length; i++) arr.push(hook(arr, items[i]));
    else for (let i = 0; i < items.length; i++) arr.push(items[i]);
  }

  /** SETITEMS: the key/value pairs above the innermost mark go into the dict below it (no intermediate array). */
  private setItemsFromMark(): void {
    const mk = this.marks.pop();
    if (mk === undefined) return this.fail(`no MARK on the stack at byte ${this.pos}`);
    const stack = this.stack;
    if (mk <= this.floor() || mk === 0) this.fail(`stack underflow at byte ${this.pos}`);
    const dict = stack[mk - 1];
    if (!(dict instanceof Map)) this.fail(`SETITEM(S) on a ${describe(dict)}`);
    if ((stack.length - mk) % 2 !== 0) this.fail('SETITEMS with an odd number of items');
    const m = dict as Map<PyKey, PyValue>;
    for (let i = mk; i < stack.length; i += 2) m.set(this.asKey(stack[i]), stack[i + 1]);
    stack.length = mk;
    if (m.size > this.maxItems) this.fail(`dict has more than ${this.maxItems} items`);
  }

  private setItems(dict: PyValue, items: PyValue[]): void {
    if (!(dict instanceof Map)) this.fail(`SETITEM(S) on a ${describe(dict)}`);
    if (items.length % 2 !== 0) this.fail('SETITEMS with an odd number of items');
    const m = dict as Map<PyKey, PyValue>;
    for (let i = 0; i < items.length; i += 2) m.set(this.asKey(items[i]), items[i + 1]);
    if (m.size > this.maxItems) this.fail(`dict has more than ${this.maxItems} items`);
  }

  private resolveGlobal(module: string, name: string): PyGlobal {
    const q = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(q)) this.fail(`global '${q}' is not allowed (only numpy arrays, dtypes and scalars are)`);
    return new PyGlobal(module, name);
  }

  private readString(len: number): string {
    const s = decodeUtf8(this.b, this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  run(): PyValue {
    const b = this.b;
    const n = this.n;
    const dv = this.dv;
    const stack = this.stack;
    if (n === 0) this.fail('empty input');
    for (;;) {
      if (this.pos >= n) this.fail('truncated: no STOP opcode');
      const op = b[this.pos++];
      // The opcodes every frame dict uses are here; the rest are in rareOp. A small loop compiles quickly and
      // seldom deoptimises (this loop's optimisation was a large part of reading a shard's first videos).
      switch (op) {
        case 0x2e: return this.pop(); // STOP
        case 0x28: // MARK
          if (this.marks.length >= this.maxItems) this.fail('too many nested MARKs');
          this.marks.push(stack.length);
          break;
        case 0x8c: stack.push(this.readString(this.readLen(1, 'SHORT_BINUNICODE'))); break;
        case 0x58: stack.push(this.readString(this.readLen(4, 'BINUNICODE'))); break;
        case 0x7d: // EMPTY_DICT
          if (this.dictReader === null || !this.fastDict(this.dictReader)) stack.push(new Map());
          break;
        case 0x75: this.setItemsFromMark(); break; // SETITEMS
        case 0x71: this.need(1, 'BINPUT'); this.put(b[this.pos]); this.pos += 1; break;
        case 0x72: this.need(4, 'LONG_BINPUT'); this.put(dv.getUint32(this.pos, true)); this.pos += 4; break;
        case 0x94: this.put(this.memoLen); break; // MEMOIZE
        case 0x68: this.need(1, 'BINGET'); this.pos += 1; this.get(b[this.pos - 1]); break;
        case 0x6a: this.need(4, 'LONG_BINGET'); this.pos += 4; this.get(dv.getUint32(this.pos - 4, true)); break;
        default: this.rareOp(op);
      }
    }
  }

  /** The other opcodes (see run). */
  private rareOp(op: number): void {
    const b = this.b;
    const n = this.n;
    const dv = this.dv;
    const stack = this.stack;
    switch (op) {
      case 0x80: { // PROTO
        this.need(1, 'PROTO');
        const proto = b[this.pos++];
        if (proto > 5) this.fail(`unsupported protocol ${proto}`);
        break;
      }
      case 0x95: { // FRAME: a length prefix only; frames need no special handling when reading from memory
        this.need(8, 'FRAME');
        const len = Number(dv.getBigUint64(this.pos, true));
        this.pos += 8;
        if (len > n - this.pos) this.fail(`FRAME of ${len} bytes exceeds the input`);
        break;
      }
      case 0x4e: stack.push(null); break; // NONE
      case 0x88: stack.push(true); break; // NEWTRUE
      case 0x89: stack.push(false); break; // NEWFALSE
      case 0x4b: this.need(1, 'BININT1'); stack.push(b[this.pos]); this.pos += 1; break;
      case 0x4d: this.need(2, 'BININT2'); stack.push(dv.getUint16(this.pos, true)); this.pos += 2; break;
      case 0x4a: this.need(4, 'BININT'); stack.push(dv.getInt32(this.pos, true)); this.pos += 4; break;
      case 0x8a: { // LONG1
        const len = this.readLen(1, 'LONG1');
        if (len > 16) this.fail(`LONG1 of ${len} bytes is not a numpy-sized integer`);
        stack.push(decodeLong(b, this.pos, len));
        this.pos += len;
        break;
      }
      case 0x47: this.need(8, 'BINFLOAT'); stack.push(dv.getFloat64(this.pos, false)); this.pos += 8; break;
      case 0x8d: stack.push(this.readString(this.readLen(8, 'BINUNICODE8'))); break;
      case 0x43: this.pushBytes(this.readLen(1, 'SHORT_BINBYTES')); break;
      case 0x42: this.pushBytes(this.readLen(4, 'BINBYTES')); break;
      case 0x8e: this.pushBytes(this.readLen(8, 'BINBYTES8')); break;
      case 0x96: this.pushBytes(this.readLen(8, 'BYTEARRAY8')); break;
      case 0x55: this.pushBytes(this.readLen(1, 'SHORT_BINSTRING')); break; // Python 2 str: raw bytes
      case 0x54: this.pushBytes(this.readLen(4, 'BINSTRING')); break;
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x85: { const a = this.pop(); stack.push([a]); break; } // TUPLE1
      case 0x86: { const b2 = this.pop(); const a = this.pop(); stack.push([a, b2]); break; } // TUPLE2
      case 0x87: { const c = this.pop(); const b2 = this.pop(); const a = this.pop(); stack.push([a, b2, c]); break; } // TUPLE3
      case 0x74: stack.push(this.popMark()); break; // TUPLE
      case 0x6c: { // LIST
        const items = this.popMark();
        if (items.length > this.maxItems) this.fail(`list has more than ${this.maxItems} items`);
        stack.push(items);
        break;
      }
      case 0x64: { // DICT
        const items = this.popMark();
        const m = new Map<PyKey, PyValue>();
        this.setItems(m, items);
        stack.push(m);
        break;
      }
      case 0x61: { const v = this.pop(); this.appendItems(this.top(), [v]); break; } // APPEND
      case 0x65: { const items = this.popMark(); this.appendItems(this.top(), items); break; } // APPENDS
      case 0x73: { const v = this.pop(); const k = this.pop(); this.setItems(this.top(), [k, v]); break; } // SETITEM
      case 0x30: this.pop(); break; // POP
      case 0x31: this.popMark(); break; // POP_MARK
      case 0x32: stack.push(this.top()); break; // DUP
      case 0x63: { // GLOBAL: "module\nname\n"
        const pos = this.pos;
        const nl1 = b.indexOf(0x0a, pos);
        if (nl1 < 0 || nl1 - pos > 256) this.fail('malformed GLOBAL');
        const nl2 = b.indexOf(0x0a, nl1 + 1);
        if (nl2 < 0 || nl2 - nl1 > 256) this.fail('malformed GLOBAL');
        const module = latin1.decode(b.subarray(pos, nl1));
        const name = latin1.decode(b.subarray(nl1 + 1, nl2));
        this.pos = nl2 + 1;
        stack.push(this.resolveGlobal(module, name));
        break;
      }
      case 0x93: { // STACK_GLOBAL
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        stack.push(this.resolveGlobal(module as string, name as string));
        break;
      }
      case 0x52: { // REDUCE
        const args = this.pop();
        const fn = this.pop();
        stack.push(reduce(fn, args, this));
        break;
      }
      case 0x62: { // BUILD
        const state = this.pop();
        build(this.top(), state, this);
        break;
      }
      default:
        this.fail(`unsupported opcode 0x${op.toString(16).padStart(2, '0')} at byte ${this.pos - 1}`);
    }
  }

}

/** Kinds of put in a fast match: nothing may read it later, or it stores a key string, or an item's number. */
const PUT_PLAIN = 0;
const PUT_KEY = 1;
const PUT_ITEM = 2;

const ITEM_ARRAY = 0;
const ITEM_SCALAR = 1;
const ITEM_MEMO_NUMBER = 2;
const ITEM_NUMBER = 3;

/**
 * One item of a recorded dict: an array or a numpy scalar (its bytes at `at`, `len` long; in a template `at` is the
 * index of their SEG_DATA segment), a number read from the memo (the GET at `at`; a template reads it in its SEG_GET
 * segment) or an int written in the dict's bytes (`value`).
 */
interface TemplateItem {
  kind: number;
  slot: number;
  at: number;
  len: number;
  dtype: NumpyDtype | null;
  dims: number[];
  fortran: boolean;
  value: number;
}

const SEG_LITERAL = 0;
const SEG_DATA = 1;
const SEG_PUT = 2;
const SEG_GET = 3;

/** A dict read by readDict, kept to match the next dicts against (see replayDict). */
interface DictTemplate {
  /** Where its bytes start in the input (just after EMPTY_DICT). */
  start: number;
  /**
   * Triples: (SEG_LITERAL, offset, length) bytes to equal; (SEG_DATA, length, index) array/scalar bytes;
   * (SEG_PUT, put index, opcode: MEMOIZE or other) a put; (SEG_GET, item, 0) a GET of a number.
   */
  segments: Int32Array;
  /** How many SEG_DATA segments (items' `at` is their index). */
  dataCount: number;
  /** When every put is a MEMOIZE: how many (they are literal bytes, not SEG_PUT segments). */
  memoizes: number;
  /** Per put: PUT_PLAIN, PUT_KEY (its key in putKeys) or PUT_ITEM (the value of items[putItems]). */
  putKinds: Uint8Array;
  putItems: Int32Array;
  /** The puts of kind PUT_ITEM. */
  itemPuts: Int32Array;
  putKeys: (string | null)[];
  items: TemplateItem[];
  epoch: number;
}

/** Length of the opcode at p of a recorded dict (only the opcodes readDict accepts), or -1. */
function opcodeLength(b: Uint8Array, dv: DataView, p: number): number {
  switch (b[p]) {
    case 0x28: case 0x75: case 0x94: case 0x85: case 0x86: case 0x87: case 0x74: case 0x52: case 0x62: case 0x88: case 0x89: case 0x29:
      return 1;
    case 0x71: case 0x68: case 0x4b: return 2;
    case 0x4d: return 3;
    case 0x72: case 0x6a: case 0x4a: return 5;
    case 0x8c: case 0x43: return 2 + b[p + 1];
    case 0x58: case 0x42: return 5 + dv.getUint32(p + 1, true);
    default: return -1;
  }
}

/** The template of the dict readDict just read at [start, start + len) (u: its recording), or null. */
/** What readDict recorded (see the Unpickler's rec… fields). */
interface DictRecording {
  puts: readonly number[];
  putKinds: readonly number[];
  putItems: readonly number[];
  putKeys: readonly (string | null)[];
  data: readonly number[];
  gets: readonly number[];
  items: readonly TemplateItem[];
  epoch: number;
}

function makeTemplate(bytes: Uint8Array, start: number, len: number, u: DictRecording): DictTemplate | null {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // events in byte order: [position, length in the template, segment kind, a, b]
  const events: [number, number, number, number, number][] = [];
  const dataIndex = new Map<number, number>();
  for (let i = 0; i < u.data.length; i += 2) {
    dataIndex.set(u.data[i], dataIndex.size);
    events.push([u.data[i], u.data[i + 1], SEG_DATA, u.data[i + 1], dataIndex.size - 1]);
  }
  // MEMOIZE only (protocol 4): the puts are literal bytes taking the next indices, checked all at once by replay
  const memoizeOnly = u.puts.every((p) => bytes[p] === 0x94);
  if (!memoizeOnly) u.puts.forEach((p, j) => events.push([p, opcodeLength(bytes, dv, p), SEG_PUT, j, bytes[p] === 0x94 ? 0x94 : 0]));
  for (let i = 0; i < u.gets.length; i += 2) events.push([u.gets[i], opcodeLength(bytes, dv, u.gets[i]), SEG_GET, u.gets[i + 1], 0]);
  events.sort((x, y) => x[0] - y[0]);
  const segments: number[] = [];
  let at = start;
  for (const [p, l, kind, a, b] of events) {
    if (p < at) return null; // overlapping events: not a layout replay knows
    if (p > at) segments.push(SEG_LITERAL, at - start, p - at);
    segments.push(kind, a, b);
    at = p + l;
  }
  if (start + len > at) segments.push(SEG_LITERAL, at - start, start + len - at);
  return {
    start,
    segments: Int32Array.from(segments),
    dataCount: dataIndex.size,
    memoizes: memoizeOnly ? u.puts.length : 0,
    putKinds: Uint8Array.from(u.putKinds),
    putItems: Int32Array.from(u.putItems),
    itemPuts: Int32Array.from(u.putKinds.flatMap((k, j) => (k === PUT_ITEM ? [j] : []))),
    putKeys: u.putKeys.slice(),
    // arrays and scalars: `at` becomes the index of their bytes' segment
    items: u.items.map((it) => ({ ...it, at: it.kind === ITEM_ARRAY || it.kind === ITEM_SCALAR ? (dataIndex.get(it.at) ?? -1) : it.at })),
    epoch: u.epoch,
  };
}

// Arrays of a payload share a few shapes: the fast path hands out one frozen shape array per shape instead of a
// new array per ndarray.
const shapeCache = [new Map<number, readonly number[]>(), new Map<number, readonly number[]>(), new Map<number, readonly number[]>(), new Map<number, readonly number[]>()];
const EMPTY_SHAPE: readonly number[] = Object.freeze([]);

function sharedShape(dims: readonly number[], nd: number): number[] {
  if (nd === 0) return EMPTY_SHAPE as number[];
  // dims < 2^16 get a cache key; others (rare, large) a fresh array
  let key = 0;
  for (let i = 0; i < nd; i++) {
    const d = dims[i]!;
    if (d >= 65536) return dims.slice(0, nd);
    key = key * 65536 + d;
  }
  const cache = shapeCache[nd]!;
  let s = cache.get(key);
  if (s === undefined) {
    s = Object.freeze(dims.slice(0, nd));
    if (cache.size < 1024) cache.set(key, s);
  }
  return s as number[];
}

function describe(v: PyValue | undefined): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'list/tuple';
  if (v instanceof Map) return 'dict';
  if (v instanceof PyBytes) return 'bytes';
  if (v instanceof NumpyArrayRef) return 'ndarray';
  if (v instanceof NumpyDtype) return 'dtype';
  if (v instanceof PyGlobal) return v.qualifiedName;
  if (v instanceof DictStandIn) return 'dict';
  return typeof v;
}

function decodeLong(b: Uint8Array, pos: number, len: number): number | bigint {
  if (len === 0) return 0;
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[pos + i]);
  if (b[pos + len - 1] & 0x80) v -= 1n << BigInt(8 * len);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}


function reduce(fn: PyValue, args: PyValue, u: Failer): PyValue {
  if (!(fn instanceof PyGlobal)) return u.fail(`REDUCE on a ${describe(fn)}`);
  if (!Array.isArray(args)) return u.fail(`REDUCE arguments for ${fn.qualifiedName} are not a tuple`);
  switch (fn.name) {
    case '_reconstruct': {
      // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills
      const cls = args[0];
      if (!(cls instanceof PyGlobal) || cls.name !== 'ndarray') return u.fail('_reconstruct of something other than numpy.ndarray');
      return new NumpyArrayRef();
    }
    case 'dtype': {
      const code = args[0];
      if (typeof code !== 'string' || !(code === 'O8' || code === 'O4' || dtypeItemSize(code) > 0)) {
        return u.fail(`dtype ${JSON.stringify(code)} is not supported`);
      }
      return new NumpyDtype(code);
    }
    case 'scalar': {
      const dt = args[0];
      const data = args[1];
      if (!(dt instanceof NumpyDtype)) return u.fail('numpy scalar without a dtype');
      if (!(data instanceof PyBytes)) return u.fail(`numpy scalar of dtype ${dt.descr} is not stored as bytes`);
      return decodeScalar(dt, data.src, data.start, data.length, u);
    }
    default:
      return u.fail(`${fn.qualifiedName} cannot be called`);
  }
}

let scalarView: DataView | null = null;
let scalarSrc: Uint8Array | null = null;

/** The numpy scalar of dtype `dt` stored in bytes [at, at + length) of `data`. */
function decodeScalar(dt: NumpyDtype, data: Uint8Array, at: number, length: number, u: Failer): PyValue {
  const size = dt.itemSize;
  if (size === 0 || length !== size) return u.fail(`numpy scalar of dtype ${dt.descr} has ${length} bytes`);
  const le = dt.byteOrder !== '>';
  // one DataView per input buffer, not per scalar
  if (scalarSrc !== data) {
    scalarSrc = data;
    scalarView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  const dv = scalarView as DataView;
  const kind = dt.code[0];
  if (kind === 'f') {
    if (size === 4) return dv.getFloat32(at, le);
    if (size === 8) return dv.getFloat64(at, le);
  } else if (kind === 'i' || kind === 'u') {
    const signed = kind === 'i';
    if (size === 1) return signed ? dv.getInt8(at) : dv.getUint8(at);
    if (size === 2) return signed ? dv.getInt16(at, le) : dv.getUint16(at, le);
    if (size === 4) return signed ? dv.getInt32(at, le) : dv.getUint32(at, le);
    if (size === 8) {
      const v = signed ? dv.getBigInt64(at, le) : dv.getBigUint64(at, le);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
  } else if (kind === 'b' && size === 1) {
    return data[at] !== 0;
  } else if (kind === 'U') {
    let s = '';
    for (let i = 0; i < size; i += 4) {
      const cp = dv.getUint32(at + i, le);
      if (cp === 0) break;
      if (cp > 0x10ffff) return u.fail('invalid code point in a numpy string scalar');
      s += String.fromCodePoint(cp);
    }
    return s;
  }
  return u.fail(`numpy scalar dtype ${dt.descr} is not supported`);
}

const dtypeCaches: Record<string, Map<string, NumpyDtype>> = { '<': new Map(), '>': new Map(), '|': new Map(), '=': new Map() };

/** One shared NumpyDtype per (code, byte order): arrays keep it, the per-array pickled dtype object is dropped. */
function canonicalDtype(d: NumpyDtype): NumpyDtype {
  const cache = dtypeCaches[d.byteOrder];
  if (cache === undefined) return d;
  let c = cache.get(d.code);
  if (c === undefined) {
    if (cache.size > 256) return d;
    c = new NumpyDtype(d.code, d.byteOrder);
    cache.set(d.code, c);
  }
  return c;
}

function build(obj: PyValue, state: PyValue, u: Failer): void {
  if (obj instanceof NumpyDtype) {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
    if (!Array.isArray(state) || state.length < 2 || typeof state[1] !== 'string') return u.fail('malformed dtype state');
    if ((state[2] ?? null) !== null || (state[3] ?? null) !== null) return u.fail('structured/sub-array dtypes are not supported');
    const order = state[1];
    if (order !== '<' && order !== '>' && order !== '|' && order !== '=') return u.fail(`dtype byte order ${JSON.stringify(order)}`);
    obj.byteOrder = order;
    return;
  }
  if (obj instanceof NumpyArrayRef) {
    // (version, shape, dtype, is_fortran, data) or, from old numpy, (shape, dtype, is_fortran, data)
    if (!Array.isArray(state)) return u.fail('malformed ndarray state');
    const k = state.length === 5 ? 1 : state.length === 4 ? 0 : -1;
    if (k < 0) return u.fail(`ndarray state has ${state.length} items`);
    const shape = state[k];
    const dtype = state[k + 1];
    const fortran = state[k + 2];
    const data = state[k + 3];
    if (!Array.isArray(shape) || shape.length > 32) return u.fail('malformed ndarray shape');
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return u.fail('malformed ndarray shape');
    }
    const dims = shape as number[];
    if (!(dtype instanceof NumpyDtype)) return u.fail('ndarray state without a dtype');
    if (typeof fortran !== 'boolean' && fortran !== 0 && fortran !== 1) return u.fail('malformed ndarray fortran flag');
    obj.shape = dims;
    obj.dtype = canonicalDtype(dtype);
    obj.fortranOrder = fortran === true || fortran === 1;
    let count = 1;
    for (const d of dims) count *= d;
    if (dtype.code.startsWith('O')) {
      if (!Array.isArray(data)) return u.fail('object ndarray without an item list');
      if (data.length !== count) return u.fail(`object ndarray of shape (${dims.join(', ')}) holds ${data.length} items`);
      obj.items = data;
      return;
    }
    const size = dtypeItemSize(dtype.code);
    if (size === 0) return u.fail(`ndarray dtype ${dtype.descr} is not supported`);
    if (!(data instanceof PyBytes)) return u.fail(`ndarray of dtype ${dtype.descr} is not stored as bytes`);
    if (data.length !== count * size) {
      return u.fail(`ndarray of shape (${dims.join(', ')}) and dtype ${dtype.descr} needs ${count * size} bytes, has ${data.length}`);
    }
    obj.src = data.src;
    obj.offset = data.start;
    obj.byteLength = data.length;
    return;
  }
  u.fail(`BUILD on a ${describe(obj)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

/** A numpy scalar to write (np.int32(3), np.float32(...)): `descr` like `<i4`, `<f4`, `<f8`, `<i8`, `|b1`. */
export class NumpyScalar {
  constructor(readonly descr: string, readonly value: number | bigint | boolean) {}
}

/** What the pickler can write: PyValue plus explicit numpy scalars. Arrays are written as lists. */
export type PickleInput = PyValue | Uint8Array | NumpyScalar | PickleInput[] | Map<PyKey, PickleInput>;

export interface PickleWriterOptions {
  /** 3 (numpy 1.x style, the default) or 4 (numpy 2.x style: FRAME, SHORT_BINUNICODE, STACK_GLOBAL, MEMOIZE). */
  protocol?: 3 | 4;
  /** Expected size in bytes (avoids regrowing the buffer for big pickles). */
  sizeHint?: number;
  /**
   * Module path of the numpy globals. `numpy.core` (default) loads under numpy 1.x and 2.x; `numpy._core` only
   * under numpy 2.x.
   */
  numpyModule?: 'numpy.core' | 'numpy._core';
}

const FRAME_TARGET = 64 * 1024;
// memo keys of the globals (dtype descrs like '<f4' are the other keys; none start with ':')
const GLOBAL_KEYS = {
  'multiarray._reconstruct': ':reconstruct',
  'multiarray.scalar': ':scalar',
  ndarray: ':ndarray',
  dtype: ':dtype',
} as const;
const BATCH = 1000;
const utf8enc = new TextEncoder();
const B_BYTES = new Uint8Array([0x62]);
const keyBytes = new Map<string, Uint8Array>();

/**
 * Writes pickles the way numpy's `pickle.dump(array, protocol=3|4)` does, for ndarrays, numpy scalars, dicts, lists,
 * strings, bytes and numbers. Write calls append opcodes; `finish()` returns the bytes.
 */
export class PickleWriter {
  readonly protocol: 3 | 4;
  readonly numpyModule: string;
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private pos = 0;
  private memoSize = 0;
  private frameStart = -1;
  /** Memo indices of objects written once and referenced later (globals, dtypes, the `b'b'` bytes). */
  private memoOf = new Map<string, number>();

  constructor(opts: PickleWriterOptions = {}) {
    this.protocol = opts.protocol ?? 3;
    this.numpyModule = opts.numpyModule ?? 'numpy.core';
    if (opts.sizeHint !== undefined && opts.sizeHint > this.buf.length) {
      this.buf = new Uint8Array(Math.min(opts.sizeHint, 2 ** 31));
      this.view = new DataView(this.buf.buffer);
    }
    this.op(0x80);
    this.byte(this.protocol);
    if (this.protocol >= 4) this.startFrame();
  }

  private ensure(k: number): void {
    if (this.pos + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + k) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  private op(code: number): void { this.ensure(1); this.buf[this.pos++] = code; }
  private byte(v: number): void { this.ensure(1); this.buf[this.pos++] = v; }
  private u32(v: number): void { this.ensure(4); this.view.setUint32(this.pos, v, true); this.pos += 4; }
  private raw(bytes: Uint8Array): void { this.ensure(bytes.length); this.buf.set(bytes, this.pos); this.pos += bytes.length; }

  private startFrame(): void {
    this.ensure(9);
    this.buf[this.pos] = 0x95;
    this.frameStart = this.pos;
    this.pos += 9;
  }
  private closeFrame(): void {
    if (this.frameStart < 0) return;
    this.view.setBigUint64(this.frameStart + 1, BigInt(this.pos - this.frameStart - 9), true);
    this.frameStart = -1;
  }
  /** Protocol 4: ends the current frame and starts another when it is big. Call only between complete values. */
  frameBreak(): void {
    if (this.frameStart >= 0 && this.pos - this.frameStart > FRAME_TARGET) {
      this.closeFrame();
      this.startFrame();
    }
  }

  /** Stores the object on top of the stack in the memo; returns its index. */
  private put(): number {
    const idx = this.memoSize++;
    if (this.protocol >= 4) this.op(0x94);
    else if (idx < 256) { this.op(0x71); this.byte(idx); } else { this.op(0x72); this.u32(idx); }
    return idx;
  }
  private get(idx: number): void {
    if (idx < 256) { this.op(0x68); this.byte(idx); } else { this.op(0x6a); this.u32(idx); }
  }
  none(): void { this.op(0x4e); }
  bool(v: boolean): void { this.op(v ? 0x88 : 0x89); }
  int(v: number | bigint): void {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 256) { this.op(0x4b); this.byte(v); return; }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 65536) { this.op(0x4d); this.byte(v & 0xff); this.byte(v >> 8); return; }
    if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) {
      this.op(0x4a); this.ensure(4); this.view.setInt32(this.pos, v, true); this.pos += 4; return;
    }
    // LONG1: little-endian two's complement
    let big = BigInt(v);
    const bytes: number[] = [];
    for (;;) {
      const b = Number(big & 0xffn);
      bytes.push(b);
      big >>= 8n;
      if ((big === 0n && (b & 0x80) === 0) || (big === -1n && (b & 0x80) !== 0)) break;
    }
    this.op(0x8a); this.byte(bytes.length);
    for (const b of bytes) this.byte(b);
  }
  float(v: number): void { this.op(0x47); this.ensure(8); this.view.setFloat64(this.pos, v, false); this.pos += 8; }
  str(s: string): void {
    // dict keys repeat every frame: their encoded bytes are cached
    const cached = s.length <= 64 ? keyBytes.get(s) : undefined;
    if (cached !== undefined) {
      if (this.protocol >= 4) { this.op(0x8c); this.byte(cached.length); } else { this.op(0x58); this.u32(cached.length); }
      this.raw(cached);
      return;
    }
    if (s.length <= 64 && keyBytes.size < 4096) keyBytes.set(s, utf8enc.encode(s));
    // short ASCII: write the bytes directly, no TextEncoder allocation
    if (s.length < 256) {
      let ascii = true;
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) { ascii = false; break; }
      if (ascii) {
        if (this.protocol >= 4) { this.op(0x8c); this.byte(s.length); } else { this.op(0x58); this.u32(s.length); }
        this.ensure(s.length);
        for (let i = 0; i < s.length; i++) this.buf[this.pos + i] = s.charCodeAt(i);
        this.pos += s.length;
        return;
      }
    }
    const bytes = utf8enc.encode(s);
    if (this.protocol >= 4 && bytes.length < 256) { this.op(0x8c); this.byte(bytes.length); } else { this.op(0x58); this.u32(bytes.length); }
    this.raw(bytes);
  }
  bytes(b: Uint8Array): void {
    if (b.length < 256) { this.op(0x43); this.byte(b.length); } else { this.op(0x42); this.u32(b.length); }
    this.raw(b);
  }
  mark(): void { this.op(0x28); }
  emptyList(): void { this.op(0x5d); }
  emptyDict(): void { this.op(0x7d); }
  /** Ends a tuple of the values written since the matching mark() (or of the last 1-3 values without a mark). */
  tuple(size?: 1 | 2 | 3): void {
    if (size === 1) this.op(0x85);
    else if (size === 2) this.op(0x86);
    else if (size === 3) this.op(0x87);
    else this.op(0x74);
  }
  appends(): void { this.op(0x65); }
  append(): void { this.op(0x61); }
  setItems(): void { this.op(0x75); }

  private global(name: 'multiarray._reconstruct' | 'multiarray.scalar' | 'ndarray' | 'dtype'): void {
    const key = GLOBAL_KEYS[name];
    const idx = this.memoOf.get(key);
    if (idx !== undefined) { this.get(idx); return; }
    const dot = name.lastIndexOf('.');
    const module = dot < 0 ? 'numpy' : `${this.numpyModule}.${name.slice(0, dot)}`;
    const attr = name.slice(dot + 1);
    if (this.protocol >= 4) {
      this.str(module); this.put();
      this.str(attr); this.put();
      this.op(0x93);
    } else {
      this.op(0x63);
      this.raw(utf8enc.encode(`${module}\n${attr}\n`));
    }
    this.memoOf.set(key, this.put());
  }

  /** A dtype object, `descr` like `<f4`, `|O`, `<U12` (memoised per descr). */
  dtype(descr: string): void {
    const idx = this.memoOf.get(descr);
    if (idx !== undefined) { this.get(idx); return; }
    const order = descr[0];
    const code = descr.slice(1) === 'O' ? 'O8' : descr.slice(1);
    this.global('dtype');
    this.str(code); this.bool(false); this.bool(true); this.tuple(3);
    this.op(0x52);
    this.mark();
    this.int(3); this.str(order === '=' ? '<' : order); this.none(); this.none(); this.none();
    const isUnicode = code.startsWith('U');
    this.int(isUnicode ? 4 * Number(code.slice(1)) : -1); this.int(isUnicode ? 4 : -1);
    this.int(code === 'O8' ? 63 : isUnicode ? 8 : 0);
    this.tuple();
    this.op(0x62);
    this.memoOf.set(descr, this.put());
  }

  private ndarrayHead(): void {
    this.global('multiarray._reconstruct');
    this.global('ndarray');
    this.int(0); this.tuple(1);
    const idx = this.memoOf.get(':b');
    if (idx !== undefined) this.get(idx);
    else { this.bytes(B_BYTES); this.memoOf.set(':b', this.put()); }
    this.tuple(3);
    this.op(0x52);
  }
  private shape(shape: readonly number[]): void {
    if (shape.length === 0) { this.op(0x29); return; }
    if (shape.length <= 3) { for (const d of shape) this.int(d); this.tuple(shape.length as 1 | 2 | 3); return; }
    this.mark(); for (const d of shape) this.int(d); this.tuple();
  }

  /** A numeric ndarray: `raw` holds its elements in C order, in the byte order of `descr`. */
  ndarray(descr: string, shape: readonly number[], raw: Uint8Array): void {
    this.ndarrayHead();
    this.mark();
    this.int(1); this.shape(shape); this.dtype(descr); this.bool(false); this.bytes(raw);
    this.tuple();
    this.op(0x62);
  }

  /**
   * A numeric ndarray whose bytes `fill` writes in place (no intermediate buffer): `fill(view, offset)` must write
   * exactly `byteLength` bytes at `offset` of `view`.
   */
  ndarrayWith(descr: string, shape: readonly number[], byteLength: number, fill: (view: DataView, offset: number) => void): void {
    this.ndarrayHead();
    this.mark();
    this.int(1); this.shape(shape); this.dtype(descr); this.bool(false);
    if (byteLength < 256) { this.op(0x43); this.byte(byteLength); } else { this.op(0x42); this.u32(byteLength); }
    this.ensure(byteLength);
    fill(this.view, this.pos);
    this.pos += byteLength;
    this.tuple();
    this.op(0x62);
  }

  /** Opens an object ndarray; write its items (as list items, batched with appendsBatch) and close with objectArrayEnd. */
  objectArrayBegin(shape: readonly number[]): void {
    this.ndarrayHead();
    this.mark();
    this.int(1); this.shape(shape); this.dtype('|O'); this.bool(false);
    this.emptyList();
  }
  objectArrayEnd(): void {
    this.tuple();
    this.op(0x62);
  }

  /** A numpy scalar such as np.int32(1): `scalar(dtype, bytes)`. */
  scalar(descr: string, value: number | bigint | boolean): void {
    const code = descr.slice(1);
    const size = dtypeItemSize(code);
    const kind = code[0];
    const ok = (kind === 'f' && (size === 4 || size === 8)) || ((kind === 'i' || kind === 'u') && (size === 1 || size === 4 || size === 8))
      || (kind === 'b' && size === 1);
    if (!ok) throw new Error(`pickle writer: numpy scalar dtype ${descr} is not supported`);
    this.global('multiarray.scalar');
    this.dtype(descr);
    // SHORT_BINBYTES with the value written in place
    this.op(0x43); this.byte(size);
    this.ensure(size);
    const le = descr[0] !== '>';
    const v = this.view;
    const at = this.pos;
    if (kind === 'f' && size === 4) v.setFloat32(at, Number(value), le);
    else if (kind === 'f') v.setFloat64(at, Number(value), le);
    else if (size === 1) v.setUint8(at, Number(value) & 0xff);
    else if (kind === 'i' && size === 4) v.setInt32(at, Number(value), le);
    else if (size === 4) v.setUint32(at, Number(value), le);
    else if (kind === 'i') v.setBigInt64(at, BigInt(value), le);
    else v.setBigUint64(at, BigInt(value), le);
    this.pos += size;
    this.tuple(2);
    this.op(0x52);
  }

  /** Any supported value, recursively. */
  value(v: PickleInput): void {
    if (v === null) this.none();
    else if (typeof v === 'boolean') this.bool(v);
    else if (typeof v === 'number') { if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) this.int(v); else this.float(v); }
    else if (typeof v === 'bigint') this.int(v);
    else if (typeof v === 'string') this.str(v);
    else if (v instanceof Uint8Array) this.bytes(v);
    else if (v instanceof PyBytes) this.bytes(v.bytes());
    else if (v instanceof NumpyScalar) this.scalar(v.descr, v.value);
    else if (v instanceof NumpyArrayRef) {
      if (!v.dtype) throw new Error('pickle writer: ndarray without a dtype');
      if (v.items) {
        this.objectArrayBegin(v.shape);
        this.listItems(v.items);
        this.objectArrayEnd();
      } else {
        this.ndarray(v.dtype.descr, v.shape, v.raw ?? new Uint8Array(0));
      }
    } else if (Array.isArray(v)) {
      this.emptyList();
      this.listItems(v);
    } else if (v instanceof Map) {
      this.emptyDict();
      let i = 0;
      for (const [k, val] of v) {
        if (i % BATCH === 0) { if (i > 0) this.setItems(); this.mark(); }
        this.value(k); this.value(val);
        i++;
      }
      if (i > 0) this.setItems();
    } else if (v instanceof NumpyDtype) this.dtype(v.descr);
    else throw new Error('pickle writer: unsupported value');
  }

  /** Appends items to the list on top of the stack, in batches of 1000 like CPython. */
  listItems(items: readonly PickleInput[]): void {
    for (let i = 0; i < items.length; i += BATCH) {
      const end = Math.min(items.length, i + BATCH);
      if (end - i === 1) { this.value(items[i]); this.op(0x61); continue; }
      this.mark();
      for (let j = i; j < end; j++) { this.value(items[j]); this.frameBreak(); }
      this.appends();
    }
  }

  /** Ends the pickle (STOP) and returns its bytes (a view of the writer's buffer). */
  finish(): Uint8Array {
    this.op(0x2e);
    this.closeFrame();
    return this.buf.subarray(0, this.pos);
  }
}

/** Pickles one value (protocol 3 and numpy.core by default). */
export function pickle(value: PickleInput, opts: PickleWriterOptions = {}): Uint8Array {
  const w = new PickleWriter(opts);
  w.value(value);
  return w.finish().slice();
}
