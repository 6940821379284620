/**
 * Kaggle "Isolated Sign Language Recognition" landmark parquet (also used by SILFA and other Holistic dumps): one
 * row per landmark, columns `frame`, `row_id`, `type` (`face` | `left_hand` | `pose` | `right_hand`),
 * `landmark_index`, `x`, `y`, `z`; x, y normalised to the video frame; a landmark MediaPipe did not find is a row
 * with NaN/null x, y. Read with the pure-JS `hyparquet` package, mapped to DWPose-128 through `holisticToDwpose`.
 *
 * Choices (the files carry neither):
 * - fps: 30 assumed (the Kaggle ISLR recordings are 30 fps phone videos); override with `options.fps`.
 * - frame size: unknown, so width = height = 1 — x, y are already fractions of the frame and stay as they are;
 *   override with `options.width` / `options.height` when known.
 * - confidence: there is no score column; a landmark with finite x and y gets c = 1, a NaN/null one c = 0.
 * - frames: the distinct `frame` values in ascending order (a gap in the numbering is not turned into empty frames).
 * - sides: `left_hand` is MediaPipe Holistic's LEFT_HAND = the signer's left, as DWPose (checked on the fixture:
 *   the left-hand wrist sits on pose landmark 15, LEFT_WRIST).
 *
 * Untrusted input: hyparquet trusts the lengths inside a file (fuzzing found corrupted pages that spin for 15-40 s
 * or allocate without bound), so decoding runs in a worker thread with a time limit and a heap limit, and with a
 * bounds-checked snappy decompressor in place of hyparquet's. Anything that goes wrong there becomes a
 * PoseFormatError naming the file.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_LIMITS, PoseFormatError, type ReadLimits } from '../errors.js';
import { readInputFile } from '../fsio.js';
import { PoseSequence } from '../sequence.js';
import {
  emptyHolisticFrames, holisticToDwpose, HOLISTIC_FACE_POINTS, HOLISTIC_HAND_POINTS, HOLISTIC_POSE_POINTS,
} from './mediapipe.js';

export const ISLR_DEFAULT_FPS = 30;

export interface IslrParquetOptions {
  fps?: number;
  width?: number;
  height?: number;
  /** Sequence id; default: the file name without extension. */
  id?: string;
  /** Wall-clock limit for decoding the parquet, in ms (default 30 000). */
  timeoutMs?: number;
  /** Heap limit of the decoding worker, in MiB (default 1024). */
  maxHeapMb?: number;
}

/** Landmark sets in the order of the type codes the worker returns. */
const TYPES = ['pose', 'face', 'left_hand', 'right_hand'] as const;
const COUNTS = [HOLISTIC_POSE_POINTS, HOLISTIC_FACE_POINTS, HOLISTIC_HAND_POINTS, HOLISTIC_HAND_POINTS];
const REQUIRED = ['frame', 'type', 'landmark_index', 'x', 'y'];

/** Columns as the worker returns them: one entry per row. */
interface IslrColumns {
  frame: Float64Array;
  /** index into TYPES, 255 = another value (the first one is in `unknownType`) */
  type: Uint8Array;
  landmark: Float64Array;
  x: Float64Array;
  y: Float64Array;
  unknownType?: string;
}

/**
 * The decoder, as plain JavaScript (CommonJS, run with `node -e` in a child process: a corrupted page can make
 * hyparquet allocate without bound, and a worker thread that runs out of heap can abort the whole process, while a
 * child only ends itself): takes its input over IPC, reads the metadata, checks row count and columns,
 * decodes the five columns with a bounds-checked snappy decompressor and posts them back as typed arrays.
 * Snappy (https://github.com/google/snappy/blob/main/format_description.txt): a varint length, then elements
 * whose tag's low 2 bits say literal / copy with 1-, 2- or 4-byte offset. It cannot expand more than ~22×
 * (a 3-byte copy writes at most 64 bytes), so larger page sizes are refused before allocating.
 */
