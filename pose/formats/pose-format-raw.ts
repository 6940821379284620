/**
 * pose-format `.pose` files, raw layer: everything a file holds (`PoseFile`), read from v0.0, v0.1 and v0.2 and
 * written as v0.2. Byte layout (little-endian; `str` = uint16 byte length + UTF-8), after
 * sign-language-processing/pose (docs/specs and the Python/JS readers):
 * - header: float32 version; uint16 width, height, depth; uint16 component count; per component: str name,
 *   str point format (`XYC`, `XYZC`, …: the last letter is the confidence), uint16 points, limbs, colours; str point
 *   name × points; (uint16, uint16) limb × limbs; (uint16 R, G, B) × colours.
 * - body v0.2: float32 fps, uint32 frames, uint16 people, float32 data[frames][people][points][dims] with
 *   dims = longest format − 1, then float32 confidence[frames][people][points].
 * - body v0.1: as v0.2 with uint16 fps and uint16 frames (pose-format writes 0 when frames ≥ 65535; the frame count
 *   then follows from the remaining bytes).
 * - body v0.0: uint16 fps, uint16 frames, then per frame uint16 people and per person int16 id followed by each
 *   component's points as `format.length` floats (coordinates then confidence).
 * Every count is checked against the bytes left before anything is allocated, and the body must fill the file
 * exactly: a short or padded file is a PoseFormatError naming the file and what is short.
 */
import { endianness } from 'node:os';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';

export interface PoseComponent {
  name: string;
  /** Point format, e.g. `XYC`, `XYZC`; its length − 1 is the number of coordinates. */
  format: string;
  points: string[];
  /** Point index pairs within the component. */
  limbs: [number, number][];
  colors: [number, number, number][];
}

/** Everything a `.pose` file holds. */
export interface PoseFile {
  /** 0, 0.1 or 0.2 (the stored float32 rounded to 3 decimals). */
  version: number;
  width: number;
  height: number;
  depth: number;
  components: PoseComponent[];
  fps: number;
  frames: number;
  /** Person slots per frame (v0.0: the most people of any frame). */
  people: number;
  /** Coordinates per point: the longest component format − 1. */
  dims: number;
  /** [frame][person][point][dim], points of all components concatenated in header order. */
  data: Float32Array;
  /** [frame][person][point]. */
  confidence: Float32Array;
  /** v0.0 only: the people count stored for each frame (slots beyond it are zero). */
  peoplePerFrame?: Uint16Array;
  /** v0.0 only: the int16 person id of each [frame][person] slot (-1 where the frame has fewer people). */
  personIds?: Int16Array;
}

export interface PoseParseOptions {
  /** Read the header only (a `.poseheader` file, or a `.pose` whose body is not needed): frames = 0. */
  headerOnly?: boolean;
}

const LITTLE_ENDIAN_HOST = endianness() === 'LE';
const utf8 = new TextDecoder('utf-8');

/** A bounds-checked little-endian reader that names the file and what it was reading when bytes run out. */
class Cursor {
  private readonly view: DataView;
  pos = 0;