const WORKER_SOURCE = String.raw`
const parentPort = { postMessage: (m) => process.send(m, () => process.exit(0)) };
process.once('message', (workerData) => {
function snappy(input, outputLength) {
  if (!(Number.isInteger(outputLength) && outputLength >= 0 && outputLength <= 22 * input.length + 64)) {
    throw new Error('snappy: page claims ' + outputLength + ' bytes from ' + input.length + ' compressed');
  }
  const out = new Uint8Array(outputLength);
  let pos = 0, declared = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new Error('snappy: bad length preamble');
    const b = input[pos++];
    declared += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (declared !== outputLength) throw new Error('snappy: stream holds ' + declared + ' bytes, page header says ' + outputLength);
  let o = 0;
  while (pos < input.length) {
    const tag = input[pos++];
    const kind = tag & 3;
    let len;
    if (kind === 0) {
      len = (tag >>> 2) + 1;
      if (len > 60) {
        const n = len - 60;
        if (pos + n > input.length) throw new Error('snappy: literal length past the end');
        len = 1;
        for (let i = 0; i < n; i++) len += input[pos + i] * 2 ** (8 * i);
        pos += n;
      }
      if (pos + len > input.length || o + len > outputLength) throw new Error('snappy: literal past the end');
      out.set(input.subarray(pos, pos + len), o);
      pos += len; o += len;
      continue;
    }
    let offset = 0;
    if (kind === 1) {
      if (pos >= input.length) throw new Error('snappy: copy past the end');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++];
    } else {
      const n = kind === 2 ? 2 : 4;
      if (pos + n > input.length) throw new Error('snappy: copy past the end');
      len = (tag >>> 2) + 1;
      for (let i = 0; i < n; i++) offset += input[pos + i] * 2 ** (8 * i);
      pos += n;
    }
    if (offset === 0 || offset > o || o + len > outputLength) throw new Error('snappy: bad copy at ' + o);
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset];
  }
  if (o !== outputLength) throw new Error('snappy: ' + o + ' of ' + outputLength + ' bytes');
  return out;
}
const num = (v) => typeof v === 'bigint' ? (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : NaN) : typeof v === 'number' ? v : NaN;
(async () => {
  try {
    const { parquetMetadata, parquetReadObjects } = await import(workerData.url);
    const buffer = workerData.buffer;
    const meta = parquetMetadata(buffer);
    const rowCount = Number(meta.num_rows);
    if (!(rowCount >= 0) || rowCount > workerData.maxRows) {
      parentPort.postMessage({ refused: meta.num_rows + ' rows, over the ' + workerData.maxRows + ' limit' });
      return;
    }
    const names = meta.schema.slice(1).map((s) => s.name);
    const missing = workerData.columns.filter((c) => !names.includes(c));
    if (missing.length > 0) {
      parentPort.postMessage({ refused: 'not a Kaggle-ISLR landmark parquet: missing column(s) ' + missing.join(', ') + ' (has ' + names.join(', ') + ')' });
      return;
    }
    const rows = await parquetReadObjects({ file: buffer, columns: workerData.columns, compressors: { SNAPPY: snappy } });
    const n = rows.length;
    const cols = { frame: new Float64Array(n), type: new Uint8Array(n), landmark: new Float64Array(n), x: new Float64Array(n), y: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      cols.frame[i] = num(r.frame);
      const t = workerData.types.indexOf(r.type);
      cols.type[i] = t < 0 ? 255 : t;
      if (t < 0 && cols.unknownType === undefined) cols.unknownType = JSON.stringify(r.type) ?? String(r.type);
      cols.landmark[i] = num(r.landmark_index);
      cols.x[i] = typeof r.x === 'number' ? r.x : NaN;
      cols.y[i] = typeof r.y === 'number' ? r.y : NaN;
    }
    parentPort.postMessage({ columns: cols }, [cols.frame.buffer, cols.type.buffer, cols.landmark.buffer, cols.x.buffer, cols.y.buffer]);
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
})();
});
`;

let hyparquetUrl: string | undefined;