  constructor(readonly bytes: Uint8Array, readonly file: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get left(): number {
    return this.bytes.length - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.left) {
      throw new PoseFormatError(this.file, `truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${this.left} left`);
    }
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  i16(what: string): number {
    this.need(2, what);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f32(what: string): number {
    this.need(4, what);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  str(what: string): string {
    const n = this.u16(`${what} length`);
    this.need(n, what);
    const s = utf8.decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }

  /** `count` little-endian float32s copied into `out` at `at`. */
  floats(count: number, out: Float32Array, at: number, what: string): void {
    this.need(count * 4, what);
    if (LITTLE_ENDIAN_HOST && (this.bytes.byteOffset + this.pos) % 4 === 0) {
      out.set(new Float32Array(this.bytes.buffer, this.bytes.byteOffset + this.pos, count), at);
    } else if (LITTLE_ENDIAN_HOST) {
      out.set(new Float32Array(this.bytes.slice(this.pos, this.pos + count * 4).buffer), at);
    } else {
      for (let i = 0; i < count; i++) out[at + i] = this.view.getFloat32(this.pos + i * 4, true);
    }
    this.pos += count * 4;
  }
}

function readHeader(cur: Cursor, limits: ReadLimits): Omit<PoseFile, 'fps' | 'frames' | 'people' | 'data' | 'confidence'> {
  const file = cur.file;
  const rawVersion = cur.f32('version');
  const version = Math.round(rawVersion * 1000) / 1000;
  if (version !== 0 && version !== 0.1 && version !== 0.2) {
    throw new PoseFormatError(file, `unsupported .pose version ${rawVersion} (this reader knows 0, 0.1 and 0.2)`);
  }
  const width = cur.u16('header width');
  const height = cur.u16('header height');
  const depth = cur.u16('header depth');
  const count = cur.u16('component count');
  if (count > limits.maxEntries) throw new PoseFormatError(file, `${count} components, over the ${limits.maxEntries} limit`);
  const components: PoseComponent[] = [];
  for (let k = 0; k < count; k++) {
    const what = `component ${k}`;
    const name = cur.str(`${what} name`);
    const format = cur.str(`${what} (${name}) point format`);
    if (format.length < 1) throw new PoseFormatError(file, `component ${name}: empty point format`);
    const nPoints = cur.u16(`${what} (${name}) point count`);
    const nLimbs = cur.u16(`${what} (${name}) limb count`);
    const nColors = cur.u16(`${what} (${name}) colour count`);
    // Each point name needs ≥ 2 bytes, each limb 4, each colour 6: checked before allocating.
    cur.need(nPoints * 2 + nLimbs * 4 + nColors * 6, `${what} (${name}): ${nPoints} point names, ${nLimbs} limbs, ${nColors} colours`);
    const points: string[] = [];
    for (let i = 0; i < nPoints; i++) points.push(cur.str(`${name} point name ${i}`));
    const limbs: [number, number][] = [];
    for (let i = 0; i < nLimbs; i++) {
      const a = cur.u16(`${name} limb ${i}`);
      const b = cur.u16(`${name} limb ${i}`);
      if (a >= nPoints || b >= nPoints) {
        throw new PoseFormatError(file, `component ${name}: limb ${i} (${a}, ${b}) is outside its ${nPoints} points`);
      }
      limbs.push([a, b]);
    }
    const colors: [number, number, number][] = [];
    for (let i = 0; i < nColors; i++) colors.push([cur.u16(`${name} colour ${i}`), cur.u16(`${name} colour ${i}`), cur.u16(`${name} colour ${i}`)]);
    components.push({ name, format, points, limbs, colors });
  }
  const dims = components.length === 0 ? 0 : Math.max(...components.map((c) => c.format.length)) - 1;
  return { version, width, height, depth, components, dims };
}

export function totalPoints(components: readonly PoseComponent[]): number {
  let n = 0;
  for (const c of components) n += c.points.length;
  return n;
}

/** Refuses dense arrays far larger than the file that declares them (a v0.0 file can declare many empty frames). */
function checkAllocation(file: string, floats: number, fileBytes: number, limits: ReadLimits): void {
  const bytes = floats * 4;
  if (bytes > limits.maxBytes || bytes > 16 * fileBytes + (1 << 20)) {
    throw new PoseFormatError(file, `body would need ${bytes} bytes of memory for a ${fileBytes}-byte file; refusing`);
  }
}

function readBodyDense(cur: Cursor, h: ReturnType<typeof readHeader>, version: 0.1 | 0.2, limits: ReadLimits): Pick<PoseFile, 'fps' | 'frames' | 'people' | 'data' | 'confidence'> {
  const file = cur.file;
  const fps = version === 0.2 ? cur.f32('fps') : cur.u16('fps');
  const declared = version === 0.2 ? cur.u32('frame count') : cur.u16('frame count');
  const people = cur.u16('people count');
  if (people > limits.maxPeople) throw new PoseFormatError(file, `${people} people per frame, over the ${limits.maxPeople} limit`);
  const points = totalPoints(h.components);
  const perFrame = people * points * (h.dims + 1) * 4;
  let frames = declared;
  if (version === 0.1 && perFrame > 0 && cur.left % perFrame === 0) {
    // pose-format writes v0.1 frame counts ≥ 65535 as 0 and readers take the count from the bytes left.
    const derived = cur.left / perFrame;
    if (derived === declared || (declared === 0 && derived >= 65535)) frames = derived;
  }
  if (frames > limits.maxFrames) throw new PoseFormatError(file, `${frames} frames, over the ${limits.maxFrames} limit`);
  const expected = frames * perFrame;
  if (expected !== cur.left) {
    const shape = `${frames} frames × ${people} people × ${points} points × (${h.dims} coordinates + confidence) × 4 bytes`;
    throw new PoseFormatError(file, expected > cur.left
      ? `truncated body: ${shape} = ${expected} bytes, only ${cur.left} left (${expected - cur.left} short)`
      : `body has ${cur.left - expected} bytes more than ${shape} = ${expected}`);
  }
  const data = new Float32Array(frames * people * points * h.dims);
  const confidence = new Float32Array(frames * people * points);
  cur.floats(data.length, data, 0, 'pose data');
  cur.floats(confidence.length, confidence, 0, 'confidence');
  return { fps, frames, people, data, confidence };
}

function readBodyV00(cur: Cursor, h: ReturnType<typeof readHeader>, limits: ReadLimits): Pick<PoseFile, 'fps' | 'frames' | 'people' | 'data' | 'confidence' | 'peoplePerFrame' | 'personIds'> {
  const file = cur.file;
  const fps = cur.u16('fps');
  const frames = cur.u16('frame count');
  if (frames > limits.maxFrames) throw new PoseFormatError(file, `${frames} frames, over the ${limits.maxFrames} limit`);
  const points = totalPoints(h.components);
  let personBytes = 2; // int16 id
  for (const c of h.components) personBytes += c.points.length * c.format.length * 4;
  // First pass: per-frame people counts and the byte budget, before any allocation.
  const start = cur.pos;
  const peoplePerFrame = new Uint16Array(frames);
  let people = 0;
  for (let t = 0; t < frames; t++) {
    const n = cur.u16(`frame ${t} people count`);
    if (n > limits.maxPeople) throw new PoseFormatError(file, `frame ${t}: ${n} people, over the ${limits.maxPeople} limit`);
    cur.need(n * personBytes, `frame ${t}: ${n} people × ${personBytes} bytes`);
    cur.pos += n * personBytes;
    peoplePerFrame[t] = n;
    if (n > people) people = n;
  }
  if (cur.left !== 0) throw new PoseFormatError(file, `body has ${cur.left} bytes after the last of ${frames} frames`);
  checkAllocation(file, frames * people * points * (h.dims + 1), cur.bytes.length, limits);
  const data = new Float32Array(frames * people * points * h.dims);
  const confidence = new Float32Array(frames * people * points);
  const personIds = new Int16Array(frames * people).fill(-1);
  const maxFormat = Math.max(0, ...h.components.map((c) => c.format.length));
  const tmp = new Float32Array(Math.max(1, ...h.components.map((c) => c.points.length)) * maxFormat);
  cur.pos = start;
  for (let t = 0; t < frames; t++) {
    const n = cur.u16('people count');
    for (let p = 0; p < n; p++) {
      personIds[t * people + p] = cur.i16('person id');
      let offset = 0;
      for (const c of h.components) {
        const len = c.format.length;
        const np = c.points.length;
        cur.floats(np * len, tmp, 0, `${c.name} points`);
        for (let i = 0; i < np; i++) {
          const slot = (t * people + p) * points + offset + i;
          for (let d = 0; d < len - 1; d++) data[slot * h.dims + d] = tmp[i * len + d];
          confidence[slot] = tmp[i * len + len - 1];
        }
        offset += np;
      }
    }
  }
  return { fps, frames, people, data, confidence, peoplePerFrame, personIds };
}

/** Parses a `.pose` (or, with `headerOnly`, a `.poseheader`) file into everything it holds. */
export function parsePoseFileRaw(bytes: Uint8Array, file: string, limitsIn: Partial<ReadLimits> = {}, options: PoseParseOptions = {}): PoseFile {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...limitsIn };
  if (bytes.length > limits.maxBytes) throw new PoseFormatError(file, `${bytes.length} bytes, over the ${limits.maxBytes}-byte limit`);
  const cur = new Cursor(bytes, file);
  const h = readHeader(cur, limits);
  if (options.headerOnly) {
    return { ...h, fps: 0, frames: 0, people: 0, data: new Float32Array(0), confidence: new Float32Array(0) };
  }
  if (h.components.length === 0) throw new PoseFormatError(file, 'the header declares no components');
  if (h.version === 0) return { ...h, ...readBodyV00(cur, h, limits) };
  return { ...h, ...readBodyDense(cur, h, h.version === 0.1 ? 0.1 : 0.2, limits) };
}

const utf8Encoder = new TextEncoder();

function u16Field(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new Error(`encodePoseFileRaw: ${what} must be an integer in 0..65535, got ${v}`);
  return v;
}

/** Writes a `PoseFile` as `.pose` v0.2 (whatever its `version` says). */
export function encodePoseFileRaw(pf: PoseFile): Uint8Array {
  const points = totalPoints(pf.components);
  const dims = pf.components.length === 0 ? 0 : Math.max(...pf.components.map((c) => c.format.length)) - 1;
  if (dims !== pf.dims) throw new Error(`encodePoseFileRaw: dims ${pf.dims} does not match the component formats (${dims})`);
  if (!Number.isInteger(pf.frames) || pf.frames < 0 || pf.frames > 0xffffffff) throw new Error(`encodePoseFileRaw: bad frame count ${pf.frames}`);
  u16Field(pf.people, 'people');
  if (pf.data.length !== pf.frames * pf.people * points * dims) {
    throw new Error(`encodePoseFileRaw: data has ${pf.data.length} floats, expected ${pf.frames}×${pf.people}×${points}×${dims}`);
  }
  if (pf.confidence.length !== pf.frames * pf.people * points) {
    throw new Error(`encodePoseFileRaw: confidence has ${pf.confidence.length} floats, expected ${pf.frames}×${pf.people}×${points}`);
  }
  const strs: Uint8Array[] = [];
  const enc = (s: string, what: string) => {
    const b = utf8Encoder.encode(s);
    if (b.length > 0xffff) throw new Error(`encodePoseFileRaw: ${what} is longer than 65535 bytes`);
    strs.push(b);
    return b;
  };
  let headerBytes = 4 + 6 + 2;
  const encoded = pf.components.map((c) => {
    u16Field(c.points.length, `${c.name} point count`);
    u16Field(c.limbs.length, `${c.name} limb count`);
    u16Field(c.colors.length, `${c.name} colour count`);
    const name = enc(c.name, 'component name');
    const format = enc(c.format, `${c.name} format`);
    const pts = c.points.map((p) => enc(p, `${c.name} point name`));
    headerBytes += 2 + name.length + 2 + format.length + 6 + pts.reduce((s, b) => s + 2 + b.length, 0) + c.limbs.length * 4 + c.colors.length * 6;
    return { c, name, format, pts };
  });
  u16Field(pf.components.length, 'component count');
  const bodyBytes = 4 + 4 + 2 + (pf.data.length + pf.confidence.length) * 4;
  const out = new Uint8Array(headerBytes + bodyBytes);
  const view = new DataView(out.buffer);
  let o = 0;
  const u16 = (v: number) => { view.setUint16(o, v, true); o += 2; };
  const bytes = (b: Uint8Array) => { u16(b.length); out.set(b, o); o += b.length; };
  view.setFloat32(o, 0.2, true); o += 4;
  u16(u16Field(pf.width, 'width'));
  u16(u16Field(pf.height, 'height'));
  u16(u16Field(pf.depth, 'depth'));
  u16(pf.components.length);
  for (const { c, name, format, pts } of encoded) {
    bytes(name);
    bytes(format);
    u16(c.points.length);
    u16(c.limbs.length);
    u16(c.colors.length);
    for (const p of pts) bytes(p);
    for (const [a, b] of c.limbs) { u16(u16Field(a, `${c.name} limb`)); u16(u16Field(b, `${c.name} limb`)); }
    for (const [r, g, b] of c.colors) { u16(u16Field(r, `${c.name} colour`)); u16(u16Field(g, `${c.name} colour`)); u16(u16Field(b, `${c.name} colour`)); }
  }
  view.setFloat32(o, pf.fps, true); o += 4;
  view.setUint32(o, pf.frames, true); o += 4;
  u16(pf.people);
  for (const arr of [pf.data, pf.confidence]) {
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), o);
      o += arr.byteLength;
    } else {
      for (let i = 0; i < arr.length; i++, o += 4) view.setFloat32(o, arr[i], true);
    }
  }
  return out;
}