/** Decodes the ISLR columns in a child process; rejects with a PoseFormatError on refusal, failure, timeout or OOM. */
function decodeInWorker(bytes: Uint8Array, file: string, maxRows: number, timeoutMs: number, maxHeapMb: number): Promise<IslrColumns> {
  hyparquetUrl ??= pathToFileURL(createRequire(import.meta.url).resolve('hyparquet')).href;
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return new Promise((resolve, reject) => {
    const worker = spawn(process.execPath, [`--max-old-space-size=${maxHeapMb}`, '-e', WORKER_SOURCE], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced', env: { ...process.env, NODE_OPTIONS: '' },
    });
    worker.send({ url: hyparquetUrl, buffer, maxRows, columns: REQUIRED, types: TYPES });
    let settled = false;
    const finish = (err: PoseFormatError | null, cols?: IslrColumns) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (worker.exitCode === null) worker.kill('SIGKILL');
      if (err) reject(err);
      else resolve(cols as IslrColumns);
    };
    const timer = setTimeout(() => finish(new PoseFormatError(file, `parquet decoding took over ${timeoutMs} ms; refusing (corrupted page lengths?)`)), timeoutMs);
    worker.on('message', (m: { columns?: IslrColumns; refused?: string; error?: string }) => {
      if (m.columns) finish(null, m.columns);
      else if (m.refused) finish(new PoseFormatError(file, m.refused));
      else finish(new PoseFormatError(file, `unreadable parquet: ${m.error ?? 'unknown error'}`));
    });
    worker.on('error', (e) => finish(new PoseFormatError(file, `unreadable parquet: ${e.message}`, { cause: e })));
    worker.on('exit', (code, signal) => finish(new PoseFormatError(file, `parquet decoder stopped (${signal ?? `exit code ${code}`}; out of memory or a corrupted file)`)));
  });
}

/** Parses a Kaggle-ISLR-schema parquet file into a DWPose-128 `PoseSequence`. */
export async function parseIslrParquet(bytes: Uint8Array, file: string, limitsIn: Partial<ReadLimits> = {}, options: IslrParquetOptions = {}): Promise<PoseSequence> {
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...limitsIn };
  if (bytes.length > limits.maxBytes) throw new PoseFormatError(file, `${bytes.length} bytes, over the ${limits.maxBytes}-byte limit`);
  const cols = await decodeInWorker(bytes, file, limits.maxEntries, options.timeoutMs ?? 30_000, options.maxHeapMb ?? 1024);
  const rows = cols.frame.length;
  const frameNumbers = new Set<number>();
  for (let i = 0; i < rows; i++) {
    const f = cols.frame[i];
    if (!Number.isSafeInteger(f)) throw new PoseFormatError(file, `bad frame value ${f} in row ${i}`);
    frameNumbers.add(f);
  }
  if (frameNumbers.size > limits.maxFrames) throw new PoseFormatError(file, `${frameNumbers.size} frames, over the ${limits.maxFrames} limit`);
  const order = [...frameNumbers].sort((a, b) => a - b);
  const frameIndex = new Map(order.map((f, i) => [f, i]));
  const h = emptyHolisticFrames(order.length);
  const targets = [h.pose, h.face, h.leftHand, h.rightHand];
  for (let i = 0; i < rows; i++) {
    const t = cols.type[i];
    if (t >= TYPES.length) throw new PoseFormatError(file, `unknown landmark type ${cols.unknownType} (expected ${TYPES.join(', ')})`);
    const count = COUNTS[t];
    const k = cols.landmark[i];
    if (!(Number.isInteger(k) && k >= 0 && k < count)) throw new PoseFormatError(file, `${TYPES[t]} landmark_index ${k} outside 0..${count - 1} in row ${i}`);
    const x = cols.x[i];
    const y = cols.y[i];
    const present = Number.isFinite(x) && Number.isFinite(y);
    const o = ((frameIndex.get(cols.frame[i]) ?? 0) * count + k) * 3;
    const target = targets[t];
    target[o] = present ? x : 0;
    target[o + 1] = present ? y : 0;
    target[o + 2] = present ? 1 : 0;
  }
  const seq = new PoseSequence({
    id: options.id ?? basename(file, extname(file)),
    fps: options.fps ?? ISLR_DEFAULT_FPS,
    width: options.width ?? 1,
    height: options.height ?? 1,
    text: null,
    gloss: null,
    source: 'parquet-islr',
  }, holisticToDwpose(h));
  return seq.validate(file);
}

/** Reads a Kaggle-ISLR-schema parquet file from disk. */
export async function readIslrParquet(path: string, limits: Partial<ReadLimits> = {}, options: IslrParquetOptions = {}): Promise<PoseSequence> {
  const bytes = await readInputFile(path, { maxBytes: limits.maxBytes ?? DEFAULT_LIMITS.maxBytes });
  return parseIslrParquet(bytes, path, limits, options);
}
